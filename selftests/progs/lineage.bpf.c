// SPDX-License-Identifier: GPL-2.0
/*
 * Where a leaked reference went (bpf_diag's lineage): one shape per kind
 * of holder change, in BPF assembly so that the instructions are exactly
 * these.  Each leaks a bpf_sk_lookup_tcp() socket; the expect line names
 * the lineage's kinds in order (lineage=, a subsequence of the steps),
 * the holders at the leak (held=, "none" where the program lost it),
 * where it was lost, the kind of the step that lost it (lost=), and where
 * to release it (suggest=BRANCH_LINE:RELEASE_LINE or none; via=, the
 * holder it names).
 */
#include "corpus2.h"

/* Copied to r6 and on to r7, r0 overwritten: both copies held at the exit. */
// expect: lin_copy reject "Unreleased reference" lineage=acquire,copy,copy,overwrite held=r6,r7 suggest=none
SEC("tc")
__naked void lin_copy(void)
{
	asm volatile (
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"r6 = r0;"
	"if r6 == 0 goto l0_%=;"
	"r7 = r6;"
	"r0 = 0;"
	"exit;"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

/* Spilled through r10, the registers overwritten, filled back into r7. */
// expect: lin_spill_fill reject "Unreleased reference" lineage=acquire,spill,overwrite,fill held=r7,fp-56 suggest=none
SEC("tc")
__naked void lin_spill_fill(void)
{
	asm volatile (
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"if r0 == 0 goto l0_%=;"
	"*(u64 *)(r10 - 56) = r0;"
	"r0 = 1;"
	"r7 = *(u64 *)(r10 - 56);"
	"r0 = 0;"
	"exit;"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

/* Spilled through a register that points into the stack (r10 - 64 + 8). */
// expect: lin_spill_ptr reject "Unreleased reference" lineage=acquire,copy,spill,clobber held=r6,fp-56 suggest=none
SEC("tc")
__naked void lin_spill_ptr(void)
{
	asm volatile (
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"if r0 == 0 goto l0_%=;"
	"r6 = r0;"
	"r8 = r10;"
	"r8 += -64;"
	"*(u64 *)(r8 + 8) = r6;"
	"call %[bpf_get_prandom_u32];"
	"r0 = 0;"
	"exit;"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm(bpf_get_prandom_u32),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

/* Lost: its only register clobbered by a helper call. */
// expect: lin_lost_call reject "Unreleased reference" lineage=acquire,clobber held=none lost=clobber suggest=none
SEC("tc")
__naked void lin_lost_call(void)
{
	asm volatile (
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"if r0 == 0 goto l0_%=;"
	"call %[bpf_get_prandom_u32];"
	"r0 = 0;"
	"exit;"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm(bpf_get_prandom_u32),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

/* Lost: copied, then both registers overwritten. */
// expect: lin_lost_overwrite reject "Unreleased reference" lineage=acquire,copy,overwrite,overwrite held=none lost=overwrite suggest=none
SEC("tc")
__naked void lin_lost_overwrite(void)
{
	asm volatile (
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"if r0 == 0 goto l0_%=;"
	"r6 = r0;"
	"r0 = 0;"
	"r6 = 0;"
	"exit;"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

/* A spill slot overwritten: lost in the stack. */
// expect: lin_lost_slot reject "Unreleased reference" lineage=acquire,spill,overwrite,overwrite held=none lost=overwrite suggest=none
SEC("tc")
__naked void lin_lost_slot(void)
{
	asm volatile (
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"if r0 == 0 goto l0_%=;"
	"*(u64 *)(r10 - 56) = r0;"
	"r0 = 0;"
	"*(u64 *)(r10 - 56) = r0;"
	"exit;"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

/* Passed to a subprogram, which spills it in its own frame and returns. */
// expect: lin_subprog reject "Unreleased reference" lineage=acquire,copy,arg,spill,frame_exit,clobber held=r6 suggest=none
SEC("tc")
__naked void lin_subprog(void)
{
	asm volatile (
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"if r0 == 0 goto l0_%=;"
	"r6 = r0;"
	"r1 = r0;"
	"call lin_sub_keep;"
	"r0 = 0;"
	"exit;"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

static __naked __noinline __attribute__((used)) void lin_sub_keep(void)
{
	asm volatile (
	"*(u64 *)(r10 - 8) = r1;"
	"r0 = 0;"
	"exit;"
	::: __clobber_all);
}

/* Returned by a subprogram that looked it up: the callee's r0 to the caller's. */
// expect: lin_sub_ret reject "Unreleased reference" lineage=acquire,return,copy,overwrite held=r7 suggest=none
SEC("tc")
__naked void lin_sub_ret(void)
{
	asm volatile (
	"call lin_sub_lookup;"
	"r7 = r0;"
	"if r7 == 0 goto l0_%=;"
	"r0 = 0;"
	"exit;"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	::: __clobber_all);
}

static __naked __noinline __attribute__((used)) void lin_sub_lookup(void)
{
	asm volatile (
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

/*
 * bpf_loop's callback context: a struct on the caller's stack holds the
 * socket; the callback reads it through the pointer it gets (r2).
 */
struct lin_ctx {
	struct bpf_sock *sk;
};

volatile int knob;

static int lin_cb(u32 idx, struct lin_ctx *c)
{
	knob = c->sk ? c->sk->mark : 0;
	return 0;
}

// expect: lin_callback reject "Unreleased reference" lineage=acquire,spill suggest=none
SEC("tc")
int lin_callback(struct __sk_buff *skb)
{
	struct lin_ctx c = {};

	c.sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);
	if (!c.sk)
		return TC_ACT_OK;
	bpf_loop(1, lin_cb, &c, 0);
	return TC_ACT_OK;
}

/* Two sockets: the first released, the second leaked in r7. */
// expect: lin_two reject "Unreleased reference" lineage=acquire,copy held=r7 suggest=none
SEC("tc")
__naked void lin_two(void)
{
	asm volatile (
	"r9 = r1;"
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"r6 = r0;"
	"if r6 == 0 goto l0_%=;"
	"r1 = r9;"
	ASM_SK_LOOKUP(bpf_sk_lookup_udp)
	"r7 = r0;"
	"r1 = r6;"
	"call %[bpf_sk_release];"
	"if r7 == 0 goto l0_%=;"
	"r0 = 0;"
	"exit;"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm(bpf_sk_lookup_udp),
	  __imm(bpf_sk_release),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

/*
 * Spilled, r0 overwritten: only fp-56 holds it at the branch.  Short
 * packets release it (filled back into r1), long ones leak it: the
 * suggestion names the branch, its release, and fp-56 as what to release
 * it through.  The asm is one source line: branch and release share it.
 */
// expect: lin_branch_spill reject "Unreleased reference" lineage=acquire,spill,overwrite held=fp-56 suggest=272:272 via=fp-56
SEC("tc")
__naked void lin_branch_spill(void)
{
	asm volatile (
	"r9 = r1;"
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"if r0 == 0 goto l0_%=;"
	"*(u64 *)(r10 - 56) = r0;"
	"r0 = 0;"
	"r2 = *(u32 *)(r9 + %[len_off]);"
	"if r2 > 100 goto l1_%=;"
	"r1 = *(u64 *)(r10 - 56);"
	"call %[bpf_sk_release];"
	"r0 = 0;"
	"exit;"
"l1_%=:"
	"r0 = 0;"
	"exit;"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm(bpf_sk_release),
	  __imm_const(len_off, __builtin_offsetof(struct __sk_buff, len)),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

char LICENSE[] SEC("license") = "GPL";
