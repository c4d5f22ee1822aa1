// SPDX-License-Identifier: GPL-2.0
/*
 * Programs near the verifier's limit of 1,000,000 processed instructions,
 * for the limits tests and the bench (not in the corpus: no expect lines).  Every
 * iteration of the unrolled loop takes and gives back four ringbuf dynptr
 * references (no NULL branch, so the verifier's branch stack stays empty).
 */
#include "../corpus.h"

/* tuned so that big_full stays just under the limit on 7.2 and 6.12 */
#define BIG_ITERS	22000

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} big_rb SEC(".maps");

static __always_inline void take_give(void)
{
	struct bpf_dynptr d;

	bpf_ringbuf_reserve_dynptr(&big_rb, 8, 0, &d);
	bpf_ringbuf_discard_dynptr(&d, 0);
}

#define BIG_BODY(N)					\
	int i;						\
							\
	for (i = 0; i < (N); i++) {			\
		take_give();				\
		take_give();				\
		take_give();				\
		take_give();				\
	}						\
	return 0

/* About 10% of the limit. */
SEC("tc")
int big_tenth(struct __sk_buff *skb)
{
	BIG_BODY(BIG_ITERS / 10);
}

/* Close to the limit, still accepted. */
SEC("tc")
int big_full(struct __sk_buff *skb)
{
	BIG_BODY(BIG_ITERS);
}

/*
 * For the bench's reader cost: envs of about 1k, 10k and 100k events
 * (each iteration records 8: four acquires, four releases).
 */
SEC("tc")
int big_k1(struct __sk_buff *skb)
{
	BIG_BODY(125);
}

SEC("tc")
int big_k10(struct __sk_buff *skb)
{
	BIG_BODY(1250);
}

SEC("tc")
int big_k100(struct __sk_buff *skb)
{
	BIG_BODY(12500);
}

/*
 * One path through 8200 conditional jumps on an unknown value: each
 * queues its other side, and the 8193rd is refused ("The sequence of 8193
 * jumps is too complex."), after push_stack() has copied the state.  That
 * last push queues nothing: bpf_diag records 8192 paths besides the root.
 */
#define J1	"if %[r] == 7 goto +1; %[s] += 1;"
#define J10	J1 J1 J1 J1 J1 J1 J1 J1 J1 J1
#define J100	J10 J10 J10 J10 J10 J10 J10 J10 J10 J10
#define J1000	J100 J100 J100 J100 J100 J100 J100 J100 J100 J100

SEC("tc")
int big_jumps(struct __sk_buff *skb)
{
	__u64 r = bpf_get_prandom_u32(), s = 0;

	asm volatile(J1000 J1000 J1000 J1000 J1000 J1000 J1000 J1000 J100 J100
		     : [s] "+r"(s) : [r] "r"(r));
	return s;
}

char LICENSE[] SEC("license") = "GPL";
