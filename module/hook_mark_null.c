// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag hook: mark_ptr_or_null_regs(vstate, regno, is_null), the two
 * branches of a NULL check.  On the NULL branch the reference is dropped,
 * not released: the id is marked so that its release reads null_drop.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "ctx.h"
#include "hook.h"
#include "layout.h"

static int mark_null_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct bpf_verifier_state *vs = (void *)bd_kp_arg(kp, regs, 0);
	u32 regno = bd_kp_arg(kp, regs, 1);
	bool is_null = bd_kp_arg(kp, regs, 2) & 0xff;
	struct bd_ctx *c = bd_ctx_env();
	u32 id;

	if (!c)
		return 0;
	bd_layout_sync(c);
	if (!is_null || regno >= MAX_BPF_REG)
		return 0;
	c->null_state = vs;
	id = bd_layout_null_ref(vs, bd_reg(bd_frame(vs, BD_RD(vs, bpf_verifier_state, curframe)),
					   regno));
	if (id)
		c->null_id = id;
	return 0;
}

NOKPROBE_SYMBOL(mark_null_pre);

static const char * const syms[] = { "mark_ptr_or_null_regs", NULL };
static const struct bd_proto proto = {
	.syms = syms,
	.args = { { "vstate", "*bpf_verifier_state" }, { "regno", "int" },
		  { "is_null", "int" } },
};

const struct bd_hook bd_hook_mark_null = {
	.role = "null_check", .reads = BD_R_NULL, .proto = &proto, .pre = mark_null_pre,
	.loses = "null_drop events (NULL-branch drops show as kind=release release=unknown)",
	.how = "marks the reference a NULL branch drops",
};
