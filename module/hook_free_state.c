// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag hook: bpf_free_verifier_state(state, free_self).  Where
 * acquires are read later from their refs[] slot (layout.h), a state
 * about to be freed may hold one: it is read first.  Not needed where
 * acquires return their id.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "ctx.h"
#include "hook.h"
#include "layout.h"

static int free_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct bd_ctx *c;

	if (!atomic_read(&bd_nr_pending))
		return 0;
	c = bd_ctx_get();
	if (c && c->env)
		bd_layout_sync(c);
	return 0;
}

NOKPROBE_SYMBOL(free_pre);

static const char *free_unneeded(void)
{
	return bd_layout_deferred_acquire ? NULL :
		"acquires return their id on this layout, no slot is read later";
}

static const char * const syms[] = { "bpf_free_verifier_state", "free_verifier_state", NULL };
static const struct bd_proto proto = { .syms = syms };

const struct bd_hook bd_hook_free_state = {
	.role = "slot_sync_free", .reads = BD_R_FREE, .proto = &proto, .pre = free_pre,
	.unneeded = free_unneeded,
	.loses = "acquires followed by a state free before any other hook",
	.how = "reads a pending acquire slot before a state is freed",
};
