// SPDX-License-Identifier: GPL-2.0
/*
 * References across bpf-to-bpf calls and callbacks: static subprograms
 * that acquire for or release on behalf of their caller, global functions
 * (verified on their own) and bpf_loop callbacks.
 */
#include "corpus2.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} crb SEC(".maps");

volatile int knob;

static __noinline struct bpf_sock *sub_lookup(struct __sk_buff *skb)
{
	return SK_LOOKUP(bpf_sk_lookup_tcp, skb);
}

static __noinline int sub_release(struct bpf_sock *sk)
{
	if (sk)
		bpf_sk_release(sk);
	return 0;
}

static __noinline int sub_peek(struct bpf_sock *sk)
{
	return sk ? sk->mark : 0;
}

/* Acquired by the caller, released by a static subprogram. */
// expect: call_sub_rel accept
SEC("tc")
int call_sub_rel(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_udp, skb);

	knob = sub_peek(sk);
	sub_release(sk);
	return TC_ACT_OK;
}

/* Acquired by a static subprogram, returned, released by the caller. */
// expect: call_sub_acq accept
SEC("tc")
int call_sub_acq(struct __sk_buff *skb)
{
	struct bpf_sock *sk = sub_lookup(skb);

	if (!sk)
		return TC_ACT_OK;
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* Acquired by a static subprogram, returned, never released. */
// expect: call_sub_leak reject "Unreleased reference"
SEC("tc")
int call_sub_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = sub_lookup(skb);

	knob = sub_peek(sk);
	return TC_ACT_OK;
}

static __noinline int sub_lookup_drop(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);

	return sk ? 1 : 0;	/* the reference outlives the subprogram */
}

/* A static subprogram leaks: found at the main program's exit. */
// expect: call_sub_inlk reject "Unreleased reference"
SEC("tc")
int call_sub_inlk(struct __sk_buff *skb)
{
	return sub_lookup_drop(skb) ? TC_ACT_SHOT : TC_ACT_OK;
}

/* A global function is verified on its own, with no reference from the
 * caller: it must balance its own. */
__noinline int glob_balanced(struct __sk_buff *skb)
{
	struct bpf_sock *sk;

	if (!skb)
		return 0;
	sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);
	if (!sk)
		return 0;
	bpf_sk_release(sk);
	return 1;
}

__noinline int glob_leaky(struct __sk_buff *skb)
{
	struct bpf_sock *sk;

	if (!skb)
		return 0;
	sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);
	return sk ? 1 : 0;
}

/* The caller holds a reference across the global call. */
// expect: call_glob_ok accept
SEC("tc")
int call_glob_ok(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_udp, skb);
	int r = glob_balanced(skb);

	if (sk)
		bpf_sk_release(sk);
	return r ? TC_ACT_SHOT : TC_ACT_OK;
}

/* The global function itself leaks. */
// expect: call_glob_leak reject "Unreleased reference"
SEC("tc")
int call_glob_leak(struct __sk_buff *skb)
{
	return glob_leaky(skb) ? TC_ACT_SHOT : TC_ACT_OK;
}

/* --- bpf_loop callbacks ---------------------------------------------- */

static int cb_balanced(u32 idx, void *ctx)
{
	u32 *rec = bpf_ringbuf_reserve(&crb, sizeof(*rec), 0);

	if (!rec)
		return 1;
	*rec = idx;
	bpf_ringbuf_submit(rec, 0);
	return 0;
}

static int cb_leaky(u32 idx, void *ctx)
{
	u32 *rec = bpf_ringbuf_reserve(&crb, sizeof(*rec), 0);

	if (!rec)
		return 1;
	*rec = idx;
	return 0;	/* leak */
}

// expect: cb_loop_ok accept
SEC("syscall")
int cb_loop_ok(void *ctx)
{
	bpf_loop(8, cb_balanced, NULL, 0);
	return 0;
}

// expect: cb_loop_leak reject "Unreleased reference" suggest=none
SEC("syscall")
int cb_loop_leak(void *ctx)
{
	bpf_loop(8, cb_leaky, NULL, 0);
	return 0;
}

/* The caller holds a socket reference while bpf_loop runs a callback that
 * balances its own ring buffer records. */
// expect: cb_loop_hold accept
SEC("tc")
int cb_loop_hold(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);

	bpf_loop(4, cb_balanced, NULL, 0);
	if (sk)
		bpf_sk_release(sk);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
