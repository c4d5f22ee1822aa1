/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The records bpf_diag keeps (pages, envs, events, paths,
 * history, source lines), its counters, and the interfaces between the
 * module's files (pool, store, filter, output, report, hooks; the
 * handlers' own in ctx.h, hook.h, layout.h).
 */
#ifndef _BPF_DIAG_INTERNAL_H
#define _BPF_DIAG_INTERNAL_H

#include <linux/bpf.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <bpf_diag_names.h>
#include "compat.h"

/*
 * Memory.  Handlers run in kprobe context, with preemption off: on
 * PREEMPT_RT not even the slab allocator may be called there.  Every byte
 * the handlers use is a page of bd_pool (pool.c), filled and trimmed by a
 * worker in process context; taking a page or giving pages back is O(1)
 * under bd_lock.  A page's first word links it to its env's chain (freed
 * in one splice) or to the pool's free list.
 */
#define BD_PAGE_DATA	(PAGE_SIZE - sizeof(void *))
struct bd_page {
	struct bd_page *next;
	u8 data[BD_PAGE_DATA];
};

/*
 * A chunked array of fixed-size records, indexed in O(1): its first few
 * records in the env's own page (most envs need no more), then
 * BD_VEC_DIRECT record pages straight from the vec, then up to
 * BD_VEC_DIRS directory pages of BD_DIR_SLOTS record pages each.  The
 * writer publishes each page before the count that covers it, so readers
 * that loaded the count with acquire semantics see every record below it.
 */
#define BD_DIR_SLOTS	(BD_PAGE_DATA / sizeof(void *))
#define BD_VEC_DIRECT	4
#define BD_VEC_DIRS	32
struct bd_vec {
	u16 size;			/* bytes per record */
	u16 per;			/* records per page */
	u16 n_inl;			/* records in the env's own page, first */
	u32 pages;			/* record pages allocated (writer only) */
	void *inl;			/* where those are */
	struct bd_page *direct[BD_VEC_DIRECT];
	struct bd_page *dir[BD_VEC_DIRS];
};

/* Records a vec of @size-byte records can ever hold. */
#define BD_VEC_MAX(size)	\
	((u32)(BD_VEC_DIRECT + BD_VEC_DIRS * BD_DIR_SLOTS) * (BD_PAGE_DATA / (size)))
/* max_events, max_paths and max_history at most (params.c) */
#define BD_CAP_RECORDS	(2U << 20)

/* One recorded event; see include/bpf_diag_names.h for the names. */
struct bd_event {
	s32 insn;	/* instruction index (env->insn_idx or alloc insn) */
	u32 id;		/* reference id */
	u32 aux;	/* acquire: parent id; leak: alloc insn */
	u32 path;	/* path id, or BD_NO_PATH */
	u8 kind;	/* enum bpf_diag_kind */
	u8 how;		/* release: enum bpf_diag_path; leak: enum bpf_diag_site */
	u16 depth;	/* env->stack_size: pending branches at the event */
	u16 src;	/* index into the env's source lines, or BD_NO_SRC */
};

#define BD_NO_PATH	U32_MAX
#define BD_NO_EVENT	U32_MAX

/*
 * One path of the verifier's walk.  A path starts at the start of a
 * subprogram verification (a root), where push_stack() queued a branch, or
 * (async) where a state bpf_diag did not see queued was popped (an async
 * callback's walk, queued by the inlined push_async_cb()); it ends at the
 * main exit, when pruned, at an error, or never runs.
 */
struct bd_path {
	u32 parent;		/* path it forked from, BD_NO_PATH for a root */
	u32 fork_ev;		/* events in the env when it forked */
	s32 fork_insn;		/* the branching insn (push's prev_insn_idx) */
	s32 start_insn;		/* where it resumes (push's insn_idx) */
	s32 end_insn;
	u32 pop_seq;		/* 1 + its place in the verifier's pop order; 0: never popped */
	u8 end;			/* enum bpf_diag_end */
	u8 spec;		/* a speculative path */
	u8 dir;			/* BD_DIR_*: which side of a conditional jump */
	u8 async;		/* queued where bpf_diag could not see it */
};

enum { BD_DIR_NONE, BD_DIR_TAKEN, BD_DIR_FALLTHROUGH };

/*
 * The history of the path being verified, kept as a stack: a pop cuts it
 * back to where the popped branch was queued.  When the verifier stops on
 * an error it holds exactly the failing path: its events in order and
 * every branch taken on the way.
 */
enum { BD_H_EVENT, BD_H_FORK, BD_H_RESUME, BD_H_JUMP, BD_H_GOTO };
struct bd_hist {
	u8 type;		/* BD_H_* */
	u8 frame;		/* written by the walk: the call depth at the insn */
	u16 src;		/* FORK/RESUME/JUMP: source line of the branch insn */
	u32 ev;			/* EVENT: event index (BD_NO_EVENT if dropped) */
	/* FORK/RESUME/JUMP: branch insn and where this path went; EVENT: its insn */
	s32 from, to;
	u32 other;		/* FORK: path queued for the other side; RESUME: this path */
	/*
	 * Where on the verifier's jump history it was recorded (layout_hist.c):
	 * the state's parent (folded to 32 bits, compared, never printed)
	 * and its count.  Written by the walk: cnt is the insn's step,
	 * counted back from the leak (0).  GOTO (the walk's own, gone once
	 * the lineage is replayed, never shown): the path went from insn
	 * "from" to insn "to", not to from + 1, at step cnt; from -1: to is at step cnt, where the
	 * replay starts (BD_LINGER insns before the oldest leaked acquire, or
	 * fewer: the path's start, no more room).
	 */
	u32 cnt, seg;
};

/*
 * One step of a leaked reference's lineage (lineage.c): a register or
 * stack slot of a frame took it, or lost it, at insn.  A holder (BD_LOC):
 * 0-10 a register, below 0 a stack slot's offset from its frame's r10,
 * BD_LOC_NONE none.
 */
#define BD_LOC_NONE	S16_MAX
struct bd_step {
	s32 insn;
	u32 at;			/* its place on the path: insns before the leak */
	u32 raw;		/* the same as the walk counts it (bd_hist.cnt) */
	u32 id;
	u8 kind;		/* enum bpf_diag_step */
	u8 ffrom, fto;		/* frames of from and to */
	u8 lost;		/* OVERWRITE/CLOBBER/FRAME_EXIT: its last holder */
	s16 from, to;
	u16 src;
	u8 live;		/* HELD: the verifier's state has it too */
};

#define BD_NO_SRC	0xffff

/* insns before a leaked reference's acquire the lineage's replay starts at, at most */
#define BD_LINGER	4096

/* How the walk back along the failing path ended (bd_env.walk_end) */
enum bd_walk_end {
	BD_WALK_NONE,		/* not walked: no leak, or not possible (status) */
	BD_WALK_DONE,		/* back to the start of the walk */
	BD_WALK_CUT,		/* stopped at max_walk or max_history */
	BD_WALK_LOST,		/* not walked: the history's end was lost */
	BD_WALK_BROKEN,		/* the jump history led out of the program */
};

/*
 * One line-info record of the program (what the verifier prints as
 * "; TEXT @ FILE:LINE"), copied while the env was alive.
 */
#define BD_SRC_TEXT	120
#define BD_SRC_FILE	40
#define BD_SRC_FUNC	32
struct bd_src {
	u32 linfo;		/* index in prog->aux->linfo */
	u32 insn_off;		/* first insn it covers */
	u32 line, col;
	s32 func_insn;		/* its function's first insn, -1: no func info */
	u16 next;		/* next record in the same hash bucket */
	char file[BD_SRC_FILE];	/* base name, as the verifier prints it */
	char text[BD_SRC_TEXT];	/* leading white space stripped */
	char func[BD_SRC_FUNC];	/* the BTF FUNC (subprogram) it is in */
};

/* a program's name as its source spells it (BTF), NUL included */
#define BD_NAME_LEN		64

#define BD_SRC_HASH_BITS	8

/* One verification: one bpf_check() call.  Lives in its own page. */
struct bd_env {
	struct list_head node;		/* store list, oldest first */
	int refs;			/* the list's and readers'; bd_lock */
	bool linked;			/* on the store list; bd_lock */
	u64 seq;			/* env= */
	char prog[BPF_OBJ_NAME_LEN];	/* the kernel's name: 15 characters at most */
	char name[BD_NAME_LEN];		/* the source's, once name_set: bd_env_name() */
	bool name_set;			/* release/acquire: name is whole */
	char comm[TASK_COMM_LEN];
	u32 type;			/* enum bpf_prog_type */
	pid_t pid;
	u32 insns;			/* program length */
	u32 processed;			/* env->insn_processed at the end */
	u64 start_ns, end_ns;
	int err;			/* bpf_check's return value */
	bool finished;
	bool has_leak;			/* a leak event was recorded */
	/* every page of the env, this one first; freed in one splice */
	struct bd_page *pg_head, *pg_tail;
	u32 nr_pages;
	/* events: published with release semantics */
	u32 nr_events;
	u32 dropped;			/* events past max_events, max_bytes or memory */
	struct bd_vec ev;
	/* source lines: published like events */
	u32 nr_src;
	u32 src_dropped;		/* lines past max_lines, max_bytes or memory */
	bool no_linfo;			/* the program has no BTF line info */
	u16 src_hash[1 << BD_SRC_HASH_BITS];
	struct bd_vec src;
	/* paths: published like events */
	u32 nr_paths;
	u32 paths_dropped;		/* past max_paths (still tracked for the history) */
	bool paths_broken;		/* the walk could not be followed (see status) */
	struct bd_vec paths;
	/* history of the current path; read only once the env is finished */
	u32 h_len;
	u32 h_lost;			/* entries lost on the failing path */
	struct bd_vec hist;
	/* the failing path walked back from its leak (layout_hist.c) */
	bool walked;
	u8 walk_end;			/* enum bd_walk_end */
	s32 walk_cut;			/* BD_WALK_CUT: the oldest insn walked */
	u32 walk_jumps;			/* branch decisions it added */
	u32 walk_unplaced;		/* entries it could not place on the path */
	/*
	 * where each leaked reference went on it (lineage.c): a page of its
	 * own once needed, the vec and its first records
	 */
	u32 nr_steps;
	u32 steps_lost;			/* past max_history or memory */
	struct bd_vec *steps;
	/* pages it needed that the pool could not give (each a loss above) */
	u32 alloc_failed;
};

/* Events below this count are complete. */
static inline u32 bd_nr_events(const struct bd_env *e)
{
	/* pairs with the smp_store_release() in bd_env_add() */
	return smp_load_acquire(&e->nr_events);
}

/* Paths below this count are recorded (their end fields still change). */
static inline u32 bd_nr_paths(const struct bd_env *e)
{
	/* pairs with the smp_store_release() in bd_env_path_new() */
	return smp_load_acquire(&e->nr_paths);
}

/* A finished env is never written again. */
static inline bool bd_finished(const struct bd_env *e)
{
	/* pairs with the smp_store_release() in bd_env_finish() */
	return smp_load_acquire(&e->finished);
}

/* The program's name: the source's (BTF) once known, else the kernel's. */
static inline const char *bd_env_name(const struct bd_env *e)
{
	/* pairs with the smp_store_release() in bd_src_prog_name() */
	return smp_load_acquire(&e->name_set) ? e->name : e->prog;
}

/* pool.c: pages, the one lock, and what it costs */
struct bd_counters {
	atomic64_t envs;		/* bpf_check calls recorded */
	atomic64_t envs_dropped;	/* not recorded: no room, or too many at once */
	atomic64_t envs_evicted;	/* finished envs evicted for room */
	atomic64_t envs_cleared;	/* finished envs forgotten by "clear" */
	atomic64_t events;		/* events recorded */
	atomic64_t events_dropped;	/* past max_events / max_bytes / memory */
	atomic64_t alloc_failed;	/* a page was needed and the pool had none */
	atomic64_t alloc_failed_unlisted; /* ... not counted on an env listed now */
	atomic64_t untracked;		/* hook hits in a task with no record */
	atomic64_t unresolved;		/* acquire slots that could not be read */
	atomic64_t lock_irq;		/* lock/IRQ states seen (not owned refs) */
	atomic64_t async_pops;		/* pops of states bpf_diag did not see queued */
	atomic64_t missed;		/* filled in from the kprobes' nmissed */
	atomic_long_t bytes;		/* pages in use, in bytes */
	atomic_long_t bytes_peak;
	atomic64_t lock_max_ns;		/* longest bd_lock hold, IRQs off */
};

extern struct bd_counters bd_cnt;

unsigned long bd_lock(void);
void bd_unlock(unsigned long flags);
struct bd_page *bd_page_get(struct bd_env *e, struct bd_env *owner);
void bd_page_put(struct bd_page *p);
void bd_pages_put_locked(struct bd_page *head, struct bd_page *tail, u32 n);
unsigned int bd_pool_free_pages(void);
void *bd_lock_max_site(void);
#define BD_LOCK_HIST	5
unsigned long bd_lock_hist(int i);
int bd_pool_init(void);
void bd_pool_exit(void);
void bd_pool_debugfs(struct dentry *dir);

/* store.c */
extern struct list_head bd_store;
extern unsigned int bd_max_envs, bd_max_events, bd_max_lines;
extern unsigned int bd_max_paths, bd_max_history, bd_max_walk;
extern bool bd_lineage_on;
extern unsigned long bd_max_bytes;
void bd_params_check(void);
void bd_params_show(struct seq_file *m);
void bd_hook_params_show(struct seq_file *m);

bool bd_evict_locked(void);
struct bd_env *bd_env_new(struct bpf_prog *prog);
void bd_env_finish(struct bd_env *e, int err);
bool bd_env_add(struct bd_env *e, const struct bd_event *ev);
void bd_store_clear(void);
void bd_store_exit(void);
void bd_env_put(struct bd_env *e);
struct bd_env *bd_env_next(struct bd_env *cur, u64 seq, bool newest_first);
/* vec.c: chunked arrays */
void bd_vec_init(struct bd_vec *v, size_t size, void *inl, u16 n_inl);
const void *bd_vec_at(const struct bd_vec *v, u32 i);
void *bd_vec_slot(struct bd_env *e, struct bd_vec *v, u32 i);
const struct bd_event *bd_env_event(const struct bd_env *e, u32 idx);
u32 bd_env_path_new(struct bd_env *e, const struct bd_path *p);
struct bd_path *bd_env_path(const struct bd_env *e, u32 id);
void bd_hist_truncate(struct bd_env *e, u32 len);
void bd_hist_add(struct bd_env *e, const struct bd_hist *h);
const struct bd_hist *bd_hist_at(const struct bd_env *e, u32 i);
const struct bd_step *bd_env_step(const struct bd_env *e, u32 i);
u16 bd_env_src_find(const struct bd_env *e, u32 linfo);
u16 bd_env_src_add(struct bd_env *e, const struct bd_src *src);
const struct bd_src *bd_env_src_at(const struct bd_env *e, u16 idx);
const char *bd_verdict(const struct bd_env *e);
void bd_show_env(struct seq_file *m, const struct bd_env *e);
void bd_show_event(struct seq_file *m, const struct bd_env *e, u32 idx,
		   const struct bd_event *ev);

/* hooks.c: the hook table, attached at load (hook.h); status.c */
void bpf_diag_hooks_exit(void);
void bpf_diag_hooks_show(struct seq_file *m);
void bd_status_want_syms(void);

/* sym.c: which symbols the kernel has, asked of the kprobe code */
void bd_sym_want(const char *name);
bool bd_syms_probe(void);
bool bd_sym_present(const char *name);
unsigned long bd_sym_probe_addr(const char *name);
void bd_syms_show(struct seq_file *m);

/* filter.c: the conditions of the filter file */
enum {
	BD_F_ENV = 1 << 0, BD_F_PROG = 1 << 1, BD_F_REF = 1 << 2,
	BD_F_PID = 1 << 3, BD_F_COMM = 1 << 4, BD_F_VERDICT = 1 << 5,
	BD_F_LEAKED = 1 << 6, BD_F_LOCKS = 1 << 7, BD_F_PATH = 1 << 8,
};

struct bd_filter {
	u32 keys;			/* BD_F_* given */
	u64 env;
	u32 ref;
	u32 path;
	pid_t pid;
	bool rejected;			/* verdict= */
	bool prog_prefix;		/* prog=PREFIX* */
	char prog[BD_NAME_LEN];
	char comm[TASK_COMM_LEN];
};

void bd_filter_get(struct bd_filter *f);
void bd_filter_print(struct seq_file *m, const struct bd_filter *f);
bool bd_env_match(const struct bd_filter *f, const struct bd_env *e);
bool bd_event_match(const struct bd_filter *f, const struct bd_event *ev);
extern const struct file_operations bd_filter_fops;
int bd_filter_open(struct inode *inode, struct file *file);
ssize_t bd_filter_write(struct file *file, const char __user *ubuf, size_t count, loff_t *ppos);
const char *bd_esc(const char *in, char *out, size_t len);

/* control.c */
extern const struct file_operations bd_control_fops;
int bd_proc_init(void);
void bd_proc_exit(void);

/* output.c */
const char *bd_prog_type_name(u32 type);
extern const char * const bd_kind_names[], * const bd_path_names[], * const bd_site_names[];
extern const char * const bd_lock_names[], * const bd_end_names[], * const bd_dir_names[];
extern const char * const bd_walk_names[], * const bd_step_names[];
char *bd_loc_name(char *buf, size_t len, u8 frame, s16 loc);
void bd_put_word(struct seq_file *m, const char *s);
extern const struct file_operations bd_envs_fops, bd_events_fops, bd_paths_fops;
extern const struct file_operations bd_hist_fops, bd_line_fops;
void bd_show_hist(struct seq_file *m, const struct bd_env *e, u32 i, const struct bd_hist *h);
void bd_show_step(struct seq_file *m, const struct bd_env *e, u32 i, const struct bd_step *st);
void bd_show_path(struct seq_file *m, const struct bd_env *e, u32 id, const struct bd_path *p);

/* report.c */
extern const struct file_operations bd_report_fops, bd_json_fops;

#endif /* _BPF_DIAG_INTERNAL_H */
