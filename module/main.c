// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: verifier reference diagnostics for stock kernels.
 *
 * Module entry: debugfs interface under /sys/kernel/debug/bpf_diag.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include "bpf_diag.h"
#include "capture.h"

static struct dentry *bpf_diag_dir;

/*
 * control: "clear" forgets every finished env, "disable" stops recording
 * new verifications (those under way finish), "enable" starts again.
 * Anything else is -EINVAL.  Reading shows the state and the commands.
 */
static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[16];

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	strim(buf);
	if (!strcmp(buf, "clear"))
		bd_store_clear();
	else if (!strcmp(buf, "enable"))
		WRITE_ONCE(bd_recording, true);
	else if (!strcmp(buf, "disable"))
		WRITE_ONCE(bd_recording, false);
	else
		return -EINVAL;
	return count;
}

static int control_show(struct seq_file *m, void *v)
{
	seq_printf(m, "recording: %s\ncommands: clear enable disable\n",
		   READ_ONCE(bd_recording) ? "enabled" : "disabled");
	return 0;
}

static int control_open(struct inode *inode, struct file *file)
{
	return single_open(file, control_show, NULL);
}

static const struct file_operations control_fops = {
	.owner = THIS_MODULE, .open = control_open, .read = seq_read,
	.write = control_write, .llseek = seq_lseek, .release = single_release,
};

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
	debugfs_create_file("paths", 0400, bpf_diag_dir, NULL, &bd_paths_fops);
	debugfs_create_file("history", 0400, bpf_diag_dir, NULL, &bd_hist_fops);
	debugfs_create_file("filter", 0600, bpf_diag_dir, NULL, &bd_filter_fops);
	debugfs_create_file("report", 0400, bpf_diag_dir, NULL, &bd_report_fops);
	debugfs_create_file("report.json", 0400, bpf_diag_dir, NULL, &bd_json_fops);
	debugfs_create_file("control", 0600, bpf_diag_dir, NULL, &control_fops);
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
