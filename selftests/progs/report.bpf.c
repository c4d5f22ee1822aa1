// SPDX-License-Identifier: GPL-2.0
/* Programs the report tests read: one branch leaks, the other releases. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

static __always_inline struct bpf_sock *rep_lookup(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};

	return bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4),
				 BPF_F_CURRENT_NETNS, 0);
}

/* Released when the packet is long, leaked otherwise. */
// expect: rep_branch_leak reject "Unreleased reference" suggest=23:24
SEC("tc")
int rep_branch_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = rep_lookup(skb);

	if (!sk)
		return 0;
	if (skb->len > 100) {
		bpf_sk_release(sk);
		return 1;
	}
	return 2;
}

/* Two references; the second leaks at a tail call. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} rep_jmp SEC(".maps");

// expect: rep_tail_leak reject "tail_call would lead to reference leak"
SEC("tc")
int rep_tail_leak(struct __sk_buff *skb)
{
	struct bpf_sock *a = rep_lookup(skb), *b;

	if (!a)
		return 0;
	bpf_sk_release(a);
	b = rep_lookup(skb);
	if (!b)
		return 0;
	bpf_tail_call(skb, &rep_jmp, 0);
	bpf_sk_release(b);
	return 0;
}

/*
 * A name longer than the kernel keeps (BPF_OBJ_NAME_LEN - 1: 15 characters,
 * "long_name_sock_" here): envs, reports and the filter use the source's.
 */
// expect: long_name_sock_leak reject "Unreleased reference" suggest=65:66
SEC("tc")
int long_name_sock_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = rep_lookup(skb);

	if (sk && skb->len > 100)
		bpf_sk_release(sk);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
