// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: where to release a leaked reference, the report's
 * "suggestion".  Worked out once per env when a reader enters it
 * (rep_enter, process context), from the env's records alone: a finished
 * env is not written any more, so every read of it says the same.
 *
 * Among the paths that released the id, the one that shares the longest
 * prefix with the failing path: up both paths' parent chains to where they
 * meet, the branch where they part is the fork of whichever of the two
 * child paths was queued first there (paths are numbered as queued); its
 * place on the failing path is the history entry naming that path (a fork
 * the failing path queued, or the resume where it was queued).  The latest
 * such place wins.  What held the reference there on the failing side comes
 * from the lineage's steps before that branch (bd_step.raw against the
 * entry's step, bd_hist.cnt).
 */
#include <linux/bitmap.h>
#include <linux/slab.h>
#include "report.h"

#define SUGG_MAX	64	/* leaks of one env worked out; more are said so */

static u8 other_side(u8 dir)
{
	return dir == BD_DIR_TAKEN ? BD_DIR_FALLTHROUGH :
	       dir == BD_DIR_FALLTHROUGH ? BD_DIR_TAKEN : BD_DIR_NONE;
}

static bool gives(u8 kind)
{
	return kind == BPF_DIAG_STEP_ACQUIRE || kind == BPF_DIAG_STEP_COPY ||
	       kind == BPF_DIAG_STEP_SPILL || kind == BPF_DIAG_STEP_FILL ||
	       kind == BPF_DIAG_STEP_ARG || kind == BPF_DIAG_STEP_RETURN ||
	       kind == BPF_DIAG_STEP_DERIVE;
}

static bool takes(u8 kind)
{
	return kind == BPF_DIAG_STEP_OVERWRITE || kind == BPF_DIAG_STEP_CLOBBER ||
	       kind == BPF_DIAG_STEP_FRAME_EXIT;
}

/*
 * What held @id on the failing path before the insn at walk step @cnt: the
 * latest holder still holding it (the one the code at hand names), in
 * @g->hframe/hloc.  At most 8 holders at once are followed.
 */
static void holder_before(const struct bd_env *e, u32 id, u32 cnt, struct rep_sugg *g)
{
	u8 hf[8];
	s16 hl[8];
	int n = 0, k;
	u32 j;
	const struct bd_step *st;

	for (j = 0; (st = bd_env_step(e, j)); j++) {
		if (st->id != id || st->raw <= cnt)
			continue;
		if (gives(st->kind) && n < ARRAY_SIZE(hf)) {
			hf[n] = st->fto;
			hl[n++] = st->to;
		} else if (takes(st->kind)) {
			for (k = 0; k < n; k++)
				if (hf[k] == st->ffrom && hl[k] == st->from)
					break;
			if (k == n)
				continue;
			n--;
			memmove(&hf[k], &hf[k + 1], (n - k) * sizeof(*hf));
			memmove(&hl[k], &hl[k + 1], (n - k) * sizeof(*hl));
		}
	}
	if (n) {
		g->hframe = hf[n - 1];
		g->hloc = hl[n - 1];
	}
}

/* At the leak: what holds it (the lineage's first "held" step) */
static void holder_at_leak(const struct bd_env *e, u32 id, struct rep_sugg *g)
{
	const struct bd_step *st;
	u32 j;

	for (j = 0; (st = bd_env_step(e, j)); j++)
		if (st->id == id && st->kind == BPF_DIAG_STEP_HELD) {
			g->eframe = st->fto;
			g->eloc = st->to;
			return;
		}
}

/*
 * No path released the id: the first release of another id that the same
 * insn acquired (another iteration of a loop, another call of the same
 * subprogram), or BD_NO_EVENT.  The first 16 such ids are looked at.
 */
static u32 sibling_release(const struct bd_rep *s, const struct bd_event *leak)
{
	const struct bd_event *ev;
	u32 ids[16], n = 0, i, k;

	for (i = 0; (ev = rep_ev(s, i)) && n < ARRAY_SIZE(ids); i++)
		if (ev->kind == BPF_DIAG_ACQUIRE && ev->insn == (s32)leak->aux &&
		    ev->id != leak->id)
			ids[n++] = ev->id;
	for (i = 0; n && (ev = rep_ev(s, i)); i++) {
		if (ev->kind != BPF_DIAG_RELEASE)
			continue;
		for (k = 0; k < n; k++)
			if (ev->id == ids[k])
				return i;
	}
	return BD_NO_EVENT;
}

/* The index the env's paths and history take (shared by its leaks) */
struct sugg_idx {
	unsigned long *anc;	/* paths on the failing path's chain */
	u32 *down;		/* per such path: its child on the chain */
	u32 *pos;		/* per path: the history entry where it parted, U32_MAX */
};

static int idx_build(const struct bd_rep *s, u32 f, struct sugg_idx *x)
{
	const struct bd_path *p;
	const struct bd_hist *h;
	u32 np = s->np, i, y, k;

	x->anc = bitmap_zalloc(np, GFP_KERNEL);
	x->down = kvmalloc_array(np, sizeof(u32), GFP_KERNEL);
	x->pos = kvmalloc_array(np, sizeof(u32), GFP_KERNEL);
	if (!x->anc || !x->down || !x->pos)
		return -ENOMEM;
	memset(x->pos, 0xff, np * sizeof(u32));
	for (i = f, y = BD_NO_PATH, k = 0; i < np && k++ < np; y = i, i = p->parent) {
		p = bd_env_path(s->e, i);
		if (!p)
			break;
		__set_bit(i, x->anc);
		x->down[i] = y;
	}
	for (i = 0; i < s->nh; i++) {
		h = bd_hist_at(s->e, i);
		if (h && (h->type == BD_H_FORK || h->type == BD_H_RESUME) && h->other < np)
			x->pos[h->other] = i;
	}
	return 0;
}

static void idx_free(struct sugg_idx *x)
{
	bitmap_free(x->anc);
	kvfree(x->down);
	kvfree(x->pos);
}

/* Where the releasing path @r parts from the failing one: the history entry, or U32_MAX */
static u32 parting(const struct bd_rep *s, const struct sugg_idx *x, u32 r, u32 *part,
		   bool *rel_queued)
{
	const struct bd_path *p;
	u32 np = s->np, child = BD_NO_PATH, i, k;

	for (i = r, k = 0; i < np && !test_bit(i, x->anc) && k++ < np; i = p->parent) {
		p = bd_env_path(s->e, i);
		if (!p)
			return U32_MAX;
		child = i;
	}
	if (i >= np || !test_bit(i, x->anc))
		return U32_MAX;
	/* they meet at i: the child queued there first parts them */
	if (child != BD_NO_PATH && (x->down[i] == BD_NO_PATH || child < x->down[i])) {
		*part = child;
		*rel_queued = true;
	} else if (x->down[i] != BD_NO_PATH) {
		*part = x->down[i];
		*rel_queued = false;
	} else {
		return U32_MAX;
	}
	return x->pos[*part];
}

static void suggest(const struct bd_rep *s, const struct sugg_idx *x, struct rep_sugg *g)
{
	const struct bd_event *leak = rep_ev(s, g->leak), *ev;
	const struct bd_path *p;
	const struct bd_hist *h;
	u32 best = U32_MAX, at, part, best_part = 0, i;
	bool rq, best_rq = false;

	g->hloc = BD_LOC_NONE;
	g->eloc = BD_LOC_NONE;
	g->rel_ev = BD_NO_EVENT;
	g->sibling_ev = BD_NO_EVENT;
	holder_at_leak(s->e, leak->id, g);
	for (i = 0; (ev = rep_ev(s, i)); i++) {
		if (ev->kind != BPF_DIAG_RELEASE || ev->id != leak->id)
			continue;
		if (g->rel_ev == BD_NO_EVENT)
			g->rel_ev = i;
		if (!x->anc || ev->path >= s->np)
			continue;
		at = parting(s, x, ev->path, &part, &rq);
		if (at == U32_MAX || (best != U32_MAX && at <= best))
			continue;
		best = at;
		best_part = part;
		best_rq = rq;
		g->rel_ev = i;
	}
	if (g->rel_ev == BD_NO_EVENT)
		g->sibling_ev = sibling_release(s, leak);
	h = best == U32_MAX ? NULL : bd_hist_at(s->e, best);
	p = h ? bd_env_path(s->e, best_part) : NULL;
	if (!p)
		return;
	g->found = true;
	g->insn = h->from;
	g->src = h->src;
	g->rel_dir = best_rq ? p->dir : other_side(p->dir);
	g->fail_dir = best_rq ? other_side(p->dir) : p->dir;
	/* the entry's step is the walk's only where it walked the whole path */
	if (s->e->walk_end == BD_WALK_DONE)
		holder_before(s->e, leak->id, h->cnt, g);
}

/* Every leak of the env just entered (rejected, with a failing path) */
void rep_suggest_all(struct bd_rep *s)
{
	const struct bd_event *ev;
	struct sugg_idx x = {};
	u32 i, n = 0, f = BD_NO_PATH;

	s->nsugg = 0;
	s->sugg_err = 0;
	if (!s->nh)
		return;
	for (i = 0; (ev = rep_ev(s, i)); i++) {
		if (ev->kind == BPF_DIAG_LEAK) {
			n++;
			f = ev->path;
		}
	}
	if (!n)
		return;
	if (n > SUGG_MAX) {
		s->sugg_err = -E2BIG;
		n = SUGG_MAX;
	}
	s->sugg = kvcalloc(n, sizeof(*s->sugg), GFP_KERNEL);
	if (!s->sugg || (f < s->np && idx_build(s, f, &x))) {
		s->sugg_err = -ENOMEM;
		goto out;
	}
	for (i = 0; (ev = rep_ev(s, i)) && s->nsugg < n; i++) {
		if (ev->kind != BPF_DIAG_LEAK)
			continue;
		s->sugg[s->nsugg].leak = i;
		suggest(s, &x, &s->sugg[s->nsugg++]);
	}
out:
	idx_free(&x);
}

/*
 * The suggestion for leak event @i (@by_id: for the leak of id @i), or
 * NULL (not worked out: s->sugg_err)
 */
const struct rep_sugg *rep_sugg_of(const struct bd_rep *s, u32 i, bool by_id)
{
	u32 k;

	for (k = 0; k < s->nsugg; k++)
		if (by_id ? rep_ev(s, s->sugg[k].leak)->id == i : s->sugg[k].leak == i)
			return &s->sugg[k];
	return NULL;
}
