// SPDX-License-Identifier: GPL-2.0
/* Features newer than 6.12: IRQ state kfuncs, file dynptrs (parent/child). */
#include "corpus.h"

extern void bpf_local_irq_save(unsigned long *flags) __weak __ksym;
extern void bpf_local_irq_restore(unsigned long *flags) __weak __ksym;

/* An IRQ state: in refs[] and refs= on 7.2, not an owned resource. */
// expect: irq_save_ok accept since=6.14
SEC("tc")
int irq_save_ok(struct __sk_buff *skb)
{
	unsigned long flags;

	bpf_local_irq_save(&flags);
	bpf_local_irq_restore(&flags);
	return 0;
}

/* A socket reference, an IRQ state and a task around each other. */
// expect: irq_sk_ok accept since=6.14
SEC("tc")
int irq_sk_ok(struct __sk_buff *skb)
{
	struct bpf_sock *sk = tcp_sk(skb);
	unsigned long flags;

	if (!sk)
		return 0;
	bpf_local_irq_save(&flags);
	bpf_local_irq_restore(&flags);
	bpf_sk_release(sk);
	return 0;
}

extern struct file *bpf_get_task_exe_file(struct task_struct *task) __weak __ksym;
extern void bpf_put_file(struct file *file) __weak __ksym;
extern int bpf_dynptr_from_file(struct file *file, u32 flags,
				struct bpf_dynptr *ptr__uninit) __weak __ksym;
extern int bpf_dynptr_file_discard(struct bpf_dynptr *dynptr) __weak __ksym;

/*
 * A file dynptr is a child reference of its file.  Releasing the file
 * first: "Leaking reference ... Release it first."
 */
// expect: file_parent_lk reject "Leaking reference" since=7.0
SEC("lsm.s/file_open")
int BPF_PROG(file_parent_lk, struct file *f)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct bpf_dynptr d;
	struct file *exe;

	exe = bpf_get_task_exe_file(t);
	if (!exe)
		return 0;
	bpf_dynptr_from_file(exe, 0, &d);
	bpf_put_file(exe);
	bpf_dynptr_file_discard(&d);
	return 0;
}

/* The same, in the right order. */
// expect: file_dynptr_ok accept since=7.0
SEC("lsm.s/file_open")
int BPF_PROG(file_dynptr_ok, struct file *f)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct bpf_dynptr d;
	struct file *exe;

	exe = bpf_get_task_exe_file(t);
	if (!exe)
		return 0;
	bpf_dynptr_from_file(exe, 0, &d);
	bpf_dynptr_file_discard(&d);
	bpf_put_file(exe);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
