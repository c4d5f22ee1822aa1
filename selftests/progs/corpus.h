/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the corpus programs, portable between the 6.12 and 7.2
 * stock kernels (the *_impl kfuncs exist on both).
 */
#ifndef _CORPUS_H
#define _CORPUS_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define __contains(name, node) __attribute__((btf_decl_tag("contains:" #name ":" #node)))
#define __percpu_kptr __attribute__((btf_type_tag("percpu_kptr")))
#define private(name) SEC(".data." #name) __hidden __attribute__((aligned(8)))

#define obj_new(type)	((type *)bpf_obj_new_impl(bpf_core_type_id_local(type), NULL))
#define obj_drop(p)	bpf_obj_drop_impl(p, NULL)
#define pcpu_new(type)	((type __percpu_kptr *)bpf_percpu_obj_new_impl(bpf_core_type_id_local(type), NULL))
#define pcpu_drop(p)	bpf_percpu_obj_drop_impl(p, NULL)
#define refcount_acq(p)	bpf_refcount_acquire_impl(p, NULL)
#define list_front(h, n) bpf_list_push_front_impl(h, n, NULL, 0)
#define list_back(h, n)	bpf_list_push_back_impl(h, n, NULL, 0)
#define rb_add(r, n, l)	bpf_rbtree_add_impl(r, n, l, NULL, 0)

/* inline asm helpers, as in the kernel's selftests (bpf_misc.h) */
#define __naked __attribute__((naked))
#define __imm(name) [name]"i"(name)
#define __imm_addr(name) [name]"i"(&name)
#define __clobber_all "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "memory"

#define TC_ACT_OK 0

static __always_inline struct bpf_sock *tcp_sk(struct __sk_buff *skb)
{
	struct bpf_sock_tuple t = {};

	return bpf_sk_lookup_tcp(skb, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
}

static __always_inline struct bpf_sock *udp_sk(struct __sk_buff *skb)
{
	struct bpf_sock_tuple t = {};

	return bpf_sk_lookup_udp(skb, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
}

#endif /* _CORPUS_H */
