// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the control file, and the writable files' second home in /proc.
 *
 * control: "clear" forgets every finished env, "disable" stops recording
 * new verifications (those under way finish), "enable" starts again.
 * Anything else is -EINVAL, and the reason is shown on a "# error: ..."
 * line when the file is read, as the filter's are.
 *
 * Under kernel lockdown (Secure Boot gives "integrity") debugfs refuses to
 * open a file whose mode allows more than reading, even to read it
 * (fs/debugfs/file.c, debugfs_locked_down()).  So filter and control are
 * also /proc/bpf_diag/filter and /proc/bpf_diag/control: the same files,
 * with the same handlers and state, as lib/dynamic_debug.c serves its
 * control file both in debugfs and in /proc.  procfs has no lockdown
 * check for them.  The read-only files stay in debugfs only (0400, no
 * ioctl, no mmap: lockdown lets them be read).  /proc entries do not pin
 * the module: proc_remove() waits for calls under way and releases files
 * still open, so rmmod with them open is safe.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "internal.h"
#include "ctx.h"

#define BD_CONTROL_MAX	16	/* bytes in one write, newline included */

static DEFINE_MUTEX(control_lock);
static char control_error[80];

static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	char buf[BD_CONTROL_MAX], err[sizeof(control_error)] = "", e[40];
	const char *cmd;
	int ret = -EINVAL;

	if (count >= sizeof(buf)) {
		snprintf(err, sizeof(err), "command too long (%zu bytes, at most %d)",
			 count, BD_CONTROL_MAX - 1);
		goto out;
	}
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (strlen(buf) != count) {
		snprintf(err, sizeof(err), "NUL byte in command");
		goto out;
	}
	cmd = strim(buf);
	ret = 0;
	if (!strcmp(cmd, "clear")) {
		bd_store_clear();
	} else if (!strcmp(cmd, "enable")) {
		WRITE_ONCE(bd_recording, true);
	} else if (!strcmp(cmd, "disable")) {
		WRITE_ONCE(bd_recording, false);
	} else {
		snprintf(err, sizeof(err), "unknown command '%s' (clear enable disable)",
			 bd_esc(cmd, e, sizeof(e)));
		ret = -EINVAL;
	}
out:
	mutex_lock(&control_lock);
	strscpy(control_error, err, sizeof(control_error));
	mutex_unlock(&control_lock);
	return ret ? ret : count;
}

static int control_show(struct seq_file *m, void *v)
{
	mutex_lock(&control_lock);
	if (control_error[0])
		seq_printf(m, "# error: %s\n", control_error);
	mutex_unlock(&control_lock);
	seq_printf(m, "enabled: %s\ncommands: clear enable disable\n",
		   READ_ONCE(bd_recording) ? "yes" : "no");
	return 0;
}

static int control_open(struct inode *inode, struct file *file)
{
	return single_open(file, control_show, NULL);
}

const struct file_operations bd_control_fops = {
	.owner = THIS_MODULE, .open = control_open, .read = seq_read,
	.write = control_write, .llseek = seq_lseek, .release = single_release,
};

static const struct proc_ops control_proc_ops = {
	.proc_open = control_open, .proc_read = seq_read, .proc_write = control_write,
	.proc_lseek = seq_lseek, .proc_release = single_release,
};

static const struct proc_ops filter_proc_ops = {
	.proc_open = bd_filter_open, .proc_read = seq_read, .proc_write = bd_filter_write,
	.proc_lseek = seq_lseek, .proc_release = single_release,
};

static struct proc_dir_entry *proc_dir;

int bd_proc_init(void)
{
	proc_dir = proc_mkdir(BPF_DIAG_DIR, NULL);
	if (!proc_dir) {
		pr_err("cannot create /proc/%s\n", BPF_DIAG_DIR);
		return -ENOMEM;
	}
	if (!proc_create("filter", 0600, proc_dir, &filter_proc_ops) ||
	    !proc_create("control", 0600, proc_dir, &control_proc_ops)) {
		pr_err("cannot create the files of /proc/%s\n", BPF_DIAG_DIR);
		proc_remove(proc_dir);
		return -ENOMEM;
	}
	return 0;
}

void bd_proc_exit(void)
{
	proc_remove(proc_dir);
}
