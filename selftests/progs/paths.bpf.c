// SPDX-License-Identifier: GPL-2.0
/*
 * Path tests: exactly one path of many leaks a socket reference.  The
 * conditions depend on packet data, so the verifier must walk both sides
 * of every branch.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

static __always_inline struct bpf_sock *pth_lookup(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};

	return bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4),
				 BPF_F_CURRENT_NETNS, 0);
}

/* 2 nested branches: leaks only when both hold. */
// expect: pth_nest2 reject "Unreleased reference" suggest=28:32
SEC("tc")
int pth_nest2(struct __sk_buff *skb)
{
	struct bpf_sock *sk = pth_lookup(skb);
	__u32 a = skb->len, b = skb->mark;

	if (!sk)
		return 0;
	if (a > 10) {
		if (b > 20)
			return 1;
	}
	bpf_sk_release(sk);
	return 0;
}

/* 3 nested branches. */
// expect: pth_nest3 reject "Unreleased reference" suggest=46:52
SEC("tc")
int pth_nest3(struct __sk_buff *skb)
{
	struct bpf_sock *sk = pth_lookup(skb);
	__u32 a = skb->len, b = skb->mark, c = skb->priority;

	if (!sk)
		return 0;
	if (a > 10) {
		if (b > 20) {
			if (c > 30)
				return 1;
		}
	}
	bpf_sk_release(sk);
	return 0;
}

/* 10 nested branches on 10 different fields: one path of 11 leaks. */
// expect: pth_nest10 reject "Unreleased reference" suggest=74:76
SEC("tc")
int pth_nest10(struct __sk_buff *skb)
{
	struct bpf_sock *sk = pth_lookup(skb);

	if (!sk)
		return 0;
	if (skb->len > 1)
		if (skb->mark > 2)
			if (skb->priority > 3)
				if (skb->cb[0] > 4)
					if (skb->cb[1] > 5)
						if (skb->cb[2] > 6)
							if (skb->cb[3] > 7)
								if (skb->cb[4] > 8)
									if (skb->hash > 9)
										if (skb->tc_index > 10)
											return 1;
	bpf_sk_release(sk);
	return 0;
}

/*
 * A loop the verifier walks 2000 times, queueing a branch every time
 * (pruned at the join), then a leak on one side of a last branch.
 */
// expect: pth_loop_leak reject "Unreleased reference" suggest=100:102
SEC("tc")
int pth_loop_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = pth_lookup(skb);
	__u32 len = skb->len, n = 0;
	int i;

	if (!sk)
		return 0;
#pragma clang loop unroll(disable)
	for (i = 0; i < 2000; i++) {
		if (len & (1u << (i & 15)))
			skb->cb[1] = i;	/* a store: the branch stays a branch */
	}
	skb->cb[0] = n;
	if (len > 1000)
		return 1;
	bpf_sk_release(sk);
	return 0;
}

/* The same walk, accepted. */
// expect: pth_loop_ok accept
SEC("tc")
int pth_loop_ok(struct __sk_buff *skb)
{
	struct bpf_sock *sk = pth_lookup(skb);
	__u32 len = skb->len, n = 0;
	int i;

	if (!sk)
		return 0;
#pragma clang loop unroll(disable)
	for (i = 0; i < 2000; i++) {
		if (len & (1u << (i & 15)))
			skb->cb[1] = i;
	}
	skb->cb[0] = n;
	bpf_sk_release(sk);
	return 0;
}

/*
 * The failing path is the NULL branch of the first lookup, walked last:
 * its history starts with the NULL-branch drop recorded when the branch
 * was queued, then a second socket leaks on it.
 */
// expect: pth_null_leak reject "Unreleased reference"
SEC("tc")
int pth_null_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = pth_lookup(skb);

	if (sk) {
		bpf_sk_release(sk);
		return 0;
	}
	sk = pth_lookup(skb);
	if (!sk)
		return 0;
	return sk->mark ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
