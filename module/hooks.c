// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the hook table, and attaching it.  Each hook (hook_*.c) names
 * its function's candidate symbols and what its handlers read; at load
 * time the first symbol the running kernel has (sym.c) is taken, its
 * prototype checked against BTF (btf.c), the struct members its handlers
 * read too (fields.c), and only then a kprobe or kretprobe registered; a
 * hook with an entry handler only goes through bpf_diag's own ftrace_ops
 * where the kernel allows (hook_ftrace.c), a kprobe otherwise.  What
 * happened is kept in bd_hook_rt[] for status.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "internal.h"
#include "ctx.h"
#include "hook.h"

static char *deny_hooks = "";
module_param(deny_hooks, charp, 0444);
MODULE_PARM_DESC(deny_hooks,
		 "Comma-separated hook roles to treat as missing (testing what status says then)");

bool bd_use_ftrace = true;
module_param_named(ftrace, bd_use_ftrace, bool, 0444);
MODULE_PARM_DESC(ftrace,
		 "Entry hooks through bpf_diag's own ftrace_ops where the kernel allows (0: kprobes)");

static char *proto_mismatch = "";
module_param(proto_mismatch, charp, 0444);
MODULE_PARM_DESC(proto_mismatch,
		 "Test only: a hook role whose expected prototype is made wrong (status shows it refused)");

/* the hooks' parameters in force, after params.c's */
void bd_hook_params_show(struct seq_file *m)
{
	seq_printf(m, "param ftrace: %d\n", bd_use_ftrace);
	seq_puts(m, "param deny_hooks: ");
	bd_put_word(m, deny_hooks);
	seq_puts(m, "\nparam proto_mismatch: ");
	bd_put_word(m, proto_mismatch);
	seq_putc(m, '\n');
}

/* The env hooks first: attached last, so that an env never misses the others. */
/* push before pop: whether push_stack needs a hook depends on the pop hook's. */
const struct bd_hook * const bd_hook_table[] = {
	&bd_hook_bpf_check, &bd_hook_do_check_common, &bd_hook_acquire,
	&bd_hook_release_state, &bd_hook_push_stack, &bd_hook_copy_state,
	&bd_hook_free_state, &bd_hook_leak, &bd_hook_release_reference,
	&bd_hook_mark_null,
};

const int bd_nr_hooks = ARRAY_SIZE(bd_hook_table);
struct bd_hook_rt bd_hook_rt[ARRAY_SIZE(bd_hook_table)];

/* Is @word one of the @sep-separated words of @list ("a,b" or "a|b")? */
bool bd_in_list(const char *list, char sep, const char *word)
{
	size_t n = word ? strlen(word) : 0;
	const char *p = list;

	while (n && p && *p) {
		if (!strncmp(p, word, n) && (p[n] == sep || !p[n]))
			return true;
		p = strchr(p, sep);
		if (p)
			p++;
	}
	return false;
}

static unsigned long arg(struct bd_hook_rt *rt, struct pt_regs *regs, int k)
{
	int i = rt->argi[k];

	return i < 0 ? 0 : regs_get_kernel_argument(regs, i);
}

NOKPROBE_SYMBOL(arg);

unsigned long bd_kp_arg(struct kprobe *kp, struct pt_regs *regs, int k)
{
	return arg(container_of(kp, struct bd_hook_rt, kp), regs, k);
}

NOKPROBE_SYMBOL(bd_kp_arg);

unsigned long bd_ri_arg(struct kretprobe_instance *ri, struct pt_regs *regs, int k)
{
	return arg(container_of(get_kretprobe(ri), struct bd_hook_rt, rp), regs, k);
}

NOKPROBE_SYMBOL(bd_ri_arg);

bool bd_hook_denied(const char *role)
{
	return bd_in_list(deny_hooks, ',', role);
}

/* Is @h attached (so far: the table is attached from its end)? */
bool bd_hook_attached(const struct bd_hook *h)
{
	int i;

	for (i = 0; i < bd_nr_hooks; i++)
		if (bd_hook_rt[i].h == h)
			return bd_hook_rt[i].attached;
	return false;
}

/* Count every hit, then run the hook's handler. */
static int hook_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct bd_hook_rt *rt = container_of(kp, struct bd_hook_rt, kp);

	this_cpu_inc(*rt->hits);
	return rt->h->pre(kp, regs);
}

NOKPROBE_SYMBOL(hook_pre);

static int hook_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_hook_rt *rt = container_of(get_kretprobe(ri), struct bd_hook_rt, rp);

	this_cpu_inc(*rt->hits);
	return rt->h->entry(ri, regs);
}

NOKPROBE_SYMBOL(hook_entry);

unsigned long bd_hook_hits(const struct bd_hook_rt *rt)
{
	unsigned long n = 0;
	int cpu;

	if (!rt->hits)
		return 0;
	for_each_possible_cpu(cpu)
		n += *per_cpu_ptr(rt->hits, cpu);
	return n;
}

static void attach(struct bd_hook_rt *rt)
{
	const struct bd_hook *h = rt->h;
	const char * const *s;

	rt->why = bd_hook_unneeded(h);
	if (rt->why)
		return;
	if (bd_in_list(deny_hooks, ',', h->role)) {
		rt->why = "denied by deny_hooks=";
		return;
	}
	for (s = h->proto->syms; *s; s++)
		if (bd_sym_present(*s))
			break;
	if (!*s) {
		rt->why = "no such symbol in this kernel (inlined?)";
		return;
	}
	rt->sym = *s;
	if (!bd_fields_ok(h->reads)) {
		rt->why = bd_fields_refusal(h->reads);
		pr_warn("hook %s: %s: not attached\n", h->role, rt->why);
		return;
	}
	rt->clone = strchr(*s, '.');
	if (bd_proto_check(h->proto, *s, bd_in_list(proto_mismatch, ',', h->role), rt->argi,
			   rt->proto_why, sizeof(rt->proto_why))) {
		rt->why = rt->proto_why;
		pr_warn("hook %s: %s: not attached\n", h->role, rt->proto_why);
		return;
	}
	rt->hits = alloc_percpu(unsigned long);
	if (!rt->hits) {
		rt->err = -ENOMEM;
		rt->why = "no memory";
		return;
	}
	rt->kret = h->entry && (!h->pre || !h->ret_needed || *h->ret_needed);
	if (!rt->kret) {
		rt->ftrace_err = bd_ftrace_attach(rt);
		rt->ftrace = !rt->ftrace_err;
	}
	if (rt->ftrace) {
		rt->err = 0;
	} else if (!rt->kret) {
		rt->kp.symbol_name = rt->sym;
		rt->kp.pre_handler = hook_pre;
		rt->err = register_kprobe(&rt->kp);
	} else {
		rt->rp.kp.symbol_name = rt->sym;
		rt->rp.entry_handler = hook_entry;
		rt->rp.handler = h->ret;
		rt->rp.data_size = sizeof(struct bd_ri);
		rt->rp.maxactive = 64;
		rt->err = register_kretprobe(&rt->rp);
	}
	if (rt->err) {
		rt->why = "register failed";
		pr_warn("hook %s: registering on %s failed: %d\n", h->role, rt->sym, rt->err);
		return;
	}
	rt->attached = true;
}

/* Start-up: the names attaching will ask about (sym.c). */
void bd_hooks_want_syms(void)
{
	const char * const *s;
	int i;

	for (i = 0; i < bd_nr_hooks; i++) {
		bd_hook_rt[i].h = bd_hook_table[i];
		for (s = bd_hook_table[i]->proto->syms; *s; s++)
			bd_sym_want(*s);
		bd_sym_want(bd_hook_table[i]->stands_in);
	}
}

/* Start-up, after BTF, fields and symbols: attach the table from its end. */
void bd_hooks_attach(void)
{
	int i;

	for (i = bd_nr_hooks - 1; i >= 0; i--)
		attach(&bd_hook_rt[i]);
	for (i = 0; i < bd_nr_hooks; i++)
		if (!bd_hook_rt[i].attached && !bd_hook_unneeded(bd_hook_table[i]))
			pr_info("hook %s not attached (%s): not recorded: %s\n",
				bd_hook_table[i]->role, bd_hook_rt[i].why ?: "?",
				bd_hook_table[i]->loses);
}

/*
 * Unregister every attached probe of one kind (kretprobes or kprobes):
 * in one batch, so one grace period, or one by one if there is no memory
 * for the batch.  However many hooks the table has.
 */
static void unregister_kind(bool kret)
{
	struct kretprobe **rps = NULL;
	struct kprobe **kps = NULL;
	int i, n = 0;

	if (kret)
		rps = kcalloc(bd_nr_hooks, sizeof(*rps), GFP_KERNEL);
	else
		kps = kcalloc(bd_nr_hooks, sizeof(*kps), GFP_KERNEL);
	for (i = 0; i < bd_nr_hooks; i++) {
		struct bd_hook_rt *rt = &bd_hook_rt[i];

		if (!rt->attached || rt->ftrace || rt->kret != kret)
			continue;
		rt->attached = false;
		if (kps)
			kps[n++] = &rt->kp;
		else if (rps)
			rps[n++] = &rt->rp;
		else if (kret)
			unregister_kretprobe(&rt->rp);
		else
			unregister_kprobe(&rt->kp);
	}
	/* waits for running handlers; pending kretprobe returns are disarmed */
	if (kps && n)
		unregister_kprobes(kps, n);
	if (rps && n)
		unregister_kretprobes(rps, n);
	kfree(kps);
	kfree(rps);
}

void bpf_diag_hooks_exit(void)
{
	int i;

	/* every handler a no-op first: a context is never used stale */
	bd_capture_stop();
	bd_ftrace_detach();
	unregister_kind(false);
	unregister_kind(true);
	for (i = 0; i < bd_nr_hooks; i++) {
		bd_hook_rt[i].attached = false;
		free_percpu(bd_hook_rt[i].hits);
		bd_hook_rt[i].hits = NULL;
	}
	bd_capture_exit();
}
