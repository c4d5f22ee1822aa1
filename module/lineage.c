// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: where a leaked reference went.  At the leak, the env alive,
 * the failing path's instructions are replayed from the reference's
 * acquire to the leak, in the exact order the walk back along the
 * verifier's jump history found them (layout_hist.c: its GOTO entries are
 * every transfer that is not to the next insn, its entries carry their
 * step and call depth).  The replay follows the reference's holders the
 * way the verifier's transfer functions carry a pointer's ref_obj_id:
 * register moves, 8-byte spills to and fills from the stack (through r10
 * and through registers that hold r10 plus a known offset), arguments of
 * subprograms and callbacks and a subprogram's r0 back, the calls that
 * clobber r0-r5 or return a pointer derived from an argument, and any
 * other write to a holder.
 *
 * The verifier's own state at the leak is the check: the registers and
 * stack slots of every frame that hold the id (bd_layout_reg_ref():
 * spilled registers, dynptr and iterator slots).  A holder of the state
 * the replay does not have is a "differs" step, never dropped; holders
 * the replay has and the state not are dead ones 7.x no longer tracks
 * (said so, per holder).  No holder at all: the step that removed the
 * last one is where the program lost it.
 *
 * Runs once per rejected env, at its leak: at most max_walk insns for all
 * leaked ids together, max_history steps kept, bd_pool pages only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "hook.h"
#include "lineage.h"

static bool line_ok, types_ok;

/*
 * The acquire at @i: into r0, or into the iterator or dynptr its argument
 * points to (else the one the state has at the leak)
 */
static void acquire(struct lrep *r, const struct holders *sh, s32 i)
{
	u32 a = lin_acq_arg(&r->insns[i]), g;
	s32 at;
	int k;

	if (a && lin_fp_at(r, a, 0, &g, &at)) {
		lin_clobber(r, i, r->cur);
		lin_slot_add(&r->h, g, at, true);
		lin_step(r, BPF_DIAG_STEP_ACQUIRE, i, r->cur, BD_LOC_NONE, g, at);
		return;
	}
	lin_clobber(r, i, r->cur);
	for (k = 0; k < sh->n; k++) {
		if (sh->obj[k]) {
			lin_slot_add(&r->h, sh->sf[k], sh->so[k], true);
			lin_step(r, BPF_DIAG_STEP_ACQUIRE, i, r->cur, BD_LOC_NONE,
				 sh->sf[k], sh->so[k]);
			return;
		}
	}
	lin_take_reg(r, BPF_DIAG_STEP_ACQUIRE, i, r->cur, BD_LOC_NONE, r->cur, BPF_REG_0);
}

NOKPROBE_SYMBOL(acquire);

/* The history entry of @id's acquire, from @from on, or U32_MAX */
static u32 acq_entry(const struct bd_env *e, u32 from, u32 id)
{
	const struct bd_event *ev;
	const struct bd_hist *h;
	u32 k;

	for (k = from; k < e->h_len; k++) {
		h = bd_hist_at(e, k);
		if (h->type != BD_H_EVENT)
			continue;
		ev = bd_env_event(e, h->ev);
		if (ev && ev->kind == BPF_DIAG_ACQUIRE && ev->id == id)
			return k;
	}
	return U32_MAX;
}

NOKPROBE_SYMBOL(acq_entry);

/*
 * Replay from the acquire (history entry @k0) to the leak, from up to
 * BD_LINGER insns before the oldest leaked acquire (the walk's markers) so
 * that the registers that point into the stack are known at the acquire.  False where it
 * could not be followed (a CUT step says where).
 */
static bool replay(struct lrep *r, const struct holders *sh, u32 k0, u32 *budget)
{
	const struct bd_hist *a = bd_hist_at(r->e, k0), *h, *g;
	u32 acq = a->cnt, s = a->cnt, frame = a->frame, k, start = k0, f;
	s32 i = a->from, ni, leak = bd_insn_idx(r->c->env);
	bool held_yet = false;

	/* the first marker: BD_LINGER insns before the oldest leaked acquire */
	for (k = r->from; k < k0; k++) {
		h = bd_hist_at(r->e, k);
		if (h->type == BD_H_GOTO && h->from < 0) {
			s = h->cnt;
			i = h->to;
			frame = h->frame;
			start = k;
			break;
		}
	}
	if (frame >= LF)
		return false;
	r->cur = frame;
	for (f = 0; f <= r->cur; f++)
		lin_frame_new(r, f);
	for (k = start + 1; s; s--) {
		if (i < 0 || i >= r->len || !*budget) {
			lin_step(r, BPF_DIAG_STEP_CUT, i, 0, BD_LOC_NONE, 0, BD_LOC_NONE);
			return false;
		}
		--*budget;
		/* the next transition: a GOTO of a later step (the marker's own are older) */
		while (k < r->e->h_len && ((g = bd_hist_at(r->e, k))->type != BD_H_GOTO ||
					   g->from < 0 || g->cnt >= s))
			k++;
		g = k < r->e->h_len ? bd_hist_at(r->e, k) : NULL;
		ni = i + 1;
		if (g && g->cnt == s - 1) {
			if (g->from != i)
				break;
			ni = g->to;
			k++;
		}
		/* as the log counts: an ld_imm64 is one insn (at is fixed up at the end) */
		if (!r->insns[i].code)
			r->skip++;
		r->at = s + r->skip;
		r->raw = s;
		if (s == acq) {
			if (i != a->from)
				break;
			acquire(r, sh, i);
			held_yet = true;
		} else {
			lin_apply(r, i, ni);
		}
		i = ni;
	}
	r->at = s + r->skip;
	r->raw = s;
	if (s || i != leak || r->h.full || !held_yet) {
		lin_step(r, BPF_DIAG_STEP_CUT, i, 0, BD_LOC_NONE, 0, BD_LOC_NONE);
		return false;
	}
	return true;
}

NOKPROBE_SYMBOL(replay);

/* Is holder (@f, @loc) among @h's? */
static bool has(const struct holders *h, u32 f, s16 loc)
{
	return loc >= 0 ? h->regs[f] & BIT(loc) : lin_slot_find(h, f, loc) >= 0;
}

NOKPROBE_SYMBOL(has);

static void held_step(struct lrep *r, s32 leak, u32 f, s16 loc, bool live)
{
	u32 k = lin_step(r, BPF_DIAG_STEP_HELD, leak, 0, BD_LOC_NONE, f, loc);
	struct bd_step *s = k != U32_MAX ? (struct bd_step *)bd_env_step(r->e, k) : NULL;

	if (s)
		s->live = live;
}

NOKPROBE_SYMBOL(held_step);

/*
 * At the leak: what holds it.  Replayed, the replay's holders, each said
 * to be in the verifier's state or not (7.x drops registers and stack
 * slots no later insn reads: compute_live_registers(), clean_func_state());
 * a holder of the state the replay does not have is a difference.  Not
 * replayed, the state's.
 */
static void at_leak(struct lrep *r, const struct holders *sh, bool replayed, s32 leak)
{
	const struct holders *h = replayed ? &r->h : sh;
	u32 f, k;
	int j;

	for (f = 0; f < LF && replayed; f++)
		for (k = 0; k < MAX_BPF_REG; k++)
			if ((sh->regs[f] & BIT(k)) && !has(&r->h, f, k))
				lin_step(r, BPF_DIAG_STEP_DIFFERS, leak, 0, BD_LOC_NONE, f, k);
	for (j = 0; j < sh->n && replayed; j++)
		if (!has(&r->h, sh->sf[j], sh->so[j]))
			lin_step(r, BPF_DIAG_STEP_DIFFERS, leak, 0, BD_LOC_NONE, sh->sf[j],
				 sh->so[j]);
	for (f = 0; f < LF; f++)
		for (k = 0; k < MAX_BPF_REG; k++)
			if (h->regs[f] & BIT(k))
				held_step(r, leak, f, k, has(sh, f, k));
	for (j = 0; j < h->n; j++)
		held_step(r, leak, h->sf[j], h->so[j], has(sh, h->sf[j], h->so[j]));
}

NOKPROBE_SYMBOL(at_leak);

static void lineage_of(struct bd_ctx *c, u32 id, u32 from, u32 *budget)
{
	struct lrep r = { .c = c, .e = c->rec, .id = id, .from = from, .last_kill = U32_MAX };
	struct bpf_prog *prog = bd_prog(c->env);
	s32 leak = bd_insn_idx(c->env);
	struct holders sh;
	bool replayed = false;
	struct bd_step *s;
	u32 k, first;

	r.insns = BD_AT(prog, bpf_prog, insnsi);
	r.len = BD_RD(prog, bpf_prog, len);
	lin_state_holders(&r, &sh);
	k = from == U32_MAX ? U32_MAX : acq_entry(r.e, from, id);
	first = r.e->nr_steps;
	if (k != U32_MAX)
		replayed = replay(&r, &sh, k, budget);
	else
		lin_step(&r, BPF_DIAG_STEP_CUT, -1, 0, BD_LOC_NONE, 0, BD_LOC_NONE);
	/* at: insns before the leak, each ld_imm64 one (as the log prints them) */
	for (k = first; k < r.e->nr_steps; k++) {
		s = (struct bd_step *)bd_env_step(r.e, k);
		s->at = s->at > r.skip ? s->at - r.skip : 0;
	}
	r.at = 0;
	r.raw = 0;
	at_leak(&r, &sh, replayed, leak);
	/* nothing holds it: the step that took the last holder lost it */
	if (replayed && !r.h.n && !memchr_inv(r.h.regs, 0, sizeof(r.h.regs)) &&
	    r.last_kill != U32_MAX) {
		s = (struct bd_step *)bd_env_step(r.e, r.last_kill);
		if (s)
			s->lost = 1;
	}
}

NOKPROBE_SYMBOL(lineage_of);

/* The ids of the leak events just recorded (the last events, one insn) */
u32 bd_lineage_ids(const struct bd_env *e, u32 *ids, u32 max)
{
	const struct bd_event *ev, *last = e->nr_events ? bd_env_event(e, e->nr_events - 1) : NULL;
	u32 n = 0, i;

	for (i = e->nr_events; i-- && n < max;) {
		ev = bd_env_event(e, i);
		if (!ev || ev->kind != BPF_DIAG_LEAK || ev->insn != last->insn)
			break;
		ids[n++] = ev->id;
	}
	return n;
}

NOKPROBE_SYMBOL(bd_lineage_ids);

/* Is event @ev the acquire of one of @ids? */
bool bd_lineage_acquire(const struct bd_env *e, u32 ev, const u32 *ids, u32 n)
{
	const struct bd_event *a = bd_env_event(e, ev);
	u32 k;

	if (!line_ok || !a || a->kind != BPF_DIAG_ACQUIRE)
		return false;
	for (k = 0; k < n; k++)
		if (ids[k] == a->id)
			return true;
	return false;
}

NOKPROBE_SYMBOL(bd_lineage_acquire);

/*
 * At a leak, after the walk: the lineage of every leaked id.  @from: the
 * first history entry the walk wrote (U32_MAX: no walk, the holders only).
 */
void bd_lineage(struct bd_ctx *c, u32 from)
{
	u32 ids[BD_MAX_LEAKS], n, k, budget = bd_max_walk;

	if (!c->rec || !line_ok || !bd_lineage_on)
		return;
	n = bd_lineage_ids(c->rec, ids, BD_MAX_LEAKS);
	for (k = 0; k < n; k++)
		lineage_of(c, ids[k], from, &budget);
}

NOKPROBE_SYMBOL(bd_lineage);

void bd_lineage_init(void)
{
	types_ok = lin_types_init();
	line_ok = bd_fields_ok(BD_R_LINE) && types_ok;
}

/* status: whether leaks get their lineage, and why not */
void bd_lineage_show(struct seq_file *m)
{
	seq_puts(m, "lineage: ");
	if (!bd_lineage_on)
		seq_puts(m, "none: lineage=0\n");
	else if (!types_ok)
		seq_puts(m, "none: this kernel's BTF has no enum bpf_stack_slot_type STACK_SPILL\n");
	else if (!line_ok)
		seq_printf(m, "none: %s\n", bd_fields_refusal(BD_R_LINE));
	else if (!bd_path_walks())
		seq_puts(m, "holders at each leak from the verifier's state; no replay (the failing path is not walked, see branch decisions)\n");
	else
		seq_printf(m, "each leaked reference's holders replayed from its acquire along the failing path (max_walk=%u insns in all), held against the verifier's state at the leak\n",
			   bd_max_walk);
}

/*
 * At a leak, the env alive: the failing path's history again, every
 * branch decision in it, as many as max_history leaves room for (the
 * newest).  Once per env (a leak check reports every reference at once;
 * the verifier stops there).  Pages for the longer history come from
 * bd_pool; where it has none, the decisions that did not fit are left out
 * as past max_history.
 */
void bd_path_walk(struct bd_ctx *c)
{
	struct bd_env *e = c->rec;
	struct bd_hist *a, *b;
	u32 n, m, k, left;

	if (!e || e->walked)
		return;
	/*
	 * A leak on a speculative path is not the end: the verifier marks
	 * the insn nospec and goes on (error_recoverable_with_nospec(), 7.x).
	 */
	if (bd_field_ok(BD_F_bpf_verifier_state__speculative) &&
	    BD_RD(bd_cur_state(c->env), bpf_verifier_state, speculative))
		return;
	e->walked = true;
	/* no walk: the lineage has only the holders at the leak */
	if (!bd_path_readable()) {
		bd_lineage(c, U32_MAX);
		return;
	}
	/* forks not seen (no pop hook, a push not followed) would read as decided */
	if (e->paths_broken || !bd_hook_attached(&bd_hook_copy_state)) {
		e->walk_end = BD_WALK_BROKEN;
		bd_lineage(c, U32_MAX);
		return;
	}
	if (e->h_lost) {
		e->walk_end = BD_WALK_LOST;
		bd_lineage(c, U32_MAX);
		return;
	}
	n = e->h_len;
	m = bd_walk_back(c, bd_max_history - min(n, bd_max_history), &left);
	/* entries n..n+m-1 newest first: reverse them, then after the ones left */
	for (k = 0; k < m / 2; k++) {
		a = (struct bd_hist *)bd_vec_at(&e->hist, n + k);
		b = (struct bd_hist *)bd_vec_at(&e->hist, n + m - 1 - k);
		swap(*a, *b);
	}
	for (k = 0; k < m; k++)
		*(struct bd_hist *)bd_vec_at(&e->hist, left + k) =
			*(const struct bd_hist *)bd_vec_at(&e->hist, n + k);
	e->h_len = left + m;
	bd_lineage(c, left);
	/* the replay's transitions are not the history's */
	for (k = n = left; k < e->h_len; k++) {
		a = (struct bd_hist *)bd_vec_at(&e->hist, k);
		if (a->type != BD_H_GOTO)
			*(struct bd_hist *)bd_vec_at(&e->hist, n++) = *a;
	}
	e->h_len = n;
}

NOKPROBE_SYMBOL(bd_path_walk);
