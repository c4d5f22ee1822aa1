// SPDX-License-Identifier: GPL-2.0
/*
 * Acquiring and releasing kfuncs on kernel objects: tasks, cgroups,
 * cpumasks and files, and kernel-object kptrs stashed in a map.
 */
#include "corpus2.h"

volatile int knob;

/* --- tasks ------------------------------------------------------------ */

// expect: task_acq_rel2 accept since=6.2
SEC("tp_btf/task_newtask")
int BPF_PROG(task_acq_rel2, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *t = bpf_task_acquire(task);

	if (!t)
		return 0;
	knob = t->pid;
	bpf_task_release(t);
	return 0;
}

// expect: task_acq_leak2 reject "Unreleased reference" since=6.2 suggest=none
SEC("tp_btf/task_newtask")
int BPF_PROG(task_acq_leak2, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *t = bpf_task_acquire(task);

	if (t)
		knob = t->pid;
	return 0;
}

/* bpf_task_from_pid in a syscall program; acquire of current on the side. */
// expect: task_pid_rel accept since=6.3
SEC("syscall")
int task_pid_rel(void *ctx)
{
	struct task_struct *cur = bpf_task_acquire(bpf_get_current_task_btf());
	struct task_struct *t = bpf_task_from_pid(1);

	if (t) {
		knob = t->tgid;
		bpf_task_release(t);
	}
	if (cur)
		bpf_task_release(cur);
	return 0;
}

// expect: task_pid_leak reject "Unreleased reference" since=6.3 suggest=none
SEC("syscall")
int task_pid_leak(void *ctx)
{
	struct task_struct *t = bpf_task_from_pid(1);

	if (!t)
		return 1;
	knob = t->tgid;
	return 0;
}

/* --- cgroups ---------------------------------------------------------- */

// expect: cgrp_acq_rel2 accept since=6.2
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(cgrp_acq_rel2, struct cgroup *cgrp, const char *path)
{
	struct cgroup *c = bpf_cgroup_acquire(cgrp);

	if (!c)
		return 0;
	knob = c->level;
	bpf_cgroup_release(c);
	return 0;
}

// expect: cgrp_id_rel accept since=6.3
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(cgrp_id_rel, struct cgroup *cgrp, const char *path)
{
	struct cgroup *c = bpf_cgroup_from_id(1);

	if (!c)
		return 0;
	bpf_cgroup_release(c);
	return 0;
}

// expect: cgrp_id_leak reject "Unreleased reference" since=6.3 suggest=none
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(cgrp_id_leak, struct cgroup *cgrp, const char *path)
{
	struct cgroup *c = bpf_cgroup_from_id(cgrp->kn->id);

	if (!c)
		return 0;
	knob = c->level;
	return 0;
}

/* The task's cgroup v1 (hierarchy 1): acquired under a held task ref. */
// expect: cgrp1_rel accept since=6.2
SEC("tp_btf/task_newtask")
int BPF_PROG(cgrp1_rel, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *t = bpf_task_acquire(task);
	struct cgroup *c;

	if (!t)
		return 0;
	c = bpf_task_get_cgroup1(t, 1);
	if (c)
		bpf_cgroup_release(c);
	bpf_task_release(t);
	return 0;
}

/* The task is released, its cgroup is not. */
// expect: cgrp1_leak reject "Unreleased reference" since=6.2
SEC("tp_btf/task_newtask")
int BPF_PROG(cgrp1_leak, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *t = bpf_task_acquire(task);
	struct cgroup *c;

	if (!t)
		return 0;
	c = bpf_task_get_cgroup1(t, 1);
	bpf_task_release(t);
	if (c)
		knob = c->level;
	return 0;
}

/* --- cpumasks --------------------------------------------------------- */

// expect: cpumask_rel accept since=6.3
SEC("tp_btf/task_newtask")
int BPF_PROG(cpumask_rel, struct task_struct *task, u64 clone_flags)
{
	struct bpf_cpumask *m = bpf_cpumask_create();

	if (!m)
		return 0;
	bpf_cpumask_set_cpu(0, m);
	knob = bpf_cpumask_test_cpu(0, (const struct cpumask *)m);
	bpf_cpumask_release(m);
	return 0;
}

// expect: cpumask_leak2 reject "Unreleased reference" since=6.3 suggest=none
SEC("tp_btf/task_newtask")
int BPF_PROG(cpumask_leak2, struct task_struct *task, u64 clone_flags)
{
	struct bpf_cpumask *m = bpf_cpumask_create();

	if (!m)
		return 0;
	bpf_cpumask_set_cpu(0, m);
	return 0;
}

/* --- files (LSM) ------------------------------------------------------ */

// expect: file_put accept since=6.12
SEC("lsm/file_open")
int BPF_PROG(file_put, struct file *f)
{
	struct file *exe = bpf_get_task_exe_file(bpf_get_current_task_btf());

	if (!exe)
		return 0;
	knob = exe->f_flags;
	bpf_put_file(exe);
	return 0;
}

// expect: file_leak reject "Unreleased reference" since=6.12 suggest=none
SEC("lsm/file_open")
int BPF_PROG(file_leak, struct file *f)
{
	struct file *exe = bpf_get_task_exe_file(bpf_get_current_task_btf());

	if (!exe)
		return 0;
	knob = exe->f_flags;
	return 0;
}

/* --- kernel-object kptrs in a map ------------------------------------ */

struct task_slot {
	struct task_struct __kptr *task;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, struct task_slot);
} task_map SEC(".maps");

/* The acquired task moves into the map; whatever was there comes out and
 * is released. */
// expect: task_kptr_in accept since=6.2
SEC("tp_btf/task_newtask")
int BPF_PROG(task_kptr_in, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *t, *old;
	struct task_slot *v;
	int key = 0;

	v = bpf_map_lookup_elem(&task_map, &key);
	if (!v)
		return 0;
	t = bpf_task_acquire(task);
	if (!t)
		return 0;
	old = bpf_kptr_xchg(&v->task, t);
	if (old)
		bpf_task_release(old);
	return 0;
}

/* Taking the task out of the map gives a reference back. */
// expect: task_kptr_out reject "Unreleased reference" since=6.2
SEC("tp_btf/task_newtask")
int BPF_PROG(task_kptr_out, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *old;
	struct task_slot *v;
	int key = 0;

	v = bpf_map_lookup_elem(&task_map, &key);
	if (!v)
		return 0;
	old = bpf_kptr_xchg(&v->task, NULL);
	if (old)
		knob = old->pid;	/* leak */
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
