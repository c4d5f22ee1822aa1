// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: which verifier functions this kernel has, and the hooks on them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/kernel.h>
#include "bpf_diag.h"

/*
 * The verifier symbols bpf_diag cares about.  Several are static functions
 * that gcc inlines or clones (".isra.0", ".constprop.0") differently per
 * kernel build, so each is looked up under every name it is known by.
 */
static const char * const verifier_syms[] = {
	"bpf_check",
	"do_check_common",
	"acquire_reference",
	"acquire_reference_state",
	"acquire_reference_state.isra.0",
	"release_reference_nomark",
	"release_reference_state",
	"release_reference",
	"ref_convert_owning_non_owning",
	"ref_convert_alloc_rcu_protected",
	"mark_ptr_or_null_regs",
	"check_helper_call",
	"check_helper_call.isra.0",
	"check_kfunc_call",
	"check_kfunc_call.isra.0",
	"check_resource_leak",
	"check_reference_leak",
	"push_stack",
	"pop_stack",
	"bpf_copy_verifier_state",
	"bpf_free_verifier_state",
	"bpf_get_linfo_file_line",
	"btf_name_by_offset",
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

void bpf_diag_hooks_show(struct seq_file *m)
{
	int i;

	seq_printf(m, "kallsyms_lookup_name: %s\n",
		   lookup_name ? "resolved" : "unresolved");
	for (i = 0; i < ARRAY_SIZE(verifier_syms); i++)
		seq_printf(m, "symbol %s: %s\n", verifier_syms[i],
			   bpf_diag_lookup(verifier_syms[i]) ?
			   "present" : "absent");
}

int bpf_diag_hooks_init(void)
{
	int err = resolve_lookup_name();

	if (err)
		pr_warn("cannot resolve kallsyms_lookup_name (%d): symbol checks disabled\n",
			err);
	return 0;
}

void bpf_diag_hooks_exit(void)
{
}
