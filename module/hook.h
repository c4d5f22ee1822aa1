/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One hooked verifier function = one const struct bd_hook (in its
 * own hook_*.c file): the candidate symbols, what its handlers read of the
 * function's prototype, the handlers, what is lost without it.  hooks.c
 * keeps the table of them and, apart from it, what happened at load time
 * (struct bd_hook_rt).  Nothing is attached whose prototype in the running
 * kernel's BTF differs from what its handlers read (btf.c).
 */
#ifndef _BPF_DIAG_HOOK_H
#define _BPF_DIAG_HOOK_H

#include <linux/btf.h>
#include <linux/kprobes.h>
#include "fields.h"

#define BD_MAX_ARGS	4

/* A parameter a handler reads. */
struct bd_param {
	const char *names;	/* its name in BTF; "a|b": kernels call it a or b */
	const char *type;	/* "int" (any integer, bool, enum), "*S": struct S *, "**S" */
	bool optional;		/* some kernels lack it: reads as 0 there */
};

/* What the handlers read of their function, and where it may be found. */
struct bd_proto {
	const char * const *syms;	/* candidates, the first one present wins */
	struct bd_param args[BD_MAX_ARGS];	/* bd_kp_arg/bd_ri_arg(.., k) */
	const char *ret;		/* the return type read, or NULL */
	/*
	 * A compiler clone (sym.isra.N, .constprop.N) has no prototype in
	 * BTF and may have dropped or moved arguments: hooked only where
	 * this says why it is safe (e.g. only the return value is read, and
	 * checked against the verifier's own state before use).
	 */
	const char *clone_safe;
};

struct bd_hook {
	const char *role;		/* the name status and deny_hooks= use */
	u32 reads;			/* its BD_R_* bit: refused if a member it reads changed */
	const struct bd_proto *proto;
	kprobe_pre_handler_t pre;	/* a kprobe, or */
	kretprobe_handler_t entry, ret;	/* a kretprobe with struct bd_ri data */
	/* with both: false here means the return is not needed, a kprobe does */
	const bool *ret_needed;
	bool required;			/* nothing is recorded without it */
	/* NULL, or why this kernel needs no such hook (NULL: it does) */
	const char *(*unneeded)(void);
	const char *loses;		/* what is not recorded without it */
	const char *how;		/* what it does, for status */
	const char *stands_in;		/* the function it stands in for where gcc inlined that */
};

/* Why this kernel needs no such hook, or NULL if it does. */
static inline const char *bd_hook_unneeded(const struct bd_hook *h)
{
	return h->unneeded ? h->unneeded() : NULL;
}

/* What attaching found, per hook (hooks.c). */
struct bd_hook_rt {
	const struct bd_hook *h;
	const char *sym;		/* the symbol attached (or tried) */
	const char *why;		/* why not attached */
	char proto_why[112];		/* what the prototype check found */
	int err;
	bool attached, clone;
	bool kret;			/* a kretprobe (rp), else a kprobe (kp) */
	bool ftrace;			/* or bpf_diag's ftrace_ops (kp: the key only) */
	int ftrace_err;			/* why not ftrace (-ENOENT: not tried) */
	s8 argi[BD_MAX_ARGS];		/* register index of args[k], -1: absent */
	unsigned long __percpu *hits;	/* handler calls */
	struct kprobe kp;
	struct kretprobe rp;
};

/* The hooks, in table order (hooks.c), and their load-time state. */
extern const struct bd_hook * const bd_hook_table[];
extern const int bd_nr_hooks;
extern struct bd_hook_rt bd_hook_rt[];
unsigned long bd_hook_hits(const struct bd_hook_rt *rt);
bool bd_hook_attached(const struct bd_hook *h);
bool bd_hook_denied(const char *role);
bool bd_in_list(const char *list, char sep, const char *word);
/* hook_ftrace.c (or hook_ftrace_none.c): entry hooks through ftrace */
extern bool bd_use_ftrace;
const char *bd_entry_hooks_how(void);
int bd_ftrace_attach(struct bd_hook_rt *rt);
void bd_ftrace_detach(void);

/* Argument k (the k-th of proto->args) of the hooked call. */
unsigned long bd_kp_arg(struct kprobe *kp, struct pt_regs *regs, int k);
unsigned long bd_ri_arg(struct kretprobe_instance *ri, struct pt_regs *regs, int k);

/* The hooks, one per file */
extern const struct bd_hook bd_hook_bpf_check, bd_hook_do_check_common;
extern const struct bd_hook bd_hook_acquire, bd_hook_release_state;
extern const struct bd_hook bd_hook_release_reference, bd_hook_leak;
extern const struct bd_hook bd_hook_mark_null, bd_hook_push_stack;
extern const struct bd_hook bd_hook_copy_state, bd_hook_free_state;

/* hooks.c: start-up (main.c calls them in order) */
void bd_hooks_want_syms(void);
void bd_hooks_attach(void);

/* btf.c: the running kernel's BTF, read by bpf_diag at start-up */
int bd_btf_load(void);
void bd_btf_release(void);
const char *bd_btf_why(void);
bool bd_btf_loaded(void);
s32 bd_btf_find(const char *name, u8 kind);
const struct btf_type *bd_btf_type(u32 id);
const struct btf_type *bd_btf_strip(u32 *id);
const char *bd_btf_str(u32 off);
u32 bd_btf_size(u32 id);
int bd_btf_member(u32 id, const char *name, u32 *bit_off, u32 *bits, u32 *type);
int bd_proto_check(const struct bd_proto *p, const char *sym, bool test_mismatch,
		   s8 *argi, char *why, size_t len);

#endif /* _BPF_DIAG_HOOK_H */
