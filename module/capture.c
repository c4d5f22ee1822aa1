// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the kprobe handlers that turn the verifier's reference
 * bookkeeping into events.
 *
 * Every handler runs in the task that is verifying (bpf_check() is
 * synchronous), in kprobe context: no sleeping, no allocator (pages come
 * from bd_pool), no lock but bd_lock's short sections.  The task finds its
 * own context in a small table (bd_active); only that task writes its
 * entry.  The kernel's env is read only between do_check_common() and
 * bpf_check()'s return.  At unload, bd_capture_stop() turns every handler
 * into a no-op and waits for those running before any probe goes, so a
 * context is never used after its bpf_check() returned unseen.
 *
 * What is hooked, and why, per kernel layout:
 *
 * refs[] in struct bpf_verifier_state (6.14 and later, e.g. 7.2):
 *   acquire_reference() is inlined; acquire_reference_state() survives
 *   (7.2: as an IPA-SRA clone) and returns the new slot of
 *   env->cur_state->refs, whose type, id and parent_id the inlined caller
 *   writes right after the return.  The slot is read at the next hook this
 *   task hits.  Every function that can change a state's refs[] before
 *   then is hooked and reads it first: the next acquire, any release
 *   (release_reference_state), bpf_copy_verifier_state and
 *   bpf_free_verifier_state.  So the values read are exactly the ones the
 *   verifier stored.  Releases: release_reference_nomark() is inlined into
 *   its four callers, all of which call release_reference_state(state,
 *   idx), as do lock and IRQ releases; the slot's type tells owned
 *   references (REF_TYPE_PTR) from locks and IRQ states.
 *
 * refs[] per frame in struct bpf_func_state (6.12): acquire_reference_state
 *   (env, insn_idx) returns the new id; release_reference_state(state, id)
 *   returns 0 when it released one.  All refs are owned pointers.
 *
 * Which path released a reference is told by markers set on entry of the
 * callers that are real symbols: release_reference(env, id) (release
 * helper/kfunc) and mark_ptr_or_null_regs(vstate, regno, is_null) (the
 * NULL branch of a check, a drop, not a release); a release with neither
 * marker is one of the conversions, told apart by the instruction: a
 * helper call (bpf_kptr_xchg) converts to RCU, a kfunc call (list/rbtree
 * insertion) to non-owning.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include "bpf_diag.h"
#include "capture.h"

/* BD_REFS_IN_VSTATE is set by Kbuild from the kernel's bpf_verifier.h. */

#define BD_MAX_ACTIVE_BITS	6
#define BD_MAX_ACTIVE	BIT(BD_MAX_ACTIVE_BITS)	/* concurrent verifications tracked */
#define BD_MAX_LEAKS	32	/* leaked refs noted per leak check */

/* A branch push_stack() queued, not yet popped. */
struct bd_pending {
	struct bpf_verifier_state *state;	/* what push_stack returned */
	u32 path;
	u32 h_len, h_lost;			/* history mark */
	s32 fork_insn, start_insn;
	u32 early[2];				/* events in it before it runs */
	u8 n_early;
	u8 early_lost;				/* more than early[] holds */
};

/* A page of the pending stack (a bd_page: its first word is the link). */
#define BD_PEND_CHUNK ((sizeof(struct bd_page) - 2 * sizeof(void *)) / sizeof(struct bd_pending))
struct bd_pend_chunk {
	struct bd_pend_chunk *prev;
	unsigned long n;
	struct bd_pending e[BD_PEND_CHUNK];
};

static_assert(sizeof(struct bd_pend_chunk) <= sizeof(struct bd_page));

struct bd_ctx {
	struct task_struct *task;	/* owner; NULL when free */
	struct bd_env *rec;		/* NULL when the store had no room */
	struct bpf_verifier_env *env;	/* from do_check_common() on */
	/* acquire slot not read yet (refs in vstate) */
	bool acq_pending;
	u32 acq_ofs;
	s32 acq_insn;
	u16 acq_depth;
	struct bpf_verifier_state *acq_state;
	/* markers: the next release of this id is of that kind */
	u32 release_id;
	u32 null_id;
	/* leak check in progress: what check_reference_leak would report */
	int nr_leaks;
	u32 leak_id[BD_MAX_LEAKS];
	s32 leak_insn[BD_MAX_LEAKS];
	/* 6.12: the release in progress */
	u32 rel_id;
	u8 rel_kind, rel_how;
	struct bpf_verifier_state *rel_state;
	/* the walk: current path, queued branches, pops so far */
	u32 cur_path;
	bool exit_seen;			/* the current path reached the main exit */
	u32 pop_seq;
	struct bpf_verifier_state *null_state;	/* state of the NULL-branch drop */
	struct bd_pend_chunk *pend, *spare;
};

static struct bd_ctx bd_active[BD_MAX_ACTIVE];
static atomic_t bd_nr_active = ATOMIC_INIT(0);
static atomic_t bd_nr_pending = ATOMIC_INIT(0);
static bool bd_stopping;
bool bd_recording = true;

/* Per-call data of the kretprobes: the context, and what entry saw. */
struct bd_ri {
	struct bd_ctx *c;
	s32 a, b;		/* arguments the return handler needs */
	u8 flag;
};

static struct bd_ri *ri_data(struct kretprobe_instance *ri)
{
	return (struct bd_ri *)ri->data;
}

NOKPROBE_SYMBOL(ri_data);

/* The context of a verification whose return handler runs now, or NULL. */
static struct bd_ctx *ri_ctx(struct kretprobe_instance *ri)
{
	return READ_ONCE(bd_stopping) ? NULL : ri_data(ri)->c;
}

NOKPROBE_SYMBOL(ri_ctx);

static u32 ctx_hash(void)
{
	return hash_ptr(current, BD_MAX_ACTIVE_BITS);
}

NOKPROBE_SYMBOL(ctx_hash);

/* The context of the current task's verification, or NULL. */
static struct bd_ctx *ctx_get(void)
{
	u32 i, k;

	if (!atomic_read(&bd_nr_active) || READ_ONCE(bd_stopping))
		return NULL;
	for (i = 0, k = ctx_hash(); i < BD_MAX_ACTIVE; i++, k = (k + 1) % BD_MAX_ACTIVE)
		if (READ_ONCE(bd_active[k].task) == current)
			return &bd_active[k];
	return NULL;
}

NOKPROBE_SYMBOL(ctx_get);

/* The task's context, once do_check_common() has bound the env. */
static struct bd_ctx *ctx_env(void)
{
	struct bd_ctx *c = ctx_get();

	if (c && c->env)
		return c;
	if (c)
		atomic64_inc(&bd_cnt.untracked);
	return NULL;
}

NOKPROBE_SYMBOL(ctx_env);

/* btf_name_by_offset() is not exported; resolved at load time. */
static const char *(*bd_btf_name)(const struct btf *btf, u32 offset);

static void copy_str(char *dst, const char *src, size_t len)
{
	size_t n;

	if (!src)
		src = "";
	n = strscpy(dst, src, len) < 0 ? len - 1 : strlen(dst);
	if (n == len - 1 && strlen(src) >= len && len > 4)
		strscpy(dst + len - 4, "...", 4);
}

NOKPROBE_SYMBOL(copy_str);

/*
 * The program's line-info record covering @insn, as the verifier finds it
 * for its "; TEXT @ FILE:LINE" annotations, copied into the env's record.
 */
static u16 src_of(struct bd_ctx *c, s32 insn)
{
	struct bpf_prog *prog = c->env->prog;
	const struct bpf_line_info *li = prog->aux->linfo;
	u32 n = prog->aux->nr_linfo, l = 0, r, m;
	struct bd_src s = {};
	const char *p;
	u16 slot;

	if (!c->rec || !bd_btf_name || insn < 0 || insn >= prog->len)
		return BD_NO_SRC;
	if (!n || !li || !prog->aux->btf) {
		c->rec->no_linfo = true;
		return BD_NO_SRC;
	}
	for (r = n - 1; l < r;) {
		m = l + (r - l + 1) / 2;
		if (li[m].insn_off <= insn)
			l = m;
		else
			r = m - 1;
	}
	if (li[l].insn_off > insn)
		return BD_NO_SRC;
	slot = bd_env_src_find(c->rec, l);
	if (slot != BD_NO_SRC)
		return slot;
	s.linfo = l;
	s.insn_off = li[l].insn_off;
	s.line = BPF_LINE_INFO_LINE_NUM(li[l].line_col);
	s.col = BPF_LINE_INFO_LINE_COL(li[l].line_col);
	p = bd_btf_name(prog->aux->btf, li[l].file_name_off);
	copy_str(s.file, p ? kbasename(p) : "", sizeof(s.file));
	p = bd_btf_name(prog->aux->btf, li[l].line_off);
	copy_str(s.text, p ? skip_spaces(p) : "", sizeof(s.text));
	return bd_env_src_add(c->rec, &s);
}

NOKPROBE_SYMBOL(src_of);

static u16 depth(struct bd_ctx *c)
{
	return min_t(int, c->env->stack_size, U16_MAX);
}

NOKPROBE_SYMBOL(depth);

static void acq_resolve(struct bd_ctx *c);

/* ---- the walk: paths and the current path's history ---- */

static struct bd_pending *pend_top(struct bd_ctx *c)
{
	return c->pend && c->pend->n ? &c->pend->e[c->pend->n - 1] : NULL;
}

NOKPROBE_SYMBOL(pend_top);

static struct bd_pending *pend_push(struct bd_ctx *c)
{
	struct bd_pend_chunk *ch = c->pend;

	if (!ch || ch->n == BD_PEND_CHUNK) {
		ch = c->spare;
		if (ch)
			c->spare = NULL;
		else
			ch = (struct bd_pend_chunk *)bd_page_get(NULL);
		if (!ch)
			return NULL;
		ch->prev = c->pend;
		ch->n = 0;
		c->pend = ch;
	}
	return &ch->e[ch->n++];
}

NOKPROBE_SYMBOL(pend_push);

static void pend_pop(struct bd_ctx *c)
{
	struct bd_pend_chunk *ch = c->pend;

	if (!ch || !ch->n || --ch->n || !ch->prev)
		return;
	c->pend = ch->prev;
	if (c->spare)
		bd_page_put((struct bd_page *)c->spare);
	c->spare = ch;
}

NOKPROBE_SYMBOL(pend_pop);

/* Queued branches that never ran; the stack is emptied. */
static void pend_abandon(struct bd_ctx *c)
{
	struct bd_pending *t;
	struct bd_path *p;

	while ((t = pend_top(c))) {
		p = c->rec ? bd_env_path(c->rec, t->path) : NULL;
		if (p)
			WRITE_ONCE(p->end, BPF_DIAG_END_UNEXPLORED);
		pend_pop(c);
	}
}

NOKPROBE_SYMBOL(pend_abandon);

static void pend_free(struct bd_ctx *c)
{
	struct bd_pend_chunk *ch = c->pend, *prev;

	while (ch) {
		prev = ch->prev;
		bd_page_put((struct bd_page *)ch);
		ch = prev;
	}
	if (c->spare)
		bd_page_put((struct bd_page *)c->spare);
	c->pend = NULL;
	c->spare = NULL;
}

NOKPROBE_SYMBOL(pend_free);

static u16 src_of(struct bd_ctx *c, s32 insn);

static void hist(struct bd_ctx *c, u8 type, u32 ev, s32 from, s32 to, u32 other)
{
	struct bd_hist h = { .type = type, .ev = ev, .from = from, .to = to, .other = other };

	if (type != BD_H_EVENT)
		h.src = src_of(c, from);
	if (c->rec)
		bd_hist_add(c->rec, &h);
}

NOKPROBE_SYMBOL(hist);

static void path_end(struct bd_ctx *c, u8 end)
{
	struct bd_path *p = c->rec ? bd_env_path(c->rec, c->cur_path) : NULL;

	if (!p)
		return;
	WRITE_ONCE(p->end_insn, c->env->insn_idx);
	WRITE_ONCE(p->end, end);
}

NOKPROBE_SYMBOL(path_end);

/* do_check_common() starts a subprogram's walk at @start. */
static void path_root(struct bd_ctx *c, s32 start)
{
	struct bd_path p = {
		.parent = BD_NO_PATH, .fork_insn = -1, .start_insn = start,
		.end_insn = -1, .end = BPF_DIAG_END_RUNNING,
	};

	pend_abandon(c);
	c->exit_seen = false;
	c->cur_path = BD_NO_PATH;
	if (!c->rec)
		return;
	p.fork_ev = c->rec->nr_events;
	c->cur_path = bd_env_path_new(c->rec, &p);
	bd_hist_truncate(c->rec, 0);
	c->rec->h_lost = 0;
}

NOKPROBE_SYMBOL(path_root);

/* Where the current path goes at @fork when push_stack queued @queued. */
static s32 other_side(struct bpf_verifier_env *env, s32 fork, s32 queued)
{
	const struct bpf_insn *insn;
	u8 cls, op;

	if (fork < 0 || fork >= env->prog->len)
		return -1;
	insn = &env->prog->insnsi[fork];
	cls = BPF_CLASS(insn->code);
	op = BPF_OP(insn->code);
	if ((cls != BPF_JMP && cls != BPF_JMP32) || op == BPF_JA || op == BPF_CALL ||
	    op == BPF_EXIT)
		return -1;
	return queued == fork + 1 ? fork + insn->off + 1 : fork + 1;
}

NOKPROBE_SYMBOL(other_side);

/* push_stack() queued @st, to resume at @insn, forked at @prev. */
static void path_push(struct bd_ctx *c, struct bpf_verifier_state *st, s32 insn,
		      s32 prev, bool spec)
{
	struct bd_path p = {
		.parent = c->cur_path, .fork_insn = prev, .start_insn = insn,
		.end_insn = -1, .end = BPF_DIAG_END_RUNNING, .spec = spec,
	};
	s32 other = other_side(c->env, prev, insn);
	struct bd_pending *t;

	if (!c->rec)
		return;
	p.fork_ev = c->rec->nr_events;
	t = pend_push(c);
	if (!t) {
		c->rec->paths_broken = true;
		return;
	}
	if (other >= 0)
		p.dir = insn == prev + 1 ? BD_DIR_FALLTHROUGH : BD_DIR_TAKEN;
	t->state = st;
	t->path = bd_env_path_new(c->rec, &p);
	t->h_len = c->rec->h_len;
	t->h_lost = c->rec->h_lost;
	t->fork_insn = prev;
	t->start_insn = insn;
	t->n_early = 0;
	t->early_lost = 0;
	hist(c, BD_H_FORK, 0, prev, other, t->path);
}

NOKPROBE_SYMBOL(path_push);

/*
 * pop_stack() copies the queued state, the first member of a struct
 * bpf_verifier_stack_elem (private to verifier.c), into cur_state; the
 * elem's insn_idx and prev_insn_idx follow it.  Their offsets are checked
 * against the running kernel's BTF at load time; 0 if they could not be.
 */
static u32 elem_insn_ofs, elem_prev_ofs;

static void elem_insns(struct bpf_verifier_state *st, s32 *insn, s32 *prev)
{
	*insn = -1;
	*prev = -1;
	if (!elem_insn_ofs)
		return;
	*insn = *(int *)((char *)st + elem_insn_ofs);
	*prev = *(int *)((char *)st + elem_prev_ofs);
}

NOKPROBE_SYMBOL(elem_insns);

/*
 * A pop of a state bpf_diag did not see queued: an async callback's walk,
 * which the inlined push_async_cb() queues on the same stack.  It is the
 * newest entry there, so every branch bpf_diag saw queued is still
 * pending: the stack stays, and the callback's walk is a path of its own,
 * whose history starts where the newest pending branch was queued.
 */
static void path_async(struct bd_ctx *c, struct bpf_verifier_state *st, struct bd_pending *t)
{
	struct bd_path p = {
		.parent = BD_NO_PATH, .end_insn = -1, .end = BPF_DIAG_END_RUNNING,
		.async = 1,
	};

	atomic64_inc(&bd_cnt.async_pops);
	elem_insns(st, &p.start_insn, &p.fork_insn);
	if (p.start_insn < 0)
		c->rec->paths_broken = true;
	p.fork_ev = c->rec->nr_events;
	p.pop_seq = ++c->pop_seq;
	c->cur_path = bd_env_path_new(c->rec, &p);
	bd_hist_truncate(c->rec, t ? t->h_len : 0);
	c->rec->h_lost = t ? t->h_lost : 0;
	hist(c, BD_H_RESUME, 0, p.fork_insn, p.start_insn, c->cur_path);
}

NOKPROBE_SYMBOL(path_async);

/* The verifier pops @st into its current state: the current path ended. */
static void path_pop(struct bd_ctx *c, struct bpf_verifier_state *st)
{
	struct bd_pending *t = pend_top(c);
	struct bd_path *p;
	int i;

	if (!c->rec)
		return;
	path_end(c, c->exit_seen ? BPF_DIAG_END_EXIT : BPF_DIAG_END_PRUNED);
	c->exit_seen = false;
	if (!t || t->state != st) {
		path_async(c, st, t);
		return;
	}
	c->cur_path = t->path;
	p = bd_env_path(c->rec, t->path);
	if (p)
		WRITE_ONCE(p->pop_seq, ++c->pop_seq);
	bd_hist_truncate(c->rec, t->h_len);
	c->rec->h_lost = t->h_lost;
	hist(c, BD_H_RESUME, 0, t->fork_insn, t->start_insn, t->path);
	for (i = 0; i < t->n_early; i++)
		hist(c, BD_H_EVENT, t->early[i], 0, 0, 0);
	c->rec->h_lost += t->early_lost;
	pend_pop(c);
}

NOKPROBE_SYMBOL(path_pop);

/*
 * Record @ev, which happened in verifier state @st (NULL: the current one).
 * An event in the branch just queued (the NULL branch of a check) belongs
 * to that path and joins its history when it is popped.
 */
static void add_event(struct bd_ctx *c, struct bd_event *ev, struct bpf_verifier_state *st)
{
	struct bd_pending *t = pend_top(c);
	u32 idx = c->rec->nr_events;
	bool added;

	ev->path = c->cur_path;
	if (st && st != c->env->cur_state && t && t->state == st) {
		ev->path = t->path;
		added = bd_env_add(c->rec, ev);
		if (t->n_early < ARRAY_SIZE(t->early))
			t->early[t->n_early++] = added ? idx : BD_NO_EVENT;
		else
			t->early_lost++;
		return;
	}
	added = bd_env_add(c->rec, ev);
	hist(c, BD_H_EVENT, added ? idx : BD_NO_EVENT, 0, 0, 0);
}

NOKPROBE_SYMBOL(add_event);

static void emit_in(struct bd_ctx *c, struct bpf_verifier_state *st, u8 kind, s32 insn,
		    u32 id, u32 aux, u8 how)
{
	struct bd_event ev = {
		.insn = insn, .id = id, .aux = aux, .kind = kind, .how = how,
		.depth = depth(c),
	};

	if (!c->rec) {
		atomic64_inc(&bd_cnt.untracked);
		return;
	}
	ev.src = src_of(c, insn);
	add_event(c, &ev, st);
}

NOKPROBE_SYMBOL(emit_in);

static void emit(struct bd_ctx *c, u8 kind, s32 insn, u32 id, u32 aux, u8 how)
{
	emit_in(c, NULL, kind, insn, id, aux, how);
}

NOKPROBE_SYMBOL(emit);

static const struct bpf_insn *cur_insn(struct bpf_verifier_env *env)
{
	if (env->insn_idx >= env->prog->len)
		return NULL;
	return &env->prog->insnsi[env->insn_idx];
}

NOKPROBE_SYMBOL(cur_insn);

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

static bool insn_is_helper(const struct bpf_insn *insn, int func)
{
	return insn_is_call(insn) && insn->src_reg == 0 && insn->imm == func;
}

NOKPROBE_SYMBOL(insn_is_helper);

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

static u8 leak_site(struct bpf_verifier_env *env)
{
	const struct bpf_insn *insn = cur_insn(env);
	u8 class;

	if (!insn)
		return BPF_DIAG_SITE_UNKNOWN;
	class = BPF_CLASS(insn->code);
	if (class == BPF_JMP && BPF_OP(insn->code) == BPF_EXIT)
		return BPF_DIAG_SITE_EXIT;
	if (insn_is_helper(insn, BPF_FUNC_tail_call))
		return BPF_DIAG_SITE_TAIL_CALL;
	if (insn_is_kfunc(insn))
		return BPF_DIAG_SITE_THROW;
	if (class == BPF_LD && (BPF_MODE(insn->code) == BPF_ABS ||
				BPF_MODE(insn->code) == BPF_IND))
		return BPF_DIAG_SITE_LD_ABS;
	return BPF_DIAG_SITE_UNKNOWN;
}

NOKPROBE_SYMBOL(leak_site);

static void emit_leaks(struct bd_ctx *c, u8 site)
{
	int i, n = c->nr_leaks;

	for (i = 0; i < min(n, BD_MAX_LEAKS); i++)
		emit(c, BPF_DIAG_LEAK, c->env->insn_idx, c->leak_id[i],
		     c->leak_insn[i], site);
	for (; i < n; i++) {
		if (c->rec)
			c->rec->dropped++;
		atomic64_inc(&bd_cnt.events_dropped);
	}
	c->nr_leaks = 0;
}

NOKPROBE_SYMBOL(emit_leaks);

static void note_leak(struct bd_ctx *c, u32 id, s32 insn)
{
	if (c->nr_leaks < BD_MAX_LEAKS) {
		c->leak_id[c->nr_leaks] = id;
		c->leak_insn[c->nr_leaks] = insn;
	}
	c->nr_leaks++;
}

NOKPROBE_SYMBOL(note_leak);

/*
 * Which path releases @id now, from the markers and the instruction.
 * Insertion kfuncs first: on 6.12 they release through release_reference.
 */
static void classify(struct bd_ctx *c, u32 id, u8 *kind, u8 *how)
{
	const struct bpf_insn *insn = cur_insn(c->env);
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
	} else if (insn_is_helper(insn, BPF_FUNC_kptr_xchg)) {
		*how = BPF_DIAG_PATH_RCU;
	} else if (insn_is_kfunc(insn)) {
		*how = BPF_DIAG_PATH_NON_OWNING;
	}
}

NOKPROBE_SYMBOL(classify);

/* A leak check at the main exit (or bpf_throw): the path ends there. */
static void note_exit(struct bd_ctx *c, bool exception_exit)
{
	const struct bpf_insn *insn = cur_insn(c->env);

	if (exception_exit ||
	    (insn && insn->code == (BPF_JMP | BPF_EXIT) && !c->env->cur_state->curframe))
		c->exit_seen = true;
}

NOKPROBE_SYMBOL(note_exit);

/* ---- the walk: push_stack() queues a branch, a copy into cur pops one ---- */

static int push_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ctx_env();
	struct bd_ri *d = ri_data(ri);

	if (!c)
		return 1;
	d->c = c;
	d->a = regs_get_kernel_argument(regs, 1);	/* insn_idx */
	d->b = regs_get_kernel_argument(regs, 2);	/* prev_insn_idx */
	d->flag = regs_get_kernel_argument(regs, 3) & 0xff;	/* speculative */
	return 0;
}

NOKPROBE_SYMBOL(push_entry);

static int push_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ri_ctx(ri);
	struct bd_ri *d = ri_data(ri);
	void *st = (void *)regs_return_value(regs);

	if (c && c->env && !IS_ERR_OR_NULL(st))
		path_push(c, st, d->a, d->b, d->flag);
	return 0;
}

NOKPROBE_SYMBOL(push_ret);

/*
 * (bpf_)copy_verifier_state(dst, src): pop_stack() copies the queued
 * state into env->cur_state (no other copy writes into it).  On 7.2 also
 * the point to read a pending acquire slot before a copy overwrites it.
 */
static int copy_entry(struct kprobe *kp, struct pt_regs *regs)
{
	void *dst = (void *)regs_get_kernel_argument(regs, 0);
	void *src = (void *)regs_get_kernel_argument(regs, 1);
	struct bd_ctx *c;

	if (!atomic_read(&bd_nr_active))
		return 0;
	c = ctx_get();
	if (!c || !c->env)
		return 0;
	acq_resolve(c);
	if (dst == c->env->cur_state)
		path_pop(c, src);
	return 0;
}

NOKPROBE_SYMBOL(copy_entry);

/* ---- env lifetime: bpf_check() and do_check_common() ---- */

static int bpf_check_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bpf_prog **progp = (void *)regs_get_kernel_argument(regs, 0);
	u32 i, k;

	if (!READ_ONCE(bd_recording) || READ_ONCE(bd_stopping))
		return 1;
	for (i = 0, k = ctx_hash(); i < BD_MAX_ACTIVE; i++, k = (k + 1) % BD_MAX_ACTIVE) {
		struct bd_ctx *c = &bd_active[k];

		if (cmpxchg(&c->task, NULL, current))
			continue;
		atomic_inc(&bd_nr_active);
		c->env = NULL;
		c->acq_pending = false;
		c->release_id = 0;
		c->null_id = 0;
		c->nr_leaks = 0;
		c->cur_path = BD_NO_PATH;
		c->pop_seq = 0;
		c->pend = NULL;
		c->spare = NULL;
		c->rec = bd_env_new(*progp);
		ri_data(ri)->c = c;
		return 0;
	}
	atomic64_inc(&bd_cnt.envs_dropped);
	return 1;
}

NOKPROBE_SYMBOL(bpf_check_entry);

static void acq_unpend(struct bd_ctx *c)
{
	if (c->acq_pending) {
		c->acq_pending = false;
		atomic_dec(&bd_nr_pending);
	}
}

NOKPROBE_SYMBOL(acq_unpend);

static int bpf_check_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ri_ctx(ri);

	if (!c)
		return 0;
	if (c->acq_pending) {
		/* cannot happen: freeing the last state reads the slot */
		atomic64_inc(&bd_cnt.unresolved);
		acq_unpend(c);
	}
	pend_free(c);
	if (c->rec)
		bd_env_finish(c->rec, (int)regs_return_value(regs));
	c->env = NULL;
	c->rec = NULL;
	/* the slot is free for another task once everything above is done */
	smp_store_release(&c->task, NULL);
	atomic_dec(&bd_nr_active);
	return 0;
}

NOKPROBE_SYMBOL(bpf_check_ret);

static int do_check_common_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ctx_get();
	int subprog;

	if (!c)
		return 1;
	c->env = (void *)regs_get_kernel_argument(regs, 0);
	subprog = regs_get_kernel_argument(regs, 1);
	path_root(c, subprog >= 0 && subprog < c->env->subprog_cnt ?
		  c->env->subprog_info[subprog].start : 0);
	ri_data(ri)->c = c;
	return 0;
}

NOKPROBE_SYMBOL(do_check_common_entry);

static int do_check_common_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ri_ctx(ri);

	/* still inside bpf_check(): the env is alive */
	if (c && c->rec && c->env) {
		acq_resolve(c);
		c->rec->processed = c->env->insn_processed;
		path_end(c, regs_return_value(regs) ? BPF_DIAG_END_ERROR :
			 c->exit_seen ? BPF_DIAG_END_EXIT : BPF_DIAG_END_PRUNED);
		pend_abandon(c);
	}
	return 0;
}

NOKPROBE_SYMBOL(do_check_common_ret);

/* ---- release markers ---- */

static bool ref_held(struct bpf_verifier_env *env, u32 id)
{
#ifdef BD_REFS_IN_VSTATE
	struct bpf_verifier_state *st = env->cur_state;
	int i;

	for (i = 0; i < st->acquired_refs; i++)
		if (st->refs[i].type == REF_TYPE_PTR && st->refs[i].id == id)
			return true;
#else
	struct bpf_func_state *st = cur_func(env);
	int i;

	for (i = 0; i < st->acquired_refs; i++)
		if (st->refs[i].id == id)
			return true;
#endif
	return false;
}

NOKPROBE_SYMBOL(ref_held);

static int release_reference_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ctx_env();
	u32 id = regs_get_kernel_argument(regs, 1);

	if (!c)
		return 1;
	acq_resolve(c);
	c->release_id = ref_held(c->env, id) ? id : 0;
	ri_data(ri)->c = c;
	ri_data(ri)->a = id;
	return 0;
}

NOKPROBE_SYMBOL(release_reference_entry);

/*
 * release_reference() failing after the release means a child reference
 * (parent_id == the released id) is still held: "Leaking reference".
 */
static int release_reference_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
#ifdef BD_REFS_IN_VSTATE
	struct bd_ctx *c = ri_ctx(ri);
	u32 id = ri_data(ri)->a;
	struct bpf_verifier_state *st;
	int i;

	if (!c)
		return 0;
	c->release_id = 0;
	if ((int)regs_return_value(regs) != -EINVAL || !c->env)
		return 0;
	st = c->env->cur_state;
	for (i = 0; i < st->acquired_refs; i++) {
		if (st->refs[i].type != REF_TYPE_PTR || st->refs[i].parent_id != id)
			continue;
		emit(c, BPF_DIAG_LEAK, c->env->insn_idx, st->refs[i].id,
		     st->refs[i].insn_idx, BPF_DIAG_SITE_PARENT_RELEASE);
		break;
	}
#endif
	return 0;
}

NOKPROBE_SYMBOL(release_reference_ret);

static int mark_ptr_or_null_entry(struct kprobe *kp, struct pt_regs *regs)
{
	struct bpf_verifier_state *vs = (void *)regs_get_kernel_argument(regs, 0);
	u32 regno = regs_get_kernel_argument(regs, 1);
	bool is_null = regs_get_kernel_argument(regs, 2) & 0xff;
	struct bd_ctx *c = ctx_env();
	struct bpf_reg_state *reg;
	int i;

	if (!c)
		return 0;
	acq_resolve(c);
	if (!is_null || regno >= MAX_BPF_REG)
		return 0;
	c->null_state = vs;
	reg = &vs->frame[vs->curframe]->regs[regno];
#ifdef BD_REFS_IN_VSTATE
	for (i = 0; i < vs->acquired_refs; i++)
		if (vs->refs[i].type == REF_TYPE_PTR && vs->refs[i].id == reg->id)
			c->null_id = reg->id;
#else
	(void)i;
	if (reg->ref_obj_id && reg->ref_obj_id == reg->id)
		c->null_id = reg->id;
#endif
	return 0;
}

NOKPROBE_SYMBOL(mark_ptr_or_null_entry);

#ifdef BD_REFS_IN_VSTATE
/* ---- acquire and release, refs[] in bpf_verifier_state ---- */

static u8 lock_type(int type)
{
	return type == REF_TYPE_IRQ ? BPF_DIAG_LOCK_IRQ : BPF_DIAG_LOCK_SPIN;
}

NOKPROBE_SYMBOL(lock_type);

/* Read the slot acquire_reference_state() returned; see the top comment. */
static void acq_resolve(struct bd_ctx *c)
{
	struct bd_event ev = {};
	struct bpf_verifier_state *st;
	struct bpf_reference_state *r;

	if (!c->acq_pending)
		return;
	acq_unpend(c);
	st = c->env->cur_state;
	if (st != c->acq_state || c->acq_ofs >= st->acquired_refs ||
	    st->refs[c->acq_ofs].insn_idx != c->acq_insn) {
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
		ev.src = src_of(c, ev.insn);
		add_event(c, &ev, NULL);
	}
}

NOKPROBE_SYMBOL(acq_resolve);

static int acquire_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ctx_env();

	if (!c)
		return 1;
	acq_resolve(c);
	ri_data(ri)->c = c;
	return 0;
}

NOKPROBE_SYMBOL(acquire_entry);

static int acquire_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ri_ctx(ri);
	struct bpf_reference_state *s = (void *)regs_return_value(regs);
	struct bpf_verifier_state *st;
	long ofs;

	if (!c || !s || !c->env)
		return 0;
	st = c->env->cur_state;
	ofs = st->acquired_refs - 1;
	if (ofs < 0 || &st->refs[ofs] != s) {
		atomic64_inc(&bd_cnt.unresolved);
		return 0;
	}
	c->acq_state = st;
	c->acq_ofs = ofs;
	c->acq_insn = s->insn_idx;
	c->acq_depth = depth(c);
	c->acq_pending = true;
	atomic_inc(&bd_nr_pending);
	return 0;
}

NOKPROBE_SYMBOL(acquire_ret);

/* bpf_copy_verifier_state / bpf_free_verifier_state: read a pending slot. */
static int slot_sync_entry(struct kprobe *kp, struct pt_regs *regs)
{
	struct bd_ctx *c;

	if (!atomic_read(&bd_nr_pending))
		return 0;
	c = ctx_get();
	if (c && c->env)
		acq_resolve(c);
	return 0;
}

NOKPROBE_SYMBOL(slot_sync_entry);

/* release_reference_state(state, idx): refs[idx] is about to go. */
static int release_entry(struct kprobe *kp, struct pt_regs *regs)
{
	struct bpf_verifier_state *st = (void *)regs_get_kernel_argument(regs, 0);
	int idx = regs_get_kernel_argument(regs, 1);
	struct bd_ctx *c = ctx_env();
	struct bpf_reference_state *r;
	u8 kind, how;

	if (!c)
		return 0;
	acq_resolve(c);
	if (idx < 0 || idx >= st->acquired_refs)
		return 0;
	r = &st->refs[idx];
	if (r->type != REF_TYPE_PTR) {
		atomic64_inc(&bd_cnt.lock_irq);
		emit(c, BPF_DIAG_UNLOCK, c->env->insn_idx, r->id, 0, lock_type(r->type));
		return 0;
	}
	classify(c, r->id, &kind, &how);
	emit_in(c, st, kind, c->env->insn_idx, r->id, 0, how);
	return 0;
}

NOKPROBE_SYMBOL(release_entry);

/* check_resource_leak(env, exception_exit, check_lock, prefix) */
static int leak_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ctx_env();
	bool exception_exit = regs_get_kernel_argument(regs, 1) & 0xff;
	bool check_lock = regs_get_kernel_argument(regs, 2) & 0xff;
	struct bpf_verifier_env *env;
	struct bpf_verifier_state *st;
	struct bpf_reg_state *r0;
	int i;

	if (!c)
		return 1;
	acq_resolve(c);
	note_exit(c, exception_exit);
	env = c->env;
	st = env->cur_state;
	c->nr_leaks = 0;
	/* the same order of checks as check_resource_leak/check_reference_leak */
	if (check_lock && st->active_locks)
		return 1;
	if (!exception_exit && cur_func(env)->frameno)
		return 1;
	r0 = &cur_func(env)->regs[BPF_REG_0];
	for (i = 0; i < st->acquired_refs; i++) {
		if (st->refs[i].type != REF_TYPE_PTR)
			continue;
		if (resolve_prog_type(env->prog) == BPF_PROG_TYPE_STRUCT_OPS &&
		    !exception_exit && r0->id == st->refs[i].id)
			continue;
		note_leak(c, st->refs[i].id, st->refs[i].insn_idx);
	}
	ri_data(ri)->c = c;
	return c->nr_leaks ? 0 : 1;
}

NOKPROBE_SYMBOL(leak_entry);

#else /* refs[] per frame: 6.12 */

static void acq_resolve(struct bd_ctx *c)
{
}

NOKPROBE_SYMBOL(acq_resolve);

/* acquire_reference_state(env, insn_idx) returns the new id. */
static int acquire_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ctx_env();

	if (!c)
		return 1;
	ri_data(ri)->c = c;
	ri_data(ri)->a = regs_get_kernel_argument(regs, 1);
	return 0;
}

NOKPROBE_SYMBOL(acquire_entry);

static int acquire_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ri_ctx(ri);
	s32 insn = ri_data(ri)->a;
	int id = regs_return_value(regs);

	if (c && id > 0 && c->env)
		emit(c, BPF_DIAG_ACQUIRE, insn, id, 0, 0);
	return 0;
}

NOKPROBE_SYMBOL(acquire_ret);

/* kptr_xchg in 6.12: converts to RCU when check_helper_call would. */
static bool kptr_xchg_rcu(struct bpf_verifier_env *env)
{
	struct bpf_verifier_state *st = env->cur_state;
	struct bpf_reg_state *r2 = &cur_func(env)->regs[BPF_REG_2];
	bool in_rcu = st->active_rcu_lock || st->active_lock.ptr ||
		      !(env->prog->sleepable || st->in_sleepable);

	return in_rcu && (r2->type & MEM_ALLOC) && (r2->type & MEM_PERCPU);
}

NOKPROBE_SYMBOL(kptr_xchg_rcu);

/* release_reference_state(func_state, id): 0 when it released. */
static int release_entry6(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ctx_env();

	if (!c)
		return 1;
	c->rel_id = regs_get_kernel_argument(regs, 1);
	classify(c, c->rel_id, &c->rel_kind, &c->rel_how);
	if (c->rel_how == BPF_DIAG_PATH_RCU && !kptr_xchg_rcu(c->env))
		c->rel_how = BPF_DIAG_PATH_RELEASE_CALL;
	c->rel_state = c->rel_kind == BPF_DIAG_NULL_DROP ? c->null_state : NULL;
	ri_data(ri)->c = c;
	return 0;
}

NOKPROBE_SYMBOL(release_entry6);

static int release_ret6(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ri_ctx(ri);

	if (c && (int)regs_return_value(regs) == 0 && c->env)
		emit_in(c, c->rel_state, c->rel_kind, c->env->insn_idx, c->rel_id, 0,
			c->rel_how);
	return 0;
}

NOKPROBE_SYMBOL(release_ret6);

/* check_reference_leak(env, exception_exit) */
static int leak_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ctx_env();
	bool exception_exit = regs_get_kernel_argument(regs, 1) & 0xff;
	struct bpf_func_state *st;
	int i;

	if (!c)
		return 1;
	note_exit(c, exception_exit);
	st = cur_func(c->env);
	c->nr_leaks = 0;
	if (!exception_exit && st->frameno && !st->in_callback_fn)
		return 1;
	for (i = 0; i < st->acquired_refs; i++) {
		if (!exception_exit && st->in_callback_fn &&
		    st->refs[i].callback_ref != st->frameno)
			continue;
		note_leak(c, st->refs[i].id, st->refs[i].insn_idx);
	}
	ri_data(ri)->c = c;
	return c->nr_leaks ? 0 : 1;
}

NOKPROBE_SYMBOL(leak_entry);
#endif

static int leak_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bd_ctx *c = ri_ctx(ri);

	if (!c)
		return 0;
	if ((int)regs_return_value(regs) && c->env)
		emit_leaks(c, leak_site(c->env));
	c->nr_leaks = 0;
	return 0;
}

NOKPROBE_SYMBOL(leak_ret);

/* ---- the hook table (registered by hooks.c) ---- */

static const char * const syms_bpf_check[] = { "bpf_check", NULL };
static const char * const syms_dcc[] = { "do_check_common", NULL };
static const char * const syms_acquire[] = {
	"acquire_reference_state", "acquire_reference_state.isra.0", NULL };
static const char * const syms_release_state[] = { "release_reference_state", NULL };
static const char * const syms_release_ref[] = { "release_reference", NULL };
static const char * const syms_null[] = { "mark_ptr_or_null_regs", NULL };
static const char * const syms_push[] = { "push_stack", NULL };
static const char * const syms_copy[] = {
	"bpf_copy_verifier_state", "copy_verifier_state", NULL };
#ifdef BD_REFS_IN_VSTATE
static const char * const syms_leak[] = { "check_resource_leak", NULL };
static const char * const syms_free[] = { "bpf_free_verifier_state", NULL };
#else
static const char * const syms_leak[] = { "check_reference_leak", NULL };
#endif

struct bd_hook bd_hooks[] = {
	{ .role = "env", .syms = syms_bpf_check, .entry = bpf_check_entry,
	  .ret = bpf_check_ret, .data = sizeof(struct bd_ri), .required = true,
	  .loses = "everything (no verification is recorded)",
	  .how = "kretprobe: one record per bpf_check(); program, task, verdict" },
	{ .role = "bind", .syms = syms_dcc, .entry = do_check_common_entry,
	  .ret = do_check_common_ret, .data = sizeof(struct bd_ri), .required = true,
	  .loses = "everything (the env is never bound)",
	  .how = "kretprobe: binds the env; processed insn count at return" },
#ifdef BD_REFS_IN_VSTATE
	{ .role = "acquire", .syms = syms_acquire, .entry = acquire_entry,
	  .ret = acquire_ret, .data = sizeof(struct bd_ri),
	  .loses = "acquire events",
	  .how = "kretprobe: acquire_reference is inlined; "
		 "the returned refs[] slot is read at the next hook" },
	{ .role = "release", .syms = syms_release_state, .pre = release_entry,
	  .loses = "release and null_drop events",
	  .how = "kprobe: release_reference_nomark is inlined; "
		 "reads refs[idx] before it goes (type PTR only)" },
	{ .role = "pop", .syms = syms_copy, .pre = copy_entry,
	  .loses = "paths: the walk is not followed; acquires followed by a state copy",
	  .how = "kprobe: a copy into cur_state is a pop (path switch); "
		 "reads a pending acquire slot first" },
	{ .role = "slot_sync_free", .syms = syms_free, .pre = slot_sync_entry,
	  .loses = "acquires followed by a state free before any other hook",
	  .how = "kprobe: reads a pending acquire slot before a state is freed" },
	{ .role = "leak", .syms = syms_leak, .entry = leak_entry, .ret = leak_ret,
	  .data = sizeof(struct bd_ri), .loses = "leak events",
	  .how = "kretprobe: check_resource_leak; refs it reports when it fails" },
	{ .role = "release_call", .syms = syms_release_ref,
	  .entry = release_reference_entry, .ret = release_reference_ret,
	  .data = sizeof(struct bd_ri),
	  .loses = "path=release_call (releases show path=unknown) and 'Leaking reference' leaks",
	  .how = "kretprobe: marks the release helper/kfunc path; child leaks at return" },
#else
	{ .role = "acquire", .syms = syms_acquire, .entry = acquire_entry,
	  .ret = acquire_ret, .data = sizeof(struct bd_ri),
	  .loses = "acquire events",
	  .how = "kretprobe: acquire_reference_state(env, insn_idx) returns the id" },
	{ .role = "release", .syms = syms_release_state, .entry = release_entry6,
	  .ret = release_ret6, .data = sizeof(struct bd_ri),
	  .loses = "release and null_drop events",
	  .how = "kretprobe: release_reference_state(state, id) returns 0 on release" },
	{ .role = "leak", .syms = syms_leak, .entry = leak_entry, .ret = leak_ret,
	  .data = sizeof(struct bd_ri), .loses = "leak events",
	  .how = "kretprobe: check_reference_leak; refs it reports when it fails" },
	{ .role = "release_call", .syms = syms_release_ref,
	  .entry = release_reference_entry, .ret = release_reference_ret,
	  .data = sizeof(struct bd_ri),
	  .loses = "path=release_call (releases show path=unknown)",
	  .how = "kretprobe: marks the release helper/kfunc path" },
#endif
#ifndef BD_REFS_IN_VSTATE
	{ .role = "pop", .syms = syms_copy, .pre = copy_entry,
	  .loses = "paths: the walk is not followed",
	  .how = "kprobe: a copy into cur_state is a pop (path switch)" },
#endif
	{ .role = "push", .syms = syms_push, .entry = push_entry, .ret = push_ret,
	  .data = sizeof(struct bd_ri),
	  .loses = "paths: branches are not followed",
	  .how = "kretprobe: push_stack queues a branch; the returned state identifies it" },
	{ .role = "null_check", .syms = syms_null, .pre = mark_ptr_or_null_entry,
	  .loses = "null_drop events (NULL-branch drops show as releases with path=unknown)",
	  .how = "kprobe: marks the reference a NULL branch drops" },
};

const int bd_nr_hooks = ARRAY_SIZE(bd_hooks);

const char *bd_layout =
#ifdef BD_REFS_IN_VSTATE
	"refs in bpf_verifier_state (typed, with parent_id)";
#else
	"refs per frame in bpf_func_state (no parent_id, no lock/IRQ entries)";
#endif

/*
 * Offsets of insn_idx and prev_insn_idx in struct bpf_verifier_stack_elem,
 * from the running kernel's BTF: st must come first and be the size the
 * headers say, the two ints right after it.  Else nothing is read there.
 */
static void check_stack_elem(struct btf *btf,
			     s32 (*find)(const struct btf *btf, const char *name, u8 kind))
{
	const struct btf_type *(*type_by_id)(const struct btf *btf, u32 id);
	const struct btf_member *m;
	const struct btf_type *t;
	u32 insn = 0, prev = 0, st = U32_MAX, i;
	const char *name;
	s32 id;

	type_by_id = (void *)bpf_diag_lookup("btf_type_by_id");
	id = find(btf, "bpf_verifier_stack_elem", BTF_KIND_STRUCT);
	if (!type_by_id || !bd_btf_name || id <= 0)
		return;
	t = type_by_id(btf, id);
	if (!t)
		return;
	for (i = 0, m = btf_type_member(t); i < btf_type_vlen(t); i++, m++) {
		name = bd_btf_name(btf, m->name_off);
		if (!name)
			continue;
		if (!strcmp(name, "st"))
			st = __btf_member_bit_offset(t, m);
		else if (!strcmp(name, "insn_idx"))
			insn = __btf_member_bit_offset(t, m) / 8;
		else if (!strcmp(name, "prev_insn_idx"))
			prev = __btf_member_bit_offset(t, m) / 8;
	}
	if (st || insn != sizeof(struct bpf_verifier_state) || prev != insn + sizeof(int))
		return;
	elem_insn_ofs = insn;
	elem_prev_ofs = prev;
}

void bd_capture_init(void)
{
	static const char * const names[] = {
		"bpf_list_push_front_impl", "bpf_list_push_back_impl",
		"bpf_rbtree_add_impl", "bpf_list_push_front", "bpf_list_push_back",
		"bpf_rbtree_add",
	};
	struct btf *(*get_vmlinux)(void);
	s32 (*find)(const struct btf *btf, const char *name, u8 kind);
	struct btf *btf;
	int i;

	bd_btf_name = (void *)bpf_diag_lookup("btf_name_by_offset");
	get_vmlinux = (void *)bpf_diag_lookup("bpf_get_btf_vmlinux");
	find = (void *)bpf_diag_lookup("btf_find_by_name_kind");
	if (!get_vmlinux || !find)
		return;
	btf = get_vmlinux();
	if (IS_ERR_OR_NULL(btf))
		return;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		bd_insert_kfunc[i] = find(btf, names[i], BTF_KIND_FUNC);
	check_stack_elem(btf, find);
}

bool bd_source_lines(void)
{
	return bd_btf_name;
}

bool bd_async_walks(void)
{
	return elem_insn_ofs;
}

int bd_insert_kfuncs_known(void)
{
	int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(bd_insert_kfunc); i++)
		n += bd_insert_kfunc[i] > 0;
	return n;
}

/*
 * Unload, before any probe goes: from here on every handler returns at
 * once, and those already running have finished when this returns (they
 * run with preemption off).  A bpf_check() that returns while the probes
 * are being removed leaves its context behind, but nothing reads it.
 */
void bd_capture_stop(void)
{
	WRITE_ONCE(bd_stopping, true);
	synchronize_rcu();
}

/* Unload, the probes gone: give back what verifications in flight held. */
void bd_capture_exit(void)
{
	int i;

	for (i = 0; i < BD_MAX_ACTIVE; i++) {
		pend_free(&bd_active[i]);
		bd_active[i].task = NULL;
	}
	atomic_set(&bd_nr_active, 0);
	atomic_set(&bd_nr_pending, 0);
}
