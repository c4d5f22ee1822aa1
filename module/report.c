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
#include <linux/errname.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/sort.h>
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

/* What the record held is. */
enum {
	R_NONE,		/* before the first record */
	R_OPEN,		/* json: "[" */
	R_HEAD,		/* an env's header */
	R_LEAK,		/* text: leak i, its header */
	R_LEAK_HIST,	/* text: leak i, entry j of the failing path */
	R_LEAK_BEFORE,	/* text: leak i, acquired before the history kept */
	R_LEAK_PLAIN,	/* text: leak i without a history: its acquire (j 0), itself (1) */
	R_LEAK_OTHER,	/* text: leak i, event j of its id on another path */
	R_LEAK_NOTE,	/* text: leak i, the walk was not followed everywhere */
	R_LIFE,		/* text: acquire i, "reference id=N:" */
	R_LIFE_EV,	/* text: acquire i, event j of its id */
	R_NO_EVENTS,	/* text: "no reference events" */
	R_EV,		/* json: event i */
	R_PATHS,	/* json: the paths array opens */
	R_PATH,		/* json: path i */
	R_FAIL,		/* json: the failing path opens */
	R_HIST,		/* json: history entry i */
	R_TAIL,		/* an env's end */
	R_CLOSE,	/* json: "]" */
	R_END,
};

struct bd_rep {
	struct bd_filter f;
	bool json;
	loff_t pos;		/* the record held, -1 for none */
	int r;			/* R_*: what it is */
	struct bd_env *e;	/* its env, a reference held */
	bool done;		/* past the last env */
	u32 envs;		/* envs shown so far */
	u32 i, j, stop;		/* where in the env */
	bool first;		/* the next element is the first of its list */
	bool leaks;		/* a leak of this env was reported */
	/* the env as entered: counts, and the events chained by id (text) */
	u32 n, np, nh, na;
	u64 *acq;		/* (id << 32 | event) of acquire and lock events, sorted */
	u32 *last;		/* per acq[]: the last event of that id */
	u32 *next;		/* per event: the next event of the same id */
	unsigned long *inh;	/* events on the failing path */
};

static const struct bd_event *ev_at(const struct bd_rep *s, u32 i)
{
	return i < s->n ? bd_env_event(s->e, i) : NULL;
}

static bool shown(const struct bd_rep *s, const struct bd_event *ev)
{
	return bd_event_match(&s->f, ev);
}

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
static u32 acq_event(const struct bd_rep *s, u32 id)
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
	if (s->json)
		return 0;
	for (i = 0; (ev = ev_at(s, i)); i++)
		a += ev->kind == BPF_DIAG_ACQUIRE || ev->kind == BPF_DIAG_LOCK;
	s->acq = kvmalloc_array(a ?: 1, sizeof(*s->acq), GFP_KERNEL);
	s->last = kvmalloc_array(a ?: 1, sizeof(*s->last), GFP_KERNEL);
	s->next = kvmalloc_array(s->n ?: 1, sizeof(*s->next), GFP_KERNEL);
	s->inh = bitmap_zalloc(s->n ?: 1, GFP_KERNEL);
	if (!s->acq || !s->last || !s->next || !s->inh) {
		rep_leave(s);
		return -ENOMEM;
	}
	for (i = 0; (ev = ev_at(s, i)) && s->na < a; i++)
		if (ev->kind == BPF_DIAG_ACQUIRE || ev->kind == BPF_DIAG_LOCK)
			s->acq[s->na++] = (u64)ev->id << 32 | i;
	sort(s->acq, s->na, sizeof(*s->acq), cmp_u64, NULL);
	memset(s->last, 0xff, s->na * sizeof(*s->last));
	for (i = 0; (ev = ev_at(s, i)); i++) {
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
static u32 next_of_id(const struct bd_rep *s, u32 i)
{
	return i < s->n ? s->next[i] : BD_NO_EVENT;
}

static bool in_history(const struct bd_rep *s, u32 i)
{
	return s->nh && i < s->n && test_bit(i, s->inh);
}

/* Was @id (acquired by event @acq) reported leaked? */
static bool leaked(const struct bd_rep *s, u32 acq)
{
	const struct bd_event *ev;
	u32 i;

	for (i = acq; (ev = ev_at(s, i)); i = next_of_id(s, i))
		if (ev->kind == BPF_DIAG_LEAK)
			return true;
	return false;
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

static void put_src(struct seq_file *m, const struct bd_rep *s, s32 insn, u16 src)
{
	const struct bd_src *l = bd_env_src_at(s->e, src);

	seq_printf(m, "insn %d", insn);
	if (l)
		seq_printf(m, " %s:%u:%u: %s", l->file, l->line, l->col, l->text);
	else if (s->e->no_linfo)
		seq_puts(m, " (no BTF line info)");
	seq_putc(m, '\n');
}

static void show_event_line(struct seq_file *m, const struct bd_rep *s,
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
	put_src(m, s, ev->insn, ev->src);
}

/* "path N (from insn X to Y, END)" */
static void put_path(struct seq_file *m, const struct bd_rep *s, u32 id)
{
	const struct bd_path *p = bd_env_path(s->e, id);
	u8 end;

	if (id == BD_NO_PATH) {
		seq_puts(m, "path ?");
		return;
	}
	seq_printf(m, "path %u", id);
	if (!p)
		return;
	end = READ_ONCE(p->end);
	if (p->async)
		seq_printf(m, " (from insn %d to %d, an async callback's walk", p->fork_insn,
			   p->start_insn);
	else if (p->parent == BD_NO_PATH)
		seq_printf(m, " (start at insn %d", p->start_insn);
	else
		seq_printf(m, " (from insn %d to %d, queued by path %u", p->fork_insn,
			   p->start_insn, p->parent);
	seq_printf(m, ", %s", bd_end_names[end]);
	if (end != BPF_DIAG_END_UNEXPLORED && end != BPF_DIAG_END_RUNNING)
		seq_printf(m, " at insn %d", READ_ONCE(p->end_insn));
	seq_putc(m, ')');
}

/* "path N (...):" two spaces left of @indent, and under it the event at @indent */
static void show_path_event(struct seq_file *m, const struct bd_rep *s,
			    const struct bd_event *ev, const char *indent)
{
	seq_puts(m, indent + 2);
	put_path(m, s, ev->path);
	seq_puts(m, ":\n");
	show_event_line(m, s, ev, indent);
}

static void show_branch(struct seq_file *m, const struct bd_rep *s, const struct bd_hist *h,
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
	put_src(m, s, h->from, h->src);
}

static void show_head(struct seq_file *m, const struct bd_rep *s)
{
	const struct bd_env *e = s->e;
	bool fin = bd_finished(e);

	seq_printf(m, "env %llu: prog ", e->seq);
	bd_put_word(m, e->prog);
	seq_printf(m, " (%s), loaded by pid %d (", bd_prog_type_name(e->type), e->pid);
	bd_put_word(m, e->comm);
	seq_puts(m, ")\n  verdict: ");
	if (!fin) {
		seq_puts(m, "still verifying");
	} else if (!e->err) {
		seq_puts(m, "accepted");
	} else {
		seq_puts(m, "rejected, error ");
		err_text(m, e->err);
	}
	seq_printf(m, "; %u insns, %u processed; %u events", e->insns, e->processed, s->n);
	if (READ_ONCE(e->dropped))
		seq_printf(m, ", %u DROPPED (past max_events/max_bytes or no memory: this report is incomplete)",
			   READ_ONCE(e->dropped));
	seq_printf(m, "; %u paths", s->np);
	if (READ_ONCE(e->paths_dropped))
		seq_printf(m, " (+%u past max_paths)", READ_ONCE(e->paths_dropped));
	seq_putc(m, '\n');
	if (READ_ONCE(e->src_dropped))
		seq_printf(m, "  note: %u source lines not kept (past max_lines)\n",
			   READ_ONCE(e->src_dropped));
}

/*
 * Resource Lifetime Safety report for one leak: the lifetime of the leaked
 * reference along the failing path only (the history the verifier was on
 * when it stopped), then what happened to the same id on other paths.
 */
static void show_leak_head(struct seq_file *m, const struct bd_rep *s,
			   const struct bd_event *leak)
{
	seq_printf(m, "  Resource Lifetime Safety: unreleased reference id=%u (alloc_insn=%u), %s\n",
		   leak->id, leak->aux, site_text[leak->how]);
	seq_puts(m, "    on the path that failed, ");
	put_path(m, s, leak->path);
	seq_puts(m, ":\n");
	if (in_history(s, s->i) && s->e->h_lost)
		seq_printf(m, "      (%u history entries past max_history not kept)\n",
			   s->e->h_lost);
}

/* The history entry of event @ev, from @from on; s->nh if none. */
static u32 hist_find(const struct bd_rep *s, u32 from, u32 ev)
{
	const struct bd_hist *h;

	for (; from < s->nh && (h = bd_hist_at(s->e, from)); from++)
		if (h->type == BD_H_EVENT && h->ev == ev)
			return from;
	return s->nh;
}

/* Is history entry @j printed in the failing path of the leak s->i? */
static bool hist_shown(const struct bd_rep *s, u32 j)
{
	const struct bd_hist *h = bd_hist_at(s->e, j);
	const struct bd_event *ev, *leak = ev_at(s, s->i);

	if (!h)
		return false;
	if (h->type != BD_H_EVENT)
		return true;
	ev = ev_at(s, h->ev);
	return ev && ev->id == leak->id;
}

/* Is event @j one to list under "on other paths" for the leak s->i? */
static bool other_shown(const struct bd_rep *s, u32 j)
{
	const struct bd_event *ev = ev_at(s, j), *leak = ev_at(s, s->i);

	return ev && ev->id == leak->id && ev->kind != BPF_DIAG_LEAK &&
	       j != acq_event(s, leak->id) && !in_history(s, j);
}

/* The next event of the leaked id from @j on (its chain, or every event). */
static u32 leak_id_next(const struct bd_rep *s, u32 j, bool start)
{
	u32 acq = acq_event(s, ev_at(s, s->i)->id);

	if (acq == BD_NO_EVENT)
		return start ? 0 : j + 1;
	return start ? acq : next_of_id(s, j);
}

static void show_text(struct seq_file *m, struct bd_rep *s)
{
	const struct bd_event *ev = ev_at(s, s->i);
	const struct bd_hist *h;

	switch (s->r) {
	case R_HEAD:
		show_head(m, s);
		break;
	case R_LEAK:
		show_leak_head(m, s, ev);
		break;
	case R_LEAK_HIST:
		h = bd_hist_at(s->e, s->j);
		if (h->type != BD_H_EVENT)
			show_branch(m, s, h, "      ");
		else
			show_event_line(m, s, ev_at(s, h->ev), "      ");
		break;
	case R_LEAK_BEFORE:
		seq_printf(m, "      acquired at insn %u (before the kept history)\n", ev->aux);
		break;
	case R_LEAK_PLAIN:
		/* no history: kept for rejected envs only, or the walk is broken */
		show_event_line(m, s, s->j ? ev : ev_at(s, acq_event(s, ev->id)), "      ");
		break;
	case R_LEAK_OTHER:
		if (s->first)
			seq_printf(m, "    on other paths (id=%u was still held where it leaked):\n",
				   ev->id);
		show_path_event(m, s, ev_at(s, s->j), "        ");
		break;
	case R_LEAK_NOTE:
		seq_puts(m, "    note: the walk could not be followed everywhere (see status)\n");
		break;
	case R_LIFE:
		seq_printf(m, "  reference id=%u:\n", ev->id);
		break;
	case R_LIFE_EV:
		show_path_event(m, s, ev_at(s, s->j), "      ");
		break;
	case R_NO_EVENTS:
		seq_puts(m, "  no reference events\n");
		break;
	case R_TAIL:
		seq_putc(m, '\n');
		break;
	}
}

/* Text: the first event of the leaked id from @j on listed under other paths. */
static bool other_from(struct bd_rep *s, u32 j)
{
	for (s->j = j; s->j < s->n; s->j = leak_id_next(s, s->j, false)) {
		if (other_shown(s, s->j)) {
			s->r = R_LEAK_OTHER;
			return true;
		}
	}
	if (READ_ONCE(s->e->paths_broken)) {
		s->r = R_LEAK_NOTE;
		return true;
	}
	return false;
}

static bool other_first(struct bd_rep *s)
{
	s->first = true;
	return other_from(s, leak_id_next(s, 0, true));
}

/* Text: the record after the one held within the leak s->i; false past it. */
static bool step_leak(struct bd_rep *s)
{
	u32 acq = acq_event(s, ev_at(s, s->i)->id);

	switch (s->r) {
	case R_LEAK:
		if (!in_history(s, s->i)) {
			/* its acquire (j 0) if recorded, then the leak (j 1) */
			s->j = acq == BD_NO_EVENT;
			s->r = R_LEAK_PLAIN;
			return true;
		}
		s->j = acq == BD_NO_EVENT ? s->nh : hist_find(s, 0, acq);
		if (s->j == s->nh) {
			s->r = R_LEAK_BEFORE;
			return true;
		}
		s->stop = hist_find(s, s->j, s->i);
		s->r = R_LEAK_HIST;
		return true;
	case R_LEAK_HIST:
		while (++s->j <= s->stop && s->j < s->nh)
			if (hist_shown(s, s->j))
				return true;
		return other_first(s);
	case R_LEAK_PLAIN:
		if (!s->j++)
			return true;
		return other_first(s);
	case R_LEAK_BEFORE:
		return other_first(s);
	case R_LEAK_OTHER:
		s->first = false;
		return other_from(s, leak_id_next(s, s->j, false));
	}
	return false;
}

/* Text: the next leak at or after event @i that is shown. */
static bool find_leak(struct bd_rep *s, u32 i)
{
	const struct bd_event *ev;

	for (; (ev = ev_at(s, i)); i++) {
		if (ev->kind == BPF_DIAG_LEAK && shown(s, ev)) {
			s->i = i;
			s->r = R_LEAK;
			s->leaks = true;
			return true;
		}
	}
	return false;
}

/* Text: the next acquire at or after event @i whose lifetime is shown. */
static bool find_life(struct bd_rep *s, u32 i)
{
	const struct bd_event *ev;

	for (; (ev = ev_at(s, i)); i++) {
		if (ev->kind != BPF_DIAG_ACQUIRE || leaked(s, i) ||
		    ((s->f.keys & BD_F_REF) && ev->id != s->f.ref))
			continue;
		s->i = i;
		s->r = R_LIFE;
		return true;
	}
	return false;
}

/* Text: the record after the one held, within the env; false at its end. */
static bool step_text(struct bd_rep *s)
{
	const struct bd_event *ev;

	switch (s->r) {
	case R_HEAD:
		s->leaks = false;
		if (find_leak(s, 0))
			return true;
		goto lives;
	case R_LEAK:
	case R_LEAK_HIST:
	case R_LEAK_BEFORE:
	case R_LEAK_PLAIN:
	case R_LEAK_OTHER:
	case R_LEAK_NOTE:
		if (step_leak(s) || find_leak(s, s->i + 1))
			return true;
lives:
		if (s->leaks && (s->f.keys & BD_F_LEAKED))
			goto tail;
		if (find_life(s, 0))
			return true;
		goto none;
	case R_LIFE:
		s->j = s->i;
		fallthrough;
	case R_LIFE_EV:
		for (s->j = s->r == R_LIFE ? s->j : next_of_id(s, s->j);
		     (ev = ev_at(s, s->j)); s->j = next_of_id(s, s->j)) {
			if (shown(s, ev)) {
				s->r = R_LIFE_EV;
				return true;
			}
		}
		if (find_life(s, s->i + 1))
			return true;
none:
		if (!s->n) {
			s->r = R_NO_EVENTS;
			return true;
		}
		fallthrough;
	case R_NO_EVENTS:
tail:
		s->r = R_TAIL;
		return true;
	}
	return false;
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

static void json_src(struct seq_file *m, const struct bd_rep *s, u16 idx)
{
	const struct bd_src *l = bd_env_src_at(s->e, idx);

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

static bool has_failing_path(const struct bd_rep *s)
{
	return s->nh;
}

static void json_head(struct seq_file *m, const struct bd_rep *s)
{
	const struct bd_env *e = s->e;
	bool fin = bd_finished(e);
	u32 dropped = READ_ONCE(e->dropped), pd = READ_ONCE(e->paths_dropped);

	seq_printf(m, "%s{\"env\":%llu,\"prog\":", s->envs > 1 ? ",\n" : "", e->seq);
	json_str(m, e->prog);
	seq_printf(m, ",\"type\":\"%s\",\"pid\":%d,\"comm\":", bd_prog_type_name(e->type), e->pid);
	json_str(m, e->comm);
	seq_printf(m, ",\"verdict\":\"%s\",\"err\":%d,\"insns\":%u,\"processed\":%u",
		   bd_verdict(e), fin ? e->err : 0, e->insns, e->processed);
	seq_printf(m, ",\"start_ns\":%llu,\"duration_ns\":%llu,\"events_total\":%u,\"dropped\":%u,\"complete\":%s,\"source_lines\":%s,\"source_lines_dropped\":%u",
		   e->start_ns, fin ? e->end_ns - e->start_ns : 0, s->n, dropped,
		   dropped ? "false" : "true", e->no_linfo ? "false" : "true",
		   READ_ONCE(e->src_dropped));
	seq_printf(m, ",\"paths_dropped\":%u,\"paths_complete\":%s,\"events\":[",
		   pd, READ_ONCE(e->paths_broken) || pd ? "false" : "true");
}

static void json_event(struct seq_file *m, const struct bd_rep *s, u32 i)
{
	const struct bd_event *ev = ev_at(s, i);

	seq_printf(m, "%s\n  {\"idx\":%u,\"insn\":%d,\"kind\":\"%s\",\"id\":%u,\"depth\":%u",
		   s->first ? "" : ",", i, ev->insn, bd_kind_names[ev->kind], ev->id, ev->depth);
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

static void json_path(struct seq_file *m, const struct bd_rep *s, u32 i)
{
	const struct bd_path *p = bd_env_path(s->e, i);

	seq_printf(m, "%s\n  {\"path\":%u,\"parent\":", s->first ? "" : ",", i);
	if (p->parent == BD_NO_PATH)
		seq_puts(m, "null");
	else
		seq_printf(m, "%u", p->parent);
	seq_printf(m, ",\"fork_insn\":%d,\"start_insn\":%d,\"dir\":\"%s\",\"end\":\"%s\",\"end_insn\":%d,\"pop\":%u,\"spec\":%s,\"async\":%s,\"fork_ev\":%u}",
		   p->fork_insn, p->start_insn, bd_dir_names[p->dir],
		   bd_end_names[READ_ONCE(p->end)], READ_ONCE(p->end_insn),
		   READ_ONCE(p->pop_seq), p->spec ? "true" : "false",
		   p->async ? "true" : "false", p->fork_ev);
}

static void json_hist(struct seq_file *m, const struct bd_rep *s, u32 i)
{
	const struct bd_hist *h = bd_hist_at(s->e, i);

	seq_puts(m, s->first ? "" : ",");
	if (h->type == BD_H_EVENT && h->ev == BD_NO_EVENT)
		seq_puts(m, "{\"event\":null}");
	else if (h->type == BD_H_EVENT)
		seq_printf(m, "{\"event\":%u}", h->ev);
	else
		seq_printf(m, "{\"%s\":%d,\"to\":%d,\"path\":%u}",
			   h->type == BD_H_FORK ? "branch" : "resume", h->from, h->to, h->other);
}

static void show_json(struct seq_file *m, struct bd_rep *s)
{
	switch (s->r) {
	case R_HEAD:
		json_head(m, s);
		break;
	case R_EV:
		json_event(m, s, s->i);
		break;
	case R_PATHS:
		seq_puts(m, "],\"paths\":[");
		break;
	case R_PATH:
		json_path(m, s, s->i);
		break;
	case R_FAIL:
		seq_puts(m, "],\"failing_path\":");
		if (!has_failing_path(s))
			seq_puts(m, "null");
		else
			seq_printf(m, "{\"history_lost\":%u,\"history\":[", s->e->h_lost);
		break;
	case R_HIST:
		json_hist(m, s, s->i);
		break;
	case R_TAIL:
		seq_puts(m, has_failing_path(s) ? "]}}" : "}");
		break;
	}
}

/* JSON: the record after the one held, within the env; false at its end. */
static bool step_json(struct bd_rep *s)
{
	const struct bd_event *ev;

	switch (s->r) {
	case R_HEAD:
		s->i = 0;
		s->first = true;
		goto events;
	case R_EV:
		s->i++;
		s->first = false;
events:
		for (; (ev = ev_at(s, s->i)); s->i++) {
			if (shown(s, ev)) {
				s->r = R_EV;
				return true;
			}
		}
		s->r = R_PATHS;
		return true;
	case R_PATHS:
		s->i = 0;
		s->first = true;
		goto paths;
	case R_PATH:
		s->i++;
		s->first = false;
paths:
		for (; s->i < s->np; s->i++) {
			if (!(s->f.keys & BD_F_PATH) || s->i == s->f.path) {
				s->r = R_PATH;
				return true;
			}
		}
		s->r = R_FAIL;
		return true;
	case R_FAIL:
		s->i = 0;
		s->first = true;
		if (has_failing_path(s) && s->nh) {
			s->r = R_HIST;
			return true;
		}
		s->r = R_TAIL;
		return true;
	case R_HIST:
		s->first = false;
		if (++s->i < s->nh)
			return true;
		s->r = R_TAIL;
		return true;
	}
	return false;
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
			err = rep_enter(s);
			if (err)
				return err;
			s->envs++;
			s->r = R_HEAD;
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
		if (!(s->json ? step_json(s) : step_text(s)))
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
	else if (s->json)
		show_json(m, s);
	else
		show_text(m, s);
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
