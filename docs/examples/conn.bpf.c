// SPDX-License-Identifier: GPL-2.0
/* An application's BPF object, built outside bpf_diag's tree (CO-RE). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
void bpf_task_release(struct task_struct *p) __ksym;

static __always_inline struct bpf_sock *lookup(struct __sk_buff *skb, __u16 port)
{
	struct bpf_sock_tuple t = {};

	t.ipv4.dport = port;
	return bpf_sk_lookup_tcp(skb, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
}

/* Two lookups through one inline helper; the second leaks on long packets. */
SEC("tc")
int conn_twice(struct __sk_buff *skb)
{
	struct bpf_sock *a, *b;

	a = lookup(skb, 80);
	if (a)
		bpf_sk_release(a);
	b = lookup(skb, 443);
	if (!b)
		return 0;
	if (skb->len > 100)
		return 1;
	bpf_sk_release(b);
	return 0;
}

/* The same, fixed. */
SEC("tc")
int conn_fixed(struct __sk_buff *skb)
{
	struct bpf_sock *a = lookup(skb, 80);

	if (!a)
		return 0;
	bpf_sk_release(a);
	return 1;
}

struct loop_ctx {
	struct __sk_buff *skb;
};

static long cb(__u64 i, void *data)
{
	struct loop_ctx *c = data;
	struct bpf_sock *sk = lookup(c->skb, 8080);

	return sk ? 1 : 0;	/* leaks sk */
}

/* A reference taken in a bpf_loop() callback and never released. */
SEC("tc")
int loop_leak(struct __sk_buff *skb)
{
	struct loop_ctx c = { .skb = skb };

	bpf_loop(4, cb, &c, 0);
	return 0;
}

/* A task reference (kfunc, 6.2 on), leaked when the new task is a kthread. */
SEC("tp_btf/task_newtask")
int BPF_PROG(task_ref, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *t = bpf_task_acquire(task);

	if (!t)
		return 0;
	if (t->flags & 0x00200000)	/* PF_KTHREAD */
		return 0;
	bpf_task_release(t);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
