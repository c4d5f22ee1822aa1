// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag hook: the verifier's leak check (check_resource_leak, or
 * check_reference_leak on older layouts).  Entry notes what it will
 * report, in its own order of checks (layout); a failure at return
 * records one leak event per reference, at the instruction where it was
 * found.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "ctx.h"
#include "hook.h"
#include "layout.h"

static int leak_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ctx_env();
	bool exception_exit = bd_ri_arg(ri, regs, 1) & 0xff;
	bool check_lock = bd_ri_arg(ri, regs, 2) & 0xff;

	if (!c)
		return 1;
	bd_layout_sync(c);
	bd_note_exit(c, exception_exit);
	c->nr_leaks = 0;
	if (!bd_layout_leak_scan(c, exception_exit, check_lock))
		return 1;
	bd_ri(ri)->c = c;
	return 0;
}

NOKPROBE_SYMBOL(leak_entry);

static int leak_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = bd_ri_ctx(ri);

	if (!c)
		return 0;
	if ((int)regs_return_value(regs) && c->env)
		bd_emit_leaks(c, bd_leak_site(c->env));
	c->nr_leaks = 0;
	return 0;
}

NOKPROBE_SYMBOL(leak_ret);

const struct bd_hook bd_hook_leak = {
	.role = "leak", .reads = BD_R_LEAK,
	.proto = &bd_leak_proto, .entry = leak_entry, .ret = leak_ret,
	.loses = "leak events",
	.how = "kretprobe: the leak check; the refs it reports when it fails",
};
