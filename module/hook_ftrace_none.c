// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: a kernel where ftrace cannot hand the handlers their
 * arguments as struct pt_regs (Kbuild's choice, see hook_ftrace.c):
 * every entry hook is a kprobe.
 */
#include <linux/errno.h>
#include <linux/kprobes.h>
#include "hook.h"

const char *bd_entry_hooks_how(void)
{
	return "kprobes (this kernel has no DYNAMIC_FTRACE_WITH_ARGS on x86-64)";
}

int bd_ftrace_attach(struct bd_hook_rt *rt)
{
	return -ENOENT;		/* not tried: status says why in "entry hooks:" */
}

void bd_ftrace_detach(void)
{
}
