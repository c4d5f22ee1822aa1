// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag layout: refs[] per frame in struct bpf_func_state (6.1 to
 * 6.13).  All references are owned pointers (no locks or IRQ states, no
 * parent_id).  acquire_reference_state(env, insn_idx) returns the new id;
 * release_reference_state(state, ptr_id) releases the id if the frame
 * holds it (and may release it: a callback cannot release its caller's),
 * which its entry tells.
 * check_reference_leak(env[, exception_exit]) reports what the current
 * frame still holds (exception_exit arrived with bpf_throw, 6.7).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf_verifier.h>
#include "layout.h"

const char * const bd_layout_name =
	"refs per frame in bpf_func_state (no parent_id, no lock/IRQ entries)";
const bool bd_layout_deferred_acquire;
const bool bd_layout_acquire_returns = true;
const bool bd_layout_parent_ids;

static const char * const acquire_syms[] = { "acquire_reference_state", NULL };
const struct bd_proto bd_acquire_proto = {
	.syms = acquire_syms, .ret = "int",
	.args = { { "env", "*bpf_verifier_env" }, { "insn_idx", "int" } },
};

static const char * const release_syms[] = { "release_reference_state", NULL };
const struct bd_proto bd_release_proto = {
	.syms = release_syms,
	.args = { { "state", "*bpf_func_state" }, { "ptr_id", "int" } },
};

static const char * const leak_syms[] = { "check_reference_leak", NULL };
const struct bd_proto bd_leak_proto = {
	.syms = leak_syms, .ret = "int",
	.args = { { "env", "*bpf_verifier_env" },
		  { "exception_exit", "int", .optional = true } },
};

void bd_layout_sync(struct bd_ctx *c)
{
}

NOKPROBE_SYMBOL(bd_layout_sync);

void bd_layout_acquired(struct bd_ctx *c, s32 insn, unsigned long ret)
{
	int id = ret;

	if (id > 0)
		bd_emit(c, BPF_DIAG_ACQUIRE, insn, id, 0, 0);
}

NOKPROBE_SYMBOL(bd_layout_acquired);

/* The id is read at return (bd_layout_acquire_returns). */
void bd_layout_acquire(struct bd_ctx *c)
{
}

NOKPROBE_SYMBOL(bd_layout_acquire);

/*
 * kptr_xchg converts a per-CPU allocated object to RCU-protected where
 * check_helper_call() would (Kbuild: BD_KPTR_RCU_CS where the kernel has
 * that conversion); else its release is a release call.
 */
static bool kptr_xchg_rcu(struct bpf_verifier_env *env)
{
#ifdef BD_KPTR_RCU_CS
	struct bpf_verifier_state *st = env->cur_state;
	struct bpf_reg_state *r2 = &cur_func(env)->regs[BPF_REG_2];
	bool in_rcu = st->active_rcu_lock || st->active_lock.ptr ||
		      !(env->prog->sleepable || st->in_sleepable);

	return in_rcu && (r2->type & MEM_ALLOC) && (r2->type & MEM_PERCPU);
#else
	return false;
#endif
}

NOKPROBE_SYMBOL(kptr_xchg_rcu);

/* Does release_reference_state(@st, @id) release it?  Its own checks, in order. */
static bool frame_releases(struct bpf_func_state *st, u32 id)
{
	int i;

	for (i = 0; i < st->acquired_refs; i++)
		if (st->refs[i].id == id)
			return !st->in_callback_fn || st->refs[i].callback_ref == st->frameno;
	return false;
}

NOKPROBE_SYMBOL(frame_releases);

/* release_reference_state(func_state, id) is called. */
void bd_layout_release(struct bd_ctx *c, void *state, u32 id)
{
	u8 kind, how;

	bd_classify(c, id, &kind, &how);
	if (how == BPF_DIAG_PATH_RCU && !kptr_xchg_rcu(c->env))
		how = BPF_DIAG_PATH_RELEASE_CALL;
	if (frame_releases(state, id))
		bd_emit_in(c, kind == BPF_DIAG_NULL_DROP ? c->null_state : NULL, kind,
			   c->env->insn_idx, id, 0, how);
}

NOKPROBE_SYMBOL(bd_layout_release);

bool bd_layout_ref_held(struct bpf_verifier_env *env, u32 id)
{
	struct bpf_func_state *st = cur_func(env);
	int i;

	for (i = 0; i < st->acquired_refs; i++)
		if (st->refs[i].id == id)
			return true;
	return false;
}

NOKPROBE_SYMBOL(bd_layout_ref_held);

u32 bd_layout_null_ref(struct bpf_verifier_state *vs, struct bpf_reg_state *reg)
{
	return reg->ref_obj_id && reg->ref_obj_id == reg->id ? reg->id : 0;
}

NOKPROBE_SYMBOL(bd_layout_null_ref);

/* No parent_id here: a release never fails for a child reference. */
void bd_layout_child_leak(struct bd_ctx *c, u32 id)
{
}

NOKPROBE_SYMBOL(bd_layout_child_leak);

/* check_reference_leak(): the same checks, in its order */
bool bd_layout_leak_scan(struct bd_ctx *c, bool exception_exit, bool check_lock)
{
	struct bpf_func_state *st = cur_func(c->env);
	int i;

	if (!exception_exit && st->frameno && !st->in_callback_fn)
		return false;
	for (i = 0; i < st->acquired_refs; i++) {
		if (!exception_exit && st->in_callback_fn &&
		    st->refs[i].callback_ref != st->frameno)
			continue;
		bd_note_leak(c, st->refs[i].id, st->refs[i].insn_idx);
	}
	return c->nr_leaks;
}

NOKPROBE_SYMBOL(bd_layout_leak_scan);
