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
#include "fields.h"
#include "layout.h"

/* What this layout's handlers read (fields.h): refs[] and its entries */
#define BD_REFS_READERS	(BD_R_SYNC | BD_R_NULL)
const struct bd_field bd_layout_fields[] = {
	BD_FIELD(bpf_verifier_state, refs, BD_REFS_READERS),
	BD_FIELD(bpf_verifier_state, acquired_refs, BD_REFS_READERS),
	BD_FIELD(bpf_verifier_state, active_locks, BD_R_LEAK),
	BD_FIELD(bpf_reference_state, type, BD_REFS_READERS),
	BD_FIELD(bpf_reference_state, id, BD_REFS_READERS),
	BD_FIELD(bpf_reference_state, insn_idx, BD_REFS_READERS),
	BD_FIELD(bpf_reference_state, parent_id, BD_REFS_READERS),
	BD_FIELD(bpf_prog_aux, saved_dst_prog_type, BD_R_LEAK),
#ifdef BD_REG_REF_OBJ_ID
	BD_FIELD(bpf_reg_state, ref_obj_id, BD_R_LINE),
#else
	BD_FIELD(bpf_reg_state, parent_id, BD_R_LINE),
#endif
};

const int bd_nr_layout_fields = ARRAY_SIZE(bd_layout_fields);

#ifdef BD_REG_REF_OBJ_ID
/* A register, spilled or not, holds the reference its ref_obj_id names */
u32 bd_layout_reg_ref(const struct bpf_reg_state *reg, bool dynptr)
{
	return BD_RD(reg, bpf_reg_state, ref_obj_id);
}

const bool bd_layout_slices_hold = true;
#else
/*
 * No ref_obj_id (7.2): a pointer holds the reference its id is (a cast's
 * result reuses it); a referenced dynptr's slots have the intermediate
 * reference as parent_id (mark_dynptr_stack_regs(), release_reference()).
 * Slices of a dynptr are children with an id of their own.
 */
u32 bd_layout_reg_ref(const struct bpf_reg_state *reg, bool dynptr)
{
	return dynptr ? BD_RD(reg, bpf_reg_state, parent_id) : BD_RD(reg, bpf_reg_state, id);
}

const bool bd_layout_slices_hold;
#endif

NOKPROBE_SYMBOL(bd_layout_reg_ref);
u32 bd_layout_bit_built;	/* no bitfield read here */

void bd_layout_init(void)
{
}

/* The state's refs[], its count, entry @i */
#define REFS(st)	BD_RD(st, bpf_verifier_state, refs)
#define NREFS(st)	BD_RD(st, bpf_verifier_state, acquired_refs)
#define REF(st, i)	BD_ELEM(REFS(st), bpf_reference_state, i)
#define R(r, m)		BD_RD(r, bpf_reference_state, m)

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
	st = bd_cur_state(c->env);
	if (st != c->acq_state || c->acq_ofs + 1 != NREFS(st)) {
		atomic64_inc(&bd_cnt.unresolved);
		return;
	}
	r = REF(st, c->acq_ofs);
	ev.insn = R(r, insn_idx);
	ev.id = R(r, id);
	ev.aux = R(r, parent_id);
	ev.kind = BPF_DIAG_ACQUIRE;
	ev.depth = c->acq_depth;
	if (R(r, type) != REF_TYPE_PTR) {
		atomic64_inc(&bd_cnt.lock_irq);
		ev.kind = BPF_DIAG_LOCK;
		ev.aux = 0;
		ev.how = lock_type(R(r, type));
	}
	if (c->rec) {
		ev.src = bd_src_of(c, ev.insn);
		c->key_next = true;	/* where it was acquired, not where it is read */
		bd_add_event(c, &ev, NULL);
		c->key_next = false;
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
	struct bpf_verifier_state *st = bd_cur_state(c->env);

	c->acq_state = st;
	c->acq_ofs = NREFS(st);
	c->acq_depth = bd_depth(c);
	bd_path_key(st, &c->acq_seg, &c->acq_cnt);
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

	if (idx >= NREFS(st))
		return;
	r = REF(st, idx);
	if (R(r, type) != REF_TYPE_PTR) {
		atomic64_inc(&bd_cnt.lock_irq);
		bd_emit(c, BPF_DIAG_UNLOCK, bd_insn_idx(c->env), R(r, id), 0,
			lock_type(R(r, type)));
		return;
	}
	bd_classify(c, R(r, id), &kind, &how);
	bd_emit_in(c, st, kind, bd_insn_idx(c->env), R(r, id), 0, how);
}

NOKPROBE_SYMBOL(bd_layout_release);

bool bd_layout_ref_held(struct bpf_verifier_env *env, u32 id)
{
	struct bpf_verifier_state *st = bd_cur_state(env);
	int i;

	for (i = 0; i < NREFS(st); i++)
		if (R(REF(st, i), type) == REF_TYPE_PTR && R(REF(st, i), id) == id)
			return true;
	return false;
}

NOKPROBE_SYMBOL(bd_layout_ref_held);

u32 bd_layout_null_ref(struct bpf_verifier_state *vs, struct bpf_reg_state *reg)
{
	u32 id = BD_RD(reg, bpf_reg_state, id);
	int i;

	for (i = 0; i < NREFS(vs); i++)
		if (R(REF(vs, i), type) == REF_TYPE_PTR && R(REF(vs, i), id) == id)
			return id;
	return 0;
}

NOKPROBE_SYMBOL(bd_layout_null_ref);

/* "Leaking reference": the released id's child is still held. */
void bd_layout_child_leak(struct bd_ctx *c, u32 id)
{
	struct bpf_verifier_state *st = bd_cur_state(c->env);
	struct bpf_reference_state *r;
	int i;

	for (i = 0; i < NREFS(st); i++) {
		r = REF(st, i);
		if (R(r, type) != REF_TYPE_PTR || R(r, parent_id) != id)
			continue;
		bd_emit(c, BPF_DIAG_LEAK, bd_insn_idx(c->env), R(r, id), R(r, insn_idx),
			BPF_DIAG_SITE_PARENT_RELEASE);
		bd_path_walk(c);
		break;
	}
}

NOKPROBE_SYMBOL(bd_layout_child_leak);

/* resolve_prog_type(), as bpf_verifier.h has it here */
static enum bpf_prog_type prog_type(const struct bpf_prog *prog)
{
	enum bpf_prog_type t = BD_RD(prog, bpf_prog, type);
	enum bpf_prog_type dst = BD_RD(BD_RD(prog, bpf_prog, aux), bpf_prog_aux,
				       saved_dst_prog_type);

	return t == BPF_PROG_TYPE_EXT && dst ? dst : t;
}

NOKPROBE_SYMBOL(prog_type);

/* check_resource_leak(): the same order of checks as it and check_reference_leak */
bool bd_layout_leak_scan(struct bd_ctx *c, bool exception_exit, bool check_lock)
{
	struct bpf_verifier_env *env = c->env;
	struct bpf_verifier_state *st = bd_cur_state(env);
	struct bpf_func_state *fs = bd_cur_func(env);
	struct bpf_reference_state *r;
	u32 r0_id;
	int i;

	if (check_lock && BD_RD(st, bpf_verifier_state, active_locks))
		return false;
	if (!exception_exit && BD_RD(fs, bpf_func_state, frameno))
		return false;
	r0_id = BD_RD(bd_reg(fs, BPF_REG_0), bpf_reg_state, id);
	for (i = 0; i < NREFS(st); i++) {
		r = REF(st, i);
		if (R(r, type) != REF_TYPE_PTR)
			continue;
		if (prog_type(bd_prog(env)) == BPF_PROG_TYPE_STRUCT_OPS &&
		    !exception_exit && r0_id == R(r, id))
			continue;
		bd_note_leak(c, R(r, id), R(r, insn_idx));
	}
	return c->nr_leaks;
}

NOKPROBE_SYMBOL(bd_layout_leak_scan);
