// SPDX-License-Identifier: GPL-2.0
/*
 * Open-coded iterators: bpf_iter_<type>_new acquires a reference on the
 * iterator's stack slots, bpf_iter_<type>_destroy releases it.
 */
#include "corpus2.h"

volatile int knob;

// expect: it_num_ok accept since=6.4
SEC("syscall")
int it_num_ok(void *ctx)
{
	struct bpf_iter_num it;
	int *v, sum = 0;

	bpf_iter_num_new(&it, 0, 10);
	while ((v = bpf_iter_num_next(&it)))
		sum += *v;
	bpf_iter_num_destroy(&it);
	knob = sum;
	return 0;
}

// expect: it_num_nodestr reject "Unreleased reference" since=6.4
SEC("syscall")
int it_num_nodestr(void *ctx)
{
	struct bpf_iter_num it;
	int *v, sum = 0;

	bpf_iter_num_new(&it, 0, 10);
	while ((v = bpf_iter_num_next(&it)))
		sum += *v;
	knob = sum;
	return 0;
}

/* Destroyed on the normal path, not on the early break. */
// expect: it_num_brk_lk reject "Unreleased reference" since=6.4 suggest=48:52
SEC("tc")
int it_num_brk_lk(struct __sk_buff *skb)
{
	struct bpf_iter_num it;
	int *v;

	bpf_iter_num_new(&it, 0, 16);
	while ((v = bpf_iter_num_next(&it))) {
		if (*v == skb->len)
			return TC_ACT_SHOT;	/* leaks the iterator */
	}
	bpf_iter_num_destroy(&it);
	return TC_ACT_OK;
}

/* bpf_for: the cleanup attribute destroys the iterator on every exit. */
// expect: it_bpf_for accept since=6.4
SEC("tc")
int it_bpf_for(struct __sk_buff *skb)
{
	int i, sum = 0;

	bpf_for(i, 0, 32) {
		if (i == skb->len)
			return TC_ACT_SHOT;
		sum += i;
	}
	knob = sum;
	return TC_ACT_OK;
}

/* Two iterators alive at once, nested. */
// expect: it_nested accept since=6.4
SEC("syscall")
int it_nested(void *ctx)
{
	int i, j, sum = 0;

	bpf_for(i, 0, 4)
		bpf_for(j, 0, 4)
			sum += i * j;
	knob = sum;
	return 0;
}

/* Task iterator (RCU protected: fine in a non-sleepable program). */
// expect: it_task_ok accept since=6.7
SEC("tp_btf/task_newtask")
int BPF_PROG(it_task_ok, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *pos;
	int n = 0;

	bpf_for_each(task, pos, NULL, BPF_TASK_ITER_ALL_PROCS)
		n++;
	knob = n;
	return 0;
}

// expect: it_task_leak reject "Unreleased reference" since=6.7
SEC("tp_btf/task_newtask")
int BPF_PROG(it_task_leak, struct task_struct *task, u64 clone_flags)
{
	struct bpf_iter_task it;
	struct task_struct *pos;
	int n = 0;

	bpf_iter_task_new(&it, task, BPF_TASK_ITER_PROC_THREADS);
	while ((pos = bpf_iter_task_next(&it)))
		n++;
	knob = n;
	return 0;
}

/* Each task seen by the iterator is acquired and released in the body. */
// expect: it_task_acq accept since=6.7
SEC("tp_btf/task_newtask")
int BPF_PROG(it_task_acq, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *pos, *t;

	bpf_for_each(task, pos, NULL, BPF_TASK_ITER_ALL_PROCS) {
		t = bpf_task_acquire(pos);
		if (!t)
			continue;
		knob = t->pid;
		bpf_task_release(t);
	}
	return 0;
}

/* css iterator over the descendants of an acquired cgroup. */
// expect: it_css_ok accept since=6.3
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(it_css_ok, struct cgroup *cgrp, const char *path)
{
	struct cgroup_subsys_state *pos;
	struct cgroup *root = bpf_cgroup_from_id(1);
	int n = 0;

	if (!root)
		return 0;
	bpf_for_each(css, pos, &root->self, BPF_CGROUP_ITER_DESCENDANTS_PRE)
		n++;
	bpf_cgroup_release(root);
	knob = n;
	return 0;
}

/* Iterator destroyed, but the cgroup it started from is not released. */
// expect: it_css_cg_leak reject "Unreleased reference" since=6.3 suggest=none
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(it_css_cg_leak, struct cgroup *cgrp, const char *path)
{
	struct cgroup_subsys_state *pos;
	struct cgroup *root = bpf_cgroup_from_id(1);
	int n = 0;

	if (!root)
		return 0;
	bpf_for_each(css, pos, &root->self, BPF_CGROUP_ITER_DESCENDANTS_PRE)
		n++;
	knob = n;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
