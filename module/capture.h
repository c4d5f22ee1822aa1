/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _BPF_DIAG_CAPTURE_H
#define _BPF_DIAG_CAPTURE_H

#include <linux/kprobes.h>

/*
 * One hook: a role, the symbols that can serve it (the first one this
 * kernel has wins), and the handlers: .pre for a kprobe, .entry/.ret for a
 * kretprobe with .data bytes of per-call data.
 */
struct bd_hook {
	const char *role;
	const char * const *syms;
	kprobe_pre_handler_t pre;
	kretprobe_handler_t entry, ret;
	size_t data;
	bool required;		/* nothing is recorded without it */
	const char *loses;	/* what is not recorded without it */
	const char *how;	/* what it does, for status */
	/* filled in at load time */
	const char *sym;	/* the symbol attached, or NULL */
	const char *why;	/* why not attached */
	int err;
	bool attached;
	unsigned long __percpu *hits;	/* handler calls */
	struct kprobe kp;
	struct kretprobe rp;
};

extern struct bd_hook bd_hooks[];
extern const int bd_nr_hooks;
extern const char *bd_layout;
extern bool bd_recording;
int bd_insert_kfuncs_known(void);
bool bd_source_lines(void);
bool bd_async_walks(void);

#endif /* _BPF_DIAG_CAPTURE_H */
