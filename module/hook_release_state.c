// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag hook: release_reference_state(state, idx or id), through which
 * every release goes, release_reference_nomark() (inlined on 7.2) and the
 * lock and IRQ releases included.  Which path released it comes from the
 * markers and the instruction (insn.c); the slot or the result from the
 * layout.  A kretprobe where the layout reads the result at return
 * (layout_frame.c); a plain kprobe, half the cost, where it reads the slot
 * at entry (layout_state.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "ctx.h"
#include "hook.h"
#include "layout.h"

static int release_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ctx_env();

	if (!c)
		return 1;
	bd_layout_sync(c);
	if (!bd_layout_release(c, (void *)bd_ri_arg(ri, regs, 0), bd_ri_arg(ri, regs, 1)))
		return 1;
	bd_ri(ri)->c = c;
	return 0;
}

NOKPROBE_SYMBOL(release_entry);

/* The same where the layout reads everything at entry. */
static int release_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ctx_env();

	if (c) {
		bd_layout_sync(c);
		bd_layout_release(c, (void *)bd_kp_arg(kp, regs, 0), bd_kp_arg(kp, regs, 1));
	}
	return 0;
}

NOKPROBE_SYMBOL(release_pre);

static int release_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ri_ctx(ri);

	if (c && c->env)
		bd_layout_release_ret(c, regs_return_value(regs));
	return 0;
}

NOKPROBE_SYMBOL(release_ret);

const struct bd_hook bd_hook_release_state = {
	.role = "release", .proto = &bd_release_proto,
	.entry = release_entry, .ret = release_ret,
	.pre = release_pre, .ret_needed = &bd_layout_release_returns,
	.loses = "release and null_drop events", .stands_in = "release_reference_nomark",
	.how = "the reference (or lock) leaving refs[], and how (the result: at return)",
};
