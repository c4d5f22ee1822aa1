// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag hook: (bpf_)copy_verifier_state(dst, src).  pop_stack() copies
 * the queued state into env->cur_state (no other copy writes into it): a
 * pop, the current path ended.  push_stack() copies cur_state into the
 * new env->head: a push (walk.c).  Also where a pending acquire slot is
 * read before a copy can overwrite it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "ctx.h"
#include "hook.h"
#include "layout.h"

static int copy_pre(struct kprobe *kp, struct pt_regs *regs)
{
	void *dst = (void *)bd_kp_arg(kp, regs, 0);
	void *src = (void *)bd_kp_arg(kp, regs, 1);
	struct bd_ctx *c;

	if (!atomic_read(&bd_nr_active))
		return 0;
	c = bd_ctx_get();
	if (!c || !c->env)
		return 0;
	bd_layout_sync(c);
	bd_walk_copy(c, dst, src);
	return 0;
}

NOKPROBE_SYMBOL(copy_pre);

static const char * const syms[] = { "bpf_copy_verifier_state", "copy_verifier_state", NULL };
static const struct bd_proto proto = {
	.syms = syms,
	.args = { { "dst_state", "*bpf_verifier_state" }, { "src", "*bpf_verifier_state" } },
};

const struct bd_hook bd_hook_copy_state = {
	.role = "pop", .reads = BD_R_POP, .proto = &proto, .pre = copy_pre,
	.loses = "paths: the walk is not followed; acquires followed by a state copy",
	.how = "a copy into cur_state is a pop, into a new stack entry a push; syncs acquires",
};
