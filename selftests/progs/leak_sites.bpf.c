// SPDX-License-Identifier: GPL-2.0
/*
 * Places other than the final exit where a held reference is a leak:
 * bpf_tail_call (never returns on success) and the legacy LD_ABS/LD_IND
 * packet loads (may end the program on a bad offset).
 */
#include "corpus2.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} jmp SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} srb SEC(".maps");

volatile int knob;

/* --- tail calls ------------------------------------------------------- */

// expect: tail_after_rel accept
SEC("tc")
int tail_after_rel(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);

	if (sk) {
		knob = sk->mark;
		bpf_sk_release(sk);
	}
	bpf_tail_call(skb, &jmp, 0);
	return TC_ACT_OK;
}

// expect: tail_held reject "tail_call would lead to reference leak"
SEC("tc")
int tail_held(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);

	bpf_tail_call(skb, &jmp, 0);
	if (sk)
		bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* Only the path with a record still reserved reaches the tail call. */
// expect: tail_rb_held reject "tail_call would lead to reference leak"
SEC("tc")
int tail_rb_held(struct __sk_buff *skb)
{
	u32 *rec = bpf_ringbuf_reserve(&srb, sizeof(*rec), 0);

	if (!rec)
		return TC_ACT_OK;
	*rec = skb->len;
	if (skb->len > 100) {
		bpf_tail_call(skb, &jmp, 1);
		bpf_ringbuf_discard(rec, 0);
		return TC_ACT_SHOT;
	}
	bpf_ringbuf_submit(rec, 0);
	return TC_ACT_OK;
}

/* --- LD_ABS / LD_IND ------------------------------------------------- */
/* 6.12 says "BPF_LD_[ABS|IND] cannot be mixed with socket references",
 * 7.2 says "BPF_LD_[ABS|IND] would lead to reference leak". */

/* socket filter: a ring buffer record reserved, then LD_ABS. */
// expect: ldabs_rb_held reject "BPF_LD_[ABS|IND]"
SEC("socket")
__naked void ldabs_rb_held(void)
{
	asm volatile (
	"r6 = r1;"
	"r1 = %[srb] ll;"
	"r2 = 8;"
	"r3 = 0;"
	"call %[bpf_ringbuf_reserve];"
	"r7 = r0;"
	"r0 = *(u8 *)skb[12];"
	"if r7 == 0 goto l0_%=;"
	"r1 = r7;"
	"r2 = 0;"
	"call %[bpf_ringbuf_submit];"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_ringbuf_reserve),
	  __imm(bpf_ringbuf_submit),
	  __imm_addr(srb)
	: __clobber_all);
}

/* socket filter: the record is submitted before LD_ABS. */
// expect: ldabs_rb_done accept
SEC("socket")
__naked void ldabs_rb_done(void)
{
	asm volatile (
	"r6 = r1;"
	"r1 = %[srb] ll;"
	"r2 = 8;"
	"r3 = 0;"
	"call %[bpf_ringbuf_reserve];"
	"if r0 == 0 goto l0_%=;"
	"r1 = r0;"
	"r2 = 0;"
	"call %[bpf_ringbuf_submit];"
"l0_%=:"
	"r0 = *(u16 *)skb[12];"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_ringbuf_reserve),
	  __imm(bpf_ringbuf_submit),
	  __imm_addr(srb)
	: __clobber_all);
}

/* tc: a socket held across LD_IND. */
// expect: ldind_sk_held reject "BPF_LD_[ABS|IND]"
SEC("tc")
__naked void ldind_sk_held(void)
{
	asm volatile (
	"r6 = r1;"
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"r8 = r0;"
	"r7 = 14;"
	"r0 = *(u32 *)skb[r7];"
	"r1 = r8;"
	"if r1 == 0 goto l0_%=;"
	"call %[bpf_sk_release];"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm(bpf_sk_release),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

/* tc: socket released, then LD_IND. */
// expect: ldind_sk_done accept
SEC("tc")
__naked void ldind_sk_done(void)
{
	asm volatile (
	"r6 = r1;"
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"r1 = r0;"
	"if r1 == 0 goto l0_%=;"
	"call %[bpf_sk_release];"
"l0_%=:"
	"r7 = 14;"
	"r0 = *(u32 *)skb[r7];"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm(bpf_sk_release),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

char LICENSE[] SEC("license") = "GPL";
