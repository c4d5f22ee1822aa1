// SPDX-License-Identifier: GPL-2.0
/*
 * Ring buffer records: bpf_ringbuf_reserve acquires a reference to the
 * record, bpf_ringbuf_submit/discard release it.  The dynptr flavour
 * (bpf_ringbuf_reserve_dynptr) acquires a reference that lives in a stack
 * slot and must be released with bpf_ringbuf_submit_dynptr/discard_dynptr
 * even when the reservation failed.
 */
#include "corpus2.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

struct event {
	u32 len;
	u32 mark;
	u64 data[2];
};

volatile int knob;

// expect: rb_submit2 accept
SEC("tc")
int rb_submit2(struct __sk_buff *skb)
{
	struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);

	if (!e)
		return TC_ACT_OK;
	e->len = skb->len;
	e->mark = skb->mark;
	bpf_ringbuf_submit(e, 0);
	return TC_ACT_OK;
}

// expect: rb_discard2 accept
SEC("syscall")
int rb_discard2(void *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);

	if (e == NULL)
		return 0;
	e->len = 0;
	bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
	return 0;
}

/* Submit on one branch, discard on the other. */
// expect: rb_sub_or_disc accept
SEC("tc")
int rb_sub_or_disc(struct __sk_buff *skb)
{
	struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);

	if (!e)
		return TC_ACT_OK;
	if (skb->len > 1000) {
		bpf_ringbuf_discard(e, 0);
		return TC_ACT_SHOT;
	}
	e->len = skb->len;
	bpf_ringbuf_submit(e, 0);
	return TC_ACT_OK;
}

// expect: rb_leak2 reject "Unreleased reference"
SEC("tc")
int rb_leak2(struct __sk_buff *skb)
{
	struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);

	if (!e)
		return TC_ACT_OK;
	e->len = skb->len;
	return TC_ACT_OK;
}

/* Leaks only when the record would be discarded. */
// expect: rb_branch_leak reject "Unreleased reference" suggest=90:93
SEC("tc")
int rb_branch_leak(struct __sk_buff *skb)
{
	struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);

	if (!e)
		return TC_ACT_OK;
	if (skb->len > 1000)
		return TC_ACT_SHOT;	/* leak */
	e->len = skb->len;
	bpf_ringbuf_submit(e, 0);
	return TC_ACT_OK;
}

// expect: rb_dyn_submit2 accept
SEC("tc")
int rb_dyn_submit2(struct __sk_buff *skb)
{
	struct bpf_dynptr ptr;
	u32 len = skb->len;

	if (bpf_ringbuf_reserve_dynptr(&rb, sizeof(struct event), 0, &ptr)) {
		bpf_ringbuf_discard_dynptr(&ptr, 0);
		return TC_ACT_OK;
	}
	bpf_dynptr_write(&ptr, 0, &len, sizeof(len), 0);
	bpf_ringbuf_submit_dynptr(&ptr, 0);
	return TC_ACT_OK;
}

// expect: rb_dyn_discard2 accept
SEC("syscall")
int rb_dyn_discard2(void *ctx)
{
	struct bpf_dynptr ptr;

	bpf_ringbuf_reserve_dynptr(&rb, 64, 0, &ptr);
	bpf_ringbuf_discard_dynptr(&ptr, 0);
	return 0;
}

/* The usual mistake: returning when the reservation failed.  A failed
 * reservation still holds a reference (to a NULL dynptr). */
// expect: rb_dyn_fail_lk reject "Unreleased reference" suggest=133:136
SEC("tc")
int rb_dyn_fail_lk(struct __sk_buff *skb)
{
	struct bpf_dynptr ptr;
	u32 len = skb->len;

	if (bpf_ringbuf_reserve_dynptr(&rb, sizeof(struct event), 0, &ptr))
		return TC_ACT_OK;	/* leak */
	bpf_dynptr_write(&ptr, 0, &len, sizeof(len), 0);
	bpf_ringbuf_submit_dynptr(&ptr, 0);
	return TC_ACT_OK;
}

// expect: rb_dyn_leak2 reject "Unreleased reference"
SEC("syscall")
int rb_dyn_leak2(void *ctx)
{
	struct bpf_dynptr ptr;
	u64 v = 42;

	bpf_ringbuf_reserve_dynptr(&rb, 64, 0, &ptr);
	bpf_dynptr_write(&ptr, 0, &v, sizeof(v), 0);
	return 0;
}

/* A slice (bpf_dynptr_data) derived from the referenced dynptr: the slice
 * dies with the record when it is submitted. */
// expect: rb_dyn_slice accept
SEC("tc")
int rb_dyn_slice(struct __sk_buff *skb)
{
	struct bpf_dynptr ptr;
	struct event *e;

	bpf_ringbuf_reserve_dynptr(&rb, sizeof(*e), 0, &ptr);
	e = bpf_dynptr_data(&ptr, 0, sizeof(*e));
	if (!e) {
		bpf_ringbuf_discard_dynptr(&ptr, 0);
		return TC_ACT_OK;
	}
	e->len = skb->len;
	e->mark = skb->mark;
	bpf_ringbuf_submit_dynptr(&ptr, 0);
	return TC_ACT_OK;
}

/* Slice taken, record leaked on the path where the slice is NULL. */
// expect: rb_dyn_slc_lk reject "Unreleased reference" suggest=183:186
SEC("tc")
int rb_dyn_slc_lk(struct __sk_buff *skb)
{
	struct bpf_dynptr ptr;
	struct event *e;

	bpf_ringbuf_reserve_dynptr(&rb, sizeof(*e), 0, &ptr);
	e = bpf_dynptr_data(&ptr, 0, sizeof(*e));
	if (!e)
		return TC_ACT_OK;	/* leak */
	e->len = skb->len;
	bpf_ringbuf_submit_dynptr(&ptr, 0);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
