/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf-diag-check: each leaked reference's suggestion (the report's
 * "suggestion:" line and its "the branch:", "the release:" lines).
 * Included by bpf-diag-check.c after lineage_check.h.
 *
 * What it rests on is checked elsewhere against the log: every release
 * event at its insn (check_release), every path's fork and start against
 * the log's "from X to Y" pops (check_walk).  Here: every leaked id has a
 * suggestion; a named branch is one where the log popped a queued side
 * ("from B to ...": the releasing path and the failing one part there, and
 * the side queued first was explored, so the log shows it); "no path
 * releases it" only where the log shows no call releasing the id on any
 * path it walked; and the corpus's expectation, written from its source:
 *   suggest=B:R      the branch at line B, the release at line R
 *   suggest=?:R      a release at line R, where it parted not kept
 *   suggest=none     no path releases it
 *   suggest=none:R   no path releases it, the same acquire's other id at R
 * (a comma-separated list where the program leaks more than one id: each
 * id's suggestion is one of them); via=HOLDER, what it says to release it
 * through ("-" for nothing).
 */
#ifndef SUGGEST_CHECK_H
#define SUGGEST_CHECK_H

struct sugg_seen {
	unsigned int id;
	char what[8];		/* branch, parted, none, error */
	long branch_insn;
	long branch_line, release_line, sibling_line;
	char via[24];		/* "(through HOLDER)" or "through HOLDER", "-" */
};

static long n_sugg, n_sugg_branch, n_sugg_none, n_sugg_expected, n_sugg_equal;

/* The line number of "insn N FILE:LINE:COL: ..." after @p, or -1 */
static long src_line_of(const char *p)
{
	long insn, line;
	char file[256];

	if (sscanf(p, "insn %ld %255[^:]:%ld:", &insn, file, &line) == 3)
		return line;
	return -1;
}

static int read_suggestions(long seq, struct sugg_seen *out, int max)
{
	char line[1024];
	const char *p;
	unsigned int id = 0;
	int n = -1;
	FILE *f = env_open(seq, "report");

	while (f && fgets(line, sizeof(line), f)) {
		struct sugg_seen *s = n >= 0 && n < max ? &out[n] : NULL;

		if (sscanf(line, "    where it went (id=%u)", &id) == 1)
			continue;
		if (!strncmp(line, "    suggestion: ", 16)) {
			if (++n >= max)
				continue;
			s = &out[n];
			memset(s, 0, sizeof(*s));
			s->id = id;
			s->branch_line = s->release_line = s->sibling_line = -1;
			s->branch_insn = -1;
			p = strstr(line, " branch at insn ");
			if (!p)
				p = strstr(line, " fork at insn ");
			if (strstr(line, "no path releases it"))
				strcpy(s->what, "none");
			else if (strstr(line, "not worked out"))
				strcpy(s->what, "error");
			else if (p && sscanf(strstr(p, "at insn "), "at insn %ld", &s->branch_insn) == 1)
				strcpy(s->what, "branch");
			else
				strcpy(s->what, "parted");
			if ((p = strstr(line, "released it at insn ")))
				s->release_line = -2;	/* named on its own line */
			strcpy(s->via, "-");
			p = strstr(line, "through ");
			if (p && sscanf(p, "through %23[^ )]", s->via) != 1)
				strcpy(s->via, "-");
			continue;
		}
		if (!s)
			continue;
		if ((p = strstr(line, "      the branch: ")))
			s->branch_line = src_line_of(p + 18);
		else if ((p = strstr(line, "      the release: ")))
			s->release_line = src_line_of(p + 19);
		else if ((p = strstr(line, "released on path ")) && (p = strstr(p, ": ")))
			s->sibling_line = src_line_of(p + 2);
	}
	env_close(f);
	return n + 1 < max ? n + 1 : max;
}

static void line_or(char *b, size_t len, long line)
{
	if (line >= 0)
		snprintf(b, len, "%ld", line);
	else
		snprintf(b, len, "?");
}

/* Is @got one of the comma-separated @want? */
static bool one_of(const char *want, const char *got)
{
	size_t n = strlen(got);
	const char *p = want;

	for (; p; p = strchr(p, ','), p = p ? p + 1 : NULL)
		if (!strncmp(p, got, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/* A call the log shows releasing @id (its refs= drop it there), or -1 */
static int log_release_of(const struct vlog *vl, unsigned int id)
{
	int at;

	for (at = 0; at < vl->nops; at++)
		if (op_is_call(get_op(vl, at)) && !(lr_flags(&vl->lr, at) & LR_PCALL) &&
		    pm_get(&vl->lr.gone, id, at))
			return at;
	return -1;
}

static void check_suggestion(struct result *r, long seq, const struct walk *w,
			     const struct vlog *vl, const unsigned int *leaked, int nleaked,
			     const char *expect_line)
{
	struct sugg_seen v[16];
	int n = read_suggestions(seq, v, 16), i, j, k;
	char want[64], got[64], a[24], b[24];

	for (j = 0; j < nleaked; j++) {
		const struct sugg_seen *s = NULL;

		for (i = 0; i < n && !s; i++)
			if (v[i].id == leaked[j])
				s = &v[i];
		n_sugg++;
		if (!s) {
			why(r, "leaked id=%u has no suggestion", leaked[j]);
			continue;
		}
		if (!strcmp(s->what, "error")) {
			why(r, "leaked id=%u: the suggestion was not worked out", s->id);
			continue;
		}
		if (!strcmp(s->what, "branch")) {
			n_sugg_branch++;
			for (k = 0; k < w->n && w->s[k].from != s->branch_insn; k++)
				;
			if (k == w->n)
				why(r, "suggestion for id=%u: the branch at insn %ld, where the log pops no queued side ('from %ld to ...')",
				    s->id, s->branch_insn, s->branch_insn);
			snprintf(got, sizeof(got), "%s:%s",
				 (line_or(a, sizeof(a), s->branch_line), a),
				 (line_or(b, sizeof(b), s->release_line), b));
		} else if (!strcmp(s->what, "parted")) {
			snprintf(got, sizeof(got), "?:%s",
				 (line_or(b, sizeof(b), s->release_line), b));
		} else {
			n_sugg_none++;
			k = log_release_of(vl, s->id);
			if (k >= 0)
				why(r, "suggestion for id=%u: no path releases it, but the log shows it released at insn %d",
				    s->id, k);
			if (s->sibling_line >= 0)
				snprintf(got, sizeof(got), "none:%ld", s->sibling_line);
			else
				snprintf(got, sizeof(got), "none");
		}
		printf("# suggestion id=%u: %s via %s\n", s->id, got, s->via);
		if (expect_line && kv(expect_line, "via", want, sizeof(want)) &&
		    strcmp(want, s->via))
			why(r, "suggestion for id=%u: through %s, expected %s", s->id, s->via, want);
		if (!expect_line || !kv(expect_line, "suggest", want, sizeof(want)))
			continue;
		n_sugg_expected++;
		if (!one_of(want, got))
			why(r, "suggestion for id=%u: %s (branch line:release line), expected %s",
			    s->id, got, want);
		else
			n_sugg_equal++;
	}
}

#endif /* SUGGEST_CHECK_H */
