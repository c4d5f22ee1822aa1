// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: what one insn of the failing path does to a leaked
 * reference's holders (lineage.c), as the verifier's transfer functions
 * carry a pointer's identity: moves and pointer arithmetic, 8-byte spills
 * and fills, other writes, calls into subprograms and callbacks and their
 * returns, helper and kfunc calls.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "lineage.h"

static void alu(struct lrep *r, const struct bpf_insn *in, s32 i)
{
	u32 f = r->cur, d = in->dst_reg, s = in->src_reg;
	u8 op = BPF_OP(in->code);
	bool x = BPF_SRC(in->code) == BPF_X, a64 = BPF_CLASS(in->code) == BPF_ALU64;
	s32 po;

	if (a64 && op == BPF_MOV && x && !in->off) {
		if (d == s)
			return;
		if (lin_held(r, f, s))
			lin_take_reg(r, BPF_DIAG_STEP_COPY, i, f, s, f, d);
		else
			lin_kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, f, d);
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
			lin_fp_clr(r, f, d);
		return;
	}
	if (a64 && op == BPF_ADD && x) {
		/* scalar + pointer: dst takes the pointer's ref_obj_id */
		if (lin_held(r, f, s))
			lin_take_reg(r, BPF_DIAG_STEP_COPY, i, f, s, f, d);
		lin_fp_clr(r, f, d);
		return;
	}
	if (a64 && op == BPF_SUB && x) {
		/* pointer - pointer is a scalar; pointer - scalar the pointer */
		if (lin_held(r, f, s))
			lin_kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, f, d);
		lin_fp_clr(r, f, d);
		return;
	}
	/* anything else leaves dst a scalar */
	lin_kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, f, d);
	lin_fp_clr(r, f, d);
}

NOKPROBE_SYMBOL(alu);

static void ldx(struct lrep *r, const struct bpf_insn *in, s32 i)
{
	u32 f = r->cur, d = in->dst_reg, g;
	s32 at;
	int k;

	if (BPF_MODE(in->code) == BPF_MEM && BPF_SIZE(in->code) == BPF_DW &&
	    lin_fp_at(r, in->src_reg, in->off, &g, &at)) {
		k = lin_slot_find(&r->h, g, at);
		if (k >= 0 && !r->h.obj[k]) {
			lin_take_reg(r, BPF_DIAG_STEP_FILL, i, g, at, f, d);
			lin_fp_clr(r, f, d);
			return;
		}
		/* a stack pointer filled back */
		for (k = 0; k < r->nsp; k++) {
			if (r->sp[k].g == g && r->sp[k].off == at) {
				lin_kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, f, d);
				r->pf[f][d] = r->sp[k].pf;
				r->po[f][d] = r->sp[k].po;
				return;
			}
		}
	}
	lin_kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, f, d);
	lin_fp_clr(r, f, d);
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
		lin_kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, f, in->dst_reg);
		lin_fp_clr(r, f, in->dst_reg);
		return;
	}
	if (mode == BPF_ATOMIC && !store && (in->imm & BPF_FETCH)) {
		u32 d = in->imm == BPF_CMPXCHG ? BPF_REG_0 : in->src_reg;

		lin_kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, f, d);
		lin_fp_clr(r, f, d);
	}
	/* stores to other memory (map values, kptrs) are not followed */
	if (!lin_fp_at(r, in->dst_reg, in->off, &g, &at))
		return;
	lin_sp_kill(r, g, at, at + sz);
	if (BPF_CLASS(in->code) == BPF_STX && store && sz == BPF_REG_SIZE &&
	    !(at % BPF_REG_SIZE) && r->pf[f][in->src_reg] >= 0 && r->nsp < LSLOTS) {
		r->sp[r->nsp].g = g;
		r->sp[r->nsp].off = at;
		r->sp[r->nsp].pf = r->pf[f][in->src_reg];
		r->sp[r->nsp++].po = r->po[f][in->src_reg];
	}
	if (BPF_CLASS(in->code) == BPF_STX && store && sz == BPF_REG_SIZE &&
	    !(at % BPF_REG_SIZE) && lin_held(r, f, in->src_reg)) {
		if (lin_slot_find(&r->h, g, at) < 0) {
			lin_slot_add(&r->h, g, at, false);
			lin_step(r, BPF_DIAG_STEP_SPILL, i, f, in->src_reg, g, at);
		}
		return;
	}
	lin_kill_slots(r, BPF_DIAG_STEP_OVERWRITE, i, g, at, at + sz);
}

NOKPROBE_SYMBOL(stx);

static void pass(struct lrep *r, s32 i, u32 f, u32 a, u32 nf, u32 b)
{
	if (lin_held(r, f, a))
		lin_take_reg(r, BPF_DIAG_STEP_ARG, i, f, a, nf, b);
	r->pf[nf][b] = r->pf[f][a];
	r->po[nf][b] = r->po[f][a];
}

NOKPROBE_SYMBOL(pass);

static void call(struct lrep *r, const struct bpf_insn *in, s32 i, s32 ni)
{
	u32 f = r->cur, nf = f + 1, a, b, g;
	bool from_arg = false;
	s32 at;
	int k;

	/* the walk went into a subprogram or a callback */
	if (ni != i + 1 && nf < LF) {
		lin_frame_new(r, nf);
		if (in->src_reg == BPF_PSEUDO_CALL) {
			for (a = BPF_REG_1; a <= BPF_REG_5; a++)
				pass(r, i, f, a, nf, a);
		} else {
			a = lin_cb_arg(in, &b);
			if (a)
				pass(r, i, f, a, nf, b);
		}
		r->site[nf] = i;
		r->cur = nf;
		return;
	}
	if (lin_derives(in)) {
		from_arg = lin_held(r, f, BPF_REG_1);
		if (!from_arg && lin_fp_at(r, BPF_REG_1, 0, &g, &at)) {
			k = lin_slot_find(&r->h, g, at);
			from_arg = k >= 0;
		}
	}
	lin_clobber(r, i, f);
	if (from_arg)
		lin_take_reg(r, BPF_DIAG_STEP_DERIVE, i, f, BPF_REG_1, f, BPF_REG_0);
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
	bool r0 = lin_held(r, f, BPF_REG_0) && sub;

	if (!f)
		return;
	r->h.regs[f] &= r0 ? ~BIT(BPF_REG_0) : ~0;
	for (k = 0; k < MAX_BPF_REG; k++)
		lin_kill_reg(r, BPF_DIAG_STEP_FRAME_EXIT, i, f, k);
	for (k = 0; k < r->h.n; k++) {
		if (r->h.sf[k] != f)
			continue;
		r->last_kill = lin_step(r, BPF_DIAG_STEP_FRAME_EXIT, i, f, r->h.so[k], f,
					BD_LOC_NONE);
		lin_slot_del(&r->h, k--);
	}
	lin_sp_kill(r, f, S16_MIN, S16_MAX);
	r->cur = c;
	if (sub) {
		if (r0)
			lin_take_reg(r, BPF_DIAG_STEP_RETURN, i, f, BPF_REG_0, c, BPF_REG_0);
		else
			lin_kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, c, BPF_REG_0);
		for (k = BPF_REG_1; k <= BPF_REG_5; k++)
			lin_kill_reg(r, BPF_DIAG_STEP_CLOBBER, i, c, k);
	} else if (!again) {
		lin_clobber(r, i, c);
	}
	if (!again)
		for (k = BPF_REG_0; k <= BPF_REG_5; k++)
			lin_fp_clr(r, c, k);
}

NOKPROBE_SYMBOL(ret);

/* Insn @i, followed by @ni on the path */
void lin_apply(struct lrep *r, s32 i, s32 ni)
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
			lin_kill_reg(r, BPF_DIAG_STEP_OVERWRITE, i, r->cur, in->dst_reg);
			lin_fp_clr(r, r->cur, in->dst_reg);
		} else if (BPF_MODE(in->code) == BPF_ABS || BPF_MODE(in->code) == BPF_IND) {
			lin_clobber(r, i, r->cur);
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

NOKPROBE_SYMBOL(lin_apply);
