// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the instruction being verified says what a release or a leak
 * check is about: which path released a reference (from the markers the
 * hooks set and the call at hand), and where a leak was found.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/btf.h>
#include <linux/filter.h>
#include "ctx.h"
#include "hook.h"

const struct bpf_insn *bd_cur_insn(struct bpf_verifier_env *env)
{
	struct bpf_prog *prog = bd_prog(env);
	s32 idx = bd_insn_idx(env);

	if (idx < 0 || idx >= BD_RD(prog, bpf_prog, len))
		return NULL;
	return (const struct bpf_insn *)BD_AT(prog, bpf_prog, insnsi) + idx;
}

NOKPROBE_SYMBOL(bd_cur_insn);

static bool insn_is_call(const struct bpf_insn *insn)
{
	return insn && insn->code == (BPF_JMP | BPF_CALL);
}

NOKPROBE_SYMBOL(insn_is_call);

static bool insn_is_kfunc(const struct bpf_insn *insn)
{
	return insn_is_call(insn) && insn->src_reg == BPF_PSEUDO_KFUNC_CALL;
}

NOKPROBE_SYMBOL(insn_is_kfunc);

bool bd_insn_is_helper(const struct bpf_insn *insn, int func)
{
	return insn_is_call(insn) && insn->src_reg == 0 && insn->imm == func;
}

NOKPROBE_SYMBOL(bd_insn_is_helper);

/* BTF ids of the kfuncs that turn an owning reference into a non-owning one. */
static s32 bd_insert_kfunc[6];

static bool insn_is_insert_kfunc(const struct bpf_insn *insn)
{
	int i;

	if (!insn_is_kfunc(insn) || insn->off)
		return false;
	for (i = 0; i < ARRAY_SIZE(bd_insert_kfunc); i++)
		if (bd_insert_kfunc[i] > 0 && insn->imm == bd_insert_kfunc[i])
			return true;
	return false;
}

NOKPROBE_SYMBOL(insn_is_insert_kfunc);

u8 bd_leak_site(struct bpf_verifier_env *env)
{
	const struct bpf_insn *insn = bd_cur_insn(env);
	u8 class;

	if (!insn)
		return BPF_DIAG_SITE_UNKNOWN;
	class = BPF_CLASS(insn->code);
	if (class == BPF_JMP && BPF_OP(insn->code) == BPF_EXIT)
		return BPF_DIAG_SITE_EXIT;
	if (bd_insn_is_helper(insn, BPF_FUNC_tail_call))
		return BPF_DIAG_SITE_TAIL_CALL;
	if (insn_is_kfunc(insn))
		return BPF_DIAG_SITE_THROW;
	if (class == BPF_LD && (BPF_MODE(insn->code) == BPF_ABS ||
				BPF_MODE(insn->code) == BPF_IND))
		return BPF_DIAG_SITE_LD_ABS;
	return BPF_DIAG_SITE_UNKNOWN;
}

NOKPROBE_SYMBOL(bd_leak_site);

void bd_emit_leaks(struct bd_ctx *c, u8 site)
{
	int i, n = c->nr_leaks;

	for (i = 0; i < min(n, BD_MAX_LEAKS); i++)
		bd_emit(c, BPF_DIAG_LEAK, bd_insn_idx(c->env), c->leak_id[i],
			c->leak_insn[i], site);
	for (; i < n; i++) {
		if (c->rec)
			c->rec->dropped++;
		atomic64_inc(&bd_cnt.events_dropped);
	}
	if (n)
		bd_path_walk(c);
	c->nr_leaks = 0;
}

NOKPROBE_SYMBOL(bd_emit_leaks);

void bd_note_leak(struct bd_ctx *c, u32 id, s32 insn)
{
	if (c->nr_leaks < BD_MAX_LEAKS) {
		c->leak_id[c->nr_leaks] = id;
		c->leak_insn[c->nr_leaks] = insn;
	}
	c->nr_leaks++;
}

NOKPROBE_SYMBOL(bd_note_leak);

/*
 * Which path releases @id now, from the markers and the instruction.
 * Insertion kfuncs first: on 6.12 they release through release_reference.
 */
void bd_classify(struct bd_ctx *c, u32 id, u8 *kind, u8 *how)
{
	const struct bpf_insn *insn = bd_cur_insn(c->env);
	bool rel = c->release_id == id, null = c->null_id == id;

	if (rel)
		c->release_id = 0;
	if (null)
		c->null_id = 0;
	*kind = BPF_DIAG_RELEASE;
	*how = BPF_DIAG_PATH_UNKNOWN;
	if (null) {
		*kind = BPF_DIAG_NULL_DROP;
		*how = BPF_DIAG_PATH_NONE;
	} else if (insn_is_insert_kfunc(insn)) {
		*how = BPF_DIAG_PATH_NON_OWNING;
	} else if (rel) {
		*how = BPF_DIAG_PATH_RELEASE_CALL;
	} else if (bd_insn_is_helper(insn, BPF_FUNC_kptr_xchg)) {
		*how = BPF_DIAG_PATH_RCU;
	} else if (insn_is_kfunc(insn)) {
		*how = BPF_DIAG_PATH_NON_OWNING;
	}
}

NOKPROBE_SYMBOL(bd_classify);

/* A leak check at the main exit (or bpf_throw): the path ends there. */
void bd_note_exit(struct bd_ctx *c, bool exception_exit)
{
	const struct bpf_insn *insn = bd_cur_insn(c->env);

	if (exception_exit ||
	    (insn && insn->code == (BPF_JMP | BPF_EXIT) &&
	     !BD_RD(bd_cur_state(c->env), bpf_verifier_state, curframe)))
		c->exit_seen = true;
}

NOKPROBE_SYMBOL(bd_note_exit);

/* At load: the BTF ids of the insertion kfuncs this kernel has. */
void bd_insn_init(void)
{
	static const char * const names[] = {
		"bpf_list_push_front_impl", "bpf_list_push_back_impl",
		"bpf_rbtree_add_impl", "bpf_list_push_front", "bpf_list_push_back",
		"bpf_rbtree_add",
	};
	int i;

	static_assert(ARRAY_SIZE(names) == ARRAY_SIZE(bd_insert_kfunc));
	for (i = 0; i < ARRAY_SIZE(names); i++)
		bd_insert_kfunc[i] = bd_btf_find(names[i], BTF_KIND_FUNC);
}

int bd_insert_kfuncs_known(void)
{
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(bd_insert_kfunc); i++)
		n += bd_insert_kfunc[i] > 0;
	return n;
}
