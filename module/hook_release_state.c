// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag hook: release_reference_state(state, idx or id), through which
 * every release goes, release_reference_nomark() (inlined on 7.2) and the
 * lock and IRQ releases included.  Which path released it comes from the
 * markers and the instruction (insn.c); what it releases from the layout,
 * at entry: the slot (layout_state.c), or the id the frame holds
 * (layout_frame.c).  An entry hook: no return probe.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "ctx.h"
#include "hook.h"
#include "layout.h"

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

const struct bd_hook bd_hook_release_state = {
	.role = "release", .reads = BD_R_REL, .proto = &bd_release_proto, .pre = release_pre,
	.loses = "release and null_drop events", .stands_in = "release_reference_nomark",
	.how = "the reference (or lock) leaving refs[], and how",
};
