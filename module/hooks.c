// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: which verifier functions this kernel has, and attaching the
 * hooks of capture.c to them.  The strategy is picked at load time from
 * the symbols the running kernel really has; status says what was picked
 * and what is not recorded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "bpf_diag.h"
#include "capture.h"

static char *deny_hooks = "";
module_param(deny_hooks, charp, 0444);
MODULE_PARM_DESC(deny_hooks,
		 "Comma-separated hook roles to treat as missing (testing what status says then)");

/* Verifier symbols worth knowing about, whether hooked or not. */
static const char * const verifier_syms[] = {
	"bpf_check", "do_check_common",
	"acquire_reference", "acquire_reference_state",
	"acquire_reference_state.isra.0",
	"release_reference_nomark", "release_reference_state",
	"release_reference", "ref_convert_owning_non_owning",
	"ref_convert_alloc_rcu_protected", "mark_ptr_or_null_regs",
	"check_helper_call", "check_helper_call.isra.0",
	"check_kfunc_call", "check_kfunc_call.isra.0",
	"check_resource_leak", "check_reference_leak",
	"push_stack", "pop_stack",
	"bpf_copy_verifier_state", "copy_verifier_state",
	"bpf_free_verifier_state", "free_verifier_state",
	"bpf_get_linfo_file_line", "btf_name_by_offset",
};

typedef unsigned long (*lookup_fn_t)(const char *name);
static lookup_fn_t lookup_name;

/*
 * kallsyms_lookup_name() is not exported; a kprobe resolves its address.
 * This is the usual way for out-of-tree modules and needs KPROBES=y.
 */
static int resolve_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	int err;

	err = register_kprobe(&kp);
	if (err)
		return err;
	lookup_name = (lookup_fn_t)kp.addr;
	unregister_kprobe(&kp);
	return 0;
}

unsigned long bpf_diag_lookup(const char *name)
{
	return lookup_name ? lookup_name(name) : 0;
}

static bool denied(const char *role)
{
	size_t n = strlen(role);
	const char *p = deny_hooks;

	while (p && *p) {
		if (!strncmp(p, role, n) && (p[n] == ',' || !p[n]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

/* Count every hit, then run the role's handler. */
static int hook_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct bd_hook *h = container_of(kp, struct bd_hook, kp);

	this_cpu_inc(*h->hits);
	return h->pre(kp, regs);
}

NOKPROBE_SYMBOL(hook_pre);

static int hook_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_hook *h = container_of(get_kretprobe(ri), struct bd_hook, rp);

	this_cpu_inc(*h->hits);
	return h->entry(ri, regs);
}

NOKPROBE_SYMBOL(hook_entry);

static unsigned long hook_hits(struct bd_hook *h)
{
	unsigned long n = 0;
	int cpu;

	if (!h->hits)
		return 0;
	for_each_possible_cpu(cpu)
		n += *per_cpu_ptr(h->hits, cpu);
	return n;
}

static void attach(struct bd_hook *h)
{
	const char * const *s;

	if (denied(h->role)) {
		h->why = "denied by deny_hooks=";
		return;
	}
	for (s = h->syms; *s; s++)
		if (bpf_diag_lookup(*s))
			break;
	if (!*s) {
		h->why = "no such symbol in this kernel (inlined?)";
		return;
	}
	h->sym = *s;
	h->hits = alloc_percpu(unsigned long);
	if (!h->hits) {
		h->err = -ENOMEM;
		h->why = "no memory";
		return;
	}
	if (h->pre) {
		h->kp.symbol_name = h->sym;
		h->kp.pre_handler = hook_pre;
		h->err = register_kprobe(&h->kp);
	} else {
		h->rp.kp.symbol_name = h->sym;
		h->rp.entry_handler = hook_entry;
		h->rp.handler = h->ret;
		h->rp.data_size = h->data;
		h->rp.maxactive = 64;
		h->err = register_kretprobe(&h->rp);
	}
	if (h->err) {
		h->why = "register failed";
		pr_warn("hook %s: registering on %s failed: %d\n", h->role, h->sym, h->err);
		return;
	}
	h->attached = true;
}

static void show_counter(struct seq_file *m, const char *name, atomic64_t *v)
{
	seq_printf(m, "counter %s: %lld\n", name, (long long)atomic64_read(v));
}

void bpf_diag_hooks_show(struct seq_file *m)
{
	const char * const *s;
	bool complete = true;
	long missed = 0;
	int i;

	seq_printf(m, "kallsyms_lookup_name: %s\n",
		   lookup_name ? "resolved" : "unresolved");
	seq_printf(m, "layout: %s\n", bd_layout);
	for (i = 0; i < bd_nr_hooks; i++) {
		struct bd_hook *h = &bd_hooks[i];

		seq_printf(m, "hook %s: ", h->role);
		if (h->attached) {
			seq_printf(m, "attached %s %s hits=%lu", h->pre ? "kprobe" : "kretprobe",
				   h->sym, hook_hits(h));
			missed += h->pre ? h->kp.nmissed : h->rp.nmissed + h->rp.kp.nmissed;
		} else {
			complete = false;
			seq_puts(m, "not attached, tried");
			for (s = h->syms; *s; s++)
				seq_printf(m, " %s", *s);
			seq_printf(m, ": %s", h->why ?: "?");
			if (h->err)
				seq_printf(m, " (%d)", h->err);
			seq_printf(m, "; not recorded: %s", h->loses);
		}
		seq_printf(m, " -- %s\n", h->how);
	}
	seq_printf(m, "recording: %s\n", !bd_hooks[0].attached ||
		   !bd_hooks[1].attached ? "nothing" :
		   complete ? "complete" : "partial (see hooks not attached)");
	seq_printf(m, "enabled: %s\n", READ_ONCE(bd_recording) ? "yes" : "no");
	seq_printf(m, "insertion kfuncs known: %d\n", bd_insert_kfuncs_known());
	seq_printf(m, "async callback walks: %s\n", bd_async_walks() ?
		   "yes (bpf_verifier_stack_elem checked against BTF)" :
		   "no: bpf_verifier_stack_elem not as expected in BTF, their paths are marked broken");
	seq_printf(m, "source lines: %s\n", bd_source_lines() ?
		   "yes (btf_name_by_offset resolved)" :
		   "no: btf_name_by_offset not found, reports show insns only");
	for (i = 0; i < ARRAY_SIZE(verifier_syms); i++)
		seq_printf(m, "symbol %s: %s\n", verifier_syms[i],
			   bpf_diag_lookup(verifier_syms[i]) ? "present" : "absent");
	bd_params_show(m);
	show_counter(m, "envs", &bd_cnt.envs);
	show_counter(m, "envs_dropped", &bd_cnt.envs_dropped);
	show_counter(m, "envs_evicted", &bd_cnt.envs_evicted);
	show_counter(m, "envs_cleared", &bd_cnt.envs_cleared);
	show_counter(m, "events", &bd_cnt.events);
	show_counter(m, "events_dropped", &bd_cnt.events_dropped);
	show_counter(m, "alloc_failed", &bd_cnt.alloc_failed);
	show_counter(m, "untracked", &bd_cnt.untracked);
	show_counter(m, "unresolved", &bd_cnt.unresolved);
	show_counter(m, "lock_irq_states", &bd_cnt.lock_irq);
	show_counter(m, "async_pops", &bd_cnt.async_pops);
	seq_printf(m, "counter kprobe_missed: %ld\n", missed);
	seq_printf(m, "counter bytes: %ld\n", atomic_long_read(&bd_cnt.bytes));
	seq_printf(m, "counter bytes_peak: %ld\n", atomic_long_read(&bd_cnt.bytes_peak));
	seq_printf(m, "counter pool_free_pages: %u\n", bd_pool_free_pages());
	show_counter(m, "lock_max_ns", &bd_cnt.lock_max_ns);
	seq_printf(m, "lock longest held by: %ps\n", bd_lock_max_site());
	seq_printf(m, "lock holds: <1us %lu, <10us %lu, <100us %lu, <1ms %lu, >=1ms %lu\n",
		   bd_lock_hist(0), bd_lock_hist(1), bd_lock_hist(2),
		   bd_lock_hist(3), bd_lock_hist(4));
}

int bpf_diag_hooks_init(void)
{
	int err = resolve_lookup_name(), i;

	if (err) {
		pr_warn("cannot resolve kallsyms_lookup_name (%d): nothing is hooked\n", err);
		return 0;
	}
	bd_capture_init();
	/* the env hooks last, so that an env never misses its other hooks */
	for (i = bd_nr_hooks - 1; i >= 0; i--)
		attach(&bd_hooks[i]);
	for (i = 0; i < bd_nr_hooks; i++)
		if (!bd_hooks[i].attached)
			pr_info("hook %s not attached (%s): not recorded: %s\n",
				bd_hooks[i].role, bd_hooks[i].why ?: "?", bd_hooks[i].loses);
	return 0;
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
		struct bd_hook *h = &bd_hooks[i];

		if (!h->attached || !h->pre != kret)
			continue;
		h->attached = false;
		if (kps)
			kps[n++] = &h->kp;
		else if (rps)
			rps[n++] = &h->rp;
		else if (kret)
			unregister_kretprobe(&h->rp);
		else
			unregister_kprobe(&h->kp);
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
	unregister_kind(false);
	unregister_kind(true);
	for (i = 0; i < bd_nr_hooks; i++) {
		free_percpu(bd_hooks[i].hits);
		bd_hooks[i].hits = NULL;
	}
	bd_capture_exit();
}
