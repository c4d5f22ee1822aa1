// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag hook: release_reference(env, ref_obj_id), the release helper
 * or kfunc.  Entry marks the id so that its release reads
 * path=release_call; a failure at return, where references have parents,
 * means a child is still held ("Leaking reference").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "ctx.h"
#include "hook.h"
#include "layout.h"

static int rr_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ctx_env();
	u32 id = bd_ri_arg(ri, regs, 1);

	if (!c)
		return 1;
	bd_layout_sync(c);
	c->release_id = bd_layout_ref_held(c->env, id) ? id : 0;
	bd_ri(ri)->c = c;
	bd_ri(ri)->a = id;
	return 0;
}

NOKPROBE_SYMBOL(rr_entry);

static int rr_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ri_ctx(ri);

	if (!c)
		return 0;
	c->release_id = 0;
	if ((int)regs_return_value(regs) == -EINVAL && c->env)
		bd_layout_child_leak(c, bd_ri(ri)->a);
	return 0;
}

NOKPROBE_SYMBOL(rr_ret);

static const char * const syms[] = { "release_reference", NULL };
static const struct bd_proto proto = {
	.syms = syms, .ret = "int",
	.args = { { "env", "*bpf_verifier_env" }, { "ref_obj_id|id", "int" } },
};

const struct bd_hook bd_hook_release_reference = {
	.role = "release_call", .reads = BD_R_RELCALL,
	.proto = &proto, .entry = rr_entry, .ret = rr_ret,
	.loses = "release=release_call (shown as release=unknown), 'Leaking reference' leaks",
	.how = "kretprobe: marks the release helper/kfunc path; child leaks at return",
};
