// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: verifier reference diagnostics for stock kernels.
 *
 * Module entry: debugfs interface under /sys/kernel/debug/bpf_diag.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/utsname.h>
#include "bpf_diag.h"

static struct dentry *bpf_diag_dir;

static int status_show(struct seq_file *m, void *v)
{
	seq_printf(m, "version: %s\n", BPF_DIAG_VERSION);
	seq_printf(m, "kernel: %s\n", init_utsname()->release);
	bpf_diag_hooks_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(status);

static int __init bpf_diag_init(void)
{
	int err;

	err = bpf_diag_hooks_init();
	if (err)
		return err;

	bpf_diag_dir = debugfs_create_dir(BPF_DIAG_DIR, NULL);
	if (IS_ERR(bpf_diag_dir)) {
		bpf_diag_hooks_exit();
		return PTR_ERR(bpf_diag_dir);
	}
	debugfs_create_file("status", 0400, bpf_diag_dir, NULL, &status_fops);
	debugfs_create_file("envs", 0400, bpf_diag_dir, NULL, &bd_envs_fops);
	debugfs_create_file("events", 0400, bpf_diag_dir, NULL, &bd_events_fops);
	debugfs_create_file("filter", 0600, bpf_diag_dir, NULL, &bd_filter_fops);
	return 0;
}

static void __exit bpf_diag_exit(void)
{
	/* files first: an open file keeps the module (fops owner) pinned */
	debugfs_remove_recursive(bpf_diag_dir);
	bpf_diag_hooks_exit();
	bd_store_exit();
}

module_init(bpf_diag_init);
module_exit(bpf_diag_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("BPF verifier reference diagnostics for stock kernels");
MODULE_VERSION(BPF_DIAG_VERSION);
