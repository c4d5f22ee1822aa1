/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report files' record state machine, shared by report.c (envs,
 * seq_file), report_text.c and report_order.c (report) and report_json.c
 * (report.json).
 */
#ifndef _BPF_DIAG_REPORT_H
#define _BPF_DIAG_REPORT_H

#include "internal.h"

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
	R_LEAK_LINE,	/* text: leak i, step j of its lineage */
	R_LEAK_SUGG,	/* text: leak i, where to release it */
	R_LIFE,		/* text: acquire i, "reference id=N:" */
	R_LIFE_EV,	/* text: acquire i, event j of its id */
	R_NO_EVENTS,	/* text: "no reference events" */
	R_EV,		/* json: event i */
	R_PATHS,	/* json: the paths array opens */
	R_PATH,		/* json: path i */
	R_FAIL,		/* json: the failing path opens */
	R_HIST,		/* json: history entry i */
	R_LIN_OPEN,	/* json: the leaks' lineage opens */
	R_LIN_STEP,	/* json: lineage step i */
	R_ENV_ERR,	/* an env that could not be indexed: its id and the error */
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
	int err;		/* R_ENV_ERR: why */
	/* the env as entered: counts, and the events chained by id (text) */
	u32 n, np, nh, na;
	u64 *acq;		/* (id << 32 | event) of acquire and lock events, sorted */
	u32 *last;		/* per acq[]: the last event of that id */
	u32 *next;		/* per event: the next event of the same id */
	unsigned long *inh;	/* events on the failing path */
	/* where to release each leaked reference (report_suggest.c) */
	struct rep_sugg *sugg;
	u32 nsugg;
	int sugg_err;		/* -ENOMEM, -E2BIG (more leaks than worked out) */
};

static inline const struct bd_event *rep_ev(const struct bd_rep *s, u32 i)
{
	return i < s->n ? bd_env_event(s->e, i) : NULL;
}

static inline bool rep_shown(const struct bd_rep *s, const struct bd_event *ev)
{
	return bd_event_match(&s->f, ev);
}

/* report_suggest.c: where to release a leaked reference */
struct rep_sugg {
	u32 leak;		/* its leak event */
	bool found;		/* the branch where the nearest releasing path parted */
	s32 insn;		/* that branch */
	u16 src;
	u8 fail_dir, rel_dir;	/* BD_DIR_* of each side (NONE: a fork at a call) */
	u32 rel_ev;		/* its release (or the first one), BD_NO_EVENT */
	u32 sibling_ev;		/* none: a release of an id the same insn acquired */
	u8 hframe, eframe;
	s16 hloc;		/* what held it at the branch on the failing side */
	s16 eloc;		/* what holds it at the leak */
};

void rep_suggest_all(struct bd_rep *s);
const struct rep_sugg *rep_sugg_of(const struct bd_rep *s, u32 i, bool by_id);

/* report.c: the env as entered */
u32 rep_acq_event(const struct bd_rep *s, u32 id);
u32 rep_next_of_id(const struct bd_rep *s, u32 i);
bool rep_in_history(const struct bd_rep *s, u32 i);
bool rep_leaked(const struct bd_rep *s, u32 acq);
void rep_err_text(struct seq_file *m, int err);
void rep_show_env_err(struct seq_file *m, const struct bd_rep *s);
/* lineage steps: the next one of the same id after @j, or U32_MAX */
static inline u32 rep_step_next(const struct bd_rep *s, u32 j)
{
	const struct bd_step *a = bd_env_step(s->e, j), *b = bd_env_step(s->e, j + 1);

	return a && b && a->id == b->id ? j + 1 : U32_MAX;
}

/* report_text.c, report_order.c */
void rep_show_text(struct seq_file *m, struct bd_rep *s);
bool rep_step_text(struct bd_rep *s);
/* report_json.c */
void rep_show_json(struct seq_file *m, struct bd_rep *s);
bool rep_step_json(struct bd_rep *s);

#endif /* _BPF_DIAG_REPORT_H */
