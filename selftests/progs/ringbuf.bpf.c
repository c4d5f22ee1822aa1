// SPDX-License-Identifier: GPL-2.0
/* Ring buffer records and ring buffer dynptrs. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} rb_jmp SEC(".maps");

// expect: rb_submit accept
SEC("tc")
int rb_submit(struct __sk_buff *skb)
{
	__u64 *v = bpf_ringbuf_reserve(&rb, sizeof(*v), 0);

	if (!v)
		return 0;
	*v = skb->len;
	bpf_ringbuf_submit(v, 0);
	return 0;
}

// expect: rb_discard accept
SEC("tc")
int rb_discard(struct __sk_buff *skb)
{
	__u64 *v = bpf_ringbuf_reserve(&rb, sizeof(*v), 0);

	if (!v)
		return 0;
	if (skb->len > 100)
		bpf_ringbuf_discard(v, 0);
	else
		bpf_ringbuf_submit(v, 0);
	return 0;
}

// expect: rb_leak reject "Unreleased reference"
SEC("tc")
int rb_leak(struct __sk_buff *skb)
{
	__u64 *v = bpf_ringbuf_reserve(&rb, sizeof(*v), 0);

	if (!v)
		return 0;
	*v = 1;
	return 0;
}

// expect: rb_dyn_submit accept
SEC("tc")
int rb_dyn_submit(struct __sk_buff *skb)
{
	struct bpf_dynptr d;
	__u64 x = skb->len;

	bpf_ringbuf_reserve_dynptr(&rb, sizeof(x), 0, &d);
	bpf_dynptr_write(&d, 0, &x, sizeof(x), 0);
	bpf_ringbuf_submit_dynptr(&d, 0);
	return 0;
}

// expect: rb_dyn_discard accept
SEC("tc")
int rb_dyn_discard(struct __sk_buff *skb)
{
	struct bpf_dynptr d;

	bpf_ringbuf_reserve_dynptr(&rb, 8, 0, &d);
	bpf_ringbuf_discard_dynptr(&d, 0);
	return 0;
}

// expect: rb_dyn_leak reject "Unreleased reference" suggest=none
SEC("tc")
int rb_dyn_leak(struct __sk_buff *skb)
{
	struct bpf_dynptr d;

	bpf_ringbuf_reserve_dynptr(&rb, 8, 0, &d);
	return 0;
}

/* A ring buffer record held across a tail call. */
// expect: rb_tail_leak reject "tail_call would lead to reference leak"
SEC("tc")
int rb_tail_leak(struct __sk_buff *skb)
{
	__u64 *v = bpf_ringbuf_reserve(&rb, sizeof(*v), 0);

	if (!v)
		return 0;
	bpf_tail_call(skb, &rb_jmp, 0);
	bpf_ringbuf_discard(v, 0);
	return 0;
}

/* A record held across LD_ABS (socket filter, inline asm). */
// expect: rb_ldabs_leak reject "Unreleased reference"
SEC("socket")
__naked int rb_ldabs_leak(void)
{
	asm volatile (
	"r6 = r1;"
	"r1 = %[rb] ll;"
	"r2 = 8;"
	"r3 = 0;"
	"call %[bpf_ringbuf_reserve];"
	"if r0 == 0 goto l0_%=;"
	"r7 = r0;"
	"r0 = *(u8 *)skb[0];"
	"r1 = r7;"
	"r2 = 0;"
	"call %[bpf_ringbuf_discard];"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm_addr(rb), __imm(bpf_ringbuf_reserve), __imm(bpf_ringbuf_discard)
	: __clobber_all);
}

char LICENSE[] SEC("license") = "GPL";
