/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the hook handlers share.  One struct bd_ctx per verification
 * in flight (ctx.c), the walk of its paths (walk.c), the instruction at
 * hand (insn.c), source lines (srcline.c).
 *
 * Every handler runs in the task that is verifying (bpf_check() is
 * synchronous), in kprobe context: no sleeping, no allocator (pages come
 * from bd_pool), no lock but bd_lock's short sections.  A task finds its
 * own context in a small table; only that task writes its entry.  The
 * kernel's env is read only between do_check_common() and bpf_check()'s
 * return.
 */
#ifndef _BPF_DIAG_CTX_H
#define _BPF_DIAG_CTX_H

#include <linux/bpf_verifier.h>
#include <linux/kprobes.h>
#include "internal.h"
#include "fields.h"

/* The verifier's env and states, read where the running kernel has them */
static inline struct bpf_verifier_state *bd_cur_state(struct bpf_verifier_env *env)
{
	return BD_RD(env, bpf_verifier_env, cur_state);
}

static inline s32 bd_insn_idx(struct bpf_verifier_env *env)
{
	return BD_RD(env, bpf_verifier_env, insn_idx);
}

static inline struct bpf_prog *bd_prog(struct bpf_verifier_env *env)
{
	return BD_RD(env, bpf_verifier_env, prog);
}

/* frame[@i] of @st (i <= curframe < MAX_CALL_FRAMES, as the verifier keeps it) */
static inline struct bpf_func_state *bd_frame(struct bpf_verifier_state *st, u32 i)
{
	return ((struct bpf_func_state **)BD_AT(st, bpf_verifier_state, frame))[i];
}

/* cur_func(env) */
static inline struct bpf_func_state *bd_cur_func(struct bpf_verifier_env *env)
{
	struct bpf_verifier_state *st = bd_cur_state(env);

	return bd_frame(st, BD_RD(st, bpf_verifier_state, curframe));
}

/* &@fs->regs[@regno] */
static inline struct bpf_reg_state *bd_reg(struct bpf_func_state *fs, u32 regno)
{
	return BD_ELEM(BD_AT(fs, bpf_func_state, regs), bpf_reg_state, regno);
}

#define BD_MAX_LEAKS	32	/* leaked refs noted per leak check */
#define BD_SRC_CACHE	16	/* insns whose source line slot is remembered */

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

struct bd_ctx {
	struct task_struct *task;	/* owner; NULL when free */
	struct bd_env *rec;		/* NULL when the store had no room */
	struct bpf_verifier_env *env;	/* from do_check_common() on */
	/* acquire slot not read yet (layouts that return a slot) */
	bool acq_pending;
	u32 acq_ofs;
	u16 acq_depth;
	struct bpf_verifier_state *acq_state;
	/* where on the jump history the pending acquire happened (layout_hist.c) */
	u32 acq_seg, acq_cnt;
	bool key_next;			/* the next history entry takes them */
	/* markers: the next release of this id is of that kind */
	u32 release_id;
	u32 null_id;
	struct bpf_verifier_state *null_state;	/* state of the NULL-branch drop */
	/* leak check in progress: what the verifier would report */
	int nr_leaks;
	u32 leak_id[BD_MAX_LEAKS];
	s32 leak_insn[BD_MAX_LEAKS];
	/* the walk: current path, queued branches, pops so far */
	u32 cur_path;
	bool exit_seen;			/* the current path reached the main exit */
	u32 pop_seq;
	struct bd_pend_chunk *pend, *spare;
	/* bd_src_of(): the slot of the last insn seen per insn % BD_SRC_CACHE */
	s32 src_insn[BD_SRC_CACHE];
	u16 src_slot[BD_SRC_CACHE];
};

/* Per-call data of the kretprobes: the context, and what entry saw. */
struct bd_ri {
	struct bd_ctx *c;
	s32 a, b;		/* arguments the return handler needs */
};

/* ctx.c: the contexts of the verifications in flight */
extern bool bd_recording;
extern atomic_t bd_nr_active, bd_nr_pending;
struct bd_ctx *bd_ctx_get(void);
struct bd_ctx *bd_ctx_env(void);
struct bd_ctx *bd_ctx_claim(struct bpf_prog **progp);
void bd_ctx_finish(struct bd_ctx *c, int err);
struct bd_ri *bd_ri(struct kretprobe_instance *ri);
struct bd_ctx *bd_ri_ctx(struct kretprobe_instance *ri);
void bd_capture_stop(void);
void bd_capture_exit(void);

/* walk.c: paths, the current path's history, events */
void bd_path_root(struct bd_ctx *c, s32 start);
void bd_path_push(struct bd_ctx *c, struct bpf_verifier_state *st, s32 insn,
		  s32 prev, bool spec);
void bd_path_pop(struct bd_ctx *c, struct bpf_verifier_state *st);
void bd_walk_copy(struct bd_ctx *c, struct bpf_verifier_state *dst,
		  struct bpf_verifier_state *src);
const char *bd_walk_push_unneeded(void);
void bd_path_end(struct bd_ctx *c, u8 end);
/* pend.c: the queued branches; the newest, or NULL */
static inline struct bd_pending *bd_pend_top(struct bd_ctx *c)
{
	return c->pend && c->pend->n ? &c->pend->e[c->pend->n - 1] : NULL;
}

struct bd_pending *bd_pend_push(struct bd_ctx *c);
void bd_pend_pop(struct bd_ctx *c);
void bd_pend_abandon(struct bd_ctx *c);
void bd_hist_lines(struct bd_ctx *c);
void bd_pend_free(struct bd_ctx *c);
void bd_add_event(struct bd_ctx *c, struct bd_event *ev, struct bpf_verifier_state *st);
void bd_emit_in(struct bd_ctx *c, struct bpf_verifier_state *st, u8 kind, s32 insn,
		u32 id, u32 aux, u8 how);
void bd_emit(struct bd_ctx *c, u8 kind, s32 insn, u32 id, u32 aux, u8 how);
u16 bd_depth(struct bd_ctx *c);
void bd_walk_init(void);
bool bd_async_walks(void);

/* layout_hist.c: every branch decision of the failing path, from the jump history */
void bd_path_key(struct bpf_verifier_state *vs, u32 *seg, u32 *cnt);
void bd_path_walk(struct bd_ctx *c);
void bd_path_init(void);
void bd_path_show(struct seq_file *m);
bool bd_path_walks(void);
bool bd_path_readable(void);
u32 bd_walk_back(struct bd_ctx *c, u32 room, u32 *left);

/* lineage.c: where a leaked reference went on the failing path */
u32 bd_lineage_ids(const struct bd_env *e, u32 *ids, u32 max);
bool bd_lineage_acquire(const struct bd_env *e, u32 ev, const u32 *ids, u32 n);
void bd_lineage(struct bd_ctx *c, u32 from);
void bd_lineage_init(void);
void bd_lineage_show(struct seq_file *m);

/* insn.c: the instruction being verified */
const struct bpf_insn *bd_cur_insn(struct bpf_verifier_env *env);
bool bd_insn_is_helper(const struct bpf_insn *insn, int func);
u8 bd_leak_site(struct bpf_verifier_env *env);
void bd_classify(struct bd_ctx *c, u32 id, u8 *kind, u8 *how);
void bd_note_exit(struct bd_ctx *c, bool exception_exit);
void bd_note_leak(struct bd_ctx *c, u32 id, s32 insn);
void bd_emit_leaks(struct bd_ctx *c, u8 site);
void bd_insn_init(void);
int bd_insert_kfuncs_known(void);

/* srcline.c: the program's own file:line for an instruction */
u16 bd_src_of(struct bd_ctx *c, s32 insn);
void bd_src_prog_name(struct bd_ctx *c);
bool bd_source_lines(void);
void bd_srcline_init(void);

#endif /* _BPF_DIAG_CTX_H */
