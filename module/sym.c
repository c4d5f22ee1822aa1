// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: which verifier symbols the running kernel has, asked of the
 * kprobe code, never of kallsyms_lookup_name() (not exported; calling it
 * through an address found with a kprobe is a control-protection fault on
 * CPUs with IBT, as is calling any function whose address the kernel never
 * takes).  At start-up every name bpf_diag may hook or reports on is
 * registered as a disabled kprobe (resolved, never armed): -ENOENT means
 * the kernel has no such symbol.  The address a probe resolved to is kept
 * only to be compared with, or handed to ftrace as a probe target; it is
 * never called.  All of them go in one batch: one grace period.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "internal.h"
#include "hook.h"

#define BD_SYMS_MAX	64

static struct {
	const char *name;
	unsigned long addr;	/* compared with, or a probe target: never called */
	int err;		/* what registering it said: 0, -ENOENT (no symbol), ... */
} syms[BD_SYMS_MAX];
static int nr_syms;
static bool probed;

/* Note @name to be asked about (start-up, before bd_syms_probe()). */
void bd_sym_want(const char *name)
{
	int i;

	if (!name)
		return;
	for (i = 0; i < nr_syms; i++)
		if (!strcmp(syms[i].name, name))
			return;
	if (WARN_ON_ONCE(nr_syms == BD_SYMS_MAX))
		return;
	syms[nr_syms++].name = name;
}

/* Ask the kprobe code about every name noted; false if it could not be asked. */
bool bd_syms_probe(void)
{
	struct kprobe *kp, **reg;
	int i, n = 0;

	kp = kcalloc(nr_syms, sizeof(*kp), GFP_KERNEL);
	reg = kcalloc(nr_syms, sizeof(*reg), GFP_KERNEL);
	if (!kp || !reg) {
		kfree(kp);
		kfree(reg);
		return false;
	}
	for (i = 0; i < nr_syms; i++) {
		kp[i].symbol_name = syms[i].name;
		kp[i].flags = KPROBE_FLAG_DISABLED;
		syms[i].err = register_kprobe(&kp[i]);
		if (syms[i].err)
			continue;
		syms[i].addr = (unsigned long)kp[i].addr;
		reg[n++] = &kp[i];
	}
	if (n)
		unregister_kprobes(reg, n);
	kfree(reg);
	kfree(kp);
	probed = true;
	return true;
}

static int find(const char *name)
{
	int i;

	for (i = 0; i < nr_syms; i++)
		if (!strcmp(syms[i].name, name))
			return i;
	return -1;
}

/* Does the running kernel have @name (asked at start-up)? */
bool bd_sym_present(const char *name)
{
	int i = find(name);

	return i >= 0 && syms[i].err != -ENOENT && probed;
}

/*
 * Where a probe on @name lands (past an ENDBR on IBT kernels): only to be
 * compared with an ip, or given to ftrace as a probe target.  0 if none.
 */
unsigned long bd_sym_probe_addr(const char *name)
{
	int i = find(name);

	return i >= 0 && !syms[i].err ? syms[i].addr : 0;
}

/* How the names were resolved, for status. */
void bd_syms_show(struct seq_file *m)
{
	int i, present = 0;

	for (i = 0; i < nr_syms; i++)
		present += syms[i].err != -ENOENT;
	if (!probed) {
		seq_puts(m, "symbols: not asked (no memory at load): nothing hooked\n");
		return;
	}
	seq_printf(m, "symbols: %d asked of the kprobe code, %d present (disabled kprobes at load, never armed; no address looked up is ever called)\n",
		   nr_syms, present);
}
