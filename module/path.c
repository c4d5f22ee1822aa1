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
	u32 lo, h;
};

#ifdef BD_HIST_ENTRY
static const void *entry(struct bpf_verifier_env *env, struct bpf_verifier_state *st, u32 k)
{
#ifdef BD_HIST_ENV
	const void *base = BD_RD(env, bpf_verifier_env, insn_hist);
#else
	const void *base = BD_RD(st, bpf_verifier_state, jmp_history);
#endif
	return (const char *)base + (size_t)k * bd_size[BD_S_hist_entry];
}

NOKPROBE_SYMBOL(entry);

static u32 ent_idx(const void *e)
{
	return bd_bits(e, bd_off[BD_F_hist_entry__idx], BD_IDX_BITS);
}

NOKPROBE_SYMBOL(ent_idx);

static void seg_of(struct bpf_verifier_state *st, struct hseg *s)
{
	s->st = st;
#ifdef BD_HIST_ENV
	s->lo = BD_RD(st, bpf_verifier_state, insn_hist_start);
	s->h = BD_RD(st, bpf_verifier_state, insn_hist_end);
#else
	s->lo = 0;
	s->h = BD_RD(st, bpf_verifier_state, jmp_history_cnt);
#endif
}

NOKPROBE_SYMBOL(seg_of);

/* get_prev_insn_idx(): the insn before @i on the path, -1 at the state's start */
static s32 prev_insn(struct bpf_verifier_env *env, struct hseg *s, s32 i)
{
	u32 cnt = s->h - s->lo;
	const void *top;

	if (i == BD_RD(s->st, bpf_verifier_state, first_insn_idx)) {
		if (!cnt)
			return -1;
		if (cnt == 1 && ent_idx(entry(env, s->st, s->lo)) == i)
			return -1;
	}
	if (cnt) {
		top = entry(env, s->st, s->h - 1);
		if (ent_idx(top) == i) {
			s->h--;
			return bd_bits(top, bd_off[BD_F_hist_entry__prev_idx], BD_PREV_BITS);
		}
	}
	return i - 1;
}

NOKPROBE_SYMBOL(prev_insn);

/* A state's parent, as its history entries are told apart (never printed) */
static u32 fold(const struct bpf_verifier_state *parent)
{
	unsigned long v = (unsigned long)parent;

	return (u32)v ^ (u32)(v >> 32);
}

NOKPROBE_SYMBOL(fold);
#endif

/* Where on the jump history a state is: its parent and its count. */
void bd_path_key(struct bpf_verifier_state *vs, u32 *seg, u32 *cnt)
{
#ifdef BD_HIST_ENTRY
	struct hseg s;
#endif

	*seg = 0;
	*cnt = 0;
#ifdef BD_HIST_ENTRY
	if (!walk_ok || !vs)
		return;
	seg_of(vs, &s);
	*seg = fold(BD_RD(vs, bpf_verifier_state, parent));
	*cnt = s.h;
#endif
}

NOKPROBE_SYMBOL(bd_path_key);

/* A conditional jump whose two sides differ, as the kernel's diagnostics count it */
static bool cond_jump(const struct bpf_insn *insn)
{
	u8 cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_JA && op != BPF_CALL &&
	       op != BPF_EXIT && insn->off;
}

NOKPROBE_SYMBOL(cond_jump);

/* Does entry @h of the history belong at insn @i, followed by @next? */
static bool placed_here(const struct bd_hist *h, s32 i, s32 next, u32 seg,
			u32 hb, u32 ha)
{
	if (h->from != i || h->seg != seg || h->cnt < hb || h->cnt > ha)
		return false;
	return h->type != BD_H_RESUME || h->to == next;
}

NOKPROBE_SYMBOL(placed_here);

/*
 * Walk back from the current insn along the jump history, placing the
 * history's entries (newest first) and the decisions between them.  With
 * @jumps_max = U32_MAX it only counts the decisions to add (returned);
 * otherwise it writes the merged history in place from the back, with at
 * most @jumps_max decisions (the newest): the new entry k lands at
 * r + (decisions still to write) >= r, where old entry r - 1 is read
 * next, so nothing is overwritten before it is read.  Deterministic: both
 * passes walk the same steps.
 */
static u32 walk_back(struct bd_ctx *c, u32 jumps_max)
{
#ifdef BD_HIST_ENTRY
	struct bpf_verifier_env *env = c->env;
	struct bpf_prog *prog = bd_prog(env);
	const struct bpf_insn *insns = BD_AT(prog, bpf_prog, insnsi);
	s32 len = BD_RD(prog, bpf_prog, len);
	struct bd_env *e = c->rec;
	bool write = jumps_max != U32_MAX;
	u32 r = e->h_len, jumps = 0, steps = 0, hb, w, seg;
	s32 i = bd_insn_idx(env), next = -1, p;
	const struct bd_hist *h;
	struct bpf_verifier_state *par;
	struct hseg s;
	bool decided;

	w = r + (write ? jumps_max : 0);
	seg_of(bd_cur_state(env), &s);
	seg = fold(BD_RD(s.st, bpf_verifier_state, parent));
	e->walk_end = BD_WALK_DONE;
	for (;;) {
		if (i < 0 || i >= len) {
			e->walk_end = BD_WALK_BROKEN;
			break;
		}
		if (steps++ >= bd_max_walk)
			goto cut;
		hb = s.h > s.lo && ent_idx(entry(env, s.st, s.h - 1)) == i ? s.h - 1 : s.h;
		decided = false;
		while (r && (h = bd_hist_at(e, r - 1)) && placed_here(h, i, next, seg, hb, s.h)) {
			decided |= h->type != BD_H_EVENT;
			r--;
			if (write)
				*(struct bd_hist *)bd_vec_at(&e->hist, --w) = *h;
		}
		if (!decided && next >= 0 && cond_jump(&insns[i])) {
			if (write && jumps == jumps_max)
				goto cut;	/* no room: the older ones stay as they are */
			if (write)
				*(struct bd_hist *)bd_vec_at(&e->hist, --w) = (struct bd_hist){
					.type = BD_H_JUMP, .from = i, .to = next,
					.other = BD_NO_PATH, .src = BD_NO_SRC };
			jumps++;
		}
		p = prev_insn(env, &s, i);
		if (p < 0) {
			par = BD_RD(s.st, bpf_verifier_state, parent);
			if (!par)
				break;
			seg_of(par, &s);
			seg = fold(BD_RD(par, bpf_verifier_state, parent));
			p = BD_RD(par, bpf_verifier_state, last_insn_idx);
			/* a checkpoint at the walk's first insn: nothing before it */
			if (p < 0)
				break;
		}
		next = i;
		i = p;
	}
	/* back at the start (or lost on the way) with entries not met */
	if (write)
		e->walk_unplaced = r;
	return jumps;
cut:
	e->walk_end = BD_WALK_CUT;
	e->walk_cut = i;
	return jumps;
#else
	return 0;
#endif
}

NOKPROBE_SYMBOL(walk_back);

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
	u32 n, k, room;

	if (!e || e->walked || !walk_ok)
		return;
	e->walked = true;
	if (e->h_lost) {
		e->walk_end = BD_WALK_LOST;
		return;
	}
	n = e->h_len;
	room = min(walk_back(c, U32_MAX), bd_max_history - min(n, bd_max_history));
	for (k = 0; k < room; k++)
		if (!bd_vec_slot(e, &e->hist, n + k))
			break;
	e->walk_jumps = walk_back(c, k);
	e->h_len = n + k;
}

NOKPROBE_SYMBOL(bd_path_walk);

/* At load, the fields checked: can the walk read this kernel's history? */
void bd_path_init(void)
{
	walk_ok = bd_nr_path_fields && bd_fields_ok(BD_R_PATH) && bd_max_walk;
}

/* status: whether failing paths get every branch decision, and why not */
void bd_path_show(struct seq_file *m)
{
	seq_puts(m, "branch decisions: ");
	if (walk_ok)
		seq_printf(m, "every one on a failing path, walked back from its leak along the verifier's jump history (%s, max_walk=%u)\n",
			   bd_path_stride.st, bd_max_walk);
	else if (!bd_nr_path_fields)
		seq_puts(m, "only where a branch was queued: this kernel's jump history has no layout bpf_diag knows\n");
	else if (!bd_max_walk)
		seq_puts(m, "only where a branch was queued: max_walk=0\n");
	else
		seq_printf(m, "only where a branch was queued: %s\n", bd_fields_refusal(BD_R_PATH));
}
