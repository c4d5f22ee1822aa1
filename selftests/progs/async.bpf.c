// SPDX-License-Identifier: GPL-2.0
/*
 * Async callbacks: bpf_wq_set_callback() makes the verifier queue the
 * callback's walk (push_async_cb) on the same stack as the branches
 * push_stack() queued, so its pop comes between theirs.  (bpf_wq rather
 * than bpf_timer: timers are refused on PREEMPT_RT kernels.)
 */
#include "corpus.h"

struct elem {
	struct bpf_wq w;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, struct elem);
} wqs SEC(".maps");

/* 6.12's name; 7.2 has bpf_wq_set_callback() (vmlinux.h) instead */
extern int bpf_wq_set_callback_impl(struct bpf_wq *wq, int (*cb)(void *, int *, void *),
				    unsigned int flags, void *aux__ign) __weak __ksym;

static int wq_cb(void *map, int *key, void *val)
{
	return 0;
}

static __always_inline void arm(void)
{
	struct elem *e;
	int key = 0;

	e = bpf_map_lookup_elem(&wqs, &key);
	if (e) {
		bpf_wq_init(&e->w, &wqs, 0);
		if (bpf_ksym_exists(bpf_wq_set_callback))
			bpf_wq_set_callback(&e->w, wq_cb, 0);
		else
			bpf_wq_set_callback_impl(&e->w, wq_cb, 0, NULL);
	}
}

/* Branches queued before and after the callback; released on every path. */
// expect: async_release accept since=6.10
SEC("tc")
int async_release(struct __sk_buff *skb)
{
	struct bpf_sock *sk = tcp_sk(skb);

	if (!sk)
		return TC_ACT_OK;
	arm();
	if (skb->len > 100)
		bpf_sk_release(sk);
	else
		bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* The short-packet path leaks: it is walked after the callback's. */
// expect: async_branch_leak reject "Unreleased reference" since=6.10 suggest=77:78
SEC("tc")
int async_branch_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = tcp_sk(skb);

	if (!sk)
		return TC_ACT_OK;
	if (skb->len > 100) {
		bpf_sk_release(sk);
		arm();
		return TC_ACT_OK;
	}
	arm();
	if (skb->mark)
		bpf_sk_release(sk);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
