// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag hook: acquire_reference_state(), where acquire_reference()
 * (inlined on 7.2) gets its new reference.  What it returns, a refs[] slot
 * or the new id, is the layout's (layout.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "ctx.h"
#include "hook.h"
#include "layout.h"

static int acquire_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ctx_env();

	if (!c)
		return 1;
	bd_layout_sync(c);
	bd_ri(ri)->c = c;
	bd_ri(ri)->a = bd_ri_arg(ri, regs, 1);	/* insn_idx, where the layout reads it */
	return 0;
}

NOKPROBE_SYMBOL(acquire_entry);

/* Where the layout reads the new slot later: entry only. */
static int acquire_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ctx_env();

	if (c) {
		bd_layout_sync(c);
		bd_layout_acquire(c);
	}
	return 0;
}

NOKPROBE_SYMBOL(acquire_pre);

static int acquire_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ri_ctx(ri);

	if (c && c->env)
		bd_layout_acquired(c, bd_ri(ri)->a, regs_return_value(regs));
	return 0;
}

NOKPROBE_SYMBOL(acquire_ret);

const struct bd_hook bd_hook_acquire = {
	.role = "acquire", .reads = BD_R_ACQ, .proto = &bd_acquire_proto,
	.entry = acquire_entry, .ret = acquire_ret,
	.pre = acquire_pre, .ret_needed = &bd_layout_acquire_returns,
	.loses = "acquire events", .stands_in = "acquire_reference",
	.how = "the new reference: its refs[] slot read at the next hook, or its id at return",
};
