/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for the reference-tracking corpus (selftests/progs/AREA.bpf.c).
 *
 * Every program of the corpus has one manifest line in its file:
 *   // expect: PROGNAME accept
 *   // expect: PROGNAME reject "substring of the verifier's message"
 * optionally followed by " since=X.Y" when it needs a kernel newer than 6.12,
 * and for a leak by what bpf-diag-check must see: its lineage (lineage=KIND,...
 * held=HOLDER,...|none lost=KIND) and suggestion (suggest=BRANCH_LINE:RELEASE_LINE
 * or none[:LINE], via=HOLDER): selftests/tools/lineage_check.h, suggest_check.h.
 *
 * Only the _impl flavours of the allocation kfuncs are used: they exist on
 * every supported kernel (6.12 has no bpf_obj_new without _impl).
 */
#ifndef CORPUS_H
#define CORPUS_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define TC_ACT_OK	0
#define TC_ACT_SHOT	2

#ifndef NULL
#define NULL ((void *)0)
#endif

/* Graph and allocation annotations (as in selftests' bpf_experimental.h). */
#define __contains(name, node) \
	__attribute__((btf_decl_tag("contains:" #name ":" #node)))

/* Global data in its own section, so that it gets its own map: locks and
 * list/rbtree heads that protect each other must share one section. */
#define private(name) SEC(".data." #name) __hidden __attribute__((aligned(8)))

#define bpf_obj_new(type) \
	((type *)bpf_obj_new_impl(bpf_core_type_id_local(type), NULL))
#define bpf_obj_drop(kptr) bpf_obj_drop_impl(kptr, NULL)

#define bpf_percpu_obj_new(type) \
	((type __percpu_kptr *)bpf_percpu_obj_new_impl(bpf_core_type_id_local(type), NULL))
#define bpf_percpu_obj_drop(kptr) bpf_percpu_obj_drop_impl(kptr, NULL)

#define bpf_refcount_acquire(kptr) bpf_refcount_acquire_impl(kptr, NULL)

#define bpf_list_push_front(head, node) bpf_list_push_front_impl(head, node, NULL, 0)
#define bpf_list_push_back(head, node) bpf_list_push_back_impl(head, node, NULL, 0)
#define bpf_rbtree_add(head, node, less) bpf_rbtree_add_impl(head, node, less, NULL, 0)

#ifndef container_of
#define container_of(ptr, type, member)				\
	({ void *__mptr = (void *)(ptr);				\
	   ((type *)(__mptr - __builtin_offsetof(type, member))); })
#endif

/* may_goto (kernel 6.9+, clang 19+): a loop the verifier bounds itself. */
#define can_loop					\
	({ __label__ l_break, l_continue;		\
	bool ret = true;				\
	asm volatile goto("may_goto %l[l_break]"	\
		      :::: l_break);			\
	goto l_continue;				\
	l_break: ret = false;				\
	l_continue:;					\
	ret;						\
	})

/* Inline-asm programs (as in selftests' bpf_misc.h). */
#define __naked __attribute__((naked))
#define __clobber_all "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "memory"
#define __imm(name) [name]"i"(name)
#define __imm_const(name, expr) [name]"i"(expr)
#define __imm_addr(name) [name]"i"(&name)

/*
 * asm: sk = bpf_sk_lookup_tcp(ctx in r1, &tuple, sizeof(tuple), 0, 0)
 * with an all-zero tuple at r10-48; result in r0.  Uses
 * __imm(bpf_sk_lookup_tcp) and __imm_const(tuple_sz, sizeof(struct bpf_sock_tuple)).
 */
#define ASM_SK_LOOKUP(func)		\
	"r2 = 0;"			\
	"*(u32 *)(r10 - 8) = r2;"	\
	"*(u64 *)(r10 - 16) = r2;"	\
	"*(u64 *)(r10 - 24) = r2;"	\
	"*(u64 *)(r10 - 32) = r2;"	\
	"*(u64 *)(r10 - 40) = r2;"	\
	"*(u64 *)(r10 - 48) = r2;"	\
	"r2 = r10;"			\
	"r2 += -48;"			\
	"r3 = %[tuple_sz];"		\
	"r4 = 0;"			\
	"r5 = 0;"			\
	"call %[" #func "];"

/* C: an IPv4 TCP/UDP lookup with an all-zero tuple in the current netns. */
#define SK_LOOKUP(func, ctx)						\
	({ struct bpf_sock_tuple __t = {};				\
	   func(ctx, &__t, sizeof(__t.ipv4), BPF_F_CURRENT_NETNS, 0); })

#endif /* CORPUS_H */
