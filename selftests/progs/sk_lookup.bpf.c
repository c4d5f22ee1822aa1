// SPDX-License-Identifier: GPL-2.0
/*
 * Socket lookups: bpf_sk_lookup_tcp/udp and bpf_skc_lookup_tcp acquire a
 * reference, bpf_sk_release releases it.  NULL checks in their usual forms,
 * branches where only one path leaks, many references held at once.
 */
#include "corpus2.h"
#include <bpf/bpf_endian.h>

/* A register copy the compiler cannot fold away: the verifier sees a
 * "rX = rY" move, so both registers carry the same reference id. */
#define reg_copy(dst, src) asm volatile("%0 = %1" : "=r"(dst) : "r"(src))

volatile int knob;

// expect: sk_udp_if accept
SEC("tc")
int sk_udp_if(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_udp, skb);

	if (sk) {
		knob = sk->mark;
		bpf_sk_release(sk);
	}
	return TC_ACT_OK;
}

// expect: sk_udp_leak2 reject "Unreleased reference" suggest=none
SEC("tc")
int sk_udp_leak2(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_udp, skb);

	if (sk)
		knob = sk->mark;
	return TC_ACT_OK;
}

// expect: skc_tcp_early accept
SEC("tc")
int skc_tcp_early(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_skc_lookup_tcp, skb);

	if (!sk)
		return TC_ACT_SHOT;
	knob = sk->family;
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

// expect: skc_tcp_leak reject "Unreleased reference"
SEC("tc")
int skc_tcp_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_skc_lookup_tcp, skb);

	return sk ? TC_ACT_SHOT : TC_ACT_OK;
}

/* sk == NULL tested through a copy; the original register is released. */
// expect: sk_eq_null_copy accept
SEC("tc")
int sk_eq_null_copy(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);
	struct bpf_sock *copy;

	reg_copy(copy, sk);
	if (copy == NULL)
		return TC_ACT_OK;
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* Checked on the original, released through the copy. */
// expect: sk_rel_copy accept
SEC("tc")
int sk_rel_copy(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);
	struct bpf_sock *copy;

	reg_copy(copy, sk);
	if (sk != NULL)
		bpf_sk_release(copy);
	return TC_ACT_OK;
}

/* Checked through a copy, but only the copy's NULL branch returns early:
 * the non-NULL path forgets to release. */
// expect: sk_copy_leak reject "Unreleased reference" suggest=none
SEC("tc")
int sk_copy_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);
	struct bpf_sock *copy;

	reg_copy(copy, sk);
	if (!copy)
		return TC_ACT_OK;
	knob = sk->mark;
	return TC_ACT_SHOT;
}

// expect: sk_xdp_rel accept
SEC("xdp")
int sk_xdp_rel(struct xdp_md *xdp)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, xdp);

	if (!sk)
		return XDP_PASS;
	bpf_sk_release(sk);
	return XDP_DROP;
}

// expect: sk_xdp_leak reject "Unreleased reference"
SEC("xdp")
int sk_xdp_leak(struct xdp_md *xdp)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_udp, xdp);

	if (!sk)
		return XDP_PASS;
	return XDP_DROP;
}

/* Leaks on exactly one branch of a condition, releases on the other. */
// expect: sk_branch_leak reject "Unreleased reference" suggest=139:141
SEC("tc")
int sk_branch_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);

	if (!sk)
		return TC_ACT_OK;
	if (skb->len > 100)
		return TC_ACT_SHOT;	/* leak */
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

static __always_inline int classify(struct __sk_buff *skb)
{
	if (skb->len < 64)
		return 0;
	if (skb->len < 512)
		return 1;
	if (skb->protocol == bpf_htons(0x86dd))
		return 2;
	return 3;
}

/* Four paths, all release. */
// expect: sk_paths_ok accept
SEC("tc")
int sk_paths_ok(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);
	int ret = TC_ACT_OK;

	if (!sk)
		return ret;
	switch (classify(skb)) {
	case 0:
		knob = 1;
		bpf_sk_release(sk);
		break;
	case 1:
		knob = sk->mark;
		bpf_sk_release(sk);
		break;
	case 2:
		bpf_sk_release(sk);
		ret = TC_ACT_SHOT;
		break;
	default:
		bpf_sk_release(sk);
		knob = 3;
	}
	return ret;
}

/* Four paths, only the third leaks. */
// expect: sk_paths_leak reject "Unreleased reference" suggest=151:209
SEC("tc")
int sk_paths_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);
	int ret = TC_ACT_OK;

	if (!sk)
		return ret;
	switch (classify(skb)) {
	case 0:
		knob = 1;
		bpf_sk_release(sk);
		break;
	case 1:
		knob = sk->mark;
		bpf_sk_release(sk);
		break;
	case 2:
		ret = TC_ACT_SHOT;	/* leak */
		break;
	default:
		bpf_sk_release(sk);
		knob = 3;
	}
	return ret;
}

/* Eight references held at once, then released. */
#define LOOKUP8(s)							\
	struct bpf_sock *s##0 = SK_LOOKUP(bpf_sk_lookup_tcp, skb);	\
	struct bpf_sock *s##1 = SK_LOOKUP(bpf_sk_lookup_udp, skb);	\
	struct bpf_sock *s##2 = SK_LOOKUP(bpf_sk_lookup_tcp, skb);	\
	struct bpf_sock *s##3 = SK_LOOKUP(bpf_sk_lookup_udp, skb);	\
	struct bpf_sock *s##4 = SK_LOOKUP(bpf_skc_lookup_tcp, skb);	\
	struct bpf_sock *s##5 = SK_LOOKUP(bpf_sk_lookup_tcp, skb);	\
	struct bpf_sock *s##6 = SK_LOOKUP(bpf_sk_lookup_udp, skb);	\
	struct bpf_sock *s##7 = SK_LOOKUP(bpf_sk_lookup_tcp, skb);

// expect: sk_many8 accept
SEC("tc")
int sk_many8(struct __sk_buff *skb)
{
	LOOKUP8(s)
	if (s0) bpf_sk_release(s0);
	if (s1) bpf_sk_release(s1);
	if (s2) bpf_sk_release(s2);
	if (s3) bpf_sk_release(s3);
	if (s4) bpf_sk_release(s4);
	if (s5) bpf_sk_release(s5);
	if (s6) bpf_sk_release(s6);
	if (s7) bpf_sk_release(s7);
	return TC_ACT_OK;
}

/* Eight references held at once, the sixth is never released. */
// expect: sk_many8_leak reject "Unreleased reference"
SEC("tc")
int sk_many8_leak(struct __sk_buff *skb)
{
	LOOKUP8(s)
	if (s0) bpf_sk_release(s0);
	if (s1) bpf_sk_release(s1);
	if (s2) bpf_sk_release(s2);
	if (s3) bpf_sk_release(s3);
	if (s4) bpf_sk_release(s4);
	if (s5) knob = s5->mark;
	if (s6) bpf_sk_release(s6);
	if (s7) bpf_sk_release(s7);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
