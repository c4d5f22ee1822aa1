// SPDX-License-Identifier: GPL-2.0
/*
 * Shapes written in BPF assembly: NULL checks on copy registers, spills of
 * the referenced pointer to the stack, and a leak on only one of two
 * branches.  All use bpf_sk_lookup_tcp/bpf_sk_release in tc programs.
 */
#include "corpus2.h"

/* NULL check on a copy (r6), release through the original (r0 -> r1). */
// expect: asm_copy_null2 accept
SEC("tc")
__naked void asm_copy_null2(void)
{
	asm volatile (
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"r6 = r0;"
	"if r6 == 0 goto l0_%=;"
	"r1 = r0;"
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

/* A chain of copies, "!= NULL" tested on the last one, released through
 * the first. */
// expect: asm_copy_chain accept
SEC("tc")
__naked void asm_copy_chain(void)
{
	asm volatile (
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"r6 = r0;"
	"r7 = r6;"
	"r8 = r7;"
	"if r8 != 0 goto l0_%=;"
	"r0 = 0;"
	"exit;"
"l0_%=:"
	"r1 = r6;"
	"call %[bpf_sk_release];"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm(bpf_sk_release),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

/* NULL check on a copy; the non-NULL side exits without releasing. */
// expect: asm_copy_leak reject "Unreleased reference"
SEC("tc")
__naked void asm_copy_leak(void)
{
	asm volatile (
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"r6 = r0;"
	"if r6 != 0 goto l0_%=;"
	"r0 = 0;"
	"exit;"
"l0_%=:"
	"r0 = 2;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

/* Leak on exactly one of two branches: skb->len > 100 leaks, the other
 * branch releases. */
// expect: asm_one_branch reject "Unreleased reference" suggest=82:82
SEC("tc")
__naked void asm_one_branch(void)
{
	asm volatile (
	"r9 = r1;"
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"if r0 == 0 goto l1_%=;"
	"r6 = r0;"
	"r2 = *(u32 *)(r9 + %[len_off]);"
	"if r2 > 100 goto l0_%=;"
	"r1 = r6;"
	"call %[bpf_sk_release];"
	"r0 = 0;"
	"exit;"
"l0_%=:"
	"r0 = 2;"		/* leaks r6 */
	"exit;"
"l1_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm(bpf_sk_release),
	  __imm_const(len_off, __builtin_offsetof(struct __sk_buff, len)),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

/* Both branches release, through different registers. */
// expect: asm_two_branch accept
SEC("tc")
__naked void asm_two_branch(void)
{
	asm volatile (
	"r9 = r1;"
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"if r0 == 0 goto l1_%=;"
	"r6 = r0;"
	"r7 = r0;"
	"r2 = *(u32 *)(r9 + %[len_off]);"
	"if r2 > 100 goto l0_%=;"
	"r1 = r6;"
	"call %[bpf_sk_release];"
	"r0 = 0;"
	"exit;"
"l0_%=:"
	"r1 = r7;"
	"call %[bpf_sk_release];"
	"r0 = 2;"
	"exit;"
"l1_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm(bpf_sk_release),
	  __imm_const(len_off, __builtin_offsetof(struct __sk_buff, len)),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

/* The pointer is spilled to the stack, checked after the fill, released. */
// expect: asm_spill_rel accept
SEC("tc")
__naked void asm_spill_rel(void)
{
	asm volatile (
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"*(u64 *)(r10 - 56) = r0;"
	"r0 = 0;"
	"r1 = *(u64 *)(r10 - 56);"
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

/* The only copy of the checked pointer (a stack slot) is overwritten. */
// expect: asm_spill_lost reject "Unreleased reference" suggest=none
SEC("tc")
__naked void asm_spill_lost(void)
{
	asm volatile (
	ASM_SK_LOOKUP(bpf_sk_lookup_tcp)
	"if r0 == 0 goto l0_%=;"
	"*(u64 *)(r10 - 56) = r0;"
	"r1 = 0;"
	"*(u64 *)(r10 - 56) = r1;"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_sk_lookup_tcp),
	  __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple))
	: __clobber_all);
}

char LICENSE[] SEC("license") = "GPL";
