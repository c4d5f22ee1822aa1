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
#include <linux/slab.h>
#include "fields.h"
#include "layout.h"

/* What this layout's handlers read (fields.h): each frame's refs[] */
#define BD_REFS_READERS	(BD_R_REL | BD_R_RELCALL | BD_R_LEAK)
const struct bd_field bd_layout_fields[] = {
	BD_FIELD(bpf_func_state, refs, BD_REFS_READERS),
	BD_FIELD(bpf_func_state, acquired_refs, BD_REFS_READERS),
	BD_FIELD(bpf_func_state, in_callback_fn, BD_R_REL | BD_R_LEAK),
	BD_FIELD(bpf_reference_state, id, BD_REFS_READERS),
	BD_FIELD(bpf_reference_state, insn_idx, BD_R_LEAK),
	BD_FIELD(bpf_reference_state, callback_ref, BD_R_REL | BD_R_LEAK),
	BD_FIELD(bpf_reg_state, ref_obj_id, BD_R_NULL | BD_R_LINE),
#ifdef BD_KPTR_RCU_CS
	BD_FIELD(bpf_verifier_state, active_rcu_lock, BD_R_REL),
	BD_FIELD(bpf_verifier_state, in_sleepable, BD_R_REL),
	BD_FIELD(bpf_verifier_state, active_lock, BD_R_REL),
	BD_FIELD(bpf_active_lock, ptr, BD_R_REL),
	/* a bitfield: its built bit is found by bd_layout_init() */
	{ BD_F_bpf_prog__sleepable, "bpf_prog", "sleepable", 0, 0, BD_BITFIELD, BD_R_REL },
#endif
};

const int bd_nr_layout_fields = ARRAY_SIZE(bd_layout_fields);

/* A register, spilled or not, holds the reference its ref_obj_id names */
u32 bd_layout_reg_ref(const struct bpf_reg_state *reg, bool dynptr)
{
	return BD_RD(reg, bpf_reg_state, ref_obj_id);
}

NOKPROBE_SYMBOL(bd_layout_reg_ref);

/* dynptr data and slices carry the dynptr's ref_obj_id (is_dynptr_ref_function()) */
const bool bd_layout_slices_hold = true;
u32 bd_layout_bit_built;

/*
 * kptr_xchg converts a per-CPU allocated object to RCU-protected where
 * check_helper_call() would (Kbuild: BD_KPTR_RCU_CS where the kernel has
 * that conversion); else its release is a release call.  bpf_prog's
 * sleepable is a bitfield there: where the headers put it is found by
 * setting it in a blank prog.
 */
void bd_layout_init(void)
{
#ifdef BD_KPTR_RCU_CS
	struct bpf_prog *p = kzalloc(sizeof(*p), GFP_KERNEL);
	u32 i;

	bd_layout_bit_built = U32_MAX;
	if (!p)
		return;
	p->sleepable = 1;
	for (i = 0; i < sizeof(*p) * BITS_PER_BYTE; i++)
		if (bd_bit(p, i))
			break;
	bd_layout_bit_built = i;
	kfree(p);
#endif
}

/* A frame's refs[], its count, entry @i */
#define REFS(fs)	BD_RD(fs, bpf_func_state, refs)
#define NREFS(fs)	BD_RD(fs, bpf_func_state, acquired_refs)
#define REF(fs, i)	BD_ELEM(REFS(fs), bpf_reference_state, i)
#define R(r, m)		BD_RD(r, bpf_reference_state, m)

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

/* kptr_xchg of a per-CPU allocated object inside an RCU section (above) */
static bool kptr_xchg_rcu(struct bpf_verifier_env *env)
{
#ifdef BD_KPTR_RCU_CS
	struct bpf_verifier_state *st = bd_cur_state(env);
	u32 r2_type = BD_RD(bd_reg(bd_cur_func(env), BPF_REG_2), bpf_reg_state, type);
	void *lock = BD_RD(BD_AT(st, bpf_verifier_state, active_lock), bpf_active_lock, ptr);
	bool in_rcu = BD_RD(st, bpf_verifier_state, active_rcu_lock) || lock ||
		      !(bd_bit(bd_prog(env), bd_off[BD_F_bpf_prog__sleepable]) ||
			BD_RD(st, bpf_verifier_state, in_sleepable));

	return in_rcu && (r2_type & MEM_ALLOC) && (r2_type & MEM_PERCPU);
#else
	return false;
#endif
}

NOKPROBE_SYMBOL(kptr_xchg_rcu);

/* Does release_reference_state(@st, @id) release it?  Its own checks, in order. */
static bool frame_releases(struct bpf_func_state *st, u32 id)
{
	int i;

	for (i = 0; i < NREFS(st); i++)
		if (R(REF(st, i), id) == id)
			return !BD_RD(st, bpf_func_state, in_callback_fn) ||
			       R(REF(st, i), callback_ref) == BD_RD(st, bpf_func_state, frameno);
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
			   bd_insn_idx(c->env), id, 0, how);
}

NOKPROBE_SYMBOL(bd_layout_release);

bool bd_layout_ref_held(struct bpf_verifier_env *env, u32 id)
{
	struct bpf_func_state *st = bd_cur_func(env);
	int i;

	for (i = 0; i < NREFS(st); i++)
		if (R(REF(st, i), id) == id)
			return true;
	return false;
}

NOKPROBE_SYMBOL(bd_layout_ref_held);

u32 bd_layout_null_ref(struct bpf_verifier_state *vs, struct bpf_reg_state *reg)
{
	u32 ref = BD_RD(reg, bpf_reg_state, ref_obj_id);

	return ref && ref == BD_RD(reg, bpf_reg_state, id) ? ref : 0;
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
	struct bpf_func_state *st = bd_cur_func(c->env);
	bool in_cb = BD_RD(st, bpf_func_state, in_callback_fn);
	u32 frameno = BD_RD(st, bpf_func_state, frameno);
	struct bpf_reference_state *r;
	int i;

	if (!exception_exit && frameno && !in_cb)
		return false;
	for (i = 0; i < NREFS(st); i++) {
		r = REF(st, i);
		if (!exception_exit && in_cb && R(r, callback_ref) != frameno)
			continue;
		bd_note_leak(c, R(r, id), R(r, insn_idx));
	}
	return c->nr_leaks;
}

NOKPROBE_SYMBOL(bd_layout_leak_scan);
