// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the filter file, in the style of ftrace's filter files.
 *
 * A write sets the whole filter: space-separated conditions, all of which
 * must hold.
 *
 *   env=N  prog=NAME  prog=PREFIX*  prog=-  ref=ID  path=N  pid=N  comm=NAME
 *   verdict=accepted|rejected  leaked  locks
 *
 * prog= and comm= take names as the files print them: \xHH stands for
 * the byte HH (a space is \x20, a backslash \x5c).  An empty write or
 * "clear" resets it.  A malformed filter is refused with
 * -EINVAL, the old filter stays in force, and the reason is shown on a
 * "# error: ..." line when the file is read.  Each write(2) is one whole
 * filter; the file position is ignored.  Readers of envs, events and report
 * take a copy of the filter when they open the file.
 */
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "internal.h"

#define BD_FILTER_MAX	512	/* bytes in one write, newline included */

static DEFINE_MUTEX(filter_lock);
static struct bd_filter cur_filter;
static char last_error[160];

void bd_filter_get(struct bd_filter *f)
{
	mutex_lock(&filter_lock);
	*f = cur_filter;
	mutex_unlock(&filter_lock);
}

static bool name_ok(const char *s, size_t max, bool prog)
{
	size_t n = strlen(s);

	if (!n || n > max)
		return false;
	/* comm: any bytes (escaped); prog: what BPF allows in a name */
	for (; prog && *s; s++)
		if (!isascii(*s) || !(isalnum(*s) || *s == '_' || *s == '.'))
			return false;
	return true;
}

static __printf(3, 4) int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* @in as printable ASCII for an error message: other bytes as \xHH. */
const char *bd_esc(const char *in, char *out, size_t len)
{
	size_t n = 0;

	for (; *in && n + 5 < len; in++) {
		unsigned char ch = *in;

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			out[n++] = ch;
		else
			n += snprintf(out + n, len - n, "\\x%02x", ch);
	}
	out[n] = '\0';
	return out;
}

/*
 * Decode the \xHH escapes of @s in place (what bd_put_word() writes);
 * false for a backslash not followed by x and two hex digits, or a NUL.
 */
static bool unescape(char *s)
{
	char *out = s, hex[3] = "";
	u8 ch;

	for (; *s; s++) {
		if (*s != '\\') {
			*out++ = *s;
			continue;
		}
		if (s[1] != 'x' || !isxdigit(s[2]) || !isxdigit(s[3]))
			return false;
		memcpy(hex, s + 2, 2);
		if (kstrtou8(hex, 16, &ch) || !ch)
			return false;
		*out++ = ch;
		s += 3;
	}
	*out = '\0';
	return true;
}

static const char * const keys[] = {
	"env", "prog", "ref", "path", "pid", "comm", "verdict", "leaked", "locks",
};

static int parse_one(struct bd_filter *f, char *tok, char *err, size_t errlen)
{
	char e1[40], e2[40];
	char *val = strchr(tok, '=');
	unsigned int bit;
	int ret = 0, i;
	size_t n;

	if (val)
		*val++ = '\0';
	for (i = 0; i < ARRAY_SIZE(keys) && strcmp(tok, keys[i]); i++)
		;
	if (i == ARRAY_SIZE(keys))
		return fail(err, errlen,
			    "unknown key '%s' (env prog ref path pid comm verdict leaked locks)",
			    bd_esc(tok, e1, sizeof(e1)));
	if (!strcmp(tok, "leaked") || !strcmp(tok, "locks")) {
		if (val)
			return fail(err, errlen, "'%s' takes no value",
				    bd_esc(tok, e1, sizeof(e1)));
		bit = tok[1] == 'e' ? BD_F_LEAKED : BD_F_LOCKS;
	} else if (!val || !*val) {
		return fail(err, errlen, "'%s' needs a value (key=value)",
			    bd_esc(tok, e1, sizeof(e1)));
	} else if (!strcmp(tok, "env")) {
		bit = BD_F_ENV;
		ret = kstrtou64(val, 10, &f->env);
	} else if (!strcmp(tok, "ref")) {
		bit = BD_F_REF;
		ret = kstrtou32(val, 10, &f->ref);
		if (!ret && !f->ref)
			return fail(err, errlen, "ref=0 is not a reference id");
	} else if (!strcmp(tok, "path")) {
		bit = BD_F_PATH;
		ret = kstrtou32(val, 10, &f->path);
	} else if (!strcmp(tok, "pid")) {
		bit = BD_F_PID;
		ret = kstrtoint(val, 10, &f->pid);
		if (!ret && f->pid <= 0)
			return fail(err, errlen, "pid must be positive");
	} else if (!strcmp(tok, "prog") && !strcmp(val, "-")) {
		/* a program loaded without a name, which the files print as '-' */
		bit = BD_F_PROG;
		f->prog[0] = '\0';
	} else if (!strcmp(tok, "prog")) {
		bit = BD_F_PROG;
		n = strlen(val);
		f->prog_prefix = val[n - 1] == '*';
		if (f->prog_prefix)
			val[n - 1] = '\0';
		if (!unescape(val) ||
		    (!name_ok(val, BD_NAME_LEN - 1, true) && !(f->prog_prefix && !*val)))
			return fail(err, errlen,
				    "prog: 1-%d characters of [A-Za-z0-9_.], optionally ending in '*', or '-'",
				    BD_NAME_LEN - 1);
		strscpy(f->prog, val, sizeof(f->prog));
	} else if (!strcmp(tok, "comm")) {
		bit = BD_F_COMM;
		if (!unescape(val) || !name_ok(val, TASK_COMM_LEN - 1, false))
			return fail(err, errlen,
				    "comm: 1-%d characters, as envs prints them (\\xHH for a space or a byte outside printable ASCII)",
				    TASK_COMM_LEN - 1);
		strscpy(f->comm, val, sizeof(f->comm));
	} else if (!strcmp(tok, "verdict")) {
		bit = BD_F_VERDICT;
		if (!strcmp(val, "accepted"))
			f->rejected = false;
		else if (!strcmp(val, "rejected"))
			f->rejected = true;
		else
			return fail(err, errlen, "verdict must be accepted or rejected");
	} else {
		/* a key of keys[] not handled above */
		return fail(err, errlen, "key '%s' not implemented", tok);
	}
	if (ret)
		return fail(err, errlen, "%s: not a number in range: '%s'", tok,
			    bd_esc(val, e2, sizeof(e2)));
	if (f->keys & bit)
		return fail(err, errlen, "'%s' given twice", tok);
	f->keys |= bit;
	return 0;
}

/* Parse @buf (NUL-terminated, modified) into @f. */
static int parse(char *buf, struct bd_filter *f, char *err, size_t errlen)
{
	char *tok;
	int ret;

	memset(f, 0, sizeof(*f));
	buf = strim(buf);
	if (!strcmp(buf, "clear"))
		return 0;
	while ((tok = strsep(&buf, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		ret = parse_one(f, tok, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

ssize_t bd_filter_write(struct file *file, const char __user *ubuf,
			size_t count, loff_t *ppos)
{
	char err[sizeof(last_error)] = "";
	struct bd_filter f;
	char *buf;
	int ret;

	if (count >= BD_FILTER_MAX) {
		snprintf(err, sizeof(err), "filter too long (%zu bytes, at most %d)",
			 count, BD_FILTER_MAX - 1);
		ret = -EINVAL;
		goto out;
	}
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (strlen(buf) != count) {
		snprintf(err, sizeof(err), "NUL byte in filter");
		ret = -EINVAL;
	} else {
		ret = parse(buf, &f, err, sizeof(err));
	}
	kfree(buf);
out:
	mutex_lock(&filter_lock);
	if (!ret)
		cur_filter = f;
	strscpy(last_error, err, sizeof(last_error));
	mutex_unlock(&filter_lock);
	return ret ? ret : count;
}

/* The filter in the form it was written, or "none". */
void bd_filter_print(struct seq_file *m, const struct bd_filter *f)
{
	const char *sep = "";

	if (!f->keys) {
		seq_puts(m, "none");
		return;
	}
	if (f->keys & BD_F_ENV) {
		seq_printf(m, "%senv=%llu", sep, f->env);
		sep = " ";
	}
	if (f->keys & BD_F_PROG) {
		seq_printf(m, "%sprog=", sep);
		if (*f->prog || !f->prog_prefix)
			bd_put_word(m, f->prog);
		if (f->prog_prefix)
			seq_putc(m, '*');
		sep = " ";
	}
	if (f->keys & BD_F_REF) {
		seq_printf(m, "%sref=%u", sep, f->ref);
		sep = " ";
	}
	if (f->keys & BD_F_PATH) {
		seq_printf(m, "%spath=%u", sep, f->path);
		sep = " ";
	}
	if (f->keys & BD_F_PID) {
		seq_printf(m, "%spid=%d", sep, f->pid);
		sep = " ";
	}
	if (f->keys & BD_F_COMM) {
		seq_printf(m, "%scomm=", sep);
		bd_put_word(m, f->comm);
		sep = " ";
	}
	if (f->keys & BD_F_VERDICT) {
		seq_printf(m, "%sverdict=%s", sep, f->rejected ? "rejected" : "accepted");
		sep = " ";
	}
	if (f->keys & BD_F_LEAKED) {
		seq_printf(m, "%sleaked", sep);
		sep = " ";
	}
	if (f->keys & BD_F_LOCKS)
		seq_printf(m, "%slocks", sep);
}

static int filter_show(struct seq_file *m, void *v)
{
	struct bd_filter f;

	mutex_lock(&filter_lock);
	f = cur_filter;
	if (last_error[0])
		seq_printf(m, "# error: %s\n", last_error);
	mutex_unlock(&filter_lock);
	bd_filter_print(m, &f);
	seq_putc(m, '\n');
	return 0;
}

int bd_filter_open(struct inode *inode, struct file *file)
{
	return single_open(file, filter_show, NULL);
}

const struct file_operations bd_filter_fops = {
	.owner = THIS_MODULE, .open = bd_filter_open, .read = seq_read,
	.write = bd_filter_write, .llseek = seq_lseek, .release = single_release,
};

/*
 * ---- matching: callers hold a reference on the env, no lock; ref= reads
 * the env's events, in the reader's time ----
 */

static bool env_has_ref(const struct bd_env *e, u32 id)
{
	const struct bd_event *ev;
	u32 i;

	for (i = 0; (ev = bd_env_event(e, i)); i++)
		if (ev->id == id)
			return true;
	return false;
}

bool bd_env_match(const struct bd_filter *f, const struct bd_env *e)
{
	u32 k = f->keys;

	if ((k & BD_F_ENV) && e->seq != f->env)
		return false;
	if ((k & BD_F_PID) && e->pid != f->pid)
		return false;
	if ((k & BD_F_COMM) && strcmp(e->comm, f->comm))
		return false;
	/* the source's name (its start when a prefix), or the kernel's 15 */
	if ((k & BD_F_PROG) && (f->prog_prefix ?
				strncmp(bd_env_name(e), f->prog, strlen(f->prog)) :
				strcmp(bd_env_name(e), f->prog) && strcmp(e->prog, f->prog)))
		return false;
	if ((k & BD_F_VERDICT) &&
	    (!bd_finished(e) || !!e->err != f->rejected))
		return false;
	if ((k & BD_F_LEAKED) && !READ_ONCE(e->has_leak))
		return false;
	if ((k & BD_F_REF) && !env_has_ref(e, f->ref))
		return false;
	return true;
}

bool bd_event_match(const struct bd_filter *f, const struct bd_event *ev)
{
	if ((ev->kind == BPF_DIAG_LOCK || ev->kind == BPF_DIAG_UNLOCK) &&
	    !(f->keys & BD_F_LOCKS))
		return false;
	if ((f->keys & BD_F_REF) && ev->id != f->ref)
		return false;
	if ((f->keys & BD_F_PATH) && ev->path != f->path)
		return false;
	return true;
}
