// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag hook: do_check_common(env, subprog), the walk of the main
 * program or of one global subprogram.  Entry binds the env to the task's
 * context and starts a root path; return ends the walk.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "ctx.h"
#include "hook.h"
#include "layout.h"

static int dcc_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ctx_get();
	int subprog;

	if (!c)
		return 1;
	c->env = (void *)bd_ri_arg(ri, regs, 0);
	subprog = bd_ri_arg(ri, regs, 1);
	bd_path_root(c, subprog >= 0 && subprog < BD_RD(c->env, bpf_verifier_env, subprog_cnt) ?
		     BD_RD(BD_ELEM(BD_AT(c->env, bpf_verifier_env, subprog_info),
				   bpf_subprog_info, subprog), bpf_subprog_info, start) : 0);
	bd_src_prog_name(c);
	bd_ri(ri)->c = c;
	return 0;
}

NOKPROBE_SYMBOL(dcc_entry);

static int dcc_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ri_ctx(ri);

	/* still inside bpf_check(): the env is alive */
	if (c && c->rec && c->env) {
		bd_layout_sync(c);
		c->rec->processed = BD_RD(c->env, bpf_verifier_env, insn_processed);
		bd_path_end(c, regs_return_value(regs) ? BPF_DIAG_END_ERROR :
			    c->exit_seen ? BPF_DIAG_END_EXIT : BPF_DIAG_END_PRUNED);
		bd_pend_abandon(c);
		bd_hist_lines(c);
	}
	return 0;
}

NOKPROBE_SYMBOL(dcc_ret);

static const char * const syms[] = { "do_check_common", NULL };
static const struct bd_proto proto = {
	.syms = syms, .ret = "int",
	.args = { { "env", "*bpf_verifier_env" }, { "subprog", "int" } },
};

const struct bd_hook bd_hook_do_check_common = {
	.role = "bind", .reads = BD_R_BIND, .proto = &proto, .entry = dcc_entry, .ret = dcc_ret,
	.required = true, .loses = "everything (the env is never bound)",
	.how = "kretprobe: binds the env; processed insn count at return",
};
