/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own leak report (7.3 and later: kernel/bpf/diagnostics.c,
 * bpf_diag_leak()), parsed from a verifier log of level 1 or more, for
 * bpf-diag-check to hold bpf_diag's records against.  One report per
 * leaked id, each:
 *
 *   Verification failed: Resource Lifetime Safety: Unreleased resource
 *   Reason:
 *     Owned resource (id=2) was acquired at instruction 4 and still ...
 *   At:
 *     PROG @ FILE:LINE:COL
 *     ... >>> 9 | (95) exit                    (the error insn)
 *   Causal path:
 *     PROG @ FILE:LINE:COL
 *     >>> 76 |  ...                            (source context)
 *            |  ^-- acquired: owned resource (id=2)
 *     ... >>> 4 | (85) call bpf_obj_new_impl#71293
 *     ...    ^-- branch: took the false branch of this conditional, goto not followed
 *     ... >>> 5 | (15) if r0 == 0x0 goto pc+2
 *     N intermediate causal-history events omitted
 *   Suggestion:
 *
 * An item is a "^--" line and the next instruction line (">>> N | (OP)"
 * outside a "Source context:" block).  diag_print_history() shows at most
 * BPF_DIAG_HISTORY_RENDER_MAX (64) events: the first and last 32, the
 * number left out between them on a line of its own; events older than
 * its store are counted on an "older causal-history event(s) not
 * retained" line.
 */
#ifndef KREPORT_H
#define KREPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KR_RENDER_HALF	32	/* BPF_DIAG_HISTORY_RENDER_MAX / 2 */

struct kitem {
	char kind;		/* 'a' acquired, 'r' released, 'b' branch */
	long insn;
	long taken;		/* branch: 1 "took the true branch" (goto followed), else 0 */
	unsigned int id;	/* acquired, released */
};

struct krep {
	unsigned int id;
	long alloc, err_insn;
	long omitted;		/* "N intermediate causal-history events omitted" */
	int split;		/* items before that line */
	int older_lost;		/* "older ... not retained" */
	int n;
	struct kitem *it;
};

/* ">>> N | (OP) ...": the insn, or -1 */
static long kr_insn_line(const char *line)
{
	const char *p = strstr(line, ">>>");
	unsigned int op;
	long n;
	char c;

	if (!p || sscanf(p + 3, " %ld | (%x%c", &n, &op, &c) != 3 || c != ')')
		return -1;
	return n;
}

static unsigned int kr_id(const char *s)
{
	const char *p = strstr(s, "(id=");

	return p ? strtoul(p + 4, NULL, 10) : 0;
}

/* Append @s to @buf, runs of blanks as one space (wrapped text joined) */
static void kr_append(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	for (; *s && n + 1 < len; s++) {
		if (*s == ' ' || *s == '\t') {
			if (n && buf[n - 1] != ' ')
				buf[n++] = ' ';
			continue;
		}
		buf[n++] = *s;
	}
	if (n && n + 1 < len && buf[n - 1] != ' ')
		buf[n++] = ' ';
	buf[n] = 0;
}

/* Every "Unreleased resource" report in @log; returns how many (*out: malloc'ed) */
static int kr_parse(const char *log, struct krep **out)
{
	enum { NONE, REASON, AT, CAUSAL, OTHER } sec = NONE;
	struct krep *r = NULL, *cur = NULL;
	struct kitem pend = { 0 };
	const char *p = log, *nl;
	int n = 0, in_src = 0;
	char line[1024], text[512];

	for (; *p; p = *nl ? nl + 1 : nl) {
		size_t len;
		const char *t;
		long x;

		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		len = nl - p < (long)sizeof(line) - 1 ? (size_t)(nl - p) : sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = 0;
		for (t = line; *t == ' '; t++)
			;
		if (strstr(line, "Verification failed: Resource Lifetime Safety: Unreleased resource")) {
			r = realloc(r, (n + 1) * sizeof(*r));
			cur = &r[n++];
			memset(cur, 0, sizeof(*cur));
			cur->alloc = cur->err_insn = -1;
			sec = NONE;
			pend.kind = 0;
			continue;
		}
		if (!strncmp(line, "Verification failed:", 20)) {
			cur = NULL;	/* another kind of report */
			continue;
		}
		if (!cur)
			continue;
		if (!strcmp(line, "Reason:")) {
			sec = REASON;
		} else if (!strcmp(line, "At:")) {
			sec = AT;
		} else if (!strcmp(line, "Causal path:")) {
			sec = CAUSAL;
		} else if (line[0] && line[0] != ' ') {
			sec = OTHER;	/* Suggestion:, or the log goes on */
		} else if (sec == REASON && strstr(t, "Owned resource (id=")) {
			cur->id = kr_id(t);
			t = strstr(t, "acquired at instruction ");
			if (t)
				cur->alloc = atol(t + 24);
		} else if (sec == AT || sec == CAUSAL) {
			if (!strcmp(t, "Source context:")) {
				in_src = 1;
				continue;
			}
			if (!strcmp(t, "Instruction context:") || strstr(t, " @ ")) {
				in_src = 0;
				if (strstr(t, " @ "))
					continue;
			}
			if (sec == CAUSAL && sscanf(t, "%ld intermediate causal-history events omitte%c",
						    &x, line) == 2) {
				cur->omitted = x;
				cur->split = cur->n;
				continue;
			}
			if (sec == CAUSAL && strstr(t, "older causal-history event") &&
			    strstr(t, "not retained")) {
				cur->older_lost = 1;
				continue;
			}
			t = strstr(line, "^-- ");
			if (t && sec == CAUSAL) {
				pend.kind = 0;
				if (!strncmp(t + 4, "acquired:", 9))
					pend.kind = 'a';
				else if (!strncmp(t + 4, "released:", 9))
					pend.kind = 'r';
				else if (!strncmp(t + 4, "branch:", 7))
					pend.kind = 'b';
				text[0] = 0;
				kr_append(text, sizeof(text), t + 4);
				continue;
			}
			x = in_src ? -1 : kr_insn_line(line);
			if (x < 0) {
				/* the text of "^--" goes on, wrapped, after a '|' */
				t = strchr(line, '|');
				if (pend.kind && t && !strstr(line, ">>>"))
					kr_append(text, sizeof(text), t + 1);
				continue;
			}
			if (sec == AT && cur->err_insn < 0)
				cur->err_insn = x;
			if (sec == CAUSAL && pend.kind) {
				pend.insn = x;
				pend.id = kr_id(text);
				pend.taken = strstr(text, "took the true branch") != NULL;
				cur->it = realloc(cur->it, (cur->n + 1) * sizeof(*cur->it));
				cur->it[cur->n++] = pend;
				pend.kind = 0;
			}
		}
	}
	*out = r;
	return n;
}

static void kr_free(struct krep *r, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(r[i].it);
	free(r);
}

#endif /* KREPORT_H */
