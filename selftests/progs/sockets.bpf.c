// SPDX-License-Identifier: GPL-2.0
/* Socket references: lookups, NULL checks in every form, many at once. */
#include "corpus.h"

// expect: sk_udp_ok accept
SEC("tc")
int sk_udp_ok(struct __sk_buff *skb)
{
	struct bpf_sock *sk = udp_sk(skb);

	if (sk)
		bpf_sk_release(sk);
	return TC_ACT_OK;
}

// expect: sk_skc_ok accept
SEC("tc")
int sk_skc_ok(struct __sk_buff *skb)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;

	sk = bpf_skc_lookup_tcp(skb, &t, sizeof(t.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return TC_ACT_OK;
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

// expect: sk_udp_leak reject "Unreleased reference" suggest=none
SEC("tc")
int sk_udp_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = udp_sk(skb);

	return sk ? 1 : 0;
}

/* NULL check inverted: work inside if (sk). */
// expect: sk_if_inside accept
SEC("tc")
int sk_if_inside(struct __sk_buff *skb)
{
	struct bpf_sock *sk = tcp_sk(skb);
	int ret = 0;

	if (sk) {
		ret = sk->state;
		bpf_sk_release(sk);
	}
	return ret ? 1 : 0;
}

/* The pointer is checked through a copy. */
// expect: sk_copy_check accept
SEC("tc")
int sk_copy_check(struct __sk_buff *skb)
{
	struct bpf_sock *sk = tcp_sk(skb), *copy = sk;

	if (copy == NULL)
		return TC_ACT_OK;
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* Eight references held at once. */
// expect: sk_many accept
SEC("tc")
int sk_many(struct __sk_buff *skb)
{
	struct bpf_sock *s[8];
	int i;

#pragma clang loop unroll(full)
	for (i = 0; i < 8; i++)
		s[i] = tcp_sk(skb);
#pragma clang loop unroll(full)
	for (i = 0; i < 8; i++)
		if (s[i])
			bpf_sk_release(s[i]);
	return TC_ACT_OK;
}

/* Eight held, seven released. */
// expect: sk_many_leak reject "Unreleased reference"
SEC("tc")
int sk_many_leak(struct __sk_buff *skb)
{
	struct bpf_sock *s[8];
	int i;

#pragma clang loop unroll(full)
	for (i = 0; i < 8; i++)
		s[i] = tcp_sk(skb);
#pragma clang loop unroll(full)
	for (i = 0; i < 7; i++)
		if (s[i])
			bpf_sk_release(s[i]);
	return s[7] ? 1 : 0;
}

static __noinline int release_it(struct bpf_sock *sk)
{
	if (sk)
		bpf_sk_release(sk);
	return 0;
}

/* Released in a bpf-to-bpf call. */
// expect: sk_subprog_rel accept
SEC("tc")
int sk_subprog_rel(struct __sk_buff *skb)
{
	return release_it(tcp_sk(skb));
}

static __noinline struct bpf_sock *get_it(struct __sk_buff *skb)
{
	return tcp_sk(skb);
}

/* Acquired in a bpf-to-bpf call, leaked by the caller. */
// expect: sk_subprog_leak reject "Unreleased reference" suggest=none
SEC("tc")
int sk_subprog_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = get_it(skb);

	return sk ? 1 : 0;
}

/* A bounded loop taking and giving back a reference per iteration. */
// expect: sk_loop_rel accept
SEC("tc")
int sk_loop_rel(struct __sk_buff *skb)
{
	int i, n = 0;

	for (i = 0; i < 4; i++) {
		struct bpf_sock *sk = tcp_sk(skb);

		if (!sk)
			continue;
		n += sk->state;
		bpf_sk_release(sk);
	}
	return n ? 1 : 0;
}

/* Released on both sides of a branch. */
// expect: sk_both_sides accept
SEC("tc")
int sk_both_sides(struct __sk_buff *skb)
{
	struct bpf_sock *sk = tcp_sk(skb);

	if (!sk)
		return 0;
	if (skb->len > 64) {
		bpf_sk_release(sk);
		return 1;
	}
	bpf_sk_release(sk);
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
