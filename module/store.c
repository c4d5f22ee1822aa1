// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the bounded history store.
 *
 * One struct bd_env per bpf_check() call, in its own page, kept on a list,
 * oldest first.  Events, source lines, paths and the history are appended
 * by the verifying task only (kprobe context: pages from the pool, no
 * sleeping) into chunked arrays; each count is published with release
 * semantics, so readers see records [0, count) without any lock against
 * the writer.  bd_lock guards the list and the envs' reference counts: the
 * list holds one, every reader that stands on an env holds one, and the
 * last put gives the env's pages back to the pool in one splice.  Only
 * finished envs are evicted or cleared, so a writer never sees its env go.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include "internal.h"
#include "fields.h"

LIST_HEAD(bd_store);

static unsigned int nr_envs;
static u64 next_seq;

static_assert(BD_VEC_MAX(sizeof(struct bd_event)) >= BD_CAP_RECORDS);
static_assert(BD_VEC_MAX(sizeof(struct bd_path)) >= BD_CAP_RECORDS);
static_assert(BD_VEC_MAX(sizeof(struct bd_hist)) >= BD_CAP_RECORDS);
static_assert(BD_VEC_MAX(sizeof(struct bd_step)) >= BD_CAP_RECORDS);
static_assert(BD_VEC_MAX(sizeof(struct bd_src)) >= BD_NO_SRC - 1);

/*
 * The env's own page: the record, then the first records of each array.
 * Most envs need no other page (the corpus's median: 3 events, 2 paths).
 */
struct bd_env_page {
	struct bd_env e;
	struct bd_event ev[12];
	struct bd_path paths[10];
	struct bd_hist hist[12];
	struct bd_src src[5];
};

static_assert(sizeof(struct bd_env_page) <= BD_PAGE_DATA);

/* ---- env lifetime ---- */

static void put_locked(struct bd_env *e)
{
	if (--e->refs)
		return;
	bd_pages_put_locked(e->pg_head, e->pg_tail, e->nr_pages);
}

NOKPROBE_SYMBOL(put_locked);

static void unlink_locked(struct bd_env *e)
{
	/* its failed allocations stay counted */
	atomic64_add(READ_ONCE(e->alloc_failed), &bd_cnt.alloc_failed_unlisted);
	list_del(&e->node);
	e->linked = false;
	nr_envs--;
	put_locked(e);
}

NOKPROBE_SYMBOL(unlink_locked);

/*
 * Evict the oldest finished env; false if there is none.  Its pages go
 * back now, or when the last reader standing on it moves on.  At most
 * the BD_MAX_ACTIVE unfinished envs are skipped.  bd_lock held.
 */
bool bd_evict_locked(void)
{
	struct bd_env *e;

	list_for_each_entry(e, &bd_store, node) {
		if (!bd_finished(e))
			continue;
		unlink_locked(e);
		atomic64_inc(&bd_cnt.envs_evicted);
		return true;
	}
	return false;
}

NOKPROBE_SYMBOL(bd_evict_locked);

void bd_env_put(struct bd_env *e)
{
	unsigned long flags;

	if (!e)
		return;
	flags = bd_lock();
	put_locked(e);
	bd_unlock(flags);
}

/* A record for a verification of @prog starting now; NULL (counted) if no room. */
struct bd_env *bd_env_new(struct bpf_prog *prog)
{
	struct bd_page *pg = bd_page_get(NULL, NULL);
	struct bd_env_page *ep;
	unsigned long flags;
	struct bd_env *e;

	if (!pg)
		goto drop;
	ep = (struct bd_env_page *)pg->data;
	e = &ep->e;
	memset(e, 0, sizeof(*e));
	e->pg_head = pg;
	e->pg_tail = pg;
	e->nr_pages = 1;
	strscpy(e->prog, BD_AT(BD_RD(prog, bpf_prog, aux), bpf_prog_aux, name), sizeof(e->prog));
	/* as bpf_get_current_comm(): get_task_comm() takes task_lock on 6.x */
	strscpy_pad(e->comm, BD_AT(current, task_struct, comm), sizeof(e->comm));
	e->type = BD_RD(prog, bpf_prog, type);
	e->pid = task_tgid_nr(current);
	e->insns = BD_RD(prog, bpf_prog, len);
	e->start_ns = ktime_get_ns();
	memset(e->src_hash, 0xff, sizeof(e->src_hash));
	bd_vec_init(&e->ev, sizeof(struct bd_event), ep->ev, ARRAY_SIZE(ep->ev));
	bd_vec_init(&e->src, sizeof(struct bd_src), ep->src, ARRAY_SIZE(ep->src));
	bd_vec_init(&e->paths, sizeof(struct bd_path), ep->paths, ARRAY_SIZE(ep->paths));
	bd_vec_init(&e->hist, sizeof(struct bd_hist), ep->hist, ARRAY_SIZE(ep->hist));

	flags = bd_lock();
	while (nr_envs >= bd_max_envs) {
		if (!bd_evict_locked()) {
			/* every env kept is still being verified */
			bd_pages_put_locked(pg, pg, 1);
			bd_unlock(flags);
			goto drop;
		}
	}
	e->seq = ++next_seq;
	e->refs = 1;
	e->linked = true;
	list_add_tail(&e->node, &bd_store);
	nr_envs++;
	bd_unlock(flags);
	atomic64_inc(&bd_cnt.envs);
	return e;
drop:
	atomic64_inc(&bd_cnt.envs_dropped);
	return NULL;
}

NOKPROBE_SYMBOL(bd_env_new);

void bd_env_finish(struct bd_env *e, int err)
{
	e->err = err;
	e->end_ns = ktime_get_ns();
	/* the writer is done: eviction and readers may rely on it */
	smp_store_release(&e->finished, true);
}

NOKPROBE_SYMBOL(bd_env_finish);

/* Append @ev to @e; false (counted) if it was dropped.  Writer only. */
bool bd_env_add(struct bd_env *e, const struct bd_event *ev)
{
	u32 n = e->nr_events;
	struct bd_event *slot;

	slot = n < bd_max_events ? bd_vec_slot(e, &e->ev, n) : NULL;
	if (!slot) {
		e->dropped++;
		atomic64_inc(&bd_cnt.events_dropped);
		return false;
	}
	*slot = *ev;
	if (ev->kind == BPF_DIAG_LEAK)
		WRITE_ONCE(e->has_leak, true);
	/* publish the event: pairs with bd_nr_events() */
	smp_store_release(&e->nr_events, n + 1);
	atomic64_inc(&bd_cnt.events);
	return true;
}

NOKPROBE_SYMBOL(bd_env_add);

/* Event @idx of @e, or NULL past the events published. */
const struct bd_event *bd_env_event(const struct bd_env *e, u32 idx)
{
	return idx < bd_nr_events(e) ? bd_vec_at(&e->ev, idx) : NULL;
}

/* ---- source lines, found by their line-info index ---- */

static u32 src_bucket(u32 linfo)
{
	return hash_32(linfo, BD_SRC_HASH_BITS);
}

const struct bd_src *bd_env_src_at(const struct bd_env *e, u16 idx)
{
	/* pairs with the smp_store_release() in bd_env_src_add() */
	if (idx == BD_NO_SRC || idx >= smp_load_acquire(&e->nr_src))
		return NULL;
	return bd_vec_at(&e->src, idx);
}

NOKPROBE_SYMBOL(bd_env_src_at);

/* The slot of line-info record @linfo, or BD_NO_SRC.  Writer only. */
u16 bd_env_src_find(const struct bd_env *e, u32 linfo)
{
	u16 i = e->src_hash[src_bucket(linfo)];
	const struct bd_src *s;

	while ((s = bd_env_src_at(e, i))) {
		if (s->linfo == linfo)
			return i;
		i = s->next;
	}
	return BD_NO_SRC;
}

NOKPROBE_SYMBOL(bd_env_src_find);

/* Add *@src; its slot, or BD_NO_SRC (counted) past max_lines.  Writer only. */
u16 bd_env_src_add(struct bd_env *e, const struct bd_src *src)
{
	u32 n = e->nr_src, b = src_bucket(src->linfo);
	struct bd_src *s;

	s = n < bd_max_lines ? bd_vec_slot(e, &e->src, n) : NULL;
	if (!s) {
		e->src_dropped++;
		return BD_NO_SRC;
	}
	*s = *src;
	s->next = e->src_hash[b];
	e->src_hash[b] = n;
	/* publish the record: pairs with bd_env_src_at() */
	smp_store_release(&e->nr_src, n + 1);
	return n;
}

NOKPROBE_SYMBOL(bd_env_src_add);

/* ---- paths and the history ---- */

/* A new path record; its id, or BD_NO_PATH (counted) past max_paths. */
u32 bd_env_path_new(struct bd_env *e, const struct bd_path *p)
{
	u32 n = e->nr_paths;
	struct bd_path *slot;

	slot = n < bd_max_paths ? bd_vec_slot(e, &e->paths, n) : NULL;
	if (!slot) {
		e->paths_dropped++;
		return BD_NO_PATH;
	}
	*slot = *p;
	/* publish the record: pairs with bd_env_path() */
	smp_store_release(&e->nr_paths, n + 1);
	return n;
}

NOKPROBE_SYMBOL(bd_env_path_new);

/* Path @id of @e, or NULL.  Its end fields change until the env finishes. */
struct bd_path *bd_env_path(const struct bd_env *e, u32 id)
{
	if (id == BD_NO_PATH || id >= bd_nr_paths(e))
		return NULL;
	return (struct bd_path *)bd_vec_at(&e->paths, id);
}

NOKPROBE_SYMBOL(bd_env_path);

/* Append to the current path's history (writer only); lost ones counted. */
void bd_hist_add(struct bd_env *e, const struct bd_hist *h)
{
	struct bd_hist *slot;

	slot = e->h_len < bd_max_history ? bd_vec_slot(e, &e->hist, e->h_len) : NULL;
	if (!slot) {
		e->h_lost++;
		return;
	}
	*slot = *h;
	e->h_len++;
}

NOKPROBE_SYMBOL(bd_hist_add);

/* Cut the history back to @len entries (a pop; writer only). */
void bd_hist_truncate(struct bd_env *e, u32 len)
{
	if (len < e->h_len)
		e->h_len = len;
}

NOKPROBE_SYMBOL(bd_hist_truncate);

/* History entry @i; for readers of a finished env, and its writer. */
const struct bd_hist *bd_hist_at(const struct bd_env *e, u32 i)
{
	return i < e->h_len ? bd_vec_at(&e->hist, i) : NULL;
}

NOKPROBE_SYMBOL(bd_hist_at);

/* Lineage step @i; for readers of a finished env, and its writer. */
const struct bd_step *bd_env_step(const struct bd_env *e, u32 i)
{
	return i < e->nr_steps ? bd_vec_at(e->steps, i) : NULL;
}

NOKPROBE_SYMBOL(bd_env_step);

/* ---- readers' walk over the list ---- */

/*
 * The env after @cur (oldest first) or before it (@newest_first), or
 * without @cur the first one after (before) seq @seq; a reference is
 * taken on it and @cur's is dropped.  NULL at the end.
 *
 * O(1) unless @cur was evicted or cleared meanwhile.  Then it is looked
 * for by seq from the oldest end, which is bounded: envs leave the list
 * oldest finished first (eviction and clear both walk from the oldest),
 * so when @cur left, every env older than it that is still listed was
 * unfinished then, i.e. one of the at most BD_MAX_ACTIVE verifications
 * in flight.  The walk stops at the first env newer than @cur.
 */
struct bd_env *bd_env_next(struct bd_env *cur, u64 seq, bool newest_first)
{
	struct bd_env *e, *found = NULL;
	unsigned long flags = bd_lock();

	if (cur && cur->linked) {
		e = newest_first ? list_prev_entry(cur, node) : list_next_entry(cur, node);
		found = &e->node == &bd_store ? NULL : e;
	} else if (cur) {
		list_for_each_entry(e, &bd_store, node) {
			if (e->seq > cur->seq) {
				if (!newest_first)
					found = e;
				break;
			}
			if (newest_first)
				found = e;	/* the newest older one so far */
		}
	} else if (newest_first) {
		/* a first step: from the newest end, the first env below @seq */
		list_for_each_entry_reverse(e, &bd_store, node)
			if (e->seq < seq) {
				found = e;
				break;
			}
	} else {
		list_for_each_entry(e, &bd_store, node)
			if (e->seq > seq) {
				found = e;
				break;
			}
	}
	if (found)
		found->refs++;
	if (cur)
		put_locked(cur);
	bd_unlock(flags);
	return found;
}

/* Forget every finished env, 64 at a time under the lock. */
void bd_store_clear(void)
{
	struct bd_env *e, *t;
	unsigned long flags;
	int n;

	do {
		n = 0;
		flags = bd_lock();
		list_for_each_entry_safe(e, t, &bd_store, node) {
			if (!bd_finished(e))
				continue;
			unlink_locked(e);
			atomic64_inc(&bd_cnt.envs_cleared);
			if (++n == 64)
				break;
		}
		bd_unlock(flags);
		cond_resched();
	} while (n == 64);
}

/* Module exit: no hook runs and no file is open any more. */
void bd_store_exit(void)
{
	struct bd_env *e, *t;
	unsigned long flags = bd_lock();

	list_for_each_entry_safe(e, t, &bd_store, node)
		unlink_locked(e);
	bd_unlock(flags);
}
