// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the failing path's branch decisions, walked back from its leak
 * along the verifier's own jump history, as precision backtracking does
 * (get_prev_insn_idx() and the parent chain in verifier.c, backtrack.c on
 * 7.2): every conditional jump on the path, the ones the verifier decided
 * alone (no branch queued) as well as those where it queued the other side.
 *
 * A state's history holds an (idx, prev_idx) entry for each instruction
 * not reached from the one before it, since the state's checkpoint
 * (first_insn_idx); the checkpoint is its parent, which ends at its own
 * last_insn_idx.  Kbuild picks the layout from the headers:
 *
 *   BD_HIST_PAIR  bpf_verifier_state.jmp_history of struct bpf_idx_pair (6.1)
 *   BD_HIST_ENV   env->insn_hist[] of struct bpf_insn_hist_entry, each
 *                 state's insn_hist_start..insn_hist_end (6.12)
 *   BD_HIST_JMP   bpf_verifier_state.jmp_history of struct
 *                 bpf_jmp_history_entry, idx and prev_idx 20-bit fields (7.2)
 *
 * Each history entry bpf_diag recorded (fork, resume, event) carries the
 * state's parent and history count at that time (bd_path_key); the walk
 * places it where the path had that count, merges the decisions between
 * them and writes the failing path's history again, in order.  It runs
 * once per rejected env, at its leak, the env alive: at most max_walk
 * instructions (never more than the verifier processed), max_history
 * entries, no allocation but bd_pool pages.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf_verifier.h>
#include <linux/filter.h>
#include "ctx.h"
#include "hook.h"

#if defined(BD_HIST_PAIR)
#define BD_HIST_ENTRY	bpf_idx_pair
#define BD_IDX_BITS	32
#define BD_PREV_BITS	32
#elif defined(BD_HIST_ENV)
#define BD_HIST_ENTRY	bpf_insn_hist_entry
#define BD_IDX_BITS	32
#define BD_PREV_BITS	20
#elif defined(BD_HIST_JMP)
#define BD_HIST_ENTRY	bpf_jmp_history_entry
#define BD_IDX_BITS	20
#define BD_PREV_BITS	20
#endif

#ifdef BD_HIST_ENTRY
const struct bd_field bd_path_fields[] = {
	BD_FIELD(bpf_verifier_state, parent, BD_R_PATH),
	BD_FIELD(bpf_verifier_state, first_insn_idx, BD_R_PATH),
	BD_FIELD(bpf_verifier_state, last_insn_idx, BD_R_PATH),
#ifdef BD_HIST_ENV
	BD_FIELD(bpf_verifier_state, insn_hist_start, BD_R_PATH),
	BD_FIELD(bpf_verifier_state, insn_hist_end, BD_R_PATH),
	BD_FIELD(bpf_verifier_env, insn_hist, BD_R_PATH),
#else
	BD_FIELD(bpf_verifier_state, jmp_history, BD_R_PATH),
	BD_FIELD(bpf_verifier_state, jmp_history_cnt, BD_R_PATH),
#endif
	/* read at the bit offset and width the kernel's BTF gives */
	{ BD_F_hist_entry__idx, __stringify(BD_HIST_ENTRY), "idx", BD_NOT_BUILT,
	  BD_IDX_BITS, BD_BITS, BD_R_PATH },
	{ BD_F_hist_entry__prev_idx, __stringify(BD_HIST_ENTRY), "prev_idx", BD_NOT_BUILT,
	  BD_PREV_BITS, BD_BITS, BD_R_PATH },
};

const int bd_nr_path_fields = ARRAY_SIZE(bd_path_fields);
const struct bd_stride bd_path_stride = { BD_S_hist_entry, __stringify(BD_HIST_ENTRY),
					  sizeof(struct BD_HIST_ENTRY), BD_R_PATH };
#else
const struct bd_field bd_path_fields[1];
const int bd_nr_path_fields;
const struct bd_stride bd_path_stride = { BD_S_hist_entry, NULL, 0, BD_R_PATH };
#endif

static bool walk_ok;

/* The history of one state: entries lo..h-1 are still to be walked */
struct hseg {
	struct bpf_verifier_state *st;
	const char *base;	/* its entries (6.12: the env's, from index 0) */
	u32 lo, h;
	s32 first;		/* first_insn_idx */
	s32 top;		/* idx of entry h - 1, -1 if none */
};

#ifdef BD_HIST_ENTRY
static __always_inline u32 ent_bits(const struct hseg *s, u32 k, u32 field, u32 bits)
{
	return bd_bits(s->base + (size_t)k * bd_size[BD_S_hist_entry], bd_off[field], bits);
}

static __always_inline void seg_top(struct hseg *s)
{
	s->top = s->h > s->lo ? ent_bits(s, s->h - 1, BD_F_hist_entry__idx, BD_IDX_BITS) : -1;
}

static void seg_of(struct bpf_verifier_env *env, struct bpf_verifier_state *st, struct hseg *s)
{
	s->st = st;
#ifdef BD_HIST_ENV
	s->base = (const char *)BD_RD(env, bpf_verifier_env, insn_hist);
	s->lo = BD_RD(st, bpf_verifier_state, insn_hist_start);
	s->h = BD_RD(st, bpf_verifier_state, insn_hist_end);
#else
	s->base = (const char *)BD_RD(st, bpf_verifier_state, jmp_history);
	s->lo = 0;
	s->h = BD_RD(st, bpf_verifier_state, jmp_history_cnt);
#endif
	s->first = BD_RD(st, bpf_verifier_state, first_insn_idx);
	seg_top(s);
}

NOKPROBE_SYMBOL(seg_of);

/*
 * get_prev_insn_idx(): the insn before @i on the path, -1 at the state's
 * start, -2 where the history leads before insn 0 (the kernel's "BUG
 * backtracking idx": the walk is broken there)
 */
static __always_inline s32 prev_insn(struct hseg *s, s32 i)
{
	u32 cnt = s->h - s->lo;

	if (i == s->first && (!cnt || (cnt == 1 && s->top == i)))
		return -1;
	if (s->top == i) {
		s->h--;
		i = ent_bits(s, s->h, BD_F_hist_entry__prev_idx, BD_PREV_BITS);
		seg_top(s);
		return i >= 0 ? i : -2;
	}
	return i ? i - 1 : -2;
}

/* A state's parent, as its history entries are told apart (never printed) */
static __always_inline u32 fold(const struct bpf_verifier_state *parent)
{
	unsigned long v = (unsigned long)parent;

	return (u32)v ^ (u32)(v >> 32);
}

#endif

/* Where on the jump history a state is: its parent and its count. */
void bd_path_key(struct bpf_verifier_state *vs, u32 *seg, u32 *cnt)
{
	*seg = 0;
	*cnt = 0;
#ifdef BD_HIST_ENTRY
	if (!walk_ok || !vs)
		return;
	*seg = fold(BD_RD(vs, bpf_verifier_state, parent));
#ifdef BD_HIST_ENV
	*cnt = BD_RD(vs, bpf_verifier_state, insn_hist_end);
#else
	*cnt = BD_RD(vs, bpf_verifier_state, jmp_history_cnt);
#endif
#endif
}

NOKPROBE_SYMBOL(bd_path_key);

/* A conditional jump whose two sides differ, as the kernel's diagnostics count it */
static __always_inline bool cond_jump(const struct bpf_insn *insn)
{
	u8 cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_JA && op != BPF_CALL &&
	       op != BPF_EXIT && insn->off;
}

/* Does entry @h of the history belong at insn @i, followed by @next? */
static __always_inline bool placed_here(const struct bd_hist *h, s32 i, s32 next, u32 seg,
					u32 hb, u32 ha)
{
	if (h->seg != seg || h->cnt < hb || h->cnt > ha)
		return false;
	/* an event the store could not keep has no insn: its place is enough */
	if (h->type == BD_H_EVENT && h->from < 0)
		return true;
	return h->from == i && (h->type != BD_H_RESUME || h->to == next);
}

#ifdef BD_HIST_ENTRY
/* Does resume entry @h start an async callback's walk? */
static __always_inline bool resumes_async(const struct bd_env *e, const struct bd_hist *h)
{
	const struct bd_path *p = bd_env_path(e, h->other);

	return p && p->async;
}

#endif

/* Where the lineage's replay starts: insn @i at step @cnt, call depth @depth */
struct lmark {
	s32 i;
	u32 cnt, depth;
};

/* Write the marker (a GOTO from -1) where there is room; false if none */
static __always_inline bool put_mark(struct bd_env *e, u32 *out, u32 *gotos, u32 room,
				     const struct lmark *m)
{
	struct bd_hist *o;

	if (m->i < 0 || *gotos >= room)
		return false;
	o = bd_vec_slot(e, &e->hist, e->h_len + *out);
	if (!o)
		return false;
	*o = (struct bd_hist){ .type = BD_H_GOTO, .from = -1, .to = m->i, .other = BD_NO_PATH,
			       .src = BD_NO_SRC, .cnt = m->cnt, .frame = m->depth };
	++*out;
	++*gotos;
	return true;
}

/*
 * Walk back from the current insn along the jump history, placing the
 * history's entries (newest first) and the decisions between them; write
 * the merged entries, newest first, from e->h_len on, at most @room of
 * them (where one more is due, the walk is cut and the older entries stay
 * where they are), and as many GOTO entries for the lineage's replay
 * (removed once it ran).  Returns how many it wrote; *left: old entries not
 * placed (the first ones).
 */
u32 bd_walk_back(struct bd_ctx *c, u32 room, u32 *left)
{
#ifdef BD_HIST_ENTRY
	struct bpf_verifier_env *env = c->env;
	struct bpf_prog *prog = bd_prog(env);
	const struct bpf_insn *insns = BD_AT(prog, bpf_prog, insnsi);
	s32 len = BD_RD(prog, bpf_prog, len);
	struct bd_env *e = c->rec;
	u32 r = e->h_len, out = 0, gotos = 0, steps = 0, hb, seg, max_steps;
	s32 i = bd_insn_idx(env), next = -1, p;
	const struct bd_hist *h = r ? bd_hist_at(e, r - 1) : NULL;
	struct bd_hist *o;
	struct bpf_verifier_state *par;
	struct hseg s;
	bool decided, async;
	/* the call depth at insn i; leaked ids whose acquire is still ahead */
	u32 depth = BD_RD(bd_cur_state(env), bpf_verifier_state, curframe);
	u32 ids[BD_MAX_LEAKS], linger = 0;
	/* lineage=0: no transitions kept, no start marker */
	u32 want = bd_lineage_on ? bd_lineage_ids(e, ids, BD_MAX_LEAKS) : 0;
	struct lmark m = { .i = -1 };

	/* the path is at most what the verifier processed (each ld_imm64 two steps) */
	max_steps = min_t(u32, bd_max_walk, 2 * BD_RD(env, bpf_verifier_env, insn_processed) + 1);
	seg_of(env, bd_cur_state(env), &s);
	seg = fold(BD_RD(s.st, bpf_verifier_state, parent));
	e->walk_end = BD_WALK_DONE;
	for (;;) {
		if (i < 0 || i >= len) {
			e->walk_end = BD_WALK_BROKEN;
			break;
		}
		if (steps++ >= max_steps)
			goto cut;
		/* far enough before the last leaked acquire: the replay starts there */
		if (!want && linger && !--linger)
			put_mark(e, &out, &gotos, room + 1, &m);
		hb = s.top == i ? s.h - 1 : s.h;
		decided = false;
		async = false;
		while (h && placed_here(h, i, next, seg, hb, s.h)) {
			o = out - gotos < room ? bd_vec_slot(e, &e->hist, e->h_len + out) : NULL;
			if (!o)
				goto cut;
			*o = *h;
			o->cnt = steps - 1;
			o->frame = depth;
			out++;
			if (want && h->type == BD_H_EVENT &&
			    bd_lineage_acquire(e, h->ev, ids, want) && !--want)
				linger = BD_LINGER;
			decided |= h->type != BD_H_EVENT;
			async |= h->type == BD_H_RESUME && resumes_async(e, h);
			r--;
			h = r ? bd_hist_at(e, r - 1) : NULL;
		}
		/*
		 * An async callback's walk starts where it was queued: what
		 * comes before on the jump history is the path that queued it,
		 * and the entries left are that path's (path_async() in walk.c).
		 */
		if (async)
			break;
		if (!decided && next >= 0 && cond_jump(&insns[i])) {
			o = out - gotos < room ? bd_vec_slot(e, &e->hist, e->h_len + out) : NULL;
			if (!o)
				goto cut;
			*o = (struct bd_hist){ .type = BD_H_JUMP, .from = i, .to = next,
					       .other = BD_NO_PATH, .src = BD_NO_SRC,
					       .cnt = steps - 1, .frame = depth };
			out++;
			e->walk_jumps++;
		}
		/* insns before the last acquire: where the replay may start (lineage.c) */
		if (!want && linger)
			m = (struct lmark){ .i = i, .cnt = steps - 1, .depth = depth };
		p = prev_insn(&s, i);
		if (p == -2) {
			e->walk_end = BD_WALK_BROKEN;
			break;
		}
		if (p < 0) {
			par = BD_RD(s.st, bpf_verifier_state, parent);
			if (!par)
				break;
			seg_of(env, par, &s);
			seg = fold(BD_RD(par, bpf_verifier_state, parent));
			p = BD_RD(par, bpf_verifier_state, last_insn_idx);
			/* a checkpoint at the walk's first insn: nothing before it */
			if (p < 0)
				break;
		}
		if (p != i - 1 && p < len) {
			/* a call entered at i, or an exit returned to it */
			if (insns[p].code == (BPF_JMP | BPF_EXIT))
				depth++;
			else if (insns[p].code == (BPF_JMP | BPF_CALL) && depth)
				depth--;
			/* the lineage's replay follows these (lineage.c) */
			if (!want && linger && gotos >= room) {
				/* no room to go further back: start there */
				put_mark(e, &out, &gotos, room + 1, &m);
				linger = 0;
			}
			if (want || linger) {
				o = gotos < room ? bd_vec_slot(e, &e->hist, e->h_len + out) : NULL;
				if (!o)
					goto cut;
				gotos++;
				*o = (struct bd_hist){ .type = BD_H_GOTO, .from = p, .to = i,
						       .other = BD_NO_PATH, .src = BD_NO_SRC,
						       .cnt = steps - 1, .frame = depth };
				out++;
			}
		}
		next = i;
		i = p;
	}
	if (!want && linger)
		put_mark(e, &out, &gotos, room + 1, &m);
	/* back at the start (or lost on the way) with entries not met */
	e->walk_unplaced = async ? 0 : r;
	*left = r;
	return out;
cut:
	e->walk_end = BD_WALK_CUT;
	e->walk_cut = i;
	*left = r;
	return out;
#else
	*left = c->rec->h_len;
	return 0;
#endif
}

NOKPROBE_SYMBOL(bd_walk_back);

/* Can the walk read this kernel's jump history? */
bool bd_path_readable(void)
{
	return walk_ok;
}

/* Are failing paths walked back (and their lineage replayed)? */
bool bd_path_walks(void)
{
	return walk_ok && bd_hook_attached(&bd_hook_copy_state);
}

/* At load, the fields checked: can the walk read this kernel's history? */
void bd_path_init(void)
{
	walk_ok = bd_nr_path_fields && bd_fields_ok(BD_R_PATH) && bd_max_walk;
}

/* status: whether failing paths get every branch decision, and why not */
void bd_path_show(struct seq_file *m)
{
	seq_puts(m, "branch decisions: ");
	if (walk_ok && !bd_hook_attached(&bd_hook_copy_state))
		seq_puts(m, "only where a branch was queued: the pop hook is not attached, the forks are not followed\n");
	else if (walk_ok)
		seq_printf(m, "every one on a failing path, walked back from its leak along the verifier's jump history (%s, max_walk=%u)\n",
			   bd_path_stride.st, bd_max_walk);
	else if (!bd_nr_path_fields)
		seq_puts(m, "only where a branch was queued: this kernel's jump history has no layout bpf_diag knows\n");
	else if (!bd_max_walk)
		seq_puts(m, "only where a branch was queued: max_walk=0\n");
	else
		seq_printf(m, "only where a branch was queued: %s\n", bd_fields_refusal(BD_R_PATH));
}
