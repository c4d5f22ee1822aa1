// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the report for tools (report.json): one JSON array, an object
 * per env with its events, paths and failing path.  One record at a time
 * (report.h).
 */
#include <linux/seq_file.h>
#include "report.h"

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
	if (l->func_insn >= 0) {
		seq_puts(m, ",\"func\":");
		json_str(m, l->func);
		seq_printf(m, ",\"func_insn\":%d", l->func_insn);
	}
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
	json_str(m, bd_env_name(e));
	seq_puts(m, ",\"kernel_name\":");
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
	const struct bd_event *ev = rep_ev(s, i);

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
	else if (h->type == BD_H_JUMP)
		seq_printf(m, "{\"jump\":%d,\"to\":%d}", h->from, h->to);
	else
		seq_printf(m, "{\"%s\":%d,\"to\":%d,\"path\":%u}",
			   h->type == BD_H_FORK ? "branch" : "resume", h->from, h->to, h->other);
}

/* A holder without its frame (given apart) */
static void json_loc(struct seq_file *m, const char *key, u8 frame, s16 loc)
{
	char b[24];

	if (loc == BD_LOC_NONE) {
		seq_printf(m, ",\"%s\":null", key);
		return;
	}
	seq_printf(m, ",\"%s\":\"%s\",\"%s_frame\":%u", key, bd_loc_name(b, sizeof(b), 0, loc),
		   key, frame);
}

static const char * const json_side[] = { [BD_DIR_NONE] = "fork",
					  [BD_DIR_TAKEN] = "taken",
					  [BD_DIR_FALLTHROUGH] = "fallthrough" };

/* @key, then event @i's id, insn, path and source, or null */
static void json_ev_at(struct seq_file *m, struct bd_rep *s, const char *key, u32 i)
{
	const struct bd_event *ev = i != BD_NO_EVENT ? rep_ev(s, i) : NULL;

	seq_puts(m, key);
	if (!ev) {
		seq_puts(m, "null");
		return;
	}
	seq_printf(m, "{\"id\":%u,\"insn\":%d,\"path\":%u,\"src\":", ev->id, ev->insn, ev->path);
	json_src(m, s, ev->src);
	seq_putc(m, '}');
}

/* "suggestion": where to release the leaked @id (report_suggest.c), or null */
static void json_sugg(struct seq_file *m, struct bd_rep *s, u32 id)
{
	const struct rep_sugg *g = rep_sugg_of(s, id, true);
	char b[24];

	seq_puts(m, ",\"suggestion\":");
	if (!g) {
		seq_puts(m, "null");
		return;
	}
	seq_printf(m, "{\"leak_insn\":%d,\"branch\":", rep_ev(s, g->leak)->insn);
	if (g->found) {
		seq_printf(m, "{\"insn\":%d,\"this_side\":\"%s\",\"releasing_side\":\"%s\",\"src\":",
			   g->insn, json_side[g->fail_dir], json_side[g->rel_dir]);
		json_src(m, s, g->src);
		seq_putc(m, '}');
	} else {
		seq_puts(m, "null");
	}
	json_ev_at(m, s, ",\"release\":", g->rel_ev);
	json_ev_at(m, s, ",\"same_acquire_released\":", g->sibling_ev);
	if (g->found ? g->hloc != BD_LOC_NONE : g->eloc != BD_LOC_NONE)
		seq_printf(m, ",\"holder\":\"%s\",\"holder_frame\":%u}",
			   bd_loc_name(b, sizeof(b), 0, g->found ? g->hloc : g->eloc),
			   g->found ? g->hframe : g->eframe);
	else
		seq_puts(m, ",\"holder\":null}");
}

/* Lineage step @j; the first of its id opens the id's object, the last closes it */
static void json_step(struct seq_file *m, struct bd_rep *s, u32 j)
{
	const struct bd_step *st = bd_env_step(s->e, j), *p;
	char b[24];
	u32 k, lost, differs = 0;
	bool first = true, cut = false;

	if (!j || bd_env_step(s->e, j - 1)->id != st->id)
		seq_printf(m, "%s\n  {\"id\":%u,\"lineage\":[", j ? "," : "", st->id);
	else
		seq_putc(m, ',');
	seq_printf(m, "{\"insn\":%d,\"at\":%u,\"kind\":\"%s\"", st->insn, st->at,
		   bd_step_names[st->kind]);
	json_loc(m, "from", st->ffrom, st->from);
	json_loc(m, "to", st->fto, st->to);
	if (st->lost)
		seq_puts(m, ",\"lost\":true");
	if (st->kind == BPF_DIAG_STEP_HELD)
		seq_printf(m, ",\"in_verifier_state\":%s", st->live ? "true" : "false");
	seq_puts(m, ",\"src\":");
	json_src(m, s, st->src);
	seq_putc(m, '}');
	if (rep_step_next(s, j) != U32_MAX)
		return;
	/*
	 * The id's last step: its steps again, back to its first (no state
	 * kept between records: a record is shown again after a seek).
	 */
	for (k = j, lost = U32_MAX; (p = bd_env_step(s->e, k)) && p->id == st->id; k--) {
		if (p->lost)
			lost = k;
		differs += p->kind == BPF_DIAG_STEP_DIFFERS;
		cut |= p->kind == BPF_DIAG_STEP_CUT;
		if (!k)
			break;
	}
	/* the id's last step: what held it at the leak, where it was lost */
	seq_puts(m, "],\"held_at_leak\":[");
	for (k = j; k != U32_MAX; k = k ? k - 1 : U32_MAX) {
		p = bd_env_step(s->e, k);
		if (!p || p->id != st->id || p->kind != BPF_DIAG_STEP_HELD)
			break;
	}
	for (k = k == U32_MAX ? 0 : k + 1; k <= j; k++, first = false) {
		p = bd_env_step(s->e, k);
		seq_printf(m, "%s{\"holder\":\"%s\",\"frame\":%u,\"in_verifier_state\":%s}",
			   first ? "" : ",", bd_loc_name(b, sizeof(b), 0, p->to), p->fto,
			   p->live ? "true" : "false");
	}
	seq_puts(m, "],\"lost_at\":");
	p = lost != U32_MAX ? bd_env_step(s->e, lost) : NULL;
	if (p) {
		seq_printf(m, "{\"insn\":%d,\"holder\":\"%s\",\"frame\":%u,\"kind\":\"%s\",\"src\":",
			   p->insn, bd_loc_name(b, sizeof(b), 0, p->from), p->ffrom,
			   bd_step_names[p->kind]);
		json_src(m, s, p->src);
		seq_putc(m, '}');
	} else {
		seq_puts(m, "null");
	}
	seq_printf(m, ",\"replayed\":%s,\"differs\":%u", cut ? "false" : "true", differs);
	json_sugg(m, s, st->id);
	seq_putc(m, '}');
}

void rep_show_json(struct seq_file *m, struct bd_rep *s)
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
			seq_printf(m, "{\"history_lost\":%u,\"walk\":\"%s\",\"walk_cut\":%d,\"walk_unplaced\":%u,\"history\":[",
				   s->e->h_lost, bd_walk_names[s->e->walk_end],
				   s->e->walk_end == BD_WALK_CUT ? s->e->walk_cut : -1,
				   s->e->walk_unplaced);
		break;
	case R_HIST:
		json_hist(m, s, s->i);
		break;
	case R_LIN_OPEN:
		seq_printf(m, "],\"lineage_steps_lost\":%u,\"leaks\":[", s->e->steps_lost);
		break;
	case R_LIN_STEP:
		json_step(m, s, s->i);
		break;
	case R_TAIL:
		if (has_failing_path(s))
			seq_puts(m, "]}}");
		else
			seq_puts(m, "}");
		break;
	}
}

/* JSON: the record after the one held, within the env; false at its end. */
bool rep_step_json(struct bd_rep *s)
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
		for (; (ev = rep_ev(s, s->i)); s->i++) {
			if (rep_shown(s, ev)) {
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
		s->r = has_failing_path(s) ? R_LIN_OPEN : R_TAIL;
		return true;
	case R_HIST:
		s->first = false;
		if (++s->i < s->nh)
			return true;
		s->r = R_LIN_OPEN;
		return true;
	case R_LIN_OPEN:
		s->i = 0;
		s->r = s->e->nr_steps ? R_LIN_STEP : R_TAIL;
		return true;
	case R_LIN_STEP:
		if (++s->i < s->e->nr_steps)
			return true;
		s->r = R_TAIL;
		return true;
	}
	return false;
}
