// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the status file.  Everything it says is derived from what the
 * running kernel has and what attaching found: the layout built for, each
 * hook's symbol (and whether the function it stands in for was inlined
 * here), the prototype check, the counters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/seq_file.h>
#include "internal.h"
#include "ctx.h"
#include "hook.h"
#include "layout.h"

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

/* Start-up: the names status reports on (sym.c). */
void bd_status_want_syms(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(verifier_syms); i++)
		bd_sym_want(verifier_syms[i]);
}

static void show_counter(struct seq_file *m, const char *name, atomic64_t *v)
{
	seq_printf(m, "counter %s: %lld\n", name, (long long)atomic64_read(v));
}

/* One hook's line; false if it is needed and not attached. */
static bool show_hook(struct seq_file *m, const struct bd_hook_rt *rt, long *missed)
{
	const struct bd_hook *h = rt->h;
	const char * const *s;

	seq_printf(m, "hook %s: ", h->role);
	if (bd_hook_unneeded(h)) {
		seq_printf(m, "not needed: %s -- %s\n", bd_hook_unneeded(h), h->how);
		return true;
	}
	if (rt->attached) {
		seq_printf(m, "attached %s %s hits=%lu -- %s",
			   rt->ftrace ? "ftrace" : rt->kret ? "kretprobe" : "kprobe",
			   rt->sym, bd_hook_hits(rt), h->how);
		if (!rt->ftrace)
			*missed += rt->kret ? rt->rp.nmissed + rt->rp.kp.nmissed : rt->kp.nmissed;
		if (!rt->kret && !rt->ftrace && rt->ftrace_err != -ENOENT)
			seq_printf(m, "; not through ftrace (%d)", rt->ftrace_err);
	} else {
		seq_puts(m, "not attached, tried");
		for (s = h->proto->syms; *s; s++)
			seq_printf(m, " %s", *s);
		seq_printf(m, ": %s", rt->why ?: "?");
		if (rt->err)
			seq_printf(m, " (%d)", rt->err);
		seq_printf(m, "; not recorded: %s -- %s", h->loses, h->how);
	}
	if (h->stands_in)
		seq_printf(m, "; %s: %s", h->stands_in, bd_sym_present(h->stands_in) ?
			   "a symbol here too" :
			   "no symbol here (inlined, or not in this version)");
	if (rt->attached && rt->proto_why[0])
		seq_printf(m, "; %s", rt->proto_why);
	seq_putc(m, '\n');
	return rt->attached;
}

void bpf_diag_hooks_show(struct seq_file *m)
{
	bool complete = true;
	long missed = 0;
	int i;

	bd_syms_show(m);
	seq_printf(m, "layout: %s\n", bd_layout_name);
	seq_printf(m, "btf: %s\n", bd_btf_why());
	bd_fields_show(m);
	seq_printf(m, "entry hooks: %s\n", bd_entry_hooks_how());
	for (i = 0; i < bd_nr_hooks; i++)
		complete &= show_hook(m, &bd_hook_rt[i], &missed);
	seq_printf(m, "recording: %s\n", !bd_hook_rt[0].attached ||
		   !bd_hook_rt[1].attached ? "nothing" :
		   complete ? "complete" : "partial (see hooks not attached)");
	seq_printf(m, "enabled: %s\n", READ_ONCE(bd_recording) ? "yes" : "no");
	seq_printf(m, "insertion kfuncs known: %d\n", bd_insert_kfuncs_known());
	seq_printf(m, "async callback walks: %s\n", bd_async_walks() ?
		   "yes (bpf_verifier_stack_elem checked against BTF)" :
		   "no: bpf_verifier_stack_elem not as expected in BTF, their paths are marked broken");
	bd_path_show(m);
	bd_lineage_show(m);
	if (bd_source_lines())
		seq_puts(m, "source lines: yes (a program's BTF read through struct btf's members, where the kernel's BTF has them)\n");
	else
		seq_printf(m, "source lines: no, reports show insns only: %s\n",
			   bd_fields_refusal(BD_R_SRC) ?: "?");
	for (i = 0; i < ARRAY_SIZE(verifier_syms); i++)
		seq_printf(m, "symbol %s: %s\n", verifier_syms[i],
			   bd_sym_present(verifier_syms[i]) ? "present" : "absent");
	bd_params_show(m);
	bd_hook_params_show(m);
	show_counter(m, "envs", &bd_cnt.envs);
	show_counter(m, "envs_dropped", &bd_cnt.envs_dropped);
	show_counter(m, "envs_evicted", &bd_cnt.envs_evicted);
	show_counter(m, "envs_cleared", &bd_cnt.envs_cleared);
	show_counter(m, "events", &bd_cnt.events);
	show_counter(m, "events_dropped", &bd_cnt.events_dropped);
	show_counter(m, "alloc_failed", &bd_cnt.alloc_failed);
	show_counter(m, "alloc_failed_unlisted", &bd_cnt.alloc_failed_unlisted);
	show_counter(m, "untracked", &bd_cnt.untracked);
	show_counter(m, "unresolved", &bd_cnt.unresolved);
	show_counter(m, "lock_irq_states", &bd_cnt.lock_irq);
	show_counter(m, "async_pops", &bd_cnt.async_pops);
	seq_printf(m, "counter kprobe_missed: %ld\n", missed);
	seq_printf(m, "counter bytes: %ld\n", atomic_long_read(&bd_cnt.bytes));
	seq_printf(m, "counter bytes_peak: %ld\n", atomic_long_read(&bd_cnt.bytes_peak));
	seq_printf(m, "counter pool_free_pages: %u\n", bd_pool_free_pages());
	seq_printf(m, "record bytes: env %zu, event %zu, path %zu, history %zu, source line %zu (in pages of %lu)\n",
		   sizeof(struct bd_env), sizeof(struct bd_event), sizeof(struct bd_path),
		   sizeof(struct bd_hist), sizeof(struct bd_src), PAGE_SIZE);
	show_counter(m, "lock_max_ns", &bd_cnt.lock_max_ns);
	/* none yet: every hold so far read 0 ns on a coarse clock */
	if (bd_lock_max_site())
		seq_printf(m, "lock longest held by: %ps\n", bd_lock_max_site());
	else
		seq_puts(m, "lock longest held by: -\n");
	seq_printf(m, "lock holds: <1us %lu, <10us %lu, <100us %lu, <1ms %lu, >=1ms %lu\n",
		   bd_lock_hist(0), bd_lock_hist(1), bd_lock_hist(2),
		   bd_lock_hist(3), bd_lock_hist(4));
}
