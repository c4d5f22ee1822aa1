// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag layout: refs[] in struct bpf_verifier_state (6.14 and later).
 *
 * acquire_reference() is inlined (7.2); acquire_reference_state()
 * survives (7.2: as an IPA-SRA clone) and appends the new slot to
 * env->cur_state->refs, whose type, id and parent_id the inlined caller
 * writes right after the return.  Its entry is hooked (no return probe):
 * the slot, one past the refs there then, is read at the next hook this
 * task hits (bd_layout_sync).  Every function that can change a state's
 * refs[] before then is hooked and reads it first: the next acquire, any
 * release (release_reference_state), bpf_copy_verifier_state and
 * bpf_free_verifier_state.  So the values read are exactly the ones the
 * verifier stored.
 *
 * Releases: release_reference_nomark() is inlined into its callers (7.2),
 * all of which call release_reference_state(state, idx), as do lock and
 * IRQ releases; the slot's type tells owned references (REF_TYPE_PTR)
 * from locks and IRQ states.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf_verifier.h>
#include "layout.h"

const char * const bd_layout_name = "refs in bpf_verifier_state (typed, with parent_id)";
const bool bd_layout_deferred_acquire = true;
const bool bd_layout_acquire_returns;	/* false: the slot is read later */
const bool bd_layout_parent_ids = true;

static const char * const acquire_syms[] = {
	"acquire_reference_state", "acquire_reference_state.isra.0", NULL };
const struct bd_proto bd_acquire_proto = {
	.syms = acquire_syms, .ret = "*bpf_reference_state",
	.clone_safe = "reads no argument: the new slot, one past cur_state->refs, is read later",
};

static const char * const release_syms[] = { "release_reference_state", NULL };
const struct bd_proto bd_release_proto = {
	.syms = release_syms,
	.args = { { "state", "*bpf_verifier_state" }, { "idx", "int" } },
};

static const char * const leak_syms[] = { "check_resource_leak", NULL };
const struct bd_proto bd_leak_proto = {
	.syms = leak_syms, .ret = "int",
	.args = { { "env", "*bpf_verifier_env" }, { "exception_exit", "int" },
		  { "check_lock", "int" } },
};

static u8 lock_type(int type)
{
	return type == REF_TYPE_IRQ ? BPF_DIAG_LOCK_IRQ : BPF_DIAG_LOCK_SPIN;
}

NOKPROBE_SYMBOL(lock_type);

/* Read the slot acquire_reference_state() returned; see the top comment. */
void bd_layout_sync(struct bd_ctx *c)
{
	struct bd_event ev = {};
	struct bpf_verifier_state *st;
	struct bpf_reference_state *r;

	if (!c->acq_pending)
		return;
	c->acq_pending = false;
	atomic_dec(&bd_nr_pending);
	st = c->env->cur_state;
	if (st != c->acq_state || c->acq_ofs + 1 != st->acquired_refs) {
		atomic64_inc(&bd_cnt.unresolved);
		return;
	}
	r = &st->refs[c->acq_ofs];
	ev.insn = r->insn_idx;
	ev.id = r->id;
	ev.aux = r->parent_id;
	ev.kind = BPF_DIAG_ACQUIRE;
	ev.depth = c->acq_depth;
	if (r->type != REF_TYPE_PTR) {
		atomic64_inc(&bd_cnt.lock_irq);
		ev.kind = BPF_DIAG_LOCK;
		ev.aux = 0;
		ev.how = lock_type(r->type);
	}
	if (c->rec) {
		ev.src = bd_src_of(c, ev.insn);
		bd_add_event(c, &ev, NULL);
	}
}

NOKPROBE_SYMBOL(bd_layout_sync);

/*
 * acquire_reference_state() is called: it appends the new slot to
 * cur_state->refs, whose type, id and parent the caller fills in after
 * it returns.  Read at the next hook, when cur_state has exactly one
 * reference more (anything else that changes refs[] is hooked and reads
 * it first).
 */
void bd_layout_acquire(struct bd_ctx *c)
{
	struct bpf_verifier_state *st = c->env->cur_state;

	c->acq_state = st;
	c->acq_ofs = st->acquired_refs;
	c->acq_depth = bd_depth(c);
	c->acq_pending = true;
	atomic_inc(&bd_nr_pending);
}

NOKPROBE_SYMBOL(bd_layout_acquire);

void bd_layout_acquired(struct bd_ctx *c, s32 insn, unsigned long ret)
{
}

NOKPROBE_SYMBOL(bd_layout_acquired);

/* release_reference_state(state, idx): refs[idx] is about to go. */
void bd_layout_release(struct bd_ctx *c, void *state, u32 idx)
{
	struct bpf_verifier_state *st = state;
	struct bpf_reference_state *r;
	u8 kind, how;

	if (idx >= st->acquired_refs)
		return;
	r = &st->refs[idx];
	if (r->type != REF_TYPE_PTR) {
		atomic64_inc(&bd_cnt.lock_irq);
		bd_emit(c, BPF_DIAG_UNLOCK, c->env->insn_idx, r->id, 0, lock_type(r->type));
		return;
	}
	bd_classify(c, r->id, &kind, &how);
	bd_emit_in(c, st, kind, c->env->insn_idx, r->id, 0, how);
}

NOKPROBE_SYMBOL(bd_layout_release);

bool bd_layout_ref_held(struct bpf_verifier_env *env, u32 id)
{
	struct bpf_verifier_state *st = env->cur_state;
	int i;

	for (i = 0; i < st->acquired_refs; i++)
		if (st->refs[i].type == REF_TYPE_PTR && st->refs[i].id == id)
			return true;
	return false;
}

NOKPROBE_SYMBOL(bd_layout_ref_held);

u32 bd_layout_null_ref(struct bpf_verifier_state *vs, struct bpf_reg_state *reg)
{
	int i;

	for (i = 0; i < vs->acquired_refs; i++)
		if (vs->refs[i].type == REF_TYPE_PTR && vs->refs[i].id == reg->id)
			return reg->id;
	return 0;
}

NOKPROBE_SYMBOL(bd_layout_null_ref);

/* "Leaking reference": the released id's child is still held. */
void bd_layout_child_leak(struct bd_ctx *c, u32 id)
{
	struct bpf_verifier_state *st = c->env->cur_state;
	int i;

	for (i = 0; i < st->acquired_refs; i++) {
		if (st->refs[i].type != REF_TYPE_PTR || st->refs[i].parent_id != id)
			continue;
		bd_emit(c, BPF_DIAG_LEAK, c->env->insn_idx, st->refs[i].id,
			st->refs[i].insn_idx, BPF_DIAG_SITE_PARENT_RELEASE);
		break;
	}
}

NOKPROBE_SYMBOL(bd_layout_child_leak);

/* check_resource_leak(): the same order of checks as it and check_reference_leak */
bool bd_layout_leak_scan(struct bd_ctx *c, bool exception_exit, bool check_lock)
{
	struct bpf_verifier_env *env = c->env;
	struct bpf_verifier_state *st = env->cur_state;
	struct bpf_reg_state *r0;
	int i;

	if (check_lock && st->active_locks)
		return false;
	if (!exception_exit && cur_func(env)->frameno)
		return false;
	r0 = &cur_func(env)->regs[BPF_REG_0];
	for (i = 0; i < st->acquired_refs; i++) {
		if (st->refs[i].type != REF_TYPE_PTR)
			continue;
		if (resolve_prog_type(env->prog) == BPF_PROG_TYPE_STRUCT_OPS &&
		    !exception_exit && r0->id == st->refs[i].id)
			continue;
		bd_note_leak(c, st->refs[i].id, st->refs[i].insn_idx);
	}
	return c->nr_leaks;
}

NOKPROBE_SYMBOL(bd_layout_leak_scan);
