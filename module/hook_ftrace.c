// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: entry hooks through an ftrace_ops of its own (x86-64 kernels
 * with DYNAMIC_FTRACE_WITH_ARGS; Kbuild picks this file, or
 * hook_ftrace_none.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include "internal.h"
#include "hook.h"

/*
 * Entry hooks through one ftrace_ops: ftrace calls hook_ftrace() from the
 * function's fentry site with the argument registers saved, where a
 * kprobe there goes through kprobe_ftrace_handler(), its lookup of the
 * kprobe and a full struct pt_regs.  The hooks' functions are told apart
 * by the address ftrace passes (the fentry call: the symbol, or an ENDBR
 * after it).  No FTRACE_OPS_FL_RECURSION: the filter holds only verifier
 * functions, which the handlers never call.  The handlers run with
 * preemption off, as under a kprobe, so bd_capture_stop() waits for them;
 * unregister_ftrace_function() then waits (tasks RCU: the ops is a
 * module's, so dynamic) for any task still in hook_ftrace().
 */
#define BD_FT_MAX	8
#define BD_FENTRY_MAX	16
static void hook_ftrace(unsigned long ip, unsigned long parent_ip,
			struct ftrace_ops *op, struct ftrace_regs *fregs);
static struct ftrace_ops bd_fops = { .func = hook_ftrace };
static bool fops_registered, fops_filtered;
static struct bd_hook_rt *ft_rt[BD_FT_MAX];
static unsigned long ft_addr[BD_FT_MAX];
static int nr_ft;

static void notrace hook_ftrace(unsigned long ip, unsigned long parent_ip,
				struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct bd_hook_rt *rt;
	int i, n;

	preempt_disable_notrace();
	/* pairs with the smp_store_release() in attach_ftrace() */
	n = smp_load_acquire(&nr_ft);
	for (i = 0; i < n; i++)
		if (ip - ft_addr[i] < BD_FENTRY_MAX)
			break;
	if (i < n) {
		rt = ft_rt[i];
		this_cpu_inc(*rt->hits);
		rt->h->pre(&rt->kp, bd_ftrace_regs(fregs));
	}
	preempt_enable_notrace();
}

int bd_ftrace_attach(struct bd_hook_rt *rt)
{
	/* the probe target the kprobe code resolved: compared with, never called */
	unsigned long addr = bd_sym_probe_addr(rt->sym);
	int err;

	if (!bd_use_ftrace || !addr || nr_ft == BD_FT_MAX)
		return -ENOENT;
	ft_rt[nr_ft] = rt;
	ft_addr[nr_ft] = addr;
	err = ftrace_set_filter_ip(&bd_fops, addr, 0, 0);
	if (err)
		return err;
	fops_filtered = true;
	if (!fops_registered) {
		err = register_ftrace_function(&bd_fops);
		if (err) {
			ftrace_set_filter_ip(&bd_fops, addr, 1, 0);
			return err;
		}
		fops_registered = true;
	}
	/* the entry is complete before hook_ftrace() can see it */
	smp_store_release(&nr_ft, nr_ft + 1);
	return 0;
}

const char *bd_entry_hooks_how(void)
{
	if (!bd_use_ftrace)
		return "kprobes (ftrace=0)";
	return nr_ft ? "bpf_diag's own ftrace_ops (a kprobe where ftrace refused one)" :
		"kprobes (ftrace took none)";
}

/* After bd_capture_stop(): once this returns no hook_ftrace() runs. */
void bd_ftrace_detach(void)
{
	if (fops_registered)
		unregister_ftrace_function(&bd_fops);
	if (fops_filtered)
		ftrace_free_filter(&bd_fops);
	fops_registered = false;
	fops_filtered = false;
}
