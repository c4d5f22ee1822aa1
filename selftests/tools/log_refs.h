/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the verifier's level-2 log shows a reference id come and go.
 *
 * Every state print of the log (print_verifier_state(), kernel/bpf/log.c)
 * ends with " refs=A,B,..." when the state holds references, and nothing
 * when it holds none.  A print is the state after the last instruction
 * printed before it ("M: (op) ...", call it M): either appended to M's
 * line ("M: (op) ...   ; R0=... refs=2") or on a line of its own before
 * the next instruction ("N: frame1: R0=... refs=2"), or a block after a
 * call or return ("caller:", "callee:", "returning from callee:", "to
 * caller at N:").  So, walking the log in order, an id that is in a print
 * and was not in the one before it on the same walk was acquired by M, and
 * one that left was released (or dropped) by M.  "from X to Y: STATE" (a
 * pop) starts a walk from a state of its own, and the pops of X's queued
 * branch tell a NULL check's other side.  Each (id, M) is counted per
 * visit of M, so that a check can ask whether every visit of M that held
 * the id kept it.  What the log cannot tell (no print after M: pruned
 * right there, "N: safe"; refs not printed, see lr_lock_calls) is not
 * counted, and the checker falls back to the instruction's class there.
 */
#ifndef BPF_DIAG_LOG_REFS_H
#define BPF_DIAG_LOG_REFS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* a count per (id, insn), open addressing */
struct pairmap {
	size_t cap, n;
	uint64_t *key;
	unsigned int *cnt;
};

static uint64_t pm_key(unsigned int id, long insn)
{
	return ((uint64_t)id << 32 | (uint32_t)insn) + 1;	/* 0 is empty */
}

static size_t pm_slot(const struct pairmap *m, uint64_t k)
{
	size_t h = (size_t)(k * 0x9e3779b97f4a7c15ull) & (m->cap - 1);

	while (m->key[h] && m->key[h] != k)
		h = (h + 1) & (m->cap - 1);
	return h;
}

static void pm_add(struct pairmap *m, unsigned int id, long insn)
{
	uint64_t k = pm_key(id, insn);
	size_t h, i;

	if (2 * (m->n + 1) > m->cap) {
		struct pairmap g = { .cap = m->cap ? 2 * m->cap : 1024 };

		g.key = calloc(g.cap, sizeof(*g.key));
		g.cnt = calloc(g.cap, sizeof(*g.cnt));
		if (!g.key || !g.cnt)
			abort();
		for (i = 0; i < m->cap; i++)
			if (m->key[i]) {
				h = pm_slot(&g, m->key[i]);
				g.key[h] = m->key[i];
				g.cnt[h] = m->cnt[i];
			}
		g.n = m->n;
		free(m->key);
		free(m->cnt);
		*m = g;
	}
	h = pm_slot(m, k);
	if (!m->key[h]) {
		m->key[h] = k;
		m->n++;
	}
	m->cnt[h]++;
}

static unsigned int pm_get(const struct pairmap *m, unsigned int id, long insn)
{
	size_t h;

	if (!m->cap)
		return 0;
	h = pm_slot(m, pm_key(id, insn));
	return m->key[h] ? m->cnt[h] : 0;
}

/* Some insn @m pairs with @id, into *@insn; false if none. */
static bool pm_find_id(const struct pairmap *m, unsigned int id, long *insn)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->key[i] && (unsigned int)((m->key[i] - 1) >> 32) == id) {
			*insn = (int)(uint32_t)(m->key[i] - 1);
			return true;
		}
	return false;
}

static void pm_free(struct pairmap *m)
{
	free(m->key);
	free(m->cnt);
	memset(m, 0, sizeof(*m));
}

/* per insn */
#define LR_PRUNED	1	/* a visit of it was followed by "N: safe", no print */
#define LR_FROM_SAFE	2	/* "from it to Y: safe": a queued side pruned at once */
#define LR_PCALL	4	/* a call of a subprogram ("call pc+N") */

/*
 * A print without " refs=" is a state holding none, except while a lock
 * whose id is 0 (a bpf_spin_lock in a global map value) is first in the
 * state's refs: print_verifier_state() prints refs only if refs[0].id is
 * not 0, so there it is unknown.  Lock calls and unlocks are counted on
 * the walk for that, and a queued branch keeps the count of where it was
 * queued.
 */
static const char * const lr_lock_calls[] = {
	") call bpf_spin_lock#", ") call bpf_res_spin_lock#", ") call bpf_res_spin_lock_irqsave#",
};
static const char * const lr_unlock_calls[] = {
	") call bpf_spin_unlock#", ") call bpf_res_spin_unlock#",
	") call bpf_res_spin_unlock_irqrestore#",
};
#define LR_NAMES(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Not every insn is followed by a print (6.1 prints none after a call):
 * a print is the state after every insn since the one before, and what
 * it gained or lost is counted for each call and conditional jump there.
 */
#define LR_RANGE	64

struct log_refs {
	/* (id, insn M) pairs, each counted per visit of M; "known": see above */
	struct pairmap appear;	/* known not held before M, held after */
	struct pairmap gone;	/* known held before M, known not after */
	struct pairmap before;	/* known held before M (a call or conditional jump) */
	struct pairmap kept;	/* known held before M and after */
	struct pairmap from_has;	/* in a known "from M to Y:" print */
	long nins;
	unsigned char *flags;	/* insn -> LR_* */
	unsigned int *visits;	/* insn -> times printed (calls and conditional jumps) */
	unsigned int *nknown;	/* ... of which with the state before known */
	unsigned int *from_n;	/* insn -> known "from it to Y:" prints */
	unsigned char *locks_at;	/* insn -> locks held when it was printed */

	/* the parse */
	long m;			/* last insn printed on this walk, -1: none */
	bool exact;		/* prev is the state right before the next insn */
	int nrange;		/* calls and jumps since the last print (-1: too many) */
	long range[LR_RANGE];
	bool pknown;		/* prev is the state's refs */
	bool printed;		/* a state was printed since insn m */
	int block;		/* a caller/callee block's state line is next */
	int locks;		/* lock calls minus unlocks on this walk */
	int nprev, cap;
	unsigned int *prev;
};

static void lr_grow(struct log_refs *r, long insn)
{
	long n, i;

	if (insn < r->nins)
		return;
	n = insn * 2 + 64;
	r->flags = realloc(r->flags, n);
	r->locks_at = realloc(r->locks_at, n);
	r->visits = realloc(r->visits, n * sizeof(*r->visits));
	r->nknown = realloc(r->nknown, n * sizeof(*r->nknown));
	r->from_n = realloc(r->from_n, n * sizeof(*r->from_n));
	if (!r->flags || !r->locks_at || !r->visits || !r->nknown || !r->from_n)
		abort();
	for (i = r->nins; i < n; i++) {
		r->flags[i] = 0;
		r->locks_at[i] = 0;
		r->visits[i] = 0;
		r->nknown[i] = 0;
		r->from_n[i] = 0;
	}
	r->nins = n;
}

static bool lr_ok(long insn)
{
	return insn >= 0 && insn <= (1 << 22);
}

static unsigned char lr_flags(const struct log_refs *r, long insn)
{
	return insn >= 0 && insn < r->nins ? r->flags[insn] : 0;
}

static unsigned int lr_at(const unsigned int *a, const struct log_refs *r, long insn)
{
	return insn >= 0 && insn < r->nins ? a[insn] : 0;
}

static void lr_set(struct log_refs *r, long insn, unsigned char f)
{
	if (!lr_ok(insn))
		return;
	lr_grow(r, insn);
	r->flags[insn] |= f;
}

/* The ids of " refs=" in @line, into @out (at most @max); their count. */
static int lr_ids(const char *line, unsigned int *out, int max)
{
	const char *p = strstr(line, " refs=");
	char *e;
	int n = 0;

	if (!p)
		return 0;
	for (p += 6; *p >= '0' && *p <= '9' && n < max; p = e + 1) {
		out[n++] = strtoul(p, &e, 10);
		if (*e != ',')
			break;
	}
	return n;
}

static bool lr_in(const unsigned int *s, int n, unsigned int id)
{
	while (n--)
		if (s[n] == id)
			return true;
	return false;
}

#define LR_MAX_REFS	4096

static void lr_keep(struct log_refs *r, const unsigned int *ids, int n, bool known)
{
	if (n > r->cap) {
		r->cap = n;
		r->prev = realloc(r->prev, n * sizeof(*r->prev));
		if (!r->prev)
			abort();
	}
	memcpy(r->prev, ids, n * sizeof(*ids));
	r->nprev = n;
	r->pknown = known;
}

/* A state print after insn r->m (-1: before any insn of this walk). */
static void lr_print(struct log_refs *r, const char *state)
{
	static unsigned int cur[LR_MAX_REFS];
	int n = lr_ids(state, cur, LR_MAX_REFS), i, j;
	bool known = n || !r->locks;

	if (known && r->pknown && r->nrange >= 0) {
		for (i = 0; i < n; i++) {
			bool had = lr_in(r->prev, r->nprev, cur[i]);

			for (j = 0; j < r->nrange; j++)
				pm_add(had ? &r->kept : &r->appear, cur[i], r->range[j]);
			if (!had && !r->nrange)
				pm_add(&r->appear, cur[i], r->m);	/* -1: the walk's start */
		}
		for (i = 0; i < r->nprev; i++)
			if (!lr_in(cur, n, r->prev[i]))
				for (j = 0; j < r->nrange; j++)
					pm_add(&r->gone, r->prev[i], r->range[j]);
	}
	lr_keep(r, cur, n, known);
	r->nrange = 0;
	r->exact = true;
	r->printed = true;
}

/* A new walk (a root, a global subprogram): it starts holding nothing. */
static void lr_reset(struct log_refs *r)
{
	r->m = -1;
	r->pknown = true;
	r->exact = true;
	r->nrange = 0;
	r->printed = false;
	r->block = 0;
	r->locks = 0;
	r->nprev = 0;
}

static bool lr_has(const char *line, const char * const *names, size_t n)
{
	while (n--)
		if (strstr(line, names[n]))
			return true;
	return false;
}

/*
 * One line of the log.  @insn is N of an "N: (op)" line (-1 otherwise),
 * @cond whether it is a conditional jump, @call a call, @pcall a call of
 * a subprogram.
 */
static void lr_line(struct log_refs *r, const char *line, long insn, bool cond, bool call,
		    bool pcall)
{
	static unsigned int ids[LR_MAX_REFS];
	long x, y, n;
	const char *semi;
	int k, i;

	if (!strncmp(line, "Validating ", 11) ||
	    (!strncmp(line, "Func#", 5) && strstr(line, " is safe for any args"))) {
		lr_reset(r);
		return;
	}
	if (sscanf(line, "from %ld to %ld", &x, &y) == 2) {
		const char *colon = strchr(line, ':');
		size_t len = strlen(line);

		lr_reset(r);
		if (len >= 6 && !strcmp(line + len - 6, ": safe")) {
			lr_set(r, x, LR_FROM_SAFE);
			return;
		}
		/* where x was printed (a return's "from EXIT to RET" too) */
		r->locks = lr_ok(x) ? (lr_grow(r, x), r->locks_at[x]) : 0;
		k = lr_ids(colon ? colon : line, ids, LR_MAX_REFS);
		if (k || !r->locks) {
			if (lr_ok(x))
				r->from_n[x]++;
			for (i = 0; i < k; i++)
				pm_add(&r->from_has, ids[i], x);
		}
		lr_keep(r, ids, k, k || !r->locks);
		return;
	}
	if (insn >= 0) {
		bool counted = (cond || call) && lr_ok(insn);

		r->m = insn;
		r->printed = false;
		r->block = 0;
		if (lr_ok(insn)) {
			lr_grow(r, insn);
			r->locks_at[insn] = r->locks < 0 ? 0 : r->locks > 255 ? 255 : r->locks;
		}
		if (pcall)
			lr_set(r, insn, LR_PCALL);
		if (counted) {
			r->visits[insn]++;
			if (r->pknown && r->exact) {
				r->nknown[insn]++;
				for (i = 0; i < r->nprev; i++)
					pm_add(&r->before, r->prev[i], insn);
			}
			if (r->nrange >= 0 && r->nrange < LR_RANGE)
				r->range[r->nrange++] = insn;
			else
				r->nrange = -1;
		}
		r->exact = false;
		semi = strstr(line, " ;");
		if (call && lr_has(line, lr_lock_calls, LR_NAMES(lr_lock_calls)))
			r->locks++;
		else if (call && lr_has(line, lr_unlock_calls, LR_NAMES(lr_unlock_calls)) && r->locks)
			r->locks--;
		/* "M: (op) INSN    ; STATE": the state after M */
		if (semi)
			lr_print(r, semi + 2);
		return;
	}
	if (sscanf(line, "%ld: safe", &n) == 1 && strstr(line, ": safe")) {
		if (!r->printed && r->m >= 0)
			lr_set(r, r->m, LR_PRUNED);
		lr_reset(r);
		return;
	}
	if (!strcmp(line, "caller:") || !strcmp(line, "callee:") ||
	    !strcmp(line, "returning from callee:") || !strncmp(line, "to caller at ", 13)) {
		r->block = 1;
		return;
	}
	if (r->block && line[0] == ' ') {
		r->block = 0;
		lr_print(r, line);
		return;
	}
	/* "N: [frameK:] STATE": the state after the last insn printed */
	if (line[0] >= '0' && line[0] <= '9' && sscanf(line, "%ld:", &n) == 1) {
		const char *p = strchr(line, ':') + 1;

		if (*p == '\0' || (*p == ' ' && p[1] != '(' && strncmp(p + 1, "<invalid", 8)))
			lr_print(r, p);
	}
}

/*
 * @id in the state before @at on every visit whose state before it is
 * known, and there are such visits: the log shows it held there.
 */
static bool lr_held_every(const struct log_refs *lr, unsigned int id, long at)
{
	unsigned int k = lr_at(lr->nknown, lr, at);

	return k && pm_get(&lr->before, id, at) == k;
}

/* Every visit of @at has its state before known, none holds @id. */
static bool lr_never_held(const struct log_refs *lr, unsigned int id, long at)
{
	return lr_at(lr->nknown, lr, at) && !pm_get(&lr->before, id, at) &&
	       lr_at(lr->nknown, lr, at) == lr_at(lr->visits, lr, at);
}

static void lr_free(struct log_refs *r)
{
	pm_free(&r->appear);
	pm_free(&r->gone);
	pm_free(&r->before);
	pm_free(&r->kept);
	pm_free(&r->from_has);
	free(r->flags);
	free(r->locks_at);
	free(r->visits);
	free(r->nknown);
	free(r->from_n);
	free(r->prev);
	memset(r, 0, sizeof(*r));
}

#endif
