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

#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/filter.h>
#include "ctx.h"
#include "hook.h"
#include "layout.h"

#define LF	MAX_CALL_FRAMES
#define LSLOTS	32		/* stack slots holding one id, followed at once */
#define LOFF	4096		/* |offset| past which a stack pointer is not followed */

/* enum bpf_stack_slot_type, as the kernel's BTF gives it (-1: none) */
static s32 stack_spill = -1, stack_dynptr = -1, stack_iter = -1;
/* BTF ids of the kfuncs whose result carries a dynptr's ref_obj_id */
static s32 slice_kfunc[2];
/* BTF ids of the iterators' constructors, bpf_iter_*_new() (read at load) */
#define L_ITERS	64
static s32 iter_new[L_ITERS];
static int nr_iter_new;
static bool line_ok;

/* Holders of one id: registers per frame, stack slots */
struct holders {
	u16 regs[LF];
	u8 n;
	bool full;		/* more slots than LSLOTS */
	u8 sf[LSLOTS];
	s16 so[LSLOTS];
	bool obj[LSLOTS];	/* a dynptr or iterator: acquired there, never moved */
};

struct lrep {
	struct bd_ctx *c;
	struct bd_env *e;
	u32 from;		/* the first history entry the walk wrote */
	const struct bpf_insn *insns;
	s32 len;
	u32 id;
	u32 at;			/* the insn replayed: path steps before the leak, plus skip */
	u32 skip;		/* ld_imm64 second halves replayed so far (no insn of their own) */
	u32 cur;		/* the frame of the insn replayed */
	struct holders h;
	s8 pf[LF][MAX_BPF_REG];	/* register = frame pf's r10 + po, or pf -1 */
	s16 po[LF][MAX_BPF_REG];
	s32 site[LF];		/* the call that entered frame f in the replay, or -1 */
	/* stack slots holding a stack pointer (spilled): slot, and what it points to */
	u8 nsp;
	struct { s8 g, pf; s16 off, po; } sp[LSLOTS];
	u32 last_kill;		/* the step that removed a holder last, or U32_MAX */
};

static int slot_find(const struct holders *h, u32 f, s32 off)
{
	int k;

	for (k = 0; k < h->n; k++)
		if (h->sf[k] == f && h->so[k] == off)
			return k;
	return -1;
}

NOKPROBE_SYMBOL(slot_find);

static void slot_add(struct holders *h, u32 f, s32 off, bool obj)
{
	if (h->n == LSLOTS) {
		h->full = true;
		return;
	}
	h->sf[h->n] = f;
	h->so[h->n] = off;
	h->obj[h->n++] = obj;
}

NOKPROBE_SYMBOL(slot_add);

static void slot_del(struct holders *h, int k)
{
	h->n--;
	h->sf[k] = h->sf[h->n];
	h->so[k] = h->so[h->n];
	h->obj[k] = h->obj[h->n];
}

NOKPROBE_SYMBOL(slot_del);

static u32 step(struct lrep *r, u8 kind, s32 insn, u32 ff, s16 from, u32 ft, s16 to)
{
	struct bd_env *e = r->e;
	struct bd_step *s;

	if (!e->steps) {
		struct bd_page *p = bd_page_get(e, e);

		if (!p) {
			e->steps_lost++;
			return U32_MAX;
		}
		e->steps = (struct bd_vec *)p->data;
		memset(e->steps, 0, sizeof(*e->steps));
		bd_vec_init(e->steps, sizeof(*s), p->data + sizeof(*e->steps),
			    (BD_PAGE_DATA - sizeof(*e->steps)) / sizeof(*s));
	}
	s = e->nr_steps < bd_max_history ? bd_vec_slot(e, e->steps, e->nr_steps) : NULL;
	if (!s) {
		e->steps_lost++;
		return U32_MAX;
	}
	*s = (struct bd_step){ .insn = insn, .at = r->at, .id = r->id, .kind = kind, .ffrom = ff,
			       .from = from, .fto = ft, .to = to,
			       .src = insn >= 0 ? bd_src_of(r->c, insn) : BD_NO_SRC };
	return e->nr_steps++;
}

NOKPROBE_SYMBOL(step);

static bool held(const struct lrep *r, u32 f, u32 reg)
{
	return r->h.regs[f] & BIT(reg);
}

NOKPROBE_SYMBOL(held);

/* Register @reg of frame @f no longer holds it (@kind says why) */
static void kill_reg(struct lrep *r, u8 kind, s32 insn, u32 f, u32 reg)
{
	if (!held(r, f, reg))
		return;
	r->h.regs[f] &= ~BIT(reg);
	r->last_kill = step(r, kind, insn, f, reg, f, BD_LOC_NONE);
}

NOKPROBE_SYMBOL(kill_reg);

static void take_reg(struct lrep *r, u8 kind, s32 insn, u32 ff, s16 from, u32 f, u32 reg)
{
	if (held(r, f, reg))
		return;
	r->h.regs[f] |= BIT(reg);
	step(r, kind, insn, ff, from, f, reg);
}

NOKPROBE_SYMBOL(take_reg);

/* Bytes [lo, hi) of frame @g's stack written: the slots there lose it */
static void kill_slots(struct lrep *r, u8 kind, s32 insn, u32 g, s32 lo, s32 hi)
{
	int k;

	for (k = 0; k < r->h.n; k++) {
		if (r->h.sf[k] != g || r->h.so[k] >= hi || r->h.so[k] + BPF_REG_SIZE <= lo ||
		    r->h.obj[k])
			continue;
		r->last_kill = step(r, kind, insn, g, r->h.so[k], g, BD_LOC_NONE);
		slot_del(&r->h, k--);
	}
}

NOKPROBE_SYMBOL(kill_slots);

static void fp_clr(struct lrep *r, u32 f, u32 reg)
{
	r->pf[f][reg] = -1;
}

NOKPROBE_SYMBOL(fp_clr);

/* Does register @reg of the current frame point into a stack?  Where: */
static bool fp_at(const struct lrep *r, u32 reg, s16 off, u32 *g, s32 *at)
{
	u32 f = r->cur;

	if (r->pf[f][reg] < 0)
		return false;
	*g = r->pf[f][reg];
	*at = r->po[f][reg] + off;
	return true;
}

NOKPROBE_SYMBOL(fp_at);

/* Stack bytes [lo, hi) of frame @g written: spilled stack pointers there are gone */
static void sp_kill(struct lrep *r, u32 g, s32 lo, s32 hi)
{
	int k;

	for (k = 0; k < r->nsp; k++)
		if (r->sp[k].g == g && r->sp[k].off < hi && r->sp[k].off + BPF_REG_SIZE > lo)
			r->sp[k--] = r->sp[--r->nsp];
}

NOKPROBE_SYMBOL(sp_kill);

/* A new frame @f: nothing in it yet but r10 */
static void frame_new(struct lrep *r, u32 f)
{
	int k;

	sp_kill(r, f, S16_MIN, S16_MAX);
	r->h.regs[f] = 0;
	for (k = 0; k < r->h.n; k++)
		if (r->h.sf[k] == f)
			slot_del(&r->h, k--);
	memset(r->pf[f], -1, sizeof(r->pf[f]));
	r->pf[f][BPF_REG_10] = f;
	r->po[f][BPF_REG_10] = 0;
	r->site[f] = -1;
}

NOKPROBE_SYMBOL(frame_new);

static void alu(struct lrep *r, const struct bpf_insn *in, s32 i)
{
	u32 f = r->cur, d = in->dst_reg, s = in->src_reg;
	u8 op = BPF_OP(in->code);
	bool x = BPF_SRC(in->code) == BPF_X, a64 = BPF_CLASS(in->code) == BPF_ALU64;
	s32 po;

	if (a64 && op == BPF_MOV && x && !in->off) {
		if (d == s)
			return;
		if (held(r, f, s))
			take_reg(r, BPF_DIAG_STEP_COPY, i, f, s, f, d);
		else
			kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, f, d);
		r->pf[f][d] = r->pf[f][s];
		r->po[f][d] = r->po[f][s];
		return;
	}
	if (a64 && (op == BPF_ADD || op == BPF_SUB) && !x) {
		/* pointer arithmetic: the same reference, another offset */
		po = r->po[f][d] + (op == BPF_ADD ? in->imm : -in->imm);
		if (r->pf[f][d] >= 0 && po > -LOFF && po < LOFF)
			r->po[f][d] = po;
		else
			fp_clr(r, f, d);
		return;
	}
	if (a64 && op == BPF_ADD && x) {
		/* scalar + pointer: dst takes the pointer's ref_obj_id */
		if (held(r, f, s))
			take_reg(r, BPF_DIAG_STEP_COPY, i, f, s, f, d);
		fp_clr(r, f, d);
		return;
	}
	if (a64 && op == BPF_SUB && x) {
		/* pointer - pointer is a scalar; pointer - scalar the pointer */
		if (held(r, f, s))
			kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, f, d);
		fp_clr(r, f, d);
		return;
	}
	/* anything else leaves dst a scalar */
	kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, f, d);
	fp_clr(r, f, d);
}

NOKPROBE_SYMBOL(alu);

static void ldx(struct lrep *r, const struct bpf_insn *in, s32 i)
{
	u32 f = r->cur, d = in->dst_reg, g;
	s32 at;
	int k;

	if (BPF_MODE(in->code) == BPF_MEM && BPF_SIZE(in->code) == BPF_DW &&
	    fp_at(r, in->src_reg, in->off, &g, &at)) {
		k = slot_find(&r->h, g, at);
		if (k >= 0 && !r->h.obj[k]) {
			take_reg(r, BPF_DIAG_STEP_FILL, i, g, at, f, d);
			fp_clr(r, f, d);
			return;
		}
		/* a stack pointer filled back */
		for (k = 0; k < r->nsp; k++) {
			if (r->sp[k].g == g && r->sp[k].off == at) {
				kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, f, d);
				r->pf[f][d] = r->sp[k].pf;
				r->po[f][d] = r->sp[k].po;
				return;
			}
		}
	}
	kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, f, d);
	fp_clr(r, f, d);
}

NOKPROBE_SYMBOL(ldx);

/* BPF_ATOMIC's load-acquire and store-release (7.x), by value: not in older headers */
#define L_LOAD_ACQ	0x100
#define L_STORE_REL	0x110

static void stx(struct lrep *r, const struct bpf_insn *in, s32 i)
{
	u32 f = r->cur, g, sz = bpf_size_to_bytes(BPF_SIZE(in->code));
	u8 mode = BPF_MODE(in->code);
	bool store = BPF_CLASS(in->code) == BPF_ST || mode == BPF_MEM ||
		     (mode == BPF_ATOMIC && in->imm == L_STORE_REL);
	s32 at;

	if (mode == BPF_ATOMIC && in->imm == L_LOAD_ACQ) {
		kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, f, in->dst_reg);
		fp_clr(r, f, in->dst_reg);
		return;
	}
	if (mode == BPF_ATOMIC && !store && (in->imm & BPF_FETCH)) {
		u32 d = in->imm == BPF_CMPXCHG ? BPF_REG_0 : in->src_reg;

		kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, f, d);
		fp_clr(r, f, d);
	}
	/* stores to other memory (map values, kptrs) are not followed */
	if (!fp_at(r, in->dst_reg, in->off, &g, &at))
		return;
	sp_kill(r, g, at, at + sz);
	if (BPF_CLASS(in->code) == BPF_STX && store && sz == BPF_REG_SIZE &&
	    !(at % BPF_REG_SIZE) && r->pf[f][in->src_reg] >= 0 && r->nsp < LSLOTS) {
		r->sp[r->nsp].g = g;
		r->sp[r->nsp].off = at;
		r->sp[r->nsp].pf = r->pf[f][in->src_reg];
		r->sp[r->nsp++].po = r->po[f][in->src_reg];
	}
	if (BPF_CLASS(in->code) == BPF_STX && store && sz == BPF_REG_SIZE &&
	    !(at % BPF_REG_SIZE) && held(r, f, in->src_reg)) {
		if (slot_find(&r->h, g, at) < 0) {
			slot_add(&r->h, g, at, false);
			step(r, BPF_DIAG_STEP_SPILL, i, f, in->src_reg, g, at);
		}
		return;
	}
	kill_slots(r, BPF_DIAG_STEP_OVERWRITE, i, g, at, at + sz);
}

NOKPROBE_SYMBOL(stx);

/* Helpers whose r0 carries an argument's ref_obj_id (is_ptr_cast_function(), dynptr data) */
static bool derives(const struct bpf_insn *in)
{
	int k;

	if (in->src_reg == BPF_PSEUDO_KFUNC_CALL) {
		if (!bd_layout_slices_hold)
			return false;
		for (k = 0; k < ARRAY_SIZE(slice_kfunc); k++)
			if (slice_kfunc[k] > 0 && in->imm == slice_kfunc[k] && !in->off)
				return true;
		return false;
	}
	if (in->src_reg)
		return false;
	switch (in->imm) {
	case BPF_FUNC_tcp_sock:
	case BPF_FUNC_sk_fullsock:
	case BPF_FUNC_skc_to_tcp_sock:
	case BPF_FUNC_skc_to_tcp6_sock:
	case BPF_FUNC_skc_to_udp6_sock:
	case BPF_FUNC_skc_to_mptcp_sock:
	case BPF_FUNC_skc_to_tcp_timewait_sock:
	case BPF_FUNC_skc_to_tcp_request_sock:
		return true;
	case BPF_FUNC_dynptr_data:
		return bd_layout_slices_hold;
	}
	return false;
}

NOKPROBE_SYMBOL(derives);

/* A callback's argument that is its caller's: (caller reg, callee reg), 0 if none */
static u32 cb_arg(const struct bpf_insn *in, u32 *callee)
{
	if (in->src_reg)
		return 0;
	switch (in->imm) {
	case BPF_FUNC_loop:			/* set_loop_callback_state() */
	case BPF_FUNC_user_ringbuf_drain:
		*callee = BPF_REG_2;
		return BPF_REG_3;
	case BPF_FUNC_for_each_map_elem:	/* set_map_elem_callback_state() */
		*callee = BPF_REG_4;
		return BPF_REG_3;
	case BPF_FUNC_find_vma:
		*callee = BPF_REG_3;
		return BPF_REG_4;
	}
	return 0;
}

NOKPROBE_SYMBOL(cb_arg);

static void pass(struct lrep *r, s32 i, u32 f, u32 a, u32 nf, u32 b)
{
	if (held(r, f, a))
		take_reg(r, BPF_DIAG_STEP_ARG, i, f, a, nf, b);
	r->pf[nf][b] = r->pf[f][a];
	r->po[nf][b] = r->po[f][a];
}

NOKPROBE_SYMBOL(pass);

/* Registers r0-r5 of frame @f clobbered by a call at @i */
static void clobber(struct lrep *r, s32 i, u32 f)
{
	u32 k;

	for (k = BPF_REG_0; k <= BPF_REG_5; k++) {
		kill_reg(r, BPF_DIAG_STEP_CLOBBER, i, f, k);
		fp_clr(r, f, k);
	}
}

NOKPROBE_SYMBOL(clobber);

static void call(struct lrep *r, const struct bpf_insn *in, s32 i, s32 ni)
{
	u32 f = r->cur, nf = f + 1, a, b, g;
	bool from_arg = false;
	s32 at;
	int k;

	/* the walk went into a subprogram or a callback */
	if (ni != i + 1 && nf < LF) {
		frame_new(r, nf);
		if (in->src_reg == BPF_PSEUDO_CALL) {
			for (a = BPF_REG_1; a <= BPF_REG_5; a++)
				pass(r, i, f, a, nf, a);
		} else {
			a = cb_arg(in, &b);
			if (a)
				pass(r, i, f, a, nf, b);
		}
		r->site[nf] = i;
		r->cur = nf;
		return;
	}
	if (derives(in)) {
		from_arg = held(r, f, BPF_REG_1);
		if (!from_arg && fp_at(r, BPF_REG_1, 0, &g, &at)) {
			k = slot_find(&r->h, g, at);
			from_arg = k >= 0;
		}
	}
	clobber(r, i, f);
	if (from_arg)
		take_reg(r, BPF_DIAG_STEP_DERIVE, i, f, BPF_REG_1, f, BPF_REG_0);
}

NOKPROBE_SYMBOL(call);

static bool is_call(const struct lrep *r, s32 i, bool pseudo)
{
	return i >= 0 && i < r->len && r->insns[i].code == (BPF_JMP | BPF_CALL) &&
	       (r->insns[i].src_reg == BPF_PSEUDO_CALL) == pseudo;
}

NOKPROBE_SYMBOL(is_call);

/* An exit of frame f > 0, back to @ni */
static void ret(struct lrep *r, s32 i, s32 ni)
{
	u32 f = r->cur, c = f - 1, k;
	s32 site = r->site[f];
	/* back to the callback's call itself (6.8 on: it may run again) */
	bool again = site >= 0 ? ni == site : is_call(r, ni, false);
	bool sub = site >= 0 ? is_call(r, site, true) && ni == site + 1 : is_call(r, ni - 1, true);
	bool r0 = held(r, f, BPF_REG_0) && sub;

	if (!f)
		return;
	r->h.regs[f] &= r0 ? ~BIT(BPF_REG_0) : ~0;
	for (k = 0; k < MAX_BPF_REG; k++)
		kill_reg(r, BPF_DIAG_STEP_FRAME_EXIT, i, f, k);
	for (k = 0; k < r->h.n; k++) {
		if (r->h.sf[k] != f)
			continue;
		r->last_kill = step(r, BPF_DIAG_STEP_FRAME_EXIT, i, f, r->h.so[k], f, BD_LOC_NONE);
		slot_del(&r->h, k--);
	}
	sp_kill(r, f, S16_MIN, S16_MAX);
	r->cur = c;
	if (sub) {
		if (r0)
			take_reg(r, BPF_DIAG_STEP_RETURN, i, f, BPF_REG_0, c, BPF_REG_0);
		else
			kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, c, BPF_REG_0);
		for (k = BPF_REG_1; k <= BPF_REG_5; k++)
			kill_reg(r, BPF_DIAG_STEP_CLOBBER, i, c, k);
	} else if (!again) {
		clobber(r, i, c);
	}
	if (!again)
		for (k = BPF_REG_0; k <= BPF_REG_5; k++)
			fp_clr(r, c, k);
}

NOKPROBE_SYMBOL(ret);

/* Insn @i, followed by @ni on the path */
static void apply(struct lrep *r, s32 i, s32 ni)
{
	const struct bpf_insn *in = &r->insns[i];
	u8 cls = BPF_CLASS(in->code);

	if (in->dst_reg >= MAX_BPF_REG || in->src_reg >= MAX_BPF_REG)
		return;
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		alu(r, in, i);
		break;
	case BPF_LDX:
		ldx(r, in, i);
		break;
	case BPF_ST:
	case BPF_STX:
		stx(r, in, i);
		break;
	case BPF_LD:
		if (in->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, r->cur, in->dst_reg);
			fp_clr(r, r->cur, in->dst_reg);
		} else if (BPF_MODE(in->code) == BPF_ABS || BPF_MODE(in->code) == BPF_IND) {
			clobber(r, i, r->cur);
		}
		break;
	case BPF_JMP:
		if (BPF_OP(in->code) == BPF_CALL)
			call(r, in, i, ni);
		else if (BPF_OP(in->code) == BPF_EXIT)
			ret(r, i, ni);
		break;
	}
}

NOKPROBE_SYMBOL(apply);

/* The verifier's state at the leak: what holds the id, in every frame */
static void state_holders(struct lrep *r, struct holders *h)
{
	struct bpf_verifier_state *st = bd_cur_state(r->c->env);
	u32 nf = BD_RD(st, bpf_verifier_state, curframe), f, k;
	struct bpf_func_state *fs;
	struct bpf_reg_state *reg;
	void *stack, *slot;
	s32 spi, t;

	memset(h, 0, sizeof(*h));
	for (f = 0; f <= nf && f < LF; f++) {
		fs = bd_frame(st, f);
		if (!fs)
			continue;
		for (k = 0; k < BPF_REG_10; k++)
			if (bd_layout_reg_ref(bd_reg(fs, k), false) == r->id)
				h->regs[f] |= BIT(k);
		stack = BD_RD(fs, bpf_func_state, stack);
		spi = stack ? BD_RD(fs, bpf_func_state, allocated_stack) / BPF_REG_SIZE : 0;
		/* from the lowest address: where a dynptr or an iterator starts */
		for (spi--; spi >= 0; spi--) {
			slot = BD_ELEM(stack, bpf_stack_state, spi);
			reg = BD_AT(slot, bpf_stack_state, spilled_ptr);
			t = ((u8 *)BD_AT(slot, bpf_stack_state, slot_type))[BPF_REG_SIZE - 1];
			if (bd_layout_reg_ref(reg, t == stack_dynptr) != r->id)
				continue;
			if (t == stack_spill) {
				slot_add(h, f, -(spi + 1) * BPF_REG_SIZE, false);
			} else if (t == stack_dynptr) {
				slot_add(h, f, -(spi + 1) * BPF_REG_SIZE, true);
				spi--;	/* BPF_DYNPTR_NR_SLOTS: its other half */
			} else if (t == stack_iter) {
				slot_add(h, f, -(spi + 1) * BPF_REG_SIZE, true);
			}
		}
	}
}

NOKPROBE_SYMBOL(state_holders);

/*
 * The argument an acquire stores its reference in, on the stack: an
 * iterator's constructor (bpf_iter_*_new(it, ...): r1), a referenced
 * dynptr's (bpf_ringbuf_reserve_dynptr(map, size, flags, ptr): r4); 0: r0.
 */
static u32 acq_arg(const struct bpf_insn *in)
{
	int k;

	if (!in->src_reg && in->imm == BPF_FUNC_ringbuf_reserve_dynptr)
		return BPF_REG_4;
	if (in->src_reg != BPF_PSEUDO_KFUNC_CALL || in->off)
		return 0;
	for (k = 0; k < nr_iter_new; k++)
		if (in->imm == iter_new[k])
			return BPF_REG_1;
	return 0;
}

NOKPROBE_SYMBOL(acq_arg);

/*
 * The acquire at @i: into r0, or into the iterator or dynptr its argument
 * points to (else the one the state has at the leak)
 */
static void acquire(struct lrep *r, const struct holders *sh, s32 i)
{
	u32 a = acq_arg(&r->insns[i]), g;
	s32 at;
	int k;

	if (a && fp_at(r, a, 0, &g, &at)) {
		clobber(r, i, r->cur);
		slot_add(&r->h, g, at, true);
		step(r, BPF_DIAG_STEP_ACQUIRE, i, r->cur, BD_LOC_NONE, g, at);
		return;
	}
	clobber(r, i, r->cur);
	for (k = 0; k < sh->n; k++) {
		if (sh->obj[k]) {
			slot_add(&r->h, sh->sf[k], sh->so[k], true);
			step(r, BPF_DIAG_STEP_ACQUIRE, i, r->cur, BD_LOC_NONE, sh->sf[k],
			     sh->so[k]);
			return;
		}
	}
	take_reg(r, BPF_DIAG_STEP_ACQUIRE, i, r->cur, BD_LOC_NONE, r->cur, BPF_REG_0);
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
		frame_new(r, f);
	for (k = start + 1; s; s--) {
		if (i < 0 || i >= r->len || !*budget) {
			step(r, BPF_DIAG_STEP_CUT, i, 0, BD_LOC_NONE, 0, BD_LOC_NONE);
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
		if (s == acq) {
			if (i != a->from)
				break;
			acquire(r, sh, i);
			held_yet = true;
		} else {
			apply(r, i, ni);
		}
		i = ni;
	}
	r->at = s + r->skip;
	if (s || i != leak || r->h.full || !held_yet) {
		step(r, BPF_DIAG_STEP_CUT, i, 0, BD_LOC_NONE, 0, BD_LOC_NONE);
		return false;
	}
	return true;
}

NOKPROBE_SYMBOL(replay);

/* Is holder (@f, @loc) among @h's? */
static bool has(const struct holders *h, u32 f, s16 loc)
{
	return loc >= 0 ? h->regs[f] & BIT(loc) : slot_find(h, f, loc) >= 0;
}

NOKPROBE_SYMBOL(has);

static void held_step(struct lrep *r, s32 leak, u32 f, s16 loc, bool live)
{
	u32 k = step(r, BPF_DIAG_STEP_HELD, leak, 0, BD_LOC_NONE, f, loc);
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
				step(r, BPF_DIAG_STEP_DIFFERS, leak, 0, BD_LOC_NONE, f, k);
	for (j = 0; j < sh->n && replayed; j++)
		if (!has(&r->h, sh->sf[j], sh->so[j]))
			step(r, BPF_DIAG_STEP_DIFFERS, leak, 0, BD_LOC_NONE, sh->sf[j], sh->so[j]);
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
	state_holders(&r, &sh);
	k = from == U32_MAX ? U32_MAX : acq_entry(r.e, from, id);
	first = r.e->nr_steps;
	if (k != U32_MAX)
		replayed = replay(&r, &sh, k, budget);
	else
		step(&r, BPF_DIAG_STEP_CUT, -1, 0, BD_LOC_NONE, 0, BD_LOC_NONE);
	/* at: insns before the leak, each ld_imm64 one (as the log prints them) */
	for (k = first; k < r.e->nr_steps; k++) {
		s = (struct bd_step *)bd_env_step(r.e, k);
		s->at = s->at > r.skip ? s->at - r.skip : 0;
	}
	r.at = 0;
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

	if (!c->rec || !line_ok)
		return;
	n = bd_lineage_ids(c->rec, ids, BD_MAX_LEAKS);
	for (k = 0; k < n; k++)
		lineage_of(c, ids[k], from, &budget);
}

NOKPROBE_SYMBOL(bd_lineage);

/* The value of enumerator @name of enum bpf_stack_slot_type, or -1 */
static s32 slot_type(const char *name)
{
	s32 id = bd_btf_find("bpf_stack_slot_type", BTF_KIND_ENUM);
	const struct btf_type *t = id > 0 ? bd_btf_type(id) : NULL;
	const struct btf_enum *m;
	u32 k;

	if (!t)
		return -1;
	m = btf_enum(t);
	for (k = 0; k < btf_vlen(t); k++)
		if (!strcmp(bd_btf_str(m[k].name_off), name))
			return m[k].val;
	return -1;
}

/* The kernel's bpf_iter_*_new() kfuncs (its BTF is read at load only) */
static void iters_init(void)
{
	const struct btf_type *t;
	const char *name;
	size_t n;
	u32 id;

	nr_iter_new = 0;
	for (id = 1; nr_iter_new < L_ITERS && (t = bd_btf_type(id)); id++) {
		if (!btf_type_is_func(t))
			continue;
		name = bd_btf_str(t->name_off);
		n = name ? strlen(name) : 0;
		if (n > 13 && !strncmp(name, "bpf_iter_", 9) && !strcmp(name + n - 4, "_new"))
			iter_new[nr_iter_new++] = id;
	}
}

void bd_lineage_init(void)
{
	stack_spill = slot_type("STACK_SPILL");
	stack_dynptr = slot_type("STACK_DYNPTR");
	stack_iter = slot_type("STACK_ITER");
	slice_kfunc[0] = bd_btf_find("bpf_dynptr_slice", BTF_KIND_FUNC);
	slice_kfunc[1] = bd_btf_find("bpf_dynptr_slice_rdwr", BTF_KIND_FUNC);
	iters_init();
	line_ok = bd_fields_ok(BD_R_LINE) && stack_spill >= 0;
}

/* status: whether leaks get their lineage, and why not */
void bd_lineage_show(struct seq_file *m)
{
	seq_puts(m, "lineage: ");
	if (!line_ok && stack_spill < 0)
		seq_puts(m, "none: this kernel's BTF has no enum bpf_stack_slot_type STACK_SPILL\n");
	else if (!line_ok)
		seq_printf(m, "none: %s\n", bd_fields_refusal(BD_R_LINE));
	else if (!bd_path_walks())
		seq_puts(m, "holders at each leak from the verifier's state; no replay (the failing path is not walked, see branch decisions)\n");
	else
		seq_printf(m, "each leaked reference's holders replayed from its acquire along the failing path (max_walk=%u insns in all), held against the verifier's state at the leak\n",
			   bd_max_walk);
}
