// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the reports, for people (report) and for tools (report.json).
 *
 * Both walk the envs that pass the filter, newest first, reading each env
 * in place with a reference held and no lock.  The file is a sequence of
 * small records (a header, one event, one branch of the failing path, one
 * path, ...), so that no record is larger than a few lines whatever the
 * env's size, a read at any offset restarts cheaply, and producing a
 * report is linear in the env's events: the events of one reference are
 * chained once per env (rep_enter), never searched again.
 */
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include "report.h"

/* ---- per env: the events of each id, chained ---- */

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The place in acq[] of the acquire (or lock) of @id, or -1. */
static int acq_find(const struct bd_rep *s, u32 id)
{
	int lo = 0, hi = (int)s->na - 1, mid;

	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		if (s->acq[mid] >> 32 == id) {
			/* the earliest one, should an id repeat */
			while (mid && s->acq[mid - 1] >> 32 == id)
				mid--;
			return mid;
		}
		if (s->acq[mid] >> 32 < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* The event that acquired @id, or BD_NO_EVENT. */
u32 rep_acq_event(const struct bd_rep *s, u32 id)
{
	int k = acq_find(s, id);

	return k < 0 ? BD_NO_EVENT : (u32)s->acq[k];
}

static void rep_leave(struct bd_rep *s)
{
	kvfree(s->acq);
	kvfree(s->last);
	kvfree(s->next);
	bitmap_free(s->inh);
	kvfree(s->sugg);
	s->sugg = NULL;
	s->nsugg = 0;
	s->acq = NULL;
	s->last = NULL;
	s->next = NULL;
	s->inh = NULL;
}

/* Take the measure of the env just stepped on; -ENOMEM if it is too big. */
static int rep_enter(struct bd_rep *s)
{
	const struct bd_event *ev;
	const struct bd_hist *h;
	u32 i, a = 0;
	int k;

	s->n = bd_nr_events(s->e);
	s->np = bd_nr_paths(s->e);
	s->nh = bd_finished(s->e) && s->e->err ? s->e->h_len : 0;
	s->na = 0;
	rep_suggest_all(s);
	if (s->json)
		return 0;
	for (i = 0; (ev = rep_ev(s, i)); i++)
		a += ev->kind == BPF_DIAG_ACQUIRE || ev->kind == BPF_DIAG_LOCK;
	s->acq = kvmalloc_array(a ?: 1, sizeof(*s->acq), GFP_KERNEL);
	s->last = kvmalloc_array(a ?: 1, sizeof(*s->last), GFP_KERNEL);
	s->next = kvmalloc_array(s->n ?: 1, sizeof(*s->next), GFP_KERNEL);
	s->inh = bitmap_zalloc(s->n ?: 1, GFP_KERNEL);
	if (!s->acq || !s->last || !s->next || !s->inh) {
		rep_leave(s);
		return -ENOMEM;
	}
	for (i = 0; (ev = rep_ev(s, i)) && s->na < a; i++)
		if (ev->kind == BPF_DIAG_ACQUIRE || ev->kind == BPF_DIAG_LOCK)
			s->acq[s->na++] = (u64)ev->id << 32 | i;
	sort(s->acq, s->na, sizeof(*s->acq), cmp_u64, NULL);
	memset(s->last, 0xff, s->na * sizeof(*s->last));
	for (i = 0; (ev = rep_ev(s, i)); i++) {
		s->next[i] = BD_NO_EVENT;
		k = acq_find(s, ev->id);
		if (k < 0 || (u32)s->acq[k] > i)
			continue;
		if (s->last[k] != BD_NO_EVENT)
			s->next[s->last[k]] = i;
		s->last[k] = i;
	}
	for (i = 0; i < s->nh; i++) {
		h = bd_hist_at(s->e, i);
		if (h && h->type == BD_H_EVENT && h->ev < s->n)
			__set_bit(h->ev, s->inh);
	}
	return 0;
}

/* The next event after @i of the same id (chained from its acquire). */
u32 rep_next_of_id(const struct bd_rep *s, u32 i)
{
	return i < s->n ? s->next[i] : BD_NO_EVENT;
}

bool rep_in_history(const struct bd_rep *s, u32 i)
{
	return s->nh && i < s->n && test_bit(i, s->inh);
}

/* Was @id (acquired by event @acq) reported leaked? */
bool rep_leaked(const struct bd_rep *s, u32 acq)
{
	const struct bd_event *ev;
	u32 i;

	for (i = acq; (ev = rep_ev(s, i)); i = rep_next_of_id(s, i))
		if (ev->kind == BPF_DIAG_LEAK)
			return true;
	return false;
}

/* errname() is not exported before 6.5: the errors bpf_check() returns */
static const char *err_name(int err)
{
	switch (-err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case E2BIG: return "E2BIG";
	case EFAULT: return "EFAULT";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EBUSY: return "EBUSY";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOTSUPP: return "ENOTSUPP";
	}
	return NULL;
}

void rep_err_text(struct seq_file *m, int err)
{
	const char *name = err_name(err);

	if (name)
		seq_printf(m, "%d (%s)", err, name);
	else
		seq_printf(m, "%d", err);
}

/*
 * An env the reader could not index (no memory for its chains): its id and
 * the error take its place, in both formats, so that a tool can tell.
 */
void rep_show_env_err(struct seq_file *m, const struct bd_rep *s)
{
	const struct bd_env *e = s->e;

	if (s->json) {
		seq_printf(m, "%s{\"env\":%llu,\"prog\":\"%s\",\"error\":%d,\"error_text\":\"not shown: no memory to index its %u events\"}",
			   s->envs > 1 ? ",\n" : "", e->seq, bd_env_name(e), s->err, s->n);
		return;
	}
	seq_printf(m, "env %llu: prog %s: not shown: no memory to index its %u events (error ",
		   e->seq, bd_env_name(e), s->n);
	rep_err_text(m, s->err);
	seq_puts(m, "); read the report again\n\n");
}

/* ---- seq_file: the records in order ---- */

/* Step onto the next env that passes the filter; false past the last. */
static int next_env(struct bd_rep *s)
{
	int err;

	rep_leave(s);
	while (!s->done) {
		s->e = bd_env_next(s->e, U64_MAX, true);
		s->done = !s->e;
		if (s->e && bd_env_match(&s->f, s->e)) {
			/* an env that cannot be indexed is shown with why, never left out */
			err = rep_enter(s);
			s->envs++;
			s->err = err;
			s->r = err ? R_ENV_ERR : R_HEAD;
			return 1;
		}
	}
	return 0;
}

/* Move to the record after the one held: 1, 0 at the end, or -errno. */
static int rep_step(struct bd_rep *s)
{
	int ret;

	switch (s->r) {
	case R_NONE:
		if (s->json) {
			s->r = R_OPEN;
			break;
		}
		fallthrough;
	case R_OPEN:
	case R_TAIL:
	case R_ENV_ERR:
		ret = next_env(s);
		if (ret < 0)
			return ret;
		if (!ret)
			s->r = s->json ? R_CLOSE : R_END;
		break;
	case R_CLOSE:
		s->r = R_END;
		break;
	case R_END:
		return 0;
	default:
		if (!(s->json ? rep_step_json(s) : rep_step_text(s)))
			s->r = R_TAIL;
	}
	if (s->r == R_END)
		return 0;
	s->pos++;
	return 1;
}

static void rep_reset(struct bd_rep *s)
{
	rep_leave(s);
	bd_env_put(s->e);
	s->e = NULL;
	s->done = false;
	s->envs = 0;
	s->pos = -1;
	s->r = R_NONE;
}

/* Hold record @pos; a position before the one held starts over. */
static void *rep_seek(struct bd_rep *s, loff_t pos)
{
	int ret;

	if (pos < s->pos)
		rep_reset(s);
	while (s->pos < pos) {
		ret = rep_step(s);
		if (ret <= 0)
			return ret ? ERR_PTR(ret) : NULL;
	}
	return s;
}

static void *rep_start(struct seq_file *m, loff_t *pos)
{
	return rep_seek(m->private, *pos);
}

static void *rep_next(struct seq_file *m, void *v, loff_t *pos)
{
	return rep_seek(m->private, ++*pos);
}

static void rep_stop(struct seq_file *m, void *v)
{
}

static int rep_show(struct seq_file *m, void *v)
{
	struct bd_rep *s = v;

	if (s->r == R_OPEN)
		seq_puts(m, "[\n");
	else if (s->r == R_CLOSE)
		seq_puts(m, "\n]\n");
	else if (s->r == R_ENV_ERR)
		rep_show_env_err(m, s);
	else if (s->json)
		rep_show_json(m, s);
	else
		rep_show_text(m, s);
	return 0;
}

static const struct seq_operations rep_ops = {
	.start = rep_start, .next = rep_next, .stop = rep_stop, .show = rep_show,
};

static int rep_open(struct inode *inode, struct file *file, bool json)
{
	struct bd_rep *s = __seq_open_private(file, &rep_ops, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->json = json;
	s->pos = -1;
	bd_filter_get(&s->f);
	return 0;
}

static int rep_release(struct inode *inode, struct file *file)
{
	rep_reset(((struct seq_file *)file->private_data)->private);
	return seq_release_private(inode, file);
}

static int report_open(struct inode *inode, struct file *file)
{
	return rep_open(inode, file, false);
}

static int json_open(struct inode *inode, struct file *file)
{
	return rep_open(inode, file, true);
}

const struct file_operations bd_report_fops = {
	.owner = THIS_MODULE, .open = report_open, .read = seq_read,
	.llseek = seq_lseek, .release = rep_release,
};

const struct file_operations bd_json_fops = {
	.owner = THIS_MODULE, .open = json_open, .read = seq_read,
	.llseek = seq_lseek, .release = rep_release,
};
