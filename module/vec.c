// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_diag: chunked arrays of fixed-size records (struct bd_vec), the
 * store's events, source lines, paths and history.  Pages come from the
 * pool, charged to the env; the writer publishes a page before the count
 * that covers it (store.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include "internal.h"

void bd_vec_init(struct bd_vec *v, size_t size, void *inl, u16 n_inl)
{
	v->size = size;
	v->per = BD_PAGE_DATA / size;
	v->inl = inl;
	v->n_inl = n_inl;
}

static struct bd_page **dir_slots(struct bd_page *d)
{
	return (struct bd_page **)d->data;
}

/* Record @i of the record pages (past the env page's own records). */
static void *page_rec(const struct bd_vec *v, u32 i)
{
	u32 c = i / v->per;
	struct bd_page *d, *p;

	if (c < BD_VEC_DIRECT) {
		p = READ_ONCE(v->direct[c]);
	} else {
		c -= BD_VEC_DIRECT;
		if (c / BD_DIR_SLOTS >= BD_VEC_DIRS)
			return NULL;
		d = READ_ONCE(v->dir[c / BD_DIR_SLOTS]);
		p = d ? READ_ONCE(dir_slots(d)[c % BD_DIR_SLOTS]) : NULL;
	}
	return p ? p->data + (i % v->per) * v->size : NULL;
}

NOKPROBE_SYMBOL(page_rec);

/* Record @i of @v: below a count loaded with acquire, or the writer's. */
const void *bd_vec_at(const struct bd_vec *v, u32 i)
{
	if (i < v->n_inl)
		return v->inl + i * v->size;
	return page_rec(v, i - v->n_inl);
}

NOKPROBE_SYMBOL(bd_vec_at);

/* Where the writer puts record @i (at most one past those allocated). */
void *bd_vec_slot(struct bd_env *e, struct bd_vec *v, u32 i)
{
	u32 c, k;
	struct bd_page *dp, *p;

	if (i < v->n_inl)
		return v->inl + i * v->size;
	i -= v->n_inl;
	c = i / v->per;
	k = c - BD_VEC_DIRECT;
	if (c < v->pages)
		return page_rec(v, i);
	if (c != v->pages || (c >= BD_VEC_DIRECT && k / BD_DIR_SLOTS >= BD_VEC_DIRS))
		return NULL;
	if (c < BD_VEC_DIRECT) {
		p = bd_page_get(e, e);
		if (!p)
			return NULL;
		WRITE_ONCE(v->direct[c], p);
		v->pages++;
		return p->data + (i % v->per) * v->size;
	}
	dp = v->dir[k / BD_DIR_SLOTS];
	if (!dp) {
		dp = bd_page_get(e, e);
		if (!dp)
			return NULL;
		memset(dp->data, 0, sizeof(dp->data));
		WRITE_ONCE(v->dir[k / BD_DIR_SLOTS], dp);
	}
	p = bd_page_get(e, e);
	if (!p)
		return NULL;
	WRITE_ONCE(dir_slots(dp)[k % BD_DIR_SLOTS], p);
	v->pages++;
	return p->data + (i % v->per) * v->size;
}

NOKPROBE_SYMBOL(bd_vec_slot);
