// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag hook: push_stack(env, insn_idx, prev_insn_idx, speculative)
 * queues the other side of a branch; the state it returns names the path
 * until it is popped (hook_copy_state.c).  Attached only where the pop
 * hook cannot see pushes itself (walk.c, bd_walk_copy()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "ctx.h"
#include "hook.h"

static int push_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ctx_env();
	struct bd_ri *d = bd_ri(ri);

	if (!c)
		return 1;
	d->c = c;
	d->a = bd_ri_arg(ri, regs, 1);		/* insn_idx */
	d->b = bd_ri_arg(ri, regs, 2);		/* prev_insn_idx */
	return 0;
}

NOKPROBE_SYMBOL(push_entry);

static int push_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ri_ctx(ri);
	struct bd_ri *d = bd_ri(ri);
	struct bpf_verifier_state *st = (void *)regs_return_value(regs);

	if (c && c->env && !IS_ERR_OR_NULL(st))
		bd_path_push(c, st, d->a, d->b, BD_RD(st, bpf_verifier_state, speculative));
	return 0;
}

NOKPROBE_SYMBOL(push_ret);

static const char * const syms[] = { "push_stack", NULL };
static const struct bd_proto proto = {
	.syms = syms, .ret = "*bpf_verifier_state",
	.args = { { "env", "*bpf_verifier_env" }, { "insn_idx", "int" },
		  { "prev_insn_idx", "int" } },
};

const struct bd_hook bd_hook_push_stack = {
	.role = "push", .reads = BD_R_PUSH, .proto = &proto, .entry = push_entry, .ret = push_ret,
	.unneeded = bd_walk_push_unneeded,
	.loses = "paths: branches are not followed",
	.how = "kretprobe: push_stack queues a branch; the returned state identifies it",
};
