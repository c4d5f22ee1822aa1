// SPDX-License-Identifier: GPL-2.0
/*
 * Parent/child references: pointers derived from a referenced socket
 * (bpf_sk_fullsock, bpf_tcp_sock share its reference), and a file dynptr
 * built on a referenced file (bpf_get_task_exe_file): on 7.2 the dynptr
 * holds a child reference whose parent is the file, and releasing the file
 * while the dynptr lives is "Leaking reference ... Release it first.".
 * File dynptrs (bpf_dynptr_from_file) do not exist on 6.12.
 */
#include "corpus2.h"

volatile int knob;

/* A derived pointer read, then the socket released through the parent. */
// expect: sk_fullsock_rel accept
SEC("tc")
int sk_fullsock_rel(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_skc_lookup_tcp, skb);
	struct bpf_sock *full;
	struct bpf_tcp_sock *tp;

	if (!sk)
		return TC_ACT_OK;
	full = bpf_sk_fullsock(sk);
	if (full) {
		knob = full->mark;
		tp = bpf_tcp_sock(full);
		if (tp)
			knob = tp->snd_cwnd;
	}
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

/* Released through the derived pointer instead. */
// expect: sk_child_rel accept
SEC("tc")
int sk_child_rel(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_skc_lookup_tcp, skb);
	struct bpf_sock *full;

	if (!sk)
		return TC_ACT_OK;
	full = bpf_sk_fullsock(sk);
	if (!full) {
		bpf_sk_release(sk);
		return TC_ACT_OK;
	}
	bpf_sk_release(full);
	return TC_ACT_OK;
}

/* Only its NULL path leaks; it parts at the call (7.x, 65) or at the check (6.x, 66) */
// expect: sk_child_leak reject "Unreleased reference" suggest=65:68,66:68
SEC("tc")
int sk_child_leak(struct __sk_buff *skb)
{
	struct bpf_sock *sk = SK_LOOKUP(bpf_skc_lookup_tcp, skb);
	struct bpf_sock *full;

	if (!sk)
		return TC_ACT_OK;
	full = bpf_sk_fullsock(sk);
	if (!full)
		return TC_ACT_OK;	/* leak */
	bpf_sk_release(full);
	return TC_ACT_OK;
}

/* --- file dynptr (7.2) ----------------------------------------------- */

// expect: fdyn_ok accept since=6.19
SEC("lsm/file_open")
int BPF_PROG(fdyn_ok, struct file *f)
{
	struct file *exe = bpf_get_task_exe_file(bpf_get_current_task_btf());
	struct bpf_dynptr d;
	char buf[16];

	if (!exe)
		return 0;
	if (!bpf_dynptr_from_file(exe, 0, &d))
		bpf_dynptr_read(buf, sizeof(buf), &d, 0, 0);
	bpf_dynptr_file_discard(&d);
	bpf_put_file(exe);
	return 0;
}

/* The file is released while the dynptr built on it is alive. */
// expect: fdyn_parent reject "Release it first." since=7.2
SEC("lsm/file_open")
int BPF_PROG(fdyn_parent, struct file *f)
{
	struct file *exe = bpf_get_task_exe_file(bpf_get_current_task_btf());
	struct bpf_dynptr d;
	char buf[16];

	if (!exe)
		return 0;
	bpf_dynptr_from_file(exe, 0, &d);
	bpf_put_file(exe);
	bpf_dynptr_read(buf, sizeof(buf), &d, 0, 0);
	bpf_dynptr_file_discard(&d);
	return 0;
}

/* Both released in the right order on the main path; when the read
 * fails, neither the dynptr nor the file is released. */
// expect: fdyn_leak reject "Unreleased reference" since=6.19 suggest=122:125,122:124
SEC("lsm/file_open")
int BPF_PROG(fdyn_leak, struct file *f)
{
	struct file *exe = bpf_get_task_exe_file(bpf_get_current_task_btf());
	struct bpf_dynptr d;
	char buf[16];

	if (!exe)
		return 0;
	bpf_dynptr_from_file(exe, 0, &d);
	if (bpf_dynptr_read(buf, sizeof(buf), &d, 0, 0))
		return 0;	/* leaks both */
	bpf_dynptr_file_discard(&d);
	bpf_put_file(exe);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
