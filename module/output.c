// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the machine-readable files: envs, events, paths, history.
 *
 * One line per env, event, path or history entry, space-separated
 * key=value pairs.  Values never contain spaces: in prog= and comm= a
 * space, '=', '\' or a non-printable byte is written as \xHH.  A cursor
 * (an env with a reference held, an index in it) carries the position
 * across reads, so evictions between two reads never make a line repeat
 * or go missing among the envs that remain.
 */
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include "internal.h"
#include "layout.h"

static const char * const type_names[] = {
	[BPF_PROG_TYPE_UNSPEC] = "unspec",
	[BPF_PROG_TYPE_SOCKET_FILTER] = "socket_filter",
	[BPF_PROG_TYPE_KPROBE] = "kprobe",
	[BPF_PROG_TYPE_SCHED_CLS] = "sched_cls",
	[BPF_PROG_TYPE_SCHED_ACT] = "sched_act",
	[BPF_PROG_TYPE_TRACEPOINT] = "tracepoint",
	[BPF_PROG_TYPE_XDP] = "xdp",
	[BPF_PROG_TYPE_PERF_EVENT] = "perf_event",
	[BPF_PROG_TYPE_CGROUP_SKB] = "cgroup_skb",
	[BPF_PROG_TYPE_CGROUP_SOCK] = "cgroup_sock",
	[BPF_PROG_TYPE_LWT_IN] = "lwt_in",
	[BPF_PROG_TYPE_LWT_OUT] = "lwt_out",
	[BPF_PROG_TYPE_LWT_XMIT] = "lwt_xmit",
	[BPF_PROG_TYPE_SOCK_OPS] = "sock_ops",
	[BPF_PROG_TYPE_SK_SKB] = "sk_skb",
	[BPF_PROG_TYPE_CGROUP_DEVICE] = "cgroup_device",
	[BPF_PROG_TYPE_SK_MSG] = "sk_msg",
	[BPF_PROG_TYPE_RAW_TRACEPOINT] = "raw_tracepoint",
	[BPF_PROG_TYPE_CGROUP_SOCK_ADDR] = "cgroup_sock_addr",
	[BPF_PROG_TYPE_LWT_SEG6LOCAL] = "lwt_seg6local",
	[BPF_PROG_TYPE_LIRC_MODE2] = "lirc_mode2",
	[BPF_PROG_TYPE_SK_REUSEPORT] = "sk_reuseport",
	[BPF_PROG_TYPE_FLOW_DISSECTOR] = "flow_dissector",
	[BPF_PROG_TYPE_CGROUP_SYSCTL] = "cgroup_sysctl",
	[BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE] = "raw_tracepoint_writable",
	[BPF_PROG_TYPE_CGROUP_SOCKOPT] = "cgroup_sockopt",
	[BPF_PROG_TYPE_TRACING] = "tracing",
	[BPF_PROG_TYPE_STRUCT_OPS] = "struct_ops",
	[BPF_PROG_TYPE_EXT] = "ext",
	[BPF_PROG_TYPE_LSM] = "lsm",
	[BPF_PROG_TYPE_SK_LOOKUP] = "sk_lookup",
	[BPF_PROG_TYPE_SYSCALL] = "syscall",
	[32] = "netfilter",	/* BPF_PROG_TYPE_NETFILTER (UAPI, 6.4 and later) */
};

/* The names the files print, shared with report.c. */
const char * const bd_kind_names[] = BPF_DIAG_KIND_NAMES;
const char * const bd_path_names[] = BPF_DIAG_PATH_NAMES;
const char * const bd_site_names[] = BPF_DIAG_SITE_NAMES;
const char * const bd_lock_names[] = BPF_DIAG_LOCK_NAMES;
const char * const bd_end_names[] = BPF_DIAG_END_NAMES;
const char * const bd_dir_names[] = BPF_DIAG_DIR_NAMES;
const char * const bd_walk_names[] = { "none", "done", "cut", "lost", "broken" };
const char * const bd_step_names[] = BPF_DIAG_STEP_NAMES;
static_assert(ARRAY_SIZE(bd_step_names) == BPF_DIAG_STEP_MAX);

/* A holder as the verifier's log names it: "r6", "fp-8", in frame N: "frame1 r1" */
char *bd_loc_name(char *buf, size_t len, u8 frame, s16 loc)
{
	char f[12] = "";

	if (frame)
		snprintf(f, sizeof(f), "frame%u ", frame);
	if (loc == BD_LOC_NONE)
		snprintf(buf, len, "-");
	else if (loc >= 0)
		snprintf(buf, len, "%sr%d", f, loc);
	else
		snprintf(buf, len, "%sfp%d", f, loc);
	return buf;
}

/* One step of a leaked reference's lineage (lineage.c) */
void bd_show_step(struct seq_file *m, const struct bd_env *e, u32 i, const struct bd_step *st)
{
	char a[24], b[24];

	seq_printf(m, "env=%llu i=%u id=%u insn=%d at=%u kind=%s from=%s from_frame=%u to=%s to_frame=%u",
		   e->seq, i, st->id, st->insn, st->at, bd_step_names[st->kind],
		   bd_loc_name(a, sizeof(a), 0, st->from), st->ffrom,
		   bd_loc_name(b, sizeof(b), 0, st->to), st->fto);
	if (st->lost)
		seq_puts(m, " lost=1");
	if (st->kind == BPF_DIAG_STEP_HELD)
		seq_printf(m, " in_state=%u", st->live);
	seq_putc(m, '\n');
}

/* One entry of a rejected env's failing path. */
void bd_show_hist(struct seq_file *m, const struct bd_env *e, u32 i, const struct bd_hist *h)
{
	seq_printf(m, "env=%llu i=%u ", e->seq, i);
	if (h->type == BD_H_EVENT) {
		seq_puts(m, "type=event idx=");
		if (h->ev == BD_NO_EVENT)
			seq_puts(m, "-\n");
		else
			seq_printf(m, "%u\n", h->ev);
		return;
	}
	if (h->type == BD_H_JUMP) {
		seq_printf(m, "type=jump from=%d to=%d path=-\n", h->from, h->to);
		return;
	}
	seq_printf(m, "type=%s from=%d to=%d path=%u\n",
		   h->type == BD_H_FORK ? "branch" : "resume", h->from, h->to, h->other);
}

void bd_show_path(struct seq_file *m, const struct bd_env *e, u32 id, const struct bd_path *p)
{
	seq_printf(m, "env=%llu path=%u parent=", e->seq, id);
	if (p->parent == BD_NO_PATH)
		seq_putc(m, '-');
	else
		seq_printf(m, "%u", p->parent);
	seq_printf(m, " fork_insn=%d start_insn=%d dir=%s end=%s end_insn=%d pop=%u spec=%u fork_ev=%u async=%u\n",
		   p->fork_insn, p->start_insn, bd_dir_names[p->dir],
		   bd_end_names[READ_ONCE(p->end)],
		   READ_ONCE(p->end_insn), READ_ONCE(p->pop_seq), p->spec, p->fork_ev, p->async);
}

const char *bd_prog_type_name(u32 type)
{
	if (type < ARRAY_SIZE(type_names) && type_names[type])
		return type_names[type];
	return "unknown";
}

/* Print @s escaping what would break key=value parsing. */
void bd_put_word(struct seq_file *m, const char *s)
{
	if (!*s)
		seq_putc(m, '-');
	for (; *s; s++) {
		unsigned char ch = *s;

		/* ASCII only: the kernel's isgraph() also accepts Latin-1 */
		if (ch > 0x20 && ch < 0x7f && ch != '=' && ch != '\\')
			seq_putc(m, ch);
		else
			seq_printf(m, "\\x%02x", ch);
	}
}

const char *bd_verdict(const struct bd_env *e)
{
	if (!bd_finished(e))
		return "running";
	return e->err ? "rejected" : "accepted";
}

void bd_show_env(struct seq_file *m, const struct bd_env *e)
{
	bool fin = bd_finished(e);

	seq_printf(m, "env=%llu prog=", e->seq);
	bd_put_word(m, bd_env_name(e));
	seq_printf(m, " type=%s pid=%d comm=", bd_prog_type_name(e->type), e->pid);
	bd_put_word(m, e->comm);
	seq_printf(m, " verdict=%s err=%d insns=%u processed=%u events=%u dropped=%u src_dropped=%u paths=%u paths_dropped=%u%s history_lost=%u walk=%s walk_jumps=%u walk_unplaced=%u lineage_lost=%u alloc_failed=%u start_ns=%llu duration_ns=%llu bytes=%lu\n",
		   bd_verdict(e), fin ? e->err : 0, e->insns, e->processed,
		   bd_nr_events(e), READ_ONCE(e->dropped), READ_ONCE(e->src_dropped),
		   bd_nr_paths(e), READ_ONCE(e->paths_dropped),
		   READ_ONCE(e->paths_broken) ? " paths_broken=1" : "",
		   fin && e->err ? e->h_lost : 0,
		   bd_walk_names[fin ? e->walk_end : BD_WALK_NONE], fin ? e->walk_jumps : 0,
		   fin ? e->walk_unplaced : 0, fin ? e->steps_lost : 0, READ_ONCE(e->alloc_failed),
		   e->start_ns,
		   fin ? e->end_ns - e->start_ns : 0,
		   (unsigned long)READ_ONCE(e->nr_pages) * PAGE_SIZE);
}

void bd_show_event(struct seq_file *m, const struct bd_env *e, u32 idx,
		   const struct bd_event *ev)
{
	const struct bd_src *src;

	seq_printf(m, "env=%llu idx=%u insn=%d kind=%s id=%u", e->seq, idx,
		   ev->insn, bd_kind_names[ev->kind], ev->id);
	switch (ev->kind) {
	case BPF_DIAG_ACQUIRE:
		if (bd_layout_parent_ids)
			seq_printf(m, " parent=%u", ev->aux);
		break;
	case BPF_DIAG_RELEASE:
		seq_printf(m, " release=%s", bd_path_names[ev->how]);
		break;
	case BPF_DIAG_LEAK:
		seq_printf(m, " alloc_insn=%u site=%s", ev->aux, bd_site_names[ev->how]);
		break;
	case BPF_DIAG_LOCK:
	case BPF_DIAG_UNLOCK:
		seq_printf(m, " type=%s", bd_lock_names[ev->how]);
		break;
	}
	if (ev->path != BD_NO_PATH)
		seq_printf(m, " path=%u", ev->path);
	src = bd_env_src_at(e, ev->src);
	if (src) {
		seq_puts(m, " src=");
		bd_put_word(m, src->file);
		seq_printf(m, ":%u:%u", src->line, src->col);
	}
	seq_printf(m, " depth=%u\n", ev->depth);
}

/* ---- cursor over (env, element) ---- */

enum { IT_ENVS, IT_EVENTS, IT_PATHS, IT_HIST, IT_LINE };

/*
 * A reader's place: the env it stands on (a reference held, so it stays
 * readable even if evicted) and the element within it.  No lock is held
 * between two reads, and none while a line is formatted.
 */
struct bd_iter {
	struct bd_filter f;	/* the filter when the file was opened */
	int mode;		/* IT_*: what one line is */
	loff_t pos;		/* the line the cursor stands for */
	struct bd_env *env;	/* NULL: before the first env, or after the last */
	bool done;		/* past the last env */
	bool checked, ok;	/* env matched against the filter */
	u32 idx;		/* element within the env */
};

/* Is there a line at (env, idx) or further in this env?  Moves idx to it. */
static bool it_elem(struct bd_iter *it)
{
	const struct bd_env *e = it->env;
	const struct bd_event *ev;

	switch (it->mode) {
	case IT_ENVS:
		return !it->idx;
	case IT_HIST:
		return bd_finished(e) && e->err && it->idx < e->h_len;
	case IT_LINE:
		for (; bd_finished(e) && bd_env_step(e, it->idx); it->idx++)
			if (!(it->f.keys & BD_F_REF) || bd_env_step(e, it->idx)->id == it->f.ref)
				return true;
		return false;
	case IT_PATHS:
		for (; it->idx < bd_nr_paths(e); it->idx++)
			if (!(it->f.keys & BD_F_PATH) || it->idx == it->f.path)
				return true;
		return false;
	}
	for (; (ev = bd_env_event(e, it->idx)); it->idx++)
		if (bd_event_match(&it->f, ev))
			return true;
	return false;
}

/* Settle on the first line at or after the cursor; false at the end. */
static bool it_settle(struct bd_iter *it)
{
	while (!it->done) {
		if (it->env) {
			if (!it->checked) {
				it->ok = bd_env_match(&it->f, it->env);
				it->checked = true;
			}
			if (it->ok && it_elem(it))
				return true;
		}
		it->env = bd_env_next(it->env, 0, false);
		it->idx = 0;
		it->checked = false;
		it->done = !it->env;
	}
	return false;
}

static void it_rewind(struct bd_iter *it)
{
	bd_env_put(it->env);
	it->env = NULL;
	it->done = false;
	it->idx = 0;
	it->pos = 0;
}

static void *it_start(struct seq_file *m, loff_t *pos)
{
	struct bd_iter *it = m->private;

	if (*pos < it->pos)
		it_rewind(it);		/* an lseek back, or a read from 0 again */
	while (it->pos < *pos && it_settle(it)) {
		it->idx++;
		it->pos++;
	}
	return it->pos == *pos && it_settle(it) ? it : NULL;
}

static void *it_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct bd_iter *it = m->private;

	it->idx++;
	it->pos = ++*pos;
	return it_settle(it) ? it : NULL;
}

static void it_stop(struct seq_file *m, void *v)
{
}

static int it_show(struct seq_file *m, void *v)
{
	struct bd_iter *it = v;
	const struct bd_env *e = it->env;
	const struct bd_event *ev;
	const struct bd_path *p;
	const struct bd_hist *h;

	switch (it->mode) {
	case IT_HIST:
		h = bd_hist_at(e, it->idx);
		if (h)
			bd_show_hist(m, e, it->idx, h);
		break;
	case IT_PATHS:
		p = bd_env_path(e, it->idx);
		if (p)
			bd_show_path(m, e, it->idx, p);
		break;
	case IT_LINE:
		bd_show_step(m, e, it->idx, bd_env_step(e, it->idx));
		break;
	case IT_ENVS:
		bd_show_env(m, e);
		break;
	default:
		ev = bd_env_event(e, it->idx);
		if (ev)
			bd_show_event(m, e, it->idx, ev);
	}
	return 0;
}

static const struct seq_operations it_ops = {
	.start = it_start, .next = it_next, .stop = it_stop, .show = it_show,
};

static int it_open(struct inode *inode, struct file *file, int mode)
{
	struct bd_iter *it = __seq_open_private(file, &it_ops, sizeof(*it));

	if (!it)
		return -ENOMEM;
	it->mode = mode;
	bd_filter_get(&it->f);
	return 0;
}

static int it_release(struct inode *inode, struct file *file)
{
	struct bd_iter *it = ((struct seq_file *)file->private_data)->private;

	bd_env_put(it->env);
	return seq_release_private(inode, file);
}

static int envs_open(struct inode *inode, struct file *file)
{
	return it_open(inode, file, IT_ENVS);
}

static int events_open(struct inode *inode, struct file *file)
{
	return it_open(inode, file, IT_EVENTS);
}

static int paths_open(struct inode *inode, struct file *file)
{
	return it_open(inode, file, IT_PATHS);
}

static int hist_open(struct inode *inode, struct file *file)
{
	return it_open(inode, file, IT_HIST);
}

static int line_open(struct inode *inode, struct file *file)
{
	return it_open(inode, file, IT_LINE);
}

const struct file_operations bd_line_fops = {
	.owner = THIS_MODULE, .open = line_open, .read = seq_read,
	.llseek = seq_lseek, .release = it_release,
};

const struct file_operations bd_hist_fops = {
	.owner = THIS_MODULE, .open = hist_open, .read = seq_read,
	.llseek = seq_lseek, .release = it_release,
};

const struct file_operations bd_paths_fops = {
	.owner = THIS_MODULE, .open = paths_open, .read = seq_read,
	.llseek = seq_lseek, .release = it_release,
};

const struct file_operations bd_envs_fops = {
	.owner = THIS_MODULE, .open = envs_open, .read = seq_read,
	.llseek = seq_lseek, .release = it_release,
};

const struct file_operations bd_events_fops = {
	.owner = THIS_MODULE, .open = events_open, .read = seq_read,
	.llseek = seq_lseek, .release = it_release,
};
