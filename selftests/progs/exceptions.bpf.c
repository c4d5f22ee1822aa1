// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_throw unwinds the whole program: every reference still held at the
 * throw is a leak, also when the throw happens in a global subprogram
 * called while the caller holds a reference.
 */
#include "corpus2.h"

struct box {
	long v;
};

volatile int knob;

// expect: throw_clean accept since=6.7
SEC("tc")
int throw_clean(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);

	if (sk)
		bpf_sk_release(sk);
	if (skb->len > 1000)
		bpf_throw(1);
	return TC_ACT_OK;
}

// expect: throw_held reject "Unreleased reference" since=6.2
SEC("tc")
int throw_held(struct __sk_buff *skb)
{
	struct box *b = bpf_obj_new(struct box);

	if (!b)
		return TC_ACT_OK;
	if (skb->len > 1000)
		bpf_throw(1);	/* b is still owned */
	bpf_obj_drop(b);
	return TC_ACT_OK;
}

__noinline int glob_may_throw(struct __sk_buff *skb)
{
	if (skb && skb->len > 1000)
		bpf_throw(2);
	return 0;
}

// expect: throw_glob_ok accept since=6.7
SEC("tc")
int throw_glob_ok(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);

	if (sk)
		bpf_sk_release(sk);
	return glob_may_throw(skb);
}

/* The caller holds a socket across a global call that may throw.  6.12
 * does not follow the exception path out of global subprograms and
 * accepts this; 7.2 does (subprog_info.might_throw). */
// expect: throw_glob_held reject "Unreleased reference" since=7.2
SEC("tc")
int throw_glob_held(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);
	int r;

	r = glob_may_throw(skb);
	if (sk)
		bpf_sk_release(sk);
	return r;
}

char LICENSE[] SEC("license") = "GPL";
