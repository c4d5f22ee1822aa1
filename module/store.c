// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the bounded history store.
 *
 * One struct bd_env per bpf_check() call, kept on a list, oldest first.
 * Events are appended by the verifying task only (from kprobe context, so
 * with GFP_ATOMIC and no sleeping) into chunks; the count is published with
 * release semantics, so readers walk events [0, nr_events) without a lock
 * against the writer.  bd_store_lock protects the list itself: readers
 * hold it while they format one seq_file buffer, writers take it only to
 * add an env or to evict one.  Only finished envs are evicted or cleared,
 * so a writer never sees its env freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sched/clock.h>
#include "bpf_diag.h"

DEFINE_RAW_SPINLOCK(bd_store_lock);
LIST_HEAD(bd_store);
struct bd_counters bd_cnt;

unsigned int bd_max_envs = 1024;
module_param_named(max_envs, bd_max_envs, uint, 0444);
MODULE_PARM_DESC(max_envs, "Verifications kept; the oldest finished one is evicted (1024)");

unsigned int bd_max_events = 16384;
module_param_named(max_events, bd_max_events, uint, 0444);
MODULE_PARM_DESC(max_events, "Events kept per verification; more are counted as dropped (16384)");

unsigned long bd_max_bytes = 32UL << 20;
module_param_named(max_bytes, bd_max_bytes, ulong, 0444);
MODULE_PARM_DESC(max_bytes, "Memory for the whole store in bytes (32 MiB)");

unsigned int bd_max_lines = 256;
module_param_named(max_lines, bd_max_lines, uint, 0444);
MODULE_PARM_DESC(max_lines, "Source lines kept per verification (256, at most 65534)");

unsigned int bd_max_paths = 8192;
module_param_named(max_paths, bd_max_paths, uint, 0444);
MODULE_PARM_DESC(max_paths, "Path records kept per verification (8192)");

unsigned int bd_max_history = 8192;
module_param_named(max_history, bd_max_history, uint, 0444);
MODULE_PARM_DESC(max_history, "Entries in the history of the path being verified (8192)");

static unsigned int nr_envs;
static u64 next_seq;

static void env_free(struct bd_env *e)
{
	struct bd_src_chunk *sc = e->src_head, *sn;
	struct bd_chunk *c = e->head, *n;

	while (c) {
		n = c->next;
		kfree(c);
		c = n;
	}
	while (sc) {
		sn = sc->next;
		kfree(sc);
		sc = sn;
	}
	kfree(e->src_idx);
	kfree(e->src_order);
	{
		struct bd_path_chunk *pc = e->path_head, *pn;
		u32 i;

		while (pc) {
			pn = pc->next;
			kfree(pc);
			pc = pn;
		}
		for (i = 0; e->hist && i < DIV_ROUND_UP(bd_max_history, BD_HIST_CHUNK); i++)
			kfree(e->hist[i]);
		kfree(e->hist);
	}
	atomic_long_sub(e->bytes, &bd_cnt.bytes);
	kfree(e);
}

/* Evict the oldest finished env.  bd_store_lock held. */
static bool evict_one_locked(void)
{
	struct bd_env *e;

	list_for_each_entry(e, &bd_store, node) {
		if (!bd_finished(e))
			continue;
		list_del(&e->node);
		nr_envs--;
		env_free(e);
		atomic64_inc(&bd_cnt.envs_evicted);
		return true;
	}
	return false;
}

static bool over_bytes(size_t more)
{
	return atomic_long_read(&bd_cnt.bytes) + more > bd_max_bytes;
}

/* Make room for @more bytes (and one env if @env); false if impossible. */
static bool make_room(size_t more, bool env)
{
	unsigned long flags;
	bool ok = true;

	raw_spin_lock_irqsave(&bd_store_lock, flags);
	while (over_bytes(more) || (env && nr_envs >= bd_max_envs)) {
		if (!evict_one_locked()) {
			ok = false;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&bd_store_lock, flags);
	return ok;
}

struct bd_env *bd_env_new(struct bpf_prog *prog)
{
	struct bd_env *e;
	unsigned long flags;

	if (!make_room(sizeof(*e), true))
		goto drop;
	e = kzalloc_obj(*e, GFP_ATOMIC | __GFP_NOWARN);
	if (!e)
		goto drop;
	e->bytes = sizeof(*e);
	atomic_long_add(e->bytes, &bd_cnt.bytes);
	strscpy(e->prog, prog->aux->name, sizeof(e->prog));
	get_task_comm(e->comm, current);
	e->type = prog->type;
	e->pid = task_tgid_nr(current);
	e->insns = prog->len;
	e->start_ns = ktime_get_ns();

	raw_spin_lock_irqsave(&bd_store_lock, flags);
	e->seq = ++next_seq;
	list_add_tail(&e->node, &bd_store);
	nr_envs++;
	raw_spin_unlock_irqrestore(&bd_store_lock, flags);
	atomic64_inc(&bd_cnt.envs);
	return e;
drop:
	atomic64_inc(&bd_cnt.envs_dropped);
	return NULL;
}

void bd_env_finish(struct bd_env *e, int err)
{
	e->err = err;
	e->end_ns = ktime_get_ns();
	/* the writer is done: eviction and readers may rely on it */
	smp_store_release(&e->finished, true);
}

static void publish_chunk(struct bd_chunk **link, struct bd_chunk *c)
{
	/* pairs with the smp_load_acquire() in chunk_at() */
	smp_store_release(link, c);
}

static const struct bd_chunk *chunk_at(struct bd_chunk * const *link)
{
	/* pairs with the smp_store_release() in publish_chunk() */
	return smp_load_acquire(link);
}

static void publish_src_chunk(struct bd_src_chunk **link, struct bd_src_chunk *c)
{
	/* pairs with the smp_load_acquire() in src_chunk_at() */
	smp_store_release(link, c);
}

static const struct bd_src_chunk *src_chunk_at(struct bd_src_chunk * const *link)
{
	/* pairs with the smp_store_release() in publish_src_chunk() */
	return smp_load_acquire(link);
}

static bool charge(struct bd_env *e, size_t n)
{
	if (!make_room(n, false))
		return false;
	e->bytes += n;
	atomic_long_add(n, &bd_cnt.bytes);
	return true;
}

static void uncharge(struct bd_env *e, size_t n)
{
	e->bytes -= n;
	atomic_long_sub(n, &bd_cnt.bytes);
}

static_assert(offsetof(struct bd_chunk, next) == 0);
static_assert(offsetof(struct bd_src_chunk, next) == 0);
static_assert(offsetof(struct bd_path_chunk, next) == 0);

/*
 * A new chunk of @size bytes charged to @e, its leading next pointer
 * NULL; NULL (nothing charged) when the store or the allocator is full.
 */
static void *new_chunk(struct bd_env *e, size_t size)
{
	void **c;

	if (!charge(e, size))
		return NULL;
	c = kmalloc(size, GFP_ATOMIC | __GFP_NOWARN);
	if (!c) {
		uncharge(e, size);
		return NULL;
	}
	*c = NULL;
	return c;
}

static void drop_event(struct bd_env *e)
{
	e->dropped++;
	atomic64_inc(&bd_cnt.events_dropped);
}

/* Append @ev to @e.  Called only by the task verifying @e. */
void bd_env_add(struct bd_env *e, const struct bd_event *ev)
{
	u32 n = e->nr_events, idx = n % BD_CHUNK_EVENTS;
	struct bd_chunk *c;

	if (n >= bd_max_events)
		return drop_event(e);
	if (idx == 0) {
		c = new_chunk(e, sizeof(*c));
		if (!c)
			return drop_event(e);
		publish_chunk(e->tail ? &e->tail->next : &e->head, c);
		e->tail = c;
	}
	e->tail->ev[idx] = *ev;
	/* publish the event: pairs with the readers' acquire */
	smp_store_release(&e->nr_events, n + 1);
	atomic64_inc(&bd_cnt.events);
}

/*
 * Event @idx of @e, for readers holding bd_store_lock.  @cur caches the
 * chunk of the previous call so a sequential walk is linear.
 */
const struct bd_event *bd_env_event(const struct bd_env *e, u32 idx,
				    const struct bd_chunk **cur)
{
	const struct bd_chunk *c;
	u32 i;

	if (idx >= bd_nr_events(e))
		return NULL;
	if (idx % BD_CHUNK_EVENTS && *cur) {
		c = *cur;
	} else {
		c = chunk_at(&e->head);
		for (i = 0; i < idx / BD_CHUNK_EVENTS && c; i++)
			c = chunk_at(&c->next);
	}
	*cur = c;
	return c ? &c->ev[idx % BD_CHUNK_EVENTS] : NULL;
}

/*
 * Line-info record @linfo of @e: its slot, or BD_NO_SRC with *@pos set to
 * where bd_env_src_add() would insert it.
 */
u16 bd_env_src_find(const struct bd_env *e, u32 linfo, u32 *pos)
{
	u32 lo = 0, hi = e->nr_src, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (e->src_idx[mid] == linfo)
			return e->src_order[mid];
		if (e->src_idx[mid] < linfo)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return BD_NO_SRC;
}

/*
 * Add *@src as line-info record @linfo at sorted position @pos.  Called
 * only by the task verifying @e.  BD_NO_SRC (counted) past max_lines.
 */
u16 bd_env_src_add(struct bd_env *e, u32 pos, u32 linfo, const struct bd_src *src)
{
	u32 n = e->nr_src, max = min_t(u32, bd_max_lines, BD_NO_SRC - 1);
	size_t isz = max * (sizeof(u32) + sizeof(u16));
	struct bd_src_chunk *c;

	if (n >= max)
		goto drop;
	if (!e->src_idx) {
		if (!charge(e, isz))
			goto drop;
		e->src_idx = kmalloc_array(max, sizeof(u32), GFP_ATOMIC | __GFP_NOWARN);
		e->src_order = kmalloc_array(max, sizeof(u16), GFP_ATOMIC | __GFP_NOWARN);
		if (!e->src_idx || !e->src_order) {
			kfree(e->src_idx);
			kfree(e->src_order);
			e->src_idx = NULL;
			e->src_order = NULL;
			uncharge(e, isz);
			goto drop;
		}
	}
	if (n % BD_SRC_CHUNK == 0) {
		c = new_chunk(e, sizeof(*c));
		if (!c)
			goto drop;
		publish_src_chunk(e->src_tail ? &e->src_tail->next : &e->src_head, c);
		e->src_tail = c;
	}
	e->src_tail->s[n % BD_SRC_CHUNK] = *src;
	memmove(&e->src_idx[pos + 1], &e->src_idx[pos], (n - pos) * sizeof(u32));
	memmove(&e->src_order[pos + 1], &e->src_order[pos], (n - pos) * sizeof(u16));
	e->src_idx[pos] = linfo;
	e->src_order[pos] = n;
	/* publish the record: pairs with bd_env_src_at() */
	smp_store_release(&e->nr_src, n + 1);
	return n;
drop:
	e->src_dropped++;
	return BD_NO_SRC;
}

static void publish_path_chunk(struct bd_path_chunk **link, struct bd_path_chunk *c)
{
	/* pairs with the smp_load_acquire() in path_chunk_at() */
	smp_store_release(link, c);
}

static struct bd_path_chunk *path_chunk_at(struct bd_path_chunk * const *link)
{
	/* pairs with the smp_store_release() in publish_path_chunk() */
	return smp_load_acquire(link);
}

/* A new path record; its id, or BD_NO_PATH past max_paths. */
u32 bd_env_path_new(struct bd_env *e, const struct bd_path *p)
{
	u32 n = e->nr_paths;
	struct bd_path_chunk *c;

	if (n >= bd_max_paths)
		goto drop;
	if (n % BD_PATH_CHUNK == 0) {
		c = new_chunk(e, sizeof(*c));
		if (!c)
			goto drop;
		publish_path_chunk(e->path_tail ? &e->path_tail->next : &e->path_head, c);
		e->path_tail = c;
	}
	e->path_tail->p[n % BD_PATH_CHUNK] = *p;
	/* publish the record: pairs with bd_env_path() */
	smp_store_release(&e->nr_paths, n + 1);
	return n;
drop:
	e->paths_dropped++;
	return BD_NO_PATH;
}

/* Path @id of @e, or NULL.  Its end fields change until the env finishes. */
struct bd_path *bd_env_path(const struct bd_env *e, u32 id)
{
	struct bd_path_chunk *c;
	u32 i;

	/* pairs with the smp_store_release() in bd_env_path_new() */
	if (id == BD_NO_PATH || id >= smp_load_acquire(&e->nr_paths))
		return NULL;
	c = path_chunk_at(&e->path_head);
	for (i = 0; i < id / BD_PATH_CHUNK && c; i++)
		c = path_chunk_at(&c->next);
	return c ? &c->p[id % BD_PATH_CHUNK] : NULL;
}

/* Append to the current path's history (writer only). */
void bd_hist_add(struct bd_env *e, const struct bd_hist *h)
{
	u32 n = e->h_len, ci = n / BD_HIST_CHUNK;
	u32 nch = DIV_ROUND_UP(bd_max_history, BD_HIST_CHUNK);

	if (n >= bd_max_history)
		goto lost;
	if (!e->hist) {
		if (!charge(e, nch * sizeof(*e->hist)))
			goto lost;
		e->hist = kcalloc(nch, sizeof(*e->hist), GFP_ATOMIC | __GFP_NOWARN);
		if (!e->hist) {
			uncharge(e, nch * sizeof(*e->hist));
			goto lost;
		}
	}
	if (!e->hist[ci]) {
		if (!charge(e, BD_HIST_CHUNK * sizeof(*h)))
			goto lost;
		e->hist[ci] = kmalloc_array(BD_HIST_CHUNK, sizeof(*h), GFP_ATOMIC | __GFP_NOWARN);
		if (!e->hist[ci]) {
			uncharge(e, BD_HIST_CHUNK * sizeof(*h));
			goto lost;
		}
	}
	e->hist[ci][n % BD_HIST_CHUNK] = *h;
	e->h_len = n + 1;
	return;
lost:
	e->h_lost++;
}

/* Cut the history back to @len entries (a pop; writer only). */
void bd_hist_truncate(struct bd_env *e, u32 len)
{
	if (len < e->h_len)
		e->h_len = len;
}

/* History entry @i; for readers of a finished env. */
const struct bd_hist *bd_hist_at(const struct bd_env *e, u32 i)
{
	if (i >= e->h_len || !e->hist || !e->hist[i / BD_HIST_CHUNK])
		return NULL;
	return &e->hist[i / BD_HIST_CHUNK][i % BD_HIST_CHUNK];
}

/* Source line @idx of @e, for readers holding bd_store_lock. */
const struct bd_src *bd_env_src_at(const struct bd_env *e, u16 idx)
{
	const struct bd_src_chunk *c;
	u32 i;

	/* pairs with the smp_store_release() in bd_env_src() */
	if (idx == BD_NO_SRC || idx >= smp_load_acquire(&e->nr_src))
		return NULL;
	c = src_chunk_at(&e->src_head);
	for (i = 0; i < idx / BD_SRC_CHUNK && c; i++)
		c = src_chunk_at(&c->next);
	return c ? &c->s[idx % BD_SRC_CHUNK] : NULL;
}

/* Forget every finished env. */
void bd_store_clear(void)
{
	struct bd_env *e, *t;
	unsigned long flags;

	raw_spin_lock_irqsave(&bd_store_lock, flags);
	list_for_each_entry_safe(e, t, &bd_store, node) {
		if (!bd_finished(e))
			continue;
		list_del(&e->node);
		nr_envs--;
		env_free(e);
	}
	raw_spin_unlock_irqrestore(&bd_store_lock, flags);
}

/* Module exit: the hooks are gone, nothing writes any more. */
void bd_store_exit(void)
{
	struct bd_env *e, *t;

	list_for_each_entry_safe(e, t, &bd_store, node) {
		list_del(&e->node);
		env_free(e);
	}
	nr_envs = 0;
}
