// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the reports, for people (report) and for tools (report.json).
 *
 * Both walk the envs that pass the filter, newest first.  Each env is
 * copied (header, events, source lines) into the open file's snapshot
 * buffer while bd_store_lock is held, and formatted from the copy without
 * the lock, so a reader never holds the lock for more than one memcpy-sized
 * step, however large the report.
 */
#include <linux/debugfs.h>
#include <linux/errname.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "bpf_diag.h"

static const char * const path_text[] = {
	[BPF_DIAG_PATH_NONE] = "-",
	[BPF_DIAG_PATH_RELEASE_CALL] = "by a release helper/kfunc",
	[BPF_DIAG_PATH_RCU] = "converted to an RCU protected pointer by bpf_kptr_xchg",
	[BPF_DIAG_PATH_NON_OWNING] = "converted to a non-owning reference by list/rbtree insertion",
	[BPF_DIAG_PATH_UNKNOWN] = "by an unidentified path",
};

static const char * const site_text[] = {
	[BPF_DIAG_SITE_NONE] = "-",
	[BPF_DIAG_SITE_EXIT] = "at program exit",
	[BPF_DIAG_SITE_TAIL_CALL] = "at a tail call",
	[BPF_DIAG_SITE_LD_ABS] = "at an LD_ABS/LD_IND instruction",
	[BPF_DIAG_SITE_THROW] = "at bpf_throw",
	[BPF_DIAG_SITE_PARENT_RELEASE] = "when its parent was released",
	[BPF_DIAG_SITE_UNKNOWN] = "at an unidentified place",
};

static const char * const kind_names[] = BPF_DIAG_KIND_NAMES;
static const char * const path_names[] = BPF_DIAG_PATH_NAMES;
static const char * const site_names[] = BPF_DIAG_SITE_NAMES;
static const char * const lock_names[] = BPF_DIAG_LOCK_NAMES;

struct bd_snap {
	struct bd_filter f;
	bool json;
	int kind;		/* REC_*: what record pos holds */
	u64 next_seq;		/* the next env has seq < next_seq */
	loff_t pos;		/* the record held, -1 for none */
	/* the copied env */
	u64 seq;
	char prog[BPF_OBJ_NAME_LEN], comm[TASK_COMM_LEN];
	u32 type, insns, processed, nr_total, dropped, src_dropped;
	pid_t pid;
	int err;
	bool finished, no_linfo;
	u64 start_ns, dur_ns;
	u32 nev, cap_ev;
	struct bd_event *ev;
	u32 nsrc, cap_src;
	struct bd_src *src;
};

/* Copy the newest env with seq < s->next_seq passing the filter. */
static bool snap_next(struct bd_snap *s)
{
	const struct bd_chunk *c = NULL;
	const struct bd_event *ev;
	const struct bd_src *src;
	struct bd_env *e, *found = NULL;
	u32 i, n;

	raw_spin_lock_irq(&bd_store_lock);
	list_for_each_entry_reverse(e, &bd_store, node) {
		if (e->seq >= s->next_seq)
			continue;
		if (bd_env_match(&s->f, e)) {
			found = e;
			break;
		}
	}
	if (!found) {
		raw_spin_unlock_irq(&bd_store_lock);
		return false;
	}
	e = found;
	s->next_seq = e->seq;
	s->seq = e->seq;
	memcpy(s->prog, e->prog, sizeof(s->prog));
	memcpy(s->comm, e->comm, sizeof(s->comm));
	s->type = e->type;
	s->insns = e->insns;
	s->processed = e->processed;
	s->pid = e->pid;
	s->finished = bd_finished(e);
	s->err = s->finished ? e->err : 0;
	s->start_ns = e->start_ns;
	s->dur_ns = s->finished ? e->end_ns - e->start_ns : 0;
	s->dropped = e->dropped;
	s->src_dropped = e->src_dropped;
	s->no_linfo = e->no_linfo;
	n = bd_nr_events(e);
	s->nr_total = n;
	s->nev = 0;
	for (i = 0; i < n && s->nev < s->cap_ev && (ev = bd_env_event(e, i, &c)); i++)
		if (bd_event_match(&s->f, ev))
			s->ev[s->nev++] = *ev;
	s->nsrc = 0;
	for (i = 0; i < s->cap_src && (src = bd_env_src_at(e, i)); i++)
		s->src[s->nsrc++] = *src;
	raw_spin_unlock_irq(&bd_store_lock);
	return true;
}

static const struct bd_src *snap_src(const struct bd_snap *s, u16 idx)
{
	return idx < s->nsrc ? &s->src[idx] : NULL;
}

static void err_text(struct seq_file *m, int err)
{
	const char *name = errname(err);

	if (name)
		seq_printf(m, "%d (%s)", err, name + (name[0] == '-'));
	else
		seq_printf(m, "%d", err);
}

/* ---- text ---- */

static void put_src(struct seq_file *m, const struct bd_snap *s, const struct bd_event *ev,
		    s32 insn, u16 src)
{
	const struct bd_src *l = snap_src(s, src);

	seq_printf(m, "insn %d", insn);
	if (l)
		seq_printf(m, " %s:%u:%u: %s", l->file, l->line, l->col, l->text);
	else if (s->no_linfo)
		seq_puts(m, " (no BTF line info)");
	seq_putc(m, '\n');
}

static const struct bd_event *find_acquire(const struct bd_snap *s, u32 id)
{
	u32 i;

	for (i = 0; i < s->nev; i++)
		if (s->ev[i].kind == BPF_DIAG_ACQUIRE && s->ev[i].id == id)
			return &s->ev[i];
	return NULL;
}

static void show_event_line(struct seq_file *m, const struct bd_snap *s,
			    const struct bd_event *ev, const char *indent)
{
	seq_puts(m, indent);
	switch (ev->kind) {
	case BPF_DIAG_ACQUIRE:
		seq_printf(m, "acquired owned resource (id=%u)", ev->id);
		if (ev->aux)
			seq_printf(m, ", child of id=%u", ev->aux);
		break;
	case BPF_DIAG_RELEASE:
		seq_printf(m, "released owned resource (id=%u) %s", ev->id,
			   path_text[ev->how]);
		break;
	case BPF_DIAG_NULL_DROP:
		seq_printf(m, "dropped on the NULL branch of a check (id=%u), not a release",
			   ev->id);
		break;
	case BPF_DIAG_LEAK:
		seq_printf(m, "leaked: still held %s (id=%u)", site_text[ev->how], ev->id);
		break;
	case BPF_DIAG_LOCK:
	case BPF_DIAG_UNLOCK:
		seq_printf(m, "%s state %s (id=%u)", lock_names[ev->how],
			   ev->kind == BPF_DIAG_LOCK ? "taken" : "given back", ev->id);
		break;
	}
	seq_printf(m, "\n%s  at ", indent);
	put_src(m, s, ev, ev->insn, ev->src);
}

/* Resource Lifetime Safety report for one leak event. */
static void show_leak(struct seq_file *m, const struct bd_snap *s, const struct bd_event *leak)
{
	const struct bd_event *acq = find_acquire(s, leak->id);
	bool other = false;
	u32 i;

	seq_printf(m, "  Resource Lifetime Safety: unreleased reference id=%u (alloc_insn=%u), %s\n",
		   leak->id, leak->aux, site_text[leak->how]);
	seq_puts(m, "    on the path that failed:\n");
	if (acq)
		show_event_line(m, s, acq, "      ");
	else
		seq_printf(m, "      acquired at insn %u (its acquire event was not kept)\n",
			   leak->aux);
	show_event_line(m, s, leak, "      ");
	for (i = 0; i < s->nev; i++) {
		const struct bd_event *ev = &s->ev[i];

		if (ev->id != leak->id || ev == acq || ev->kind == BPF_DIAG_LEAK)
			continue;
		if (!other) {
			seq_printf(m, "    on other paths (not the failing one: id=%u was still held there when it leaked):\n",
				   leak->id);
			other = true;
		}
		show_event_line(m, s, ev, "      ");
	}
}

static bool leaked(const struct bd_snap *s, u32 id)
{
	u32 i;

	for (i = 0; i < s->nev; i++)
		if (s->ev[i].kind == BPF_DIAG_LEAK && s->ev[i].id == id)
			return true;
	return false;
}

/* The lifetime of one reference, from its acquire event on. */
static void show_lifetime(struct seq_file *m, const struct bd_snap *s, const struct bd_event *acq)
{
	u32 i;

	seq_printf(m, "  reference id=%u:\n", acq->id);
	for (i = acq - s->ev; i < s->nev; i++)
		if (s->ev[i].id == acq->id)
			show_event_line(m, s, &s->ev[i], "    ");
}

static void show_text(struct seq_file *m, struct bd_snap *s)
{
	bool leaks = false;
	u32 i;

	seq_printf(m, "env %llu: prog ", s->seq);
	bd_put_word(m, s->prog);
	seq_printf(m, " (%s), loaded by pid %d (", bd_prog_type_name(s->type), s->pid);
	bd_put_word(m, s->comm);
	seq_puts(m, ")\n");
	seq_puts(m, "  verdict: ");
	if (!s->finished) {
		seq_puts(m, "still verifying");
	} else if (!s->err) {
		seq_puts(m, "accepted");
	} else {
		seq_puts(m, "rejected, error ");
		err_text(m, s->err);
	}
	seq_printf(m, "; %u insns, %u processed; %u events", s->insns, s->processed,
		   s->nr_total);
	if (s->dropped)
		seq_printf(m, ", %u DROPPED (past max_events/max_bytes: this report is incomplete)",
			   s->dropped);
	if (s->nev < s->nr_total)
		seq_printf(m, ", %u shown", s->nev);
	seq_putc(m, '\n');
	if (s->src_dropped)
		seq_printf(m, "  note: %u source lines not kept (past max_lines)\n",
			   s->src_dropped);
	for (i = 0; i < s->nev; i++) {
		if (s->ev[i].kind != BPF_DIAG_LEAK)
			continue;
		show_leak(m, s, &s->ev[i]);
		leaks = true;
	}
	if (leaks && (s->f.keys & BD_F_LEAKED)) {
		seq_putc(m, '\n');
		return;
	}
	for (i = 0; i < s->nev; i++)
		if (s->ev[i].kind == BPF_DIAG_ACQUIRE && !leaked(s, s->ev[i].id))
			show_lifetime(m, s, &s->ev[i]);
	if (!s->nev)
		seq_puts(m, "  no reference events\n");
	seq_putc(m, '\n');
}

/* ---- JSON ---- */

/* A JSON string: escapes, and bytes that are not valid UTF-8 as U+FFFD. */
static void json_str(struct seq_file *m, const char *p)
{
	const unsigned char *s = (const unsigned char *)p;

	seq_putc(m, '"');
	while (*s) {
		int n = 0, i;

		if (*s == '"' || *s == '\\') {
			seq_printf(m, "\\%c", *s++);
			continue;
		}
		if (*s < 0x20 || *s == 0x7f) {
			seq_printf(m, "\\u%04x", *s++);
			continue;
		}
		if (*s < 0x80) {
			seq_putc(m, *s++);
			continue;
		}
		if ((*s & 0xe0) == 0xc0 && *s >= 0xc2)
			n = 1;
		else if ((*s & 0xf0) == 0xe0)
			n = 2;
		else if ((*s & 0xf8) == 0xf0 && *s <= 0xf4)
			n = 3;
		for (i = 1; n && i <= n; i++)
			if ((s[i] & 0xc0) != 0x80)
				n = 0;
		if (!n) {
			seq_puts(m, "\\ufffd");
			s++;
			continue;
		}
		for (i = 0; i <= n; i++)
			seq_putc(m, *s++);
	}
	seq_putc(m, '"');
}

static void json_src(struct seq_file *m, const struct bd_snap *s, u16 idx)
{
	const struct bd_src *l = snap_src(s, idx);

	if (!l) {
		seq_puts(m, "null");
		return;
	}
	seq_puts(m, "{\"file\":");
	json_str(m, l->file);
	seq_printf(m, ",\"line\":%u,\"col\":%u,\"text\":", l->line, l->col);
	json_str(m, l->text);
	seq_putc(m, '}');
}

static void show_json(struct seq_file *m, struct bd_snap *s, bool first)
{
	const struct bd_event *ev;
	u32 i;

	seq_printf(m, "%s{\"env\":%llu,\"prog\":", first ? "" : ",\n", s->seq);
	json_str(m, s->prog);
	seq_printf(m, ",\"type\":\"%s\",\"pid\":%d,\"comm\":", bd_prog_type_name(s->type), s->pid);
	json_str(m, s->comm);
	seq_printf(m, ",\"verdict\":\"%s\",\"err\":%d,\"insns\":%u,\"processed\":%u",
		   !s->finished ? "running" : s->err ? "rejected" : "accepted",
		   s->err, s->insns, s->processed);
	seq_printf(m, ",\"start_ns\":%llu,\"duration_ns\":%llu,\"events_total\":%u,\"dropped\":%u,\"complete\":%s,\"source_lines\":%s,\"source_lines_dropped\":%u",
		   s->start_ns, s->dur_ns, s->nr_total, s->dropped,
		   s->dropped ? "false" : "true", s->no_linfo ? "false" : "true",
		   s->src_dropped);
	seq_puts(m, ",\"events\":[");
	for (i = 0; i < s->nev; i++) {
		ev = &s->ev[i];
		seq_printf(m, "%s\n  {\"insn\":%d,\"kind\":\"%s\",\"id\":%u,\"depth\":%u",
			   i ? "," : "", ev->insn, kind_names[ev->kind], ev->id, ev->depth);
		switch (ev->kind) {
		case BPF_DIAG_ACQUIRE:
			seq_printf(m, ",\"parent\":%u", ev->aux);
			break;
		case BPF_DIAG_RELEASE:
			seq_printf(m, ",\"path\":\"%s\"", path_names[ev->how]);
			break;
		case BPF_DIAG_LEAK:
			seq_printf(m, ",\"alloc_insn\":%u,\"site\":\"%s\"", ev->aux,
				   site_names[ev->how]);
			break;
		case BPF_DIAG_LOCK:
		case BPF_DIAG_UNLOCK:
			seq_printf(m, ",\"type\":\"%s\"", lock_names[ev->how]);
			break;
		}
		seq_puts(m, ",\"src\":");
		json_src(m, s, ev->src);
		seq_putc(m, '}');
	}
	seq_puts(m, "]}");
}

/* ---- seq_file: one record per env; json adds "[" and "]" records ---- */

enum { REC_NONE, REC_HEAD, REC_ENV, REC_TAIL };

/* Move to the record after the one held; false at the end. */
static bool rep_step(struct bd_snap *s)
{
	if (s->json && s->kind == REC_NONE)
		s->kind = REC_HEAD;
	else if (s->kind != REC_TAIL && snap_next(s))
		s->kind = REC_ENV;
	else if (s->json && s->kind != REC_TAIL)
		s->kind = REC_TAIL;
	else
		return false;
	s->pos++;
	return true;
}

/* Hold record @pos (the snapshot of an env is kept for a retried show). */
static void *rep_seek(struct bd_snap *s, loff_t pos)
{
	if (pos < s->pos || s->pos < 0) {
		s->pos = -1;
		s->kind = REC_NONE;
		s->next_seq = U64_MAX;
	}
	while (s->pos < pos)
		if (!rep_step(s))
			return NULL;
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
	struct bd_snap *s = v;

	if (s->kind == REC_HEAD)
		seq_puts(m, "[\n");
	else if (s->kind == REC_TAIL)
		seq_puts(m, "\n]\n");
	else if (s->json)
		show_json(m, s, s->pos == 1);
	else
		show_text(m, s);
	return 0;
}

static const struct seq_operations rep_ops = {
	.start = rep_start, .next = rep_next, .stop = rep_stop, .show = rep_show,
};

static int rep_open(struct inode *inode, struct file *file, bool json)
{
	struct bd_snap *s = __seq_open_private(file, &rep_ops, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->json = json;
	s->cap_ev = bd_max_events;
	s->cap_src = min_t(u32, bd_max_lines, BD_NO_SRC - 1);
	s->ev = kvmalloc_array(s->cap_ev, sizeof(*s->ev), GFP_KERNEL);
	s->src = kvmalloc_array(s->cap_src ?: 1, sizeof(*s->src), GFP_KERNEL);
	if (!s->ev || !s->src) {
		kvfree(s->ev);
		kvfree(s->src);
		seq_release_private(inode, file);
		return -ENOMEM;
	}
	s->pos = -1;
	bd_filter_get(&s->f);
	return 0;
}

static int rep_release(struct inode *inode, struct file *file)
{
	struct bd_snap *s = ((struct seq_file *)file->private_data)->private;

	kvfree(s->ev);
	kvfree(s->src);
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
