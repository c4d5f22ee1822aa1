// SPDX-License-Identifier: GPL-2.0
/*
 * Not in the corpus: an input the checker must fail on.  Its expectation
 * (checker.expect) says it loads on every kernel since 6.2, but it calls a
 * kfunc no kernel has, so libbpf refuses it before the verifier sees it.
 * On a kernel at or above since=, "libbpf did not load it" is a failure,
 * not a skip (capture's t_checker_since).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern struct task_struct *bpf_diag_no_such_kfunc(int pid) __ksym;

SEC("tc")
int since_unloadable(struct __sk_buff *skb)
{
	struct task_struct *t = bpf_diag_no_such_kfunc(1);

	return t ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
