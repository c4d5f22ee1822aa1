// SPDX-License-Identifier: GPL-2.0
/* Acquiring and releasing kfuncs: tasks, cgroups, cpumasks. */
#include "corpus.h"

// expect: task_acq_rel accept since=6.2
SEC("tp_btf/task_newtask")
int BPF_PROG(task_acq_rel, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *t = bpf_task_acquire(task);

	if (!t)
		return 0;
	bpf_task_release(t);
	return 0;
}

// expect: task_acq_leak reject "Unreleased reference" since=6.2 suggest=none
SEC("tp_btf/task_newtask")
int BPF_PROG(task_acq_leak, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *t = bpf_task_acquire(task);

	return t ? 1 : 0;
}

// expect: task_from_pid accept since=6.3
SEC("tp_btf/task_newtask")
int BPF_PROG(task_from_pid, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *t = bpf_task_from_pid(task->pid);

	if (t)
		bpf_task_release(t);
	return 0;
}

/* Two tasks, released in the opposite order. */
// expect: task_two accept since=6.2
SEC("tp_btf/task_newtask")
int BPF_PROG(task_two, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *a = bpf_task_acquire(task), *b;

	if (!a)
		return 0;
	b = bpf_task_acquire(task);
	if (b)
		bpf_task_release(b);
	bpf_task_release(a);
	return 0;
}

// expect: cgrp_acq_rel accept since=6.3
SEC("tp_btf/task_newtask")
int BPF_PROG(cgrp_acq_rel, struct task_struct *task, u64 clone_flags)
{
	struct cgroup *c = bpf_cgroup_from_id(1);

	if (!c)
		return 0;
	bpf_cgroup_release(c);
	return 0;
}

// expect: cgrp_leak reject "Unreleased reference" since=6.3 suggest=none
SEC("tp_btf/task_newtask")
int BPF_PROG(cgrp_leak, struct task_struct *task, u64 clone_flags)
{
	struct cgroup *c = bpf_cgroup_from_id(1);

	return c ? 1 : 0;
}

// expect: cpumask_ok accept since=6.3
SEC("tp_btf/task_newtask")
int BPF_PROG(cpumask_ok, struct task_struct *task, u64 clone_flags)
{
	struct bpf_cpumask *m = bpf_cpumask_create();

	if (!m)
		return 0;
	bpf_cpumask_set_cpu(0, m);
	bpf_cpumask_release(m);
	return 0;
}

// expect: cpumask_leak reject "Unreleased reference" since=6.3 suggest=none
SEC("tp_btf/task_newtask")
int BPF_PROG(cpumask_leak, struct task_struct *task, u64 clone_flags)
{
	struct bpf_cpumask *m = bpf_cpumask_create();

	if (!m)
		return 0;
	bpf_cpumask_set_cpu(0, m);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
