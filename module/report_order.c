// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the order of the report's records (report_text.c prints
 * them).  Per env: the header; per leak shown, its head, the entries of
 * its failing path that concern it (or its acquire and itself where no
 * path was kept), its events on other paths; then the lifetime of every
 * other reference; the tail.  One step from the record held to the next,
 * no rescans (report.h).
 */
#include "report.h"

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

/* Text: where to release it (rejected envs with a failing path), then its other paths */
static bool sugg(struct bd_rep *s)
{
	if (s->nh) {
		s->r = R_LEAK_SUGG;
		return true;
	}
	return other_first(s);
}

/* Text: the lineage of the leaked id (lineage.c), then the suggestion */
static bool line_first(struct bd_rep *s)
{
	const struct bd_step *st;
	u32 id = rep_ev(s, s->i)->id;

	for (s->j = 0; s->nh && (st = bd_env_step(s->e, s->j)); s->j++) {
		if (st->id == id) {
			s->first = true;
			s->r = R_LEAK_LINE;
			return true;
		}
	}
	return sugg(s);
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
		return line_first(s);
	case R_LEAK_PLAIN:
		if (!s->j++)
			return true;
		return line_first(s);
	case R_LEAK_BEFORE:
		return line_first(s);
	case R_LEAK_LINE:
		s->first = false;
		s->j = rep_step_next(s, s->j);
		if (s->j != U32_MAX)
			return true;
		return sugg(s);
	case R_LEAK_SUGG:
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
	case R_LEAK_LINE:
	case R_LEAK_SUGG:
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
