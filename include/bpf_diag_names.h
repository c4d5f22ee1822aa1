/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names (enum values and their printed words) shared
 * by the module and the user-space tools.
 *
 * The debugfs files print these names; tools parse them.  Values only grow:
 * a name, once printed, keeps its meaning.
 */
#ifndef _BPF_DIAG_NAMES_H
#define _BPF_DIAG_NAMES_H

#define BPF_DIAG_VERSION	"0.7.0"
#define BPF_DIAG_DIR		"bpf_diag"	/* under /sys/kernel/debug */

/* kind= of an event */
enum bpf_diag_kind {
	BPF_DIAG_ACQUIRE,	/* a reference id was assigned */
	BPF_DIAG_RELEASE,	/* an owned reference was consumed (path=) */
	BPF_DIAG_NULL_DROP,	/* dropped on the NULL branch of a check */
	BPF_DIAG_LEAK,		/* the verifier rejected it as leaked (site=) */
	BPF_DIAG_LOCK,		/* a lock or IRQ state entered refs[] */
	BPF_DIAG_UNLOCK,	/* a lock or IRQ state left refs[] */
	/* lock/unlock are shown only when the filter says "locks" */
	BPF_DIAG_KIND_MAX,
};

/* path= of a release: which verifier path consumed the reference */
enum bpf_diag_path {
	BPF_DIAG_PATH_NONE,
	BPF_DIAG_PATH_RELEASE_CALL,	/* release helper/kfunc: release_reference */
	BPF_DIAG_PATH_RCU,		/* kptr_xchg: ref_convert_alloc_rcu_protected */
	BPF_DIAG_PATH_NON_OWNING,	/* list/rbtree insert: ref_convert_owning_non_owning */
	BPF_DIAG_PATH_UNKNOWN,
	BPF_DIAG_PATH_MAX,
};

/* site= of a leak: where the verifier found it */
enum bpf_diag_site {
	BPF_DIAG_SITE_NONE,
	BPF_DIAG_SITE_EXIT,		/* BPF_EXIT of the main program */
	BPF_DIAG_SITE_TAIL_CALL,	/* bpf_tail_call */
	BPF_DIAG_SITE_LD_ABS,		/* BPF_LD_[ABS|IND] */
	BPF_DIAG_SITE_THROW,		/* bpf_throw */
	BPF_DIAG_SITE_PARENT_RELEASE,	/* "Leaking reference": parent released */
	BPF_DIAG_SITE_UNKNOWN,
	BPF_DIAG_SITE_MAX,
};

/* type= of a lock/unlock event */
enum bpf_diag_lock_type {
	BPF_DIAG_LOCK_NONE,
	BPF_DIAG_LOCK_IRQ,	/* bpf_local_irq_save / res_spin_lock_irqsave flag */
	BPF_DIAG_LOCK_SPIN,	/* bpf_spin_lock / bpf_res_spin_lock */
};

/* end= of a path: how the verifier stopped exploring it */
enum bpf_diag_end {
	BPF_DIAG_END_RUNNING,	/* still being explored */
	BPF_DIAG_END_EXIT,	/* reached the main program's exit */
	BPF_DIAG_END_PRUNED,	/* equivalent to a state already seen */
	BPF_DIAG_END_ERROR,	/* the verifier rejected the program here */
	BPF_DIAG_END_UNEXPLORED, /* still pending when verification stopped */
};

#define BPF_DIAG_END_NAMES	{ "running", "exit", "pruned", "error", "unexplored" }

/* dir= of a path: which side of a conditional jump it took */
#define BPF_DIAG_DIR_NAMES	{ "-", "taken", "fallthrough" }
#define BPF_DIAG_LOCK_NAMES	{ "-", "irq", "lock" }
#define BPF_DIAG_KIND_NAMES	{ "acquire", "release", "null_drop", "leak", \
				  "lock", "unlock" }
#define BPF_DIAG_PATH_NAMES	{ "-", "release_call", "rcu_protected", \
				  "non_owning", "unknown" }
/*
 * kind= of a lineage step: what became of a leaked reference's holders
 * (registers and stack slots) on the failing path, acquire to leak
 */
enum bpf_diag_step {
	BPF_DIAG_STEP_ACQUIRE,	/* acquired into to= */
	BPF_DIAG_STEP_COPY,	/* register from= copied to register to= */
	BPF_DIAG_STEP_SPILL,	/* register from= stored to stack slot to= */
	BPF_DIAG_STEP_FILL,	/* stack slot from= loaded into register to= */
	BPF_DIAG_STEP_ARG,	/* passed in from= to a subprogram or callback's to= */
	BPF_DIAG_STEP_RETURN,	/* a subprogram's r0 returned to the caller's r0 */
	BPF_DIAG_STEP_DERIVE,	/* a call returned a pointer to it (r0) from from= */
	BPF_DIAG_STEP_OVERWRITE, /* holder from= overwritten by the insn */
	BPF_DIAG_STEP_CLOBBER,	/* holder from= (r0-r5) clobbered by a call */
	BPF_DIAG_STEP_FRAME_EXIT, /* holder from= gone with its frame's exit */
	BPF_DIAG_STEP_HELD,	/* the verifier's state at the leak: to= holds it */
	BPF_DIAG_STEP_DIFFERS,	/* replay and the state at the leak disagree */
	BPF_DIAG_STEP_CUT,	/* the lineage could not be followed from here */
	BPF_DIAG_STEP_MAX,
};

#define BPF_DIAG_STEP_NAMES	{ "acquire", "copy", "spill", "fill", "arg", \
				  "return", "derive", "overwrite", "clobber", \
				  "frame_exit", "held", "differs", "cut" }
#define BPF_DIAG_SITE_NAMES	{ "-", "exit", "tail_call", "ld_abs", \
				  "throw", "parent_release", "unknown" }

#endif /* _BPF_DIAG_NAMES_H */
