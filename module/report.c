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
#include <linux/bitmap.h>
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
	u32 np, cap_p, paths_dropped;
	struct bd_path *paths;
	bool paths_broken;
	u32 nh, cap_h, h_lost;		/* history: only for finished envs */
	struct bd_hist *h;
	unsigned long *inh;		/* events that are on the failing path */
};

/* Copy the newest env with seq < s->next_seq passing the filter. */
static bool snap_next(struct bd_snap *s)
{
	const struct bd_chunk *c = NULL;
	const struct bd_event *ev;
	const struct bd_src *src;
	const struct bd_hist *h;
	struct bd_env *e, *found = NULL;
	struct bd_path *p;
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
	/* all events: the history refers to them by index; shown by the filter */
	for (i = 0; i < n && s->nev < s->cap_ev && (ev = bd_env_event(e, i, &c)); i++)
		s->ev[s->nev++] = *ev;
	s->nsrc = 0;
	for (i = 0; i < s->cap_src && (src = bd_env_src_at(e, i)); i++)
		s->src[s->nsrc++] = *src;
	s->np = 0;
	for (i = 0; i < s->cap_p && (p = bd_env_path(e, i)); i++)
		s->paths[s->np++] = *p;
	s->paths_dropped = e->paths_dropped;
	s->paths_broken = e->paths_broken;
	s->nh = 0;
	s->h_lost = e->h_lost;
	for (i = 0; s->finished && i < s->cap_h && (h = bd_hist_at(e, i)); i++)
		s->h[s->nh++] = *h;
	raw_spin_unlock_irq(&bd_store_lock);
	bitmap_zero(s->inh, s->cap_ev);
	for (i = 0; i < s->nh; i++)
		if (s->h[i].type == BD_H_EVENT && s->h[i].ev < s->nev)
			__set_bit(s->h[i].ev, s->inh);
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
		seq_printf(m, "%s state %s (id=%u)", bd_lock_names[ev->how],
			   ev->kind == BPF_DIAG_LOCK ? "taken" : "given back", ev->id);
		break;
	}
	seq_printf(m, "\n%s  at ", indent);
	put_src(m, s, ev, ev->insn, ev->src);
}

static bool shown(const struct bd_snap *s, const struct bd_event *ev)
{
	return bd_event_match(&s->f, ev);
}

/* "path N (from insn X to Y, END)" */
static void put_path(struct seq_file *m, const struct bd_snap *s, u32 id)
{
	const struct bd_path *p = id < s->np ? &s->paths[id] : NULL;

	if (id == BD_NO_PATH) {
		seq_puts(m, "path ?");
		return;
	}
	seq_printf(m, "path %u", id);
	if (!p)
		return;
	if (p->parent == BD_NO_PATH)
		seq_printf(m, " (start at insn %d", p->start_insn);
	else
		seq_printf(m, " (from insn %d to %d, queued by path %u", p->fork_insn,
			   p->start_insn, p->parent);
	seq_printf(m, ", %s", bd_end_names[p->end]);
	if (p->end != BPF_DIAG_END_UNEXPLORED && p->end != BPF_DIAG_END_RUNNING)
		seq_printf(m, " at insn %d", p->end_insn);
	seq_putc(m, ')');
}

static void show_branch(struct seq_file *m, const struct bd_snap *s, const struct bd_hist *h,
			const char *indent)
{
	seq_puts(m, indent);
	if (h->type == BD_H_RESUME) {
		seq_printf(m, "branch at insn %d: went to insn %d (this path was queued there: ",
			   h->from, h->to);
		put_path(m, s, h->other);
		seq_puts(m, ")");
	} else if (h->to >= 0) {
		seq_printf(m, "branch at insn %d: went on to insn %d (the other side: ",
			   h->from, h->to);
		put_path(m, s, h->other);
		seq_puts(m, ")");
	} else {
		seq_printf(m, "fork at insn %d: went on (the other side: ", h->from);
		put_path(m, s, h->other);
		seq_puts(m, ")");
	}
	seq_printf(m, "\n%s  at ", indent);
	put_src(m, s, NULL, h->from, h->src);
}

static bool in_history(const struct bd_snap *s, const struct bd_event *ev)
{
	return test_bit(ev - s->ev, s->inh);
}

/*
 * Resource Lifetime Safety report for one leak: the lifetime of the leaked
 * reference along the failing path only (the history the verifier was on
 * when it stopped), then what happened to the same id on other paths.
 */
static void show_leak(struct seq_file *m, const struct bd_snap *s, const struct bd_event *leak)
{
	const struct bd_event *acq = find_acquire(s, leak->id);
	bool other = false, started = false;
	u32 i;

	seq_printf(m, "  Resource Lifetime Safety: unreleased reference id=%u (alloc_insn=%u), %s\n",
		   leak->id, leak->aux, site_text[leak->how]);
	seq_puts(m, "    on the path that failed, ");
	put_path(m, s, leak->path);
	seq_puts(m, ":\n");
	if (s->nh && in_history(s, leak)) {
		if (s->h_lost)
			seq_printf(m, "      (%u history entries past max_history not kept)\n",
				   s->h_lost);
		for (i = 0; i < s->nh; i++) {
			const struct bd_hist *h = &s->h[i];
			const struct bd_event *ev = h->type == BD_H_EVENT && h->ev < s->nev ?
						    &s->ev[h->ev] : NULL;

			if (ev == acq && acq)
				started = true;
			if (!started)
				continue;
			if (h->type != BD_H_EVENT)
				show_branch(m, s, h, "      ");
			else if (ev && ev->id == leak->id)
				show_event_line(m, s, ev, "      ");
			if (ev == leak)
				break;
		}
		if (!started)
			seq_printf(m, "      acquired at insn %u (before the kept history)\n",
				   leak->aux);
	} else {
		/* no history (kept for finished envs only, or broken walk) */
		if (acq)
			show_event_line(m, s, acq, "      ");
		show_event_line(m, s, leak, "      ");
	}
	for (i = 0; i < s->nev; i++) {
		const struct bd_event *ev = &s->ev[i];

		if (ev->id != leak->id || ev == acq || ev->kind == BPF_DIAG_LEAK ||
		    (s->nh && in_history(s, ev)))
			continue;
		if (!other) {
			seq_printf(m, "    on other paths (id=%u was still held where it leaked):\n",
				   leak->id);
			other = true;
		}
		seq_puts(m, "      ");
		put_path(m, s, ev->path);
		seq_puts(m, ":\n");
		show_event_line(m, s, ev, "        ");
	}
	if (s->paths_broken)
		seq_puts(m, "    note: the walk could not be followed everywhere (see status)\n");
}

static bool leaked(const struct bd_snap *s, u32 id)
{
	u32 i;

	for (i = 0; i < s->nev; i++)
		if (s->ev[i].kind == BPF_DIAG_LEAK && s->ev[i].id == id)
			return true;
	return false;
}

/* The lifetime of one reference, from its acquire event on, by path. */
static void show_lifetime(struct seq_file *m, const struct bd_snap *s, const struct bd_event *acq)
{
	u32 i;

	seq_printf(m, "  reference id=%u:\n", acq->id);
	for (i = acq - s->ev; i < s->nev; i++) {
		const struct bd_event *ev = &s->ev[i];

		if (ev->id != acq->id || !shown(s, ev))
			continue;
		seq_puts(m, "    ");
		put_path(m, s, ev->path);
		seq_puts(m, ":\n");
		show_event_line(m, s, ev, "      ");
	}
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
		seq_printf(m, ", %u kept for this report", s->nev);
	seq_printf(m, "; %u paths", s->np);
	if (s->paths_dropped)
		seq_printf(m, " (+%u past max_paths)", s->paths_dropped);
	seq_putc(m, '\n');
	if (s->src_dropped)
		seq_printf(m, "  note: %u source lines not kept (past max_lines)\n",
			   s->src_dropped);
	for (i = 0; i < s->nev; i++) {
		if (s->ev[i].kind != BPF_DIAG_LEAK || !shown(s, &s->ev[i]))
			continue;
		show_leak(m, s, &s->ev[i]);
		leaks = true;
	}
	if (leaks && (s->f.keys & BD_F_LEAKED)) {
		seq_putc(m, '\n');
		return;
	}
	for (i = 0; i < s->nev; i++)
		if (s->ev[i].kind == BPF_DIAG_ACQUIRE && !leaked(s, s->ev[i].id) &&
		    (!(s->f.keys & BD_F_REF) || s->ev[i].id == s->f.ref))
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

static void show_json(struct seq_file *m, struct bd_snap *s, bool first_env)
{
	const struct bd_event *ev;
	bool first;
	u32 i;

	seq_printf(m, "%s{\"env\":%llu,\"prog\":", first_env ? "" : ",\n", s->seq);
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
	seq_printf(m, ",\"paths_dropped\":%u,\"paths_complete\":%s",
		   s->paths_dropped, s->paths_broken || s->paths_dropped ? "false" : "true");
	seq_puts(m, ",\"events\":[");
	for (i = 0, first = true; i < s->nev; i++) {
		ev = &s->ev[i];
		if (!shown(s, ev))
			continue;
		seq_printf(m, "%s\n  {\"idx\":%u,\"insn\":%d,\"kind\":\"%s\",\"id\":%u,\"depth\":%u",
			   first ? "" : ",", i, ev->insn, bd_kind_names[ev->kind], ev->id,
			   ev->depth);
		first = false;
		if (ev->path != BD_NO_PATH)
			seq_printf(m, ",\"path\":%u", ev->path);
		else
			seq_puts(m, ",\"path\":null");
		switch (ev->kind) {
		case BPF_DIAG_ACQUIRE:
			seq_printf(m, ",\"parent\":%u", ev->aux);
			break;
		case BPF_DIAG_RELEASE:
			seq_printf(m, ",\"release\":\"%s\"", bd_path_names[ev->how]);
			break;
		case BPF_DIAG_LEAK:
			seq_printf(m, ",\"alloc_insn\":%u,\"site\":\"%s\"", ev->aux,
				   bd_site_names[ev->how]);
			break;
		case BPF_DIAG_LOCK:
		case BPF_DIAG_UNLOCK:
			seq_printf(m, ",\"type\":\"%s\"", bd_lock_names[ev->how]);
			break;
		}
		seq_puts(m, ",\"src\":");
		json_src(m, s, ev->src);
		seq_putc(m, '}');
	}
	seq_puts(m, "],\"paths\":[");
	for (i = 0; i < s->np; i++) {
		const struct bd_path *p = &s->paths[i];

		if ((s->f.keys & BD_F_PATH) && i != s->f.path)
			continue;
		seq_printf(m, "%s\n  {\"path\":%u,\"parent\":", i ? "," : "", i);
		if (p->parent == BD_NO_PATH)
			seq_puts(m, "null");
		else
			seq_printf(m, "%u", p->parent);
		seq_printf(m, ",\"fork_insn\":%d,\"start_insn\":%d,\"dir\":\"%s\",\"end\":\"%s\",\"end_insn\":%d,\"pop\":%u,\"spec\":%s,\"fork_ev\":%u}",
			   p->fork_insn, p->start_insn, bd_dir_names[p->dir], bd_end_names[p->end],
			   p->end_insn, p->pop_seq, p->spec ? "true" : "false", p->fork_ev);
	}
	seq_puts(m, "],\"failing_path\":");
	if (!s->finished || !s->err || !s->nh) {
		seq_puts(m, "null}");
		return;
	}
	seq_printf(m, "{\"history_lost\":%u,\"history\":[", s->h_lost);
	for (i = 0; i < s->nh; i++) {
		const struct bd_hist *h = &s->h[i];

		seq_puts(m, i ? "," : "");
		if (h->type == BD_H_EVENT)
			seq_printf(m, "{\"event\":%u}", h->ev);
		else
			seq_printf(m, "{\"%s\":%d,\"to\":%d,\"path\":%u}",
				   h->type == BD_H_FORK ? "branch" : "resume", h->from, h->to,
				   h->other);
	}
	seq_puts(m, "]}}");
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
	s->cap_p = bd_max_paths;
	s->cap_h = bd_max_history;
	s->ev = kvmalloc_array(s->cap_ev ?: 1, sizeof(*s->ev), GFP_KERNEL);
	s->src = kvmalloc_array(s->cap_src ?: 1, sizeof(*s->src), GFP_KERNEL);
	s->paths = kvmalloc_array(s->cap_p ?: 1, sizeof(*s->paths), GFP_KERNEL);
	s->h = kvmalloc_array(s->cap_h ?: 1, sizeof(*s->h), GFP_KERNEL);
	s->inh = bitmap_zalloc(s->cap_ev ?: 1, GFP_KERNEL);
	if (!s->ev || !s->src || !s->paths || !s->h || !s->inh) {
		bitmap_free(s->inh);
		kvfree(s->ev);
		kvfree(s->src);
		kvfree(s->paths);
		kvfree(s->h);
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
	kvfree(s->paths);
	kvfree(s->h);
	bitmap_free(s->inh);
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
