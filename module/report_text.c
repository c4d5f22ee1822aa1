// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the report for people.  Per env that passes the filter: a
 * header, then each leak as a Resource Lifetime Safety report (its failing
 * path, the reference's events on it, where it leaked, with source lines),
 * then the lifetime of every other reference.  One record at a time
 * (report.h).
 */
#include <linux/bitmap.h>
#include <linux/seq_file.h>
#include "report.h"

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
		rep_err_text(m, e->err);
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
	if (rep_in_history(s, s->i) && s->e->h_lost)
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
	const struct bd_event *ev, *leak = rep_ev(s, s->i);

	if (!h)
		return false;
	if (h->type != BD_H_EVENT)
		return true;
	ev = rep_ev(s, h->ev);
	return ev && ev->id == leak->id;
}

/* Is event @j one to list under "on other paths" for the leak s->i? */
static bool other_shown(const struct bd_rep *s, u32 j)
{
	const struct bd_event *ev = rep_ev(s, j), *leak = rep_ev(s, s->i);

	return ev && ev->id == leak->id && ev->kind != BPF_DIAG_LEAK &&
	       j != rep_acq_event(s, leak->id) && !rep_in_history(s, j);
}

/* The next event of the leaked id from @j on (its chain, or every event). */
static u32 leak_id_next(const struct bd_rep *s, u32 j, bool start)
{
	u32 acq = rep_acq_event(s, rep_ev(s, s->i)->id);

	if (acq == BD_NO_EVENT)
		return start ? 0 : j + 1;
	return start ? acq : rep_next_of_id(s, j);
}

void rep_show_text(struct seq_file *m, struct bd_rep *s)
{
	const struct bd_event *ev = rep_ev(s, s->i);
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
			show_event_line(m, s, rep_ev(s, h->ev), "      ");
		break;
	case R_LEAK_BEFORE:
		seq_printf(m, "      acquired at insn %u (before the kept history)\n", ev->aux);
		break;
	case R_LEAK_PLAIN:
		/* no history: kept for rejected envs only, or the walk is broken */
		show_event_line(m, s, s->j ? ev : rep_ev(s, rep_acq_event(s, ev->id)), "      ");
		break;
	case R_LEAK_OTHER:
		if (s->first)
			seq_printf(m, "    on other paths (id=%u was still held where it leaked):\n",
				   ev->id);
		show_path_event(m, s, rep_ev(s, s->j), "        ");
		break;
	case R_LEAK_NOTE:
		seq_puts(m, "    note: the walk could not be followed everywhere (see status)\n");
		break;
	case R_LIFE:
		seq_printf(m, "  reference id=%u:\n", ev->id);
		break;
	case R_LIFE_EV:
		show_path_event(m, s, rep_ev(s, s->j), "      ");
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
	u32 acq = rep_acq_event(s, rep_ev(s, s->i)->id);

	switch (s->r) {
	case R_LEAK:
		if (!rep_in_history(s, s->i)) {
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

	for (; (ev = rep_ev(s, i)); i++) {
		if (ev->kind == BPF_DIAG_LEAK && rep_shown(s, ev)) {
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

	for (; (ev = rep_ev(s, i)); i++) {
		if (ev->kind != BPF_DIAG_ACQUIRE || rep_leaked(s, i) ||
		    ((s->f.keys & BD_F_REF) && ev->id != s->f.ref))
			continue;
		s->i = i;
		s->r = R_LIFE;
		return true;
	}
	return false;
}

/* Text: the record after the one held, within the env; false at its end. */
bool rep_step_text(struct bd_rep *s)
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
		for (s->j = s->r == R_LIFE ? s->j : rep_next_of_id(s, s->j);
		     (ev = rep_ev(s, s->j)); s->j = rep_next_of_id(s, s->j)) {
			if (rep_shown(s, ev)) {
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
