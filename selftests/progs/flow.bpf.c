// SPDX-License-Identifier: GPL-2.0
/*
 * Iterators, callbacks, locks, exceptions, and shapes written in inline
 * asm where C cannot say them.
 */
#include "corpus.h"

/* Open-coded iterator: its state is a reference. */
// expect: iter_num_ok accept since=6.4
SEC("tc")
int iter_num_ok(struct __sk_buff *skb)
{
	struct bpf_iter_num it;
	int *v, sum = 0;

	bpf_iter_num_new(&it, 0, 8);
	while ((v = bpf_iter_num_next(&it)))
		sum += *v;
	bpf_iter_num_destroy(&it);
	return sum > 100;
}

// expect: iter_num_leak reject "Unreleased reference" since=6.4 suggest=none
SEC("tc")
int iter_num_leak(struct __sk_buff *skb)
{
	struct bpf_iter_num it;
	int *v;

	bpf_iter_num_new(&it, 0, 8);
	v = bpf_iter_num_next(&it);
	return v ? *v : 0;
}

/* A socket reference held while iterating. */
// expect: iter_with_sk accept since=6.4
SEC("tc")
int iter_with_sk(struct __sk_buff *skb)
{
	struct bpf_sock *sk = tcp_sk(skb);
	struct bpf_iter_num it;
	int *v, n = 0;

	if (!sk)
		return 0;
	bpf_iter_num_new(&it, 0, 4);
	while ((v = bpf_iter_num_next(&it)))
		n += *v;
	bpf_iter_num_destroy(&it);
	bpf_sk_release(sk);
	return n;
}

struct cb_ctx {
	struct __sk_buff *skb;
	int n;
};

static int cb_take_give(__u32 i, struct cb_ctx *c)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;

	sk = bpf_sk_lookup_tcp(c->skb, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (sk) {
		c->n++;
		bpf_sk_release(sk);
	}
	return 0;
}

/* References taken and given back inside a bpf_loop callback. */
// expect: loop_cb_ok accept
SEC("tc")
int loop_cb_ok(struct __sk_buff *skb)
{
	struct cb_ctx c = { .skb = skb };

	bpf_loop(4, cb_take_give, &c, 0);
	return c.n;
}

static int cb_take(__u32 i, struct cb_ctx *c)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;

	sk = bpf_sk_lookup_tcp(c->skb, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (sk)
		c->n++;
	return 0;
}

/* A callback that keeps what it took. */
// expect: loop_cb_leak reject "Unreleased reference" suggest=none
SEC("tc")
int loop_cb_leak(struct __sk_buff *skb)
{
	struct cb_ctx c = { .skb = skb };

	bpf_loop(4, cb_take, &c, 0);
	return c.n;
}

/* A reference held across a bpf_loop that does not touch it. */
// expect: loop_held_ok accept
SEC("tc")
int loop_held_ok(struct __sk_buff *skb)
{
	struct bpf_sock *sk = tcp_sk(skb);
	struct cb_ctx c = { .skb = skb };

	if (!sk)
		return 0;
	bpf_loop(2, cb_take_give, &c, 0);
	bpf_sk_release(sk);
	return c.n;
}

struct lval {
	struct bpf_spin_lock lock;
	long cnt;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, struct lval);
} lmap SEC(".maps");

/* A spin lock (a lock state in refs[] on 7.2, not an owned resource). */
// expect: lock_ok accept
SEC("tc")
int lock_ok(struct __sk_buff *skb)
{
	struct lval *v;
	int k = 0;

	v = bpf_map_lookup_elem(&lmap, &k);
	if (!v)
		return 0;
	bpf_spin_lock(&v->lock);
	v->cnt++;
	bpf_spin_unlock(&v->lock);
	return 0;
}

/* A socket reference and a lock state together. */
// expect: lock_sk_ok accept
SEC("tc")
int lock_sk_ok(struct __sk_buff *skb)
{
	struct bpf_sock *sk = tcp_sk(skb);
	struct lval *v;
	int k = 0;

	if (!sk)
		return 0;
	v = bpf_map_lookup_elem(&lmap, &k);
	if (v) {
		bpf_spin_lock(&v->lock);
		v->cnt++;
		bpf_spin_unlock(&v->lock);
	}
	bpf_sk_release(sk);
	return 0;
}

extern void bpf_throw(u64 cookie) __ksym;

/* bpf_throw while holding a reference. */
// expect: throw_leak reject "Unreleased reference" since=6.7
SEC("tc")
int throw_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = tcp_sk(skb);

	if (!sk)
		return 0;
	if (skb->len > 10)
		bpf_throw(1);
	bpf_sk_release(sk);
	return 0;
}

/* NULL check on a copy of the pointer, in another register. */
// expect: asm_copy_null accept
SEC("tc")
__naked int asm_copy_null(void)
{
	asm volatile (
	"r6 = r1;"
	"r2 = 0;"
	"*(u64 *)(r10 - 8) = r2;"
	"*(u64 *)(r10 - 16) = r2;"
	"*(u64 *)(r10 - 24) = r2;"
	"*(u64 *)(r10 - 32) = r2;"
	"*(u64 *)(r10 - 40) = r2;"
	"r2 = r10;"
	"r2 += -40;"
	"r1 = r6;"
	"r3 = 12;"
	"r4 = -1;"
	"r5 = 0;"
	"call %[bpf_sk_lookup_tcp];"
	"r7 = r0;"
	"r8 = r7;"
	"if r8 == 0 goto l0_%=;"
	"r1 = r7;"
	"call %[bpf_sk_release];"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp), __imm(bpf_sk_release)
	: __clobber_all);
}

/* NULL checked with != and the release in the taken branch. */
// expect: asm_ne_check accept
SEC("tc")
__naked int asm_ne_check(void)
{
	asm volatile (
	"r6 = r1;"
	"r2 = 0;"
	"*(u64 *)(r10 - 8) = r2;"
	"*(u64 *)(r10 - 16) = r2;"
	"*(u64 *)(r10 - 24) = r2;"
	"*(u64 *)(r10 - 32) = r2;"
	"*(u64 *)(r10 - 40) = r2;"
	"r2 = r10;"
	"r2 += -40;"
	"r1 = r6;"
	"r3 = 12;"
	"r4 = -1;"
	"r5 = 0;"
	"call %[bpf_sk_lookup_tcp];"
	"if r0 != 0 goto l0_%=;"
	"exit;"
"l0_%=:"
	"r1 = r0;"
	"call %[bpf_sk_release];"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp), __imm(bpf_sk_release)
	: __clobber_all);
}

/* Leaks on one side of a branch on packet length only. */
// expect: asm_one_side reject "Unreleased reference" suggest=257:257
SEC("tc")
__naked int asm_one_side(void)
{
	asm volatile (
	"r6 = r1;"
	"r2 = 0;"
	"*(u64 *)(r10 - 8) = r2;"
	"*(u64 *)(r10 - 16) = r2;"
	"*(u64 *)(r10 - 24) = r2;"
	"*(u64 *)(r10 - 32) = r2;"
	"*(u64 *)(r10 - 40) = r2;"
	"r2 = r10;"
	"r2 += -40;"
	"r1 = r6;"
	"r3 = 12;"
	"r4 = -1;"
	"r5 = 0;"
	"call %[bpf_sk_lookup_tcp];"
	"if r0 == 0 goto l1_%=;"
	"r2 = *(u32 *)(r6 + 0);"
	"if r2 > 100 goto l1_%=;"
	"r1 = r0;"
	"call %[bpf_sk_release];"
"l1_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp), __imm(bpf_sk_release)
	: __clobber_all);
}

char LICENSE[] SEC("license") = "GPL";
