// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the report for people.  Per env that passes the filter: a
 * header, then each leak as a Resource Lifetime Safety report (its failing
 * path, the reference's events on it, where it leaked, with source lines),
 * then the lifetime of every other reference.  One record at a time
 * (report.h), in the order report_order.c steps through.
 */
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
	const struct bd_path *p;

	seq_puts(m, indent);
	if (h->type == BD_H_JUMP) {
		seq_printf(m, "branch at insn %d: went %sto insn %d (known here: nothing queued for the other side)",
			   h->from, h->to == h->from + 1 ? "on " : "", h->to);
	} else if (h->type == BD_H_RESUME) {
		p = bd_env_path(s->e, h->other);
		/* queued at a call (an iterator's next, a helper that forks) */
		seq_printf(m, "%s at insn %d: went to insn %d (this path was queued there: ",
			   p && p->dir == BD_DIR_NONE ? "fork" : "branch", h->from, h->to);
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
	bd_put_word(m, bd_env_name(e));
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
	if (!rep_in_history(s, s->i))
		return;
	if (s->e->h_lost)
		seq_printf(m, "      (%u history entries past max_history not kept; branches the verifier decided alone not shown)\n",
			   s->e->h_lost);
	if (s->e->walk_end == BD_WALK_CUT)
		seq_printf(m, "      (branches the verifier decided alone shown from insn %d on: max_walk or max_history)\n",
			   s->e->walk_cut);
	if (s->e->walk_end == BD_WALK_BROKEN)
		seq_puts(m, "      (the verifier's jump history could not be followed to the start: some branches it decided alone are not shown)\n");
	if (s->e->walk_unplaced)
		seq_printf(m, "      (%u entries could not be placed on the verifier's jump history: shown first)\n",
			   s->e->walk_unplaced);
}

/* "where it went": one step of the leaked id's lineage (lineage.c) */
static void show_step(struct seq_file *m, const struct bd_rep *s, const struct bd_step *st,
		      bool last)
{
	char a[24], b[24];

	bd_loc_name(a, sizeof(a), st->ffrom, st->from);
	bd_loc_name(b, sizeof(b), st->fto, st->to);
	if (s->first)
		seq_printf(m, "    where it went (id=%u), replayed along this path:\n", st->id);
	switch (st->kind) {
	case BPF_DIAG_STEP_HELD:
		seq_printf(m, "    held at the leak: %s%s\n", b, st->live ? "" :
			   " (no longer in the verifier's state: no later insn reads it)");
		return;
	case BPF_DIAG_STEP_DIFFERS:
		seq_printf(m, "    DIFFERS at the leak: the verifier's state has it in %s, the replay not\n",
			   b);
		goto end;
	case BPF_DIAG_STEP_CUT:
		if (st->insn < 0)
			seq_puts(m, "      (not replayed: the failing path kept does not reach its acquire)\n");
		else
			seq_printf(m, "      (replay stopped at insn %d: the path could not be followed further)\n",
				   st->insn);
		goto end;
	}
	seq_printf(m, "      insn %d: ", st->insn);
	switch (st->kind) {
	case BPF_DIAG_STEP_ACQUIRE:
		seq_printf(m, "acquired into %s", b);
		break;
	case BPF_DIAG_STEP_COPY:
		seq_printf(m, "%s copied to %s", a, b);
		break;
	case BPF_DIAG_STEP_SPILL:
		seq_printf(m, "%s spilled to %s", a, b);
		break;
	case BPF_DIAG_STEP_FILL:
		seq_printf(m, "%s filled from %s", b, a);
		break;
	case BPF_DIAG_STEP_ARG:
		seq_printf(m, "%s passed as %s (a subprogram's or callback's argument)", a, b);
		break;
	case BPF_DIAG_STEP_RETURN:
		seq_printf(m, "%s returned to the caller's %s", a, b);
		break;
	case BPF_DIAG_STEP_DERIVE:
		seq_printf(m, "%s = the call's result from %s, the same reference", b, a);
		break;
	case BPF_DIAG_STEP_OVERWRITE:
		seq_printf(m, "%s overwritten", a);
		break;
	case BPF_DIAG_STEP_CLOBBER:
		seq_printf(m, "%s clobbered by the call (r0-r5 do not survive one)", a);
		break;
	case BPF_DIAG_STEP_FRAME_EXIT:
		seq_printf(m, "%s gone with its frame (the function returned)", a);
		break;
	}
	if (st->lost)
		seq_printf(m, ": nothing holds id=%u any more, the program lost it here", st->id);
	seq_puts(m, "\n        at ");
	put_src(m, s, st->insn, st->src);
end:
	if (last && st->kind != BPF_DIAG_STEP_HELD)
		seq_puts(m, "    held at the leak: nothing\n");
}

static const char *side(u8 dir)
{
	return dir == BD_DIR_TAKEN ? "taken" : dir == BD_DIR_FALLTHROUGH ? "fall-through" : "other";
}

/* "suggestion:": where to release the leaked reference (report_suggest.c) */
static void show_sugg(struct seq_file *m, const struct bd_rep *s)
{
	const struct bd_event *leak = rep_ev(s, s->i), *rel;
	const struct rep_sugg *g = rep_sugg_of(s, s->i, false);
	char b[24];

	if (!g) {
		seq_printf(m, "    suggestion: not worked out (%s)\n", s->sugg_err == -E2BIG ?
			   "more leaks than the first 64" : "no memory to index the paths");
		return;
	}
	rel = g->rel_ev != BD_NO_EVENT ? rep_ev(s, g->rel_ev) : NULL;
	if (g->found && rel) {
		seq_puts(m, "    suggestion: release it");
		if (g->hloc != BD_LOC_NONE)
			seq_printf(m, " (through %s)",
				   bd_loc_name(b, sizeof(b), g->hframe, g->hloc));
		if (g->fail_dir == BD_DIR_NONE)
			seq_printf(m, " on this path after the fork at insn %d", g->insn);
		else
			seq_printf(m, " on the %s side of the branch at insn %d", side(g->fail_dir),
				   g->insn);
		seq_printf(m, ", before the leak at insn %d: path %u took the %s side and released it at insn %d\n",
			   leak->insn, rel->path, side(g->rel_dir), rel->insn);
		seq_puts(m, "      the branch: ");
		put_src(m, s, g->insn, g->src);
		seq_puts(m, "      the release: ");
		put_src(m, s, rel->insn, rel->src);
		return;
	}
	if (rel) {
		seq_printf(m, "    suggestion: release it on this path before the leak at insn %d (path %u released it at insn %d; where it parted from this path was not kept)\n",
			   leak->insn, rel->path, rel->insn);
		return;
	}
	seq_puts(m, "    suggestion: no path releases it: release it");
	if (g->eloc != BD_LOC_NONE)
		seq_printf(m, " through %s", bd_loc_name(b, sizeof(b), g->eframe, g->eloc));
	seq_printf(m, " before the leak at insn %d", leak->insn);
	if (g->eloc == BD_LOC_NONE)
		seq_puts(m, " (nothing holds it there: keep it in a register or on the stack until then)");
	seq_putc(m, '\n');
	rel = g->sibling_ev != BD_NO_EVENT ? rep_ev(s, g->sibling_ev) : NULL;
	if (rel) {
		seq_printf(m, "      the same acquire (insn %u) gave id=%u, released on path %u: ",
			   leak->aux, rel->id, rel->path);
		put_src(m, s, rel->insn, rel->src);
	}
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
	case R_LEAK_LINE:
		show_step(m, s, bd_env_step(s->e, s->j), rep_step_next(s, s->j) == U32_MAX);
		break;
	case R_LEAK_SUGG:
		show_sugg(m, s);
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
