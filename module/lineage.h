/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf_diag: the lineage's replay (lineage.c), shared by its files:
 * lineage_hold.c (the holders, the kernel's slot types and helpers),
 * lineage_insn.c (what an insn does to them).
 */
#ifndef _BPF_DIAG_LINEAGE_H
#define _BPF_DIAG_LINEAGE_H

#include <linux/bpf_verifier.h>
#include <linux/filter.h>
#include "ctx.h"

#define LF	MAX_CALL_FRAMES
#define LSLOTS	32		/* stack slots holding one id, followed at once */
#define LOFF	4096		/* |offset| past which a stack pointer is not followed */

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
	u32 raw;		/* the step replayed, as the walk counts it (bd_hist.cnt) */
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

/* lineage_hold.c */
int lin_slot_find(const struct holders *h, u32 f, s32 off);
void lin_slot_add(struct holders *h, u32 f, s32 off, bool obj);
void lin_slot_del(struct holders *h, int k);
u32 lin_step(struct lrep *r, u8 kind, s32 insn, u32 ff, s16 from, u32 ft, s16 to);
bool lin_held(const struct lrep *r, u32 f, u32 reg);
void lin_kill_reg(struct lrep *r, u8 kind, s32 insn, u32 f, u32 reg);
void lin_take_reg(struct lrep *r, u8 kind, s32 insn, u32 ff, s16 from, u32 f, u32 reg);
void lin_kill_slots(struct lrep *r, u8 kind, s32 insn, u32 g, s32 lo, s32 hi);
void lin_fp_clr(struct lrep *r, u32 f, u32 reg);
bool lin_fp_at(const struct lrep *r, u32 reg, s16 off, u32 *g, s32 *at);
void lin_sp_kill(struct lrep *r, u32 g, s32 lo, s32 hi);
void lin_frame_new(struct lrep *r, u32 f);
bool lin_derives(const struct bpf_insn *in);
u32 lin_cb_arg(const struct bpf_insn *in, u32 *callee);
void lin_clobber(struct lrep *r, s32 i, u32 f);
void lin_state_holders(struct lrep *r, struct holders *h);
u32 lin_acq_arg(const struct bpf_insn *in);
bool lin_types_init(void);
/* lineage_insn.c */
void lin_apply(struct lrep *r, s32 i, s32 ni);

#endif /* _BPF_DIAG_LINEAGE_H */
