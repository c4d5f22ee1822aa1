// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: verifier reference diagnostics for stock kernels.
 *
 * Module entry: debugfs interface under /sys/kernel/debug/bpf_diag, and
 * /proc/bpf_diag for the writable files (control.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/security.h>
#include <linux/utsname.h>
#include "internal.h"
#include "ctx.h"
#include "hook.h"

static struct dentry *bpf_diag_dir;

static int status_show(struct seq_file *m, void *v)
{
	seq_printf(m, "version: %s\n", BPF_DIAG_VERSION);
	seq_printf(m, "kernel: %s\n", init_utsname()->release);
	/* asks as debugfs does; when locked down, the kernel logs a notice */
	if (security_locked_down(LOCKDOWN_DEBUGFS))
		seq_puts(m, "lockdown: yes: debugfs refuses filter and control; use /proc/bpf_diag/filter and /proc/bpf_diag/control (the same files)\n");
	else
		seq_puts(m, "lockdown: no\n");
	bpf_diag_hooks_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(status);

static const struct {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
} files[] = {
	{ "status", 0400, &status_fops },
	{ "envs", 0400, &bd_envs_fops },
	{ "events", 0400, &bd_events_fops },
	{ "paths", 0400, &bd_paths_fops },
	{ "history", 0400, &bd_hist_fops },
	{ "lineage", 0400, &bd_line_fops },
	{ "filter", 0600, &bd_filter_fops },
	{ "report", 0400, &bd_report_fops },
	{ "report.json", 0400, &bd_json_fops },
	{ "control", 0600, &bd_control_fops },
};

/*
 * Start-up of the capture, in order: the kernel's BTF read (btf.c), the
 * struct members the handlers read checked against it (fields.c) and what
 * depends on them (walk, insn, srcline), the symbols the kernel has asked
 * of the kprobe code (sym.c), then the hooks attached, each after its
 * prototype and members were checked.  Nothing here fails the load: what
 * cannot be had is left out and status says why.  The BTF copy is freed
 * at the end; no handler reads it.
 */
static void bd_start(void)
{
	if (bd_btf_load())
		pr_warn("no BTF: %s; nothing whose layout cannot be checked is hooked\n",
			bd_btf_why());
	bd_layout_init();
	bd_fields_check();
	bd_walk_init();
	bd_path_init();
	bd_lineage_init();
	bd_insn_init();
	bd_srcline_init();
	bd_hooks_want_syms();
	bd_status_want_syms();
	if (!bd_syms_probe())
		pr_warn("no memory to ask which symbols the kernel has: nothing is hooked\n");
	bd_hooks_attach();
	bd_btf_release();
}

/*
 * Memory first, then the files, the hooks last: nothing is recorded before
 * everything it needs exists, and each failure undoes what came before.
 */
static int __init bpf_diag_init(void)
{
	struct dentry *d;
	int err, i;

	bd_params_check();
	err = bd_pool_init();
	if (err) {
		pr_err("no memory for the page pool\n");
		return err;
	}
	bpf_diag_dir = debugfs_create_dir(BPF_DIAG_DIR, NULL);
	if (IS_ERR(bpf_diag_dir)) {
		err = PTR_ERR(bpf_diag_dir);
		if (err == -EPERM)
			pr_err("cannot create /sys/kernel/debug/%s: debugfs is off (debugfs=off on the kernel command line); the reports are served there: boot without it\n",
			       BPF_DIAG_DIR);
		else if (err == -ENODEV)
			pr_err("cannot create /sys/kernel/debug/%s: this kernel has no debugfs (CONFIG_DEBUG_FS), where the reports are served\n",
			       BPF_DIAG_DIR);
		else
			pr_err("cannot create /sys/kernel/debug/%s: %d\n", BPF_DIAG_DIR, err);
		goto out_pool;
	}
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		d = debugfs_create_file(files[i].name, files[i].mode, bpf_diag_dir, NULL,
					files[i].fops);
		if (IS_ERR(d)) {
			err = PTR_ERR(d);
			pr_err("cannot create %s/%s: %d\n", BPF_DIAG_DIR, files[i].name, err);
			goto out_dir;
		}
	}
	bd_pool_debugfs(bpf_diag_dir);
	err = bd_proc_init();
	if (err)
		goto out_dir;
	bd_start();
	return 0;
out_dir:
	debugfs_remove_recursive(bpf_diag_dir);
out_pool:
	bd_pool_exit();
	return err;
}

static void __exit bpf_diag_exit(void)
{
	/* waits for calls under way, releases open files */
	bd_proc_exit();
	/* an open debugfs file pins the module: no reader is left here */
	debugfs_remove_recursive(bpf_diag_dir);
	bpf_diag_hooks_exit();
	bd_store_exit();
	bd_pool_exit();
}

module_init(bpf_diag_init);
module_exit(bpf_diag_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("BPF verifier reference diagnostics for stock kernels");
MODULE_VERSION(BPF_DIAG_VERSION);
