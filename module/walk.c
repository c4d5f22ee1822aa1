// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the walk.  The verifier explores a program path by path:
 * push_stack() queues the other side of a branch, pop_stack() copies a
 * queued state into cur_state when the current path ends.  Each path is a
 * record (where it forked, how it ended), the current path's history
 * (forks, resumes, events) is kept so that a rejected env shows its
 * failing path, and every event belongs to the path it happened on.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/btf.h>
#include "ctx.h"
#include "hook.h"

u16 bd_depth(struct bd_ctx *c)
{
	return min_t(int, BD_RD(c->env, bpf_verifier_env, stack_size), U16_MAX);
}

NOKPROBE_SYMBOL(bd_depth);

/*
 * The source line of a fork or resume among the first BD_HIST_LATE
 * entries of the history is looked up when the walk ends (bd_hist_lines):
 * a pop cuts the history back, and only the entries kept pay for it.
 * Deeper ones are looked up at once, so that the end costs at most
 * BD_HIST_LATE lookups with preemption off, whatever max_history is.
 */
#define BD_HIST_LATE	1024

/* An entry of the current path's history, recorded in state @vs */
static void hist(struct bd_ctx *c, struct bpf_verifier_state *vs, u8 type, u32 ev,
		 s32 from, s32 to, u32 other)
{
	struct bd_hist h = {
		.type = type, .ev = ev, .from = from, .to = to, .other = other,
		.src = BD_NO_SRC,
	};

	if (!c->rec)
		return;
	if (c->key_next) {
		h.seg = c->acq_seg;
		h.cnt = c->acq_cnt;
	} else {
		bd_path_key(vs, &h.seg, &h.cnt);
	}
	if (type != BD_H_EVENT && c->rec->h_len >= BD_HIST_LATE)
		h.src = bd_src_of(c, from);
	bd_hist_add(c->rec, &h);
}

NOKPROBE_SYMBOL(hist);

/*
 * A walk ends (do_check_common() returns, the env still alive).  The
 * decisions a leak's walk added (layout_hist.c) are looked up here too: the
 * newest BD_HIST_LATE entries, those nearest the leak.
 */
void bd_hist_lines(struct bd_ctx *c)
{
	struct bd_hist *h;
	u32 i, n = c->rec ? c->rec->h_len : 0;

	for (i = 0; i < n; i++) {
		if (i == BD_HIST_LATE && n > 2 * BD_HIST_LATE)
			i = n - BD_HIST_LATE;
		/* the writer's own entry: readers see the history once finished */
		h = (struct bd_hist *)bd_hist_at(c->rec, i);
		if (h && h->type != BD_H_EVENT && h->src == BD_NO_SRC)
			h->src = bd_src_of(c, h->from);
	}
}

NOKPROBE_SYMBOL(bd_hist_lines);

void bd_path_end(struct bd_ctx *c, u8 end)
{
	struct bd_path *p = c->rec ? bd_env_path(c->rec, c->cur_path) : NULL;

	if (!p)
		return;
	WRITE_ONCE(p->end_insn, bd_insn_idx(c->env));
	WRITE_ONCE(p->end, end);
}

NOKPROBE_SYMBOL(bd_path_end);

/* do_check_common() starts a subprogram's walk at @start. */
void bd_path_root(struct bd_ctx *c, s32 start)
{
	struct bd_path p = {
		.parent = BD_NO_PATH, .fork_insn = -1, .start_insn = start,
		.end_insn = -1, .end = BPF_DIAG_END_RUNNING,
	};

	bd_pend_abandon(c);
	c->exit_seen = false;
	c->cur_path = BD_NO_PATH;
	if (!c->rec)
		return;
	p.fork_ev = c->rec->nr_events;
	c->cur_path = bd_env_path_new(c->rec, &p);
	bd_hist_truncate(c->rec, 0);
	c->rec->h_lost = 0;
}

NOKPROBE_SYMBOL(bd_path_root);

/* Where the current path goes at @fork when push_stack queued @queued. */
static s32 other_side(struct bpf_verifier_env *env, s32 fork, s32 queued)
{
	struct bpf_prog *prog = bd_prog(env);
	const struct bpf_insn *insn;
	u8 cls, op;

	if (fork < 0 || fork >= BD_RD(prog, bpf_prog, len))
		return -1;
	insn = (const struct bpf_insn *)BD_AT(prog, bpf_prog, insnsi) + fork;
	cls = BPF_CLASS(insn->code);
	op = BPF_OP(insn->code);
	if ((cls != BPF_JMP && cls != BPF_JMP32) || op == BPF_JA || op == BPF_CALL ||
	    op == BPF_EXIT)
		return -1;
	return queued == fork + 1 ? fork + insn->off + 1 : fork + 1;
}

NOKPROBE_SYMBOL(other_side);

/*
 * A queued state's speculative flag is final once push_stack() has
 * returned; a push seen in the copy (bd_walk_copy) comes before that, so
 * the flag is read again when the next branch is queued or it is popped.
 */
static void spec_settle(struct bd_ctx *c, struct bd_pending *t)
{
	struct bd_path *p = t ? bd_env_path(c->rec, t->path) : NULL;

	if (p && BD_RD(t->state, bpf_verifier_state, speculative) && !p->spec)
		WRITE_ONCE(p->spec, 1);
}

NOKPROBE_SYMBOL(spec_settle);

/* push_stack() queued @st, to resume at @insn, forked at @prev. */
void bd_path_push(struct bd_ctx *c, struct bpf_verifier_state *st, s32 insn,
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
	spec_settle(c, bd_pend_top(c));
	p.fork_ev = c->rec->nr_events;
	t = bd_pend_push(c);
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
	hist(c, bd_cur_state(c->env), BD_H_FORK, 0, prev, other, t->path);
}

NOKPROBE_SYMBOL(bd_path_push);

/*
 * pop_stack() copies the queued state, member st of a struct
 * bpf_verifier_stack_elem (private to verifier.c), into cur_state; the
 * elem also has where it resumes, insn_idx and prev_insn_idx.  Their
 * offsets come from the running kernel's BTF (fields.c); -1 if it has
 * none as expected.
 */
static bool elem_known;

static void elem_insns(struct bpf_verifier_state *st, s32 *insn, s32 *prev)
{
	const char *elem = (const char *)st - bd_off[BD_F_bpf_verifier_stack_elem__st];

	*insn = -1;
	*prev = -1;
	if (!elem_known)
		return;
	*insn = *(const int *)(elem + bd_off[BD_F_bpf_verifier_stack_elem__insn_idx]);
	*prev = *(const int *)(elem + bd_off[BD_F_bpf_verifier_stack_elem__prev_insn_idx]);
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
	hist(c, st, BD_H_RESUME, 0, p.fork_insn, p.start_insn, c->cur_path);
}

NOKPROBE_SYMBOL(path_async);

/* The insn of recorded event @ev, -1 if it was dropped */
static s32 event_insn(struct bd_ctx *c, u32 ev)
{
	const struct bd_event *e = ev == BD_NO_EVENT ? NULL : bd_env_event(c->rec, ev);

	return e ? e->insn : -1;
}

NOKPROBE_SYMBOL(event_insn);

/* The verifier pops @st into its current state: the current path ended. */
void bd_path_pop(struct bd_ctx *c, struct bpf_verifier_state *st)
{
	struct bd_pending *t = bd_pend_top(c);
	struct bd_path *p;
	int i;

	if (!c->rec)
		return;
	bd_path_end(c, c->exit_seen ? BPF_DIAG_END_EXIT : BPF_DIAG_END_PRUNED);
	c->exit_seen = false;
	if (!t || t->state != st) {
		path_async(c, st, t);
		return;
	}
	spec_settle(c, t);
	c->cur_path = t->path;
	p = bd_env_path(c->rec, t->path);
	if (p)
		WRITE_ONCE(p->pop_seq, ++c->pop_seq);
	bd_hist_truncate(c->rec, t->h_len);
	c->rec->h_lost = t->h_lost;
	hist(c, st, BD_H_RESUME, 0, t->fork_insn, t->start_insn, t->path);
	for (i = 0; i < t->n_early; i++)
		hist(c, st, BD_H_EVENT, t->early[i], event_insn(c, t->early[i]), 0, 0);
	c->rec->h_lost += t->early_lost;
	bd_pend_pop(c);
}

NOKPROBE_SYMBOL(bd_path_pop);

/*
 * push_stack() links its new stack entry as env->head and then copies
 * cur_state into the entry's state, its first member, with insn_idx and
 * prev_insn_idx already set: a copy into env->head's state is a push.
 * So the pop hook sees every push, and push_stack needs no kretprobe of
 * its own, where the entry's layout was checked against BTF
 * (check_stack_elem) and pushes are not denied.
 */
static bool push_in_copy;

const char *bd_walk_push_unneeded(void)
{
	if (!push_in_copy || !bd_hook_attached(&bd_hook_copy_state))
		return NULL;
	return "the pop hook sees each push (push_stack copies cur_state into its new stack entry)";
}

/*
 * push_stack() fails after the copy when the stack is deeper than
 * verifier.c's BPF_COMPLEXITY_LIMIT_JMP_SEQ (8192 from 6.1 to 7.3; its
 * stack_size counts the new entry already): the walk stops there, and no
 * path was queued.
 */
#define BD_JMP_SEQ_LIMIT	8192

/* (bpf_)copy_verifier_state(@dst, @src) in the verifying task: a pop or a push? */
void bd_walk_copy(struct bd_ctx *c, struct bpf_verifier_state *dst,
		  struct bpf_verifier_state *src)
{
	s32 insn, prev;

	if (dst == bd_cur_state(c->env)) {
		bd_path_pop(c, src);
	} else if (push_in_copy &&
		   (char *)dst - bd_off[BD_F_bpf_verifier_stack_elem__st] ==
		   (char *)BD_RD(c->env, bpf_verifier_env, head) &&
		   BD_RD(c->env, bpf_verifier_env, stack_size) <= BD_JMP_SEQ_LIMIT) {
		elem_insns(dst, &insn, &prev);
		bd_path_push(c, dst, insn, prev, BD_RD(src, bpf_verifier_state, speculative));
	}
}

NOKPROBE_SYMBOL(bd_walk_copy);

/*
 * Record @ev, which happened in verifier state @st (NULL: the current one).
 * An event in the branch just queued (the NULL branch of a check) belongs
 * to that path and joins its history when it is popped.
 */
void bd_add_event(struct bd_ctx *c, struct bd_event *ev, struct bpf_verifier_state *st)
{
	struct bd_pending *t = bd_pend_top(c);
	u32 idx = c->rec->nr_events;
	bool added;

	ev->path = c->cur_path;
	if (st && st != bd_cur_state(c->env) && t && t->state == st) {
		ev->path = t->path;
		added = bd_env_add(c->rec, ev);
		if (t->n_early < ARRAY_SIZE(t->early))
			t->early[t->n_early++] = added ? idx : BD_NO_EVENT;
		else
			t->early_lost++;
		return;
	}
	added = bd_env_add(c->rec, ev);
	hist(c, bd_cur_state(c->env), BD_H_EVENT, added ? idx : BD_NO_EVENT, ev->insn, 0, 0);
}

NOKPROBE_SYMBOL(bd_add_event);

void bd_emit_in(struct bd_ctx *c, struct bpf_verifier_state *st, u8 kind, s32 insn,
		u32 id, u32 aux, u8 how)
{
	struct bd_event ev = {
		.insn = insn, .id = id, .aux = aux, .kind = kind, .how = how,
		.depth = bd_depth(c),
	};

	if (!c->rec) {
		atomic64_inc(&bd_cnt.untracked);
		return;
	}
	ev.src = bd_src_of(c, insn);
	bd_add_event(c, &ev, st);
}

NOKPROBE_SYMBOL(bd_emit_in);

void bd_emit(struct bd_ctx *c, u8 kind, s32 insn, u32 id, u32 aux, u8 how)
{
	bd_emit_in(c, NULL, kind, insn, id, aux, how);
}

NOKPROBE_SYMBOL(bd_emit);

/* At load, the fields checked: is the stack element as walk.c reads it? */
void bd_walk_init(void)
{
	elem_known = bd_fields_ok(BD_R_ELEM);
	push_in_copy = elem_known && !bd_hook_denied("push");
}

bool bd_async_walks(void)
{
	return elem_known;
}
