// SPDX-License-Identifier: GPL-2.0
/* Socket references: bpf_sk_lookup_tcp acquires, bpf_sk_release releases. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define TC_ACT_OK 0

static __always_inline struct bpf_sock *lookup(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};

	return bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4),
				 BPF_F_CURRENT_NETNS, 0);
}

/* Accepted: the reference is released on every path. */
// expect: sock_release accept
SEC("tc")
int sock_release(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);

	if (!sk)
		return TC_ACT_OK;
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* Rejected: "Unreleased reference". */
// expect: sock_leak reject "Unreleased reference" suggest=none
SEC("tc")
int sock_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = lookup(skb);

	if (!sk)
		return TC_ACT_OK;
	return sk->mark ? 1 : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
