// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: the branches the verifier has queued and bpf_diag has not
 * seen popped yet, a stack in pool pages per verification (walk.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "ctx.h"

struct bd_pending *bd_pend_push(struct bd_ctx *c)
{
	struct bd_pend_chunk *ch = c->pend;

	if (!ch || ch->n == BD_PEND_CHUNK) {
		ch = c->spare;
		if (ch)
			c->spare = NULL;
		else
			ch = (struct bd_pend_chunk *)bd_page_get(NULL, c->rec);
		if (!ch)
			return NULL;
		ch->prev = c->pend;
		ch->n = 0;
		c->pend = ch;
	}
	return &ch->e[ch->n++];
}

NOKPROBE_SYMBOL(bd_pend_push);

void bd_pend_pop(struct bd_ctx *c)
{
	struct bd_pend_chunk *ch = c->pend;

	if (!ch || !ch->n || --ch->n || !ch->prev)
		return;
	c->pend = ch->prev;
	if (c->spare)
		bd_page_put((struct bd_page *)c->spare);
	c->spare = ch;
}

NOKPROBE_SYMBOL(bd_pend_pop);

/* Queued branches that never ran; the stack is emptied. */
void bd_pend_abandon(struct bd_ctx *c)
{
	struct bd_pending *t;
	struct bd_path *p;

	while ((t = bd_pend_top(c))) {
		p = c->rec ? bd_env_path(c->rec, t->path) : NULL;
		if (p)
			WRITE_ONCE(p->end, BPF_DIAG_END_UNEXPLORED);
		bd_pend_pop(c);
	}
}

NOKPROBE_SYMBOL(bd_pend_abandon);

void bd_pend_free(struct bd_ctx *c)
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

NOKPROBE_SYMBOL(bd_pend_free);
