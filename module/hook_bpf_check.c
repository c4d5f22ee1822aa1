// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag hook: bpf_check(&prog, attr, uattr, ...), one record per call.
 * Entry claims a context for the task; return finishes the record with
 * the verdict.  The env is never read after this return.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "ctx.h"
#include "hook.h"

static int bpf_check_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ctx_claim((void *)bd_ri_arg(ri, regs, 0));

	if (!c)
		return 1;
	bd_ri(ri)->c = c;
	return 0;
}

NOKPROBE_SYMBOL(bpf_check_entry);

static int bpf_check_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ri_ctx(ri);

	if (c)
		bd_ctx_finish(c, (int)regs_return_value(regs));
	return 0;
}

NOKPROBE_SYMBOL(bpf_check_ret);

static const char * const syms[] = { "bpf_check", NULL };
static const struct bd_proto proto = {
	.syms = syms, .ret = "int",
	.args = { { "prog", "**bpf_prog" } },
};

const struct bd_hook bd_hook_bpf_check = {
	.role = "env", .reads = BD_R_ENV,
	.proto = &proto, .entry = bpf_check_entry, .ret = bpf_check_ret,
	.required = true, .loses = "everything (no verification is recorded)",
	.how = "kretprobe: one record per bpf_check(); program, task, verdict",
};
