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

static unsigned int nr_envs;
static u64 next_seq;

static void env_free(struct bd_env *e)
{
	struct bd_chunk *c = e->head, *n;

	while (c) {
		n = c->next;
		kfree(c);
		c = n;
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
		if (!make_room(sizeof(*c), false))
			return drop_event(e);
		c = kmalloc_obj(*c, GFP_ATOMIC | __GFP_NOWARN);
		if (!c)
			return drop_event(e);
		c->next = NULL;
		e->bytes += sizeof(*c);
		atomic_long_add(sizeof(*c), &bd_cnt.bytes);
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
