// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the contexts of the verifications in flight, one per task in
 * bpf_check(), in a small open-addressed table.  A task claims a free slot
 * with cmpxchg at bpf_check() entry and gives it back at its return; only
 * that task writes its slot in between.
 *
 * At unload, bd_capture_stop() turns every handler into a no-op and waits
 * for those running before any probe goes, so a context is never used
 * after its bpf_check() returned unseen.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include "ctx.h"

#define BD_MAX_ACTIVE_BITS	6
#define BD_MAX_ACTIVE	BIT(BD_MAX_ACTIVE_BITS)	/* concurrent verifications tracked */

static struct bd_ctx bd_active[BD_MAX_ACTIVE];
atomic_t bd_nr_active = ATOMIC_INIT(0);
atomic_t bd_nr_pending = ATOMIC_INIT(0);
static bool bd_stopping;
bool bd_recording = true;

struct bd_ri *bd_ri(struct kretprobe_instance *ri)
{
	return (struct bd_ri *)ri->data;
}

NOKPROBE_SYMBOL(bd_ri);

/* The context of a verification whose return handler runs now, or NULL. */
struct bd_ctx *bd_ri_ctx(struct kretprobe_instance *ri)
{
	return READ_ONCE(bd_stopping) ? NULL : bd_ri(ri)->c;
}

NOKPROBE_SYMBOL(bd_ri_ctx);

static u32 ctx_hash(void)
{
	return hash_ptr(current, BD_MAX_ACTIVE_BITS);
}

NOKPROBE_SYMBOL(ctx_hash);

/* The context of the current task's verification, or NULL. */
struct bd_ctx *bd_ctx_get(void)
{
	u32 i, k;

	if (!atomic_read(&bd_nr_active) || READ_ONCE(bd_stopping))
		return NULL;
	for (i = 0, k = ctx_hash(); i < BD_MAX_ACTIVE; i++, k = (k + 1) % BD_MAX_ACTIVE)
		if (READ_ONCE(bd_active[k].task) == current)
			return &bd_active[k];
	return NULL;
}

NOKPROBE_SYMBOL(bd_ctx_get);

/* The task's context, once do_check_common() has bound the env. */
struct bd_ctx *bd_ctx_env(void)
{
	struct bd_ctx *c = bd_ctx_get();

	if (c && c->env)
		return c;
	if (c)
		atomic64_inc(&bd_cnt.untracked);
	return NULL;
}

NOKPROBE_SYMBOL(bd_ctx_env);

/* bpf_check() of *@progp starts in this task: a context, or NULL if none. */
struct bd_ctx *bd_ctx_claim(struct bpf_prog **progp)
{
	u32 i, k;

	if (!READ_ONCE(bd_recording) || READ_ONCE(bd_stopping))
		return NULL;
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
		memset(c->src_insn, 0xff, sizeof(c->src_insn));
		c->rec = bd_env_new(*progp);
		return c;
	}
	atomic64_inc(&bd_cnt.envs_dropped);
	return NULL;
}

NOKPROBE_SYMBOL(bd_ctx_claim);

/* bpf_check() returned @err: the record is final, the slot free. */
void bd_ctx_finish(struct bd_ctx *c, int err)
{
	if (c->acq_pending) {
		/* cannot happen: freeing the last state reads the slot */
		atomic64_inc(&bd_cnt.unresolved);
		c->acq_pending = false;
		atomic_dec(&bd_nr_pending);
	}
	bd_pend_free(c);
	if (c->rec)
		bd_env_finish(c->rec, err);
	c->env = NULL;
	c->rec = NULL;
	/* the slot is free for another task once everything above is done */
	smp_store_release(&c->task, NULL);
	atomic_dec(&bd_nr_active);
}

NOKPROBE_SYMBOL(bd_ctx_finish);

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
		bd_pend_free(&bd_active[i]);
		bd_active[i].task = NULL;
	}
	atomic_set(&bd_nr_active, 0);
	atomic_set(&bd_nr_pending, 0);
}
