// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the page pool, and bd_lock.
 *
 * Handlers run in kprobe context with preemption off; on PREEMPT_RT the
 * slab allocator takes sleeping locks, so they may not call it at all.
 * Every page a handler uses comes from a pool of free pages that a worker
 * keeps filled (and trims) from process context.  Taking a page, or giving
 * an env's whole chain of pages back, is O(1) under bd_lock.
 *
 * bd_lock is a raw spinlock taken with IRQs off.  It guards the pool, the
 * memory charged against max_bytes and the store list with its reference
 * counts (store.c).  Every section under it is O(1) or bounded by a small
 * constant; the longest hold is measured and shown in status.
 *
 * With CONFIG_FAULT_INJECTION the pool's pages can be made to fail on
 * purpose: /sys/kernel/debug/bpf_diag/fail_alloc/ (the kernel's usual
 * fault-attr files: probability, interval, times, ...).  The worker's own
 * allocation helper is open to fail_function (ALLOW_ERROR_INJECTION).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/error-injection.h>
#include <linux/fault-inject.h>
#include <linux/kprobes.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "internal.h"

#define BD_POOL_INIT	16	/* allocated at insmod */
#define BD_POOL_LOW	128	/* refill when fewer pages are free */
#define BD_POOL_FILL	256	/* ... up to this many */
#define BD_POOL_HIGH	1024	/* trim back to BD_POOL_FILL above this */

static DEFINE_RAW_SPINLOCK(bd_lock_raw);
static u64 lock_t0;			/* when the holder took it */
static void *lock_max_site;		/* who held it longest */
static unsigned long lock_hist[BD_LOCK_HIST];	/* holds by decade of ns */
static struct bd_page *free_list;
static unsigned int nr_free;
static bool pool_stopping;
struct bd_counters bd_cnt;

#ifdef CONFIG_FAULT_INJECTION
static DECLARE_FAULT_ATTR(fail_alloc);
#endif

static void pool_work_fn(struct work_struct *w);
static DECLARE_WORK(pool_work, pool_work_fn);

unsigned long bd_lock(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&bd_lock_raw, flags);
	lock_t0 = local_clock();
	return flags;
}

NOKPROBE_SYMBOL(bd_lock);

void bd_unlock(unsigned long flags)
{
	u64 held = local_clock() - lock_t0;
	u64 bound = 1000;
	int i;

	for (i = 0; i < BD_LOCK_HIST - 1 && held >= bound; i++)
		bound *= 10;
	lock_hist[i]++;
	if (held > atomic64_read(&bd_cnt.lock_max_ns)) {
		atomic64_set(&bd_cnt.lock_max_ns, held);
		WRITE_ONCE(lock_max_site, __builtin_return_address(0));
	}
	raw_spin_unlock_irqrestore(&bd_lock_raw, flags);
}

NOKPROBE_SYMBOL(bd_unlock);

/* Have the worker fill or trim the pool. */
static void kick(void)
{
	if (!READ_ONCE(pool_stopping))
		queue_work(bd_unbound_wq, &pool_work);
}

NOKPROBE_SYMBOL(kick);

static bool fail_now(void)
{
#ifdef CONFIG_FAULT_INJECTION
	return should_fail(&fail_alloc, PAGE_SIZE);
#else
	return false;
#endif
}

NOKPROBE_SYMBOL(fail_now);

/*
 * A page that could not be had: counted, and on the env it was for
 * (@owner, written only by its verifying task), or as unlisted when there
 * is none (an env not created, or a walk not recorded).
 */
static void alloc_failed(struct bd_env *owner)
{
	atomic64_inc(&bd_cnt.alloc_failed);
	if (owner)
		WRITE_ONCE(owner->alloc_failed, owner->alloc_failed + 1);
	else
		atomic64_inc(&bd_cnt.alloc_failed_unlisted);
}

NOKPROBE_SYMBOL(alloc_failed);

/*
 * A page for @e (linked into its chain), or for the capture's own use
 * (@e NULL), charged against max_bytes: old finished envs are evicted for
 * room.  NULL when there is no room or no free page; the caller counts
 * what it loses, a failed allocation is counted on @owner.  Any context.
 */
struct bd_page *bd_page_get(struct bd_env *e, struct bd_env *owner)
{
	struct bd_page *p = NULL;
	unsigned long flags;
	bool low;
	long b;

	if (fail_now()) {
		alloc_failed(owner);
		return NULL;
	}
	flags = bd_lock();
	while (atomic_long_read(&bd_cnt.bytes) + PAGE_SIZE > bd_max_bytes)
		if (!bd_evict_locked())
			goto out;
	p = free_list;
	if (!p) {
		alloc_failed(owner);
		goto out;
	}
	free_list = p->next;
	nr_free--;
	p->next = NULL;
	b = atomic_long_add_return(PAGE_SIZE, &bd_cnt.bytes);
	if (b > atomic_long_read(&bd_cnt.bytes_peak))
		atomic_long_set(&bd_cnt.bytes_peak, b);
	if (e) {
		if (e->pg_tail)
			e->pg_tail->next = p;
		else
			e->pg_head = p;
		e->pg_tail = p;
		e->nr_pages++;
	}
out:
	low = nr_free < BD_POOL_LOW;
	bd_unlock(flags);
	if (low)
		kick();
	return p;
}

NOKPROBE_SYMBOL(bd_page_get);

/* Give back @n pages linked from @head to @tail.  bd_lock held. */
void bd_pages_put_locked(struct bd_page *head, struct bd_page *tail, u32 n)
{
	if (!n)
		return;
	tail->next = free_list;
	free_list = head;
	nr_free += n;
	atomic_long_sub((long)n * PAGE_SIZE, &bd_cnt.bytes);
	if (nr_free > BD_POOL_HIGH)
		kick();
}

NOKPROBE_SYMBOL(bd_pages_put_locked);

/* Give back one page that bd_page_get(NULL) handed out.  Any context. */
void bd_page_put(struct bd_page *p)
{
	unsigned long flags = bd_lock();

	bd_pages_put_locked(p, p, 1);
	bd_unlock(flags);
}

NOKPROBE_SYMBOL(bd_page_put);

unsigned int bd_pool_free_pages(void)
{
	return READ_ONCE(nr_free);
}

/* The function that held bd_lock longest, for status. */
void *bd_lock_max_site(void)
{
	return READ_ONCE(lock_max_site);
}

/*
 * How many bd_lock holds lasted under 1us, 10us, 100us, 1ms, and longer.
 * Read without the lock: a count may be one behind.
 */
unsigned long bd_lock_hist(int i)
{
	return READ_ONCE(lock_hist[i]);
}

/* The worker's one allocation: fail_function can target it. */
static noinline struct bd_page *bd_alloc_page(void)
{
	return kmalloc(sizeof(struct bd_page), GFP_KERNEL | __GFP_NOWARN);
}
ALLOW_ERROR_INJECTION(bd_alloc_page, NULL);

static_assert(sizeof(struct bd_page) == PAGE_SIZE);

/*
 * Fill the pool up to BD_POOL_FILL, or trim it back to that from above
 * BD_POOL_HIGH.  Process context.
 */
static int pool_fill(void)
{
	struct bd_page *p;
	unsigned long flags;
	bool trim;

	flags = bd_lock();
	trim = nr_free > BD_POOL_HIGH;
	bd_unlock(flags);
	for (;;) {
		flags = bd_lock();
		if (trim && nr_free > BD_POOL_FILL) {
			p = free_list;
			free_list = p->next;
			nr_free--;
			bd_unlock(flags);
			kfree(p);
			continue;
		}
		if (trim || nr_free >= BD_POOL_FILL || pool_stopping) {
			bd_unlock(flags);
			return 0;
		}
		bd_unlock(flags);
		p = bd_alloc_page();
		if (!p)
			return -ENOMEM;
		flags = bd_lock();
		p->next = free_list;
		free_list = p;
		nr_free++;
		bd_unlock(flags);
	}
}

static void pool_work_fn(struct work_struct *w)
{
	pool_fill();
}

/* A few pages now; the worker brings the pool up to BD_POOL_FILL. */
int bd_pool_init(void)
{
	struct bd_page *p;
	int i;

#ifdef CONFIG_FAULT_INJECTION
	fail_alloc.verbose = 0;
#endif
	for (i = 0; i < BD_POOL_INIT; i++) {
		p = bd_alloc_page();
		if (!p) {
			bd_pool_exit();
			return -ENOMEM;
		}
		p->next = free_list;
		free_list = p;
		nr_free++;
	}
	kick();
	return 0;
}

void bd_pool_debugfs(struct dentry *dir)
{
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	fault_create_debugfs_attr("fail_alloc", dir, &fail_alloc);
#endif
}

/* Module exit: nothing takes or gives pages any more. */
void bd_pool_exit(void)
{
	struct bd_page *p;

	WRITE_ONCE(pool_stopping, true);
	cancel_work_sync(&pool_work);
	while ((p = free_list)) {
		free_list = p->next;
		kfree(p);
	}
	nr_free = 0;
}
