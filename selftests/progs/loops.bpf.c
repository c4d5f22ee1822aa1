// SPDX-License-Identifier: GPL-2.0
/*
 * References acquired and released inside loops: bounded loops the
 * verifier walks iteration by iteration, bpf_for (open-coded iterator) and
 * may_goto loops (can_loop).
 */
#include "corpus2.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} lrb SEC(".maps");

struct obj {
	long v;
};

volatile int knob;

// expect: loop_sk_rel accept
SEC("tc")
int loop_sk_rel(struct __sk_buff *skb)
{
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < 6; i++) {
		struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);

		if (!sk)
			continue;
		knob += sk->mark;
		bpf_sk_release(sk);
	}
	return TC_ACT_OK;
}

/* The fourth iteration forgets the socket. */
// expect: loop_sk_leak reject "Unreleased reference" suggest=none:53
SEC("tc")
int loop_sk_leak(struct __sk_buff *skb)
{
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < 6; i++) {
		struct bpf_sock *sk = SK_LOOKUP(bpf_sk_lookup_tcp, skb);

		if (!sk)
			continue;
		if (i == 3)
			continue;	/* leak */
		bpf_sk_release(sk);
	}
	return TC_ACT_OK;
}

// expect: loop_for_rb accept since=6.4
SEC("tc")
int loop_for_rb(struct __sk_buff *skb)
{
	int i;

	bpf_for(i, 0, 16) {
		u32 *rec = bpf_ringbuf_reserve(&lrb, sizeof(*rec), 0);

		if (!rec)
			break;
		*rec = i;
		if (i & 1)
			bpf_ringbuf_discard(rec, 0);
		else
			bpf_ringbuf_submit(rec, 0);
	}
	return TC_ACT_OK;
}

/* Breaking out of the loop with the record still reserved. */
// expect: loop_for_rb_lk reject "Unreleased reference" since=6.4 suggest=91:93
SEC("tc")
int loop_for_rb_lk(struct __sk_buff *skb)
{
	int i;

	bpf_for(i, 0, 16) {
		u32 *rec = bpf_ringbuf_reserve(&lrb, sizeof(*rec), 0);

		if (!rec)
			break;
		*rec = i;
		if (i == skb->len)
			break;		/* leak */
		bpf_ringbuf_submit(rec, 0);
	}
	return TC_ACT_OK;
}

// expect: loop_maygoto accept since=6.9
SEC("tc")
int loop_maygoto(struct __sk_buff *skb)
{
	int i = 0;

	while (i < 1000 && can_loop) {
		struct obj *o = bpf_obj_new(struct obj);

		if (!o)
			break;
		o->v = i++;
		knob = o->v;
		bpf_obj_drop(o);
	}
	return TC_ACT_OK;
}

/* may_goto loop whose early exit keeps the object. */
// expect: loop_maygoto_lk reject "Unreleased reference" since=6.9 suggest=129:131
SEC("tc")
int loop_maygoto_lk(struct __sk_buff *skb)
{
	int i = 0;

	while (i < 1000 && can_loop) {
		struct obj *o = bpf_obj_new(struct obj);

		if (!o)
			break;
		o->v = i++;
		if (o->v == skb->len)
			break;		/* leak */
		bpf_obj_drop(o);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
