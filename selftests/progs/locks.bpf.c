// SPDX-License-Identifier: GPL-2.0
/*
 * Lock-like states the verifier tracks next to references: an RCU read
 * section must not span a tail call or an LD_ABS, and (6.14+) an IRQ
 * state saved with bpf_local_irq_save must be restored before exit.
 */
#include "corpus2.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} ljmp SEC(".maps");

volatile int knob;

/* An RCU section around a task reference. */
// expect: rcu_task_ok accept since=6.2
SEC("tp_btf/task_newtask")
int BPF_PROG(rcu_task_ok, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *t;

	bpf_rcu_read_lock();
	t = bpf_task_acquire(task);
	bpf_rcu_read_unlock();
	if (t) {
		knob = t->pid;
		bpf_task_release(t);
	}
	return 0;
}

// expect: rcu_tail_call reject "tail_call cannot be used inside bpf_rcu_read_lock-ed region" since=6.2
SEC("tc")
int rcu_tail_call(struct __sk_buff *skb)
{
	bpf_rcu_read_lock();
	bpf_tail_call(skb, &ljmp, 0);
	bpf_rcu_read_unlock();
	return TC_ACT_OK;
}

// expect: rcu_ld_abs reject "BPF_LD_[ABS|IND] cannot be used inside bpf_rcu_read_lock-ed region" since=6.2
SEC("tc")
__naked void rcu_ld_abs(void)
{
	asm volatile (
	"r6 = r1;"
	"call %[bpf_rcu_read_lock];"
	"r0 = *(u8 *)skb[0];"
	"call %[bpf_rcu_read_unlock];"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_rcu_read_lock),
	  __imm(bpf_rcu_read_unlock)
	: __clobber_all);
}

/* Make the kfuncs used only from asm known to libbpf (BTF FUNC records). */
void __kfunc_btf_root(void)
{
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
}

// expect: irq_restore_ok accept since=6.14
SEC("tc")
int irq_restore_ok(struct __sk_buff *skb)
{
	unsigned long flags;

	bpf_local_irq_save(&flags);
	knob = skb->len;
	bpf_local_irq_restore(&flags);
	return TC_ACT_OK;
}

// expect: irq_exit_held reject "cannot be used inside bpf_local_irq_save-ed region" since=6.14
SEC("tc")
int irq_exit_held(struct __sk_buff *skb)
{
	unsigned long flags;

	bpf_local_irq_save(&flags);
	if (skb->len > 100)
		return TC_ACT_SHOT;	/* IRQs still disabled */
	bpf_local_irq_restore(&flags);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
