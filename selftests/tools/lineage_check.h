/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf-diag-check: each leaked reference's lineage (the module's "lineage"
 * file) against the verifier's level-2 log.  Included by bpf-diag-check.c
 * after its walk parser: it uses struct seg (the failing segment, each
 * insn with the state the log prints after it), why(), kv()/kvl().
 *
 * The log prints after each insn the registers and stack slots it wrote
 * ("14: (bf) r6 = r0 ; R0=sock(id=2) R6=sock(id=2) refs=2"), a call's
 * results on the next state line, the callee's arguments when a
 * subprogram is entered, the caller's registers after a return.  A step
 * that gives a holder the id (acquire, copy, spill, fill, arg, return,
 * derive) must show it there with the id (the insn wrote it: the log
 * prints it); one that takes a holder's away
 * (overwrite, clobber) must not show that holder with the id.  A holder
 * of another frame than the one printed, or not printed at all, is not
 * checkable there (counted apart).  Holders at the leak that the module
 * says are in the verifier's state must be, in the segment's last print
 * of them.  Steps before the failing segment are held to the segments it
 * forked from (the log prints that part of the path there: fail_chain()),
 * as far as each fork insn is visited once in its segment; steps before
 * that are counted as not checked.
 */
#ifndef LINEAGE_CHECK_H
#define LINEAGE_CHECK_H

struct lstep {
	unsigned int id;
	long insn, at;		/* at: path steps before the leak */
	char kind[16], from[16], to[16];
	int ffrom, fto, lost, in_state;
};

static long n_lin_steps, n_lin_checked, n_lin_equal, n_lin_ids, n_lin_replayed;

/*
 * bpf_diag's file @name filtered to env @seq, or NULL.  The filter is
 * shared: checkers take turns, and put the user's back (filter_lock) in
 * env_close(), which every env_open() is paired with.
 */
static FILE *env_open(long seq, const char *name)
{
	char filt[64], path[128];

	snprintf(filt, sizeof(filt), "env=%ld", seq);
	snprintf(path, sizeof(path), DIAG "%s", name);
	filter_lock(true);
	return write_filter(filt) ? NULL : fopen(path, "r");
}

static void env_close(FILE *f)
{
	if (f)
		fclose(f);
	filter_lock(false);
}

static int read_lineage(long seq, struct lstep **out)
{
	char line[512];
	struct lstep *v = NULL;
	int n = 0;
	FILE *f = env_open(seq, "lineage");

	*out = NULL;
	while (f && fgets(line, sizeof(line), f)) {
		struct lstep *s;

		v = realloc(v, (n + 1) * sizeof(*v));
		s = &v[n++];
		memset(s, 0, sizeof(*s));
		s->id = kvl(line, "id", 0);
		s->insn = kvl(line, "insn", -1);
		s->at = kvl(line, "at", -1);
		kv(line, "kind", s->kind, sizeof(s->kind));
		kv(line, "from", s->from, sizeof(s->from));
		kv(line, "to", s->to, sizeof(s->to));
		s->ffrom = kvl(line, "from_frame", 0);
		s->fto = kvl(line, "to_frame", 0);
		s->lost = kvl(line, "lost", 0);
		s->in_state = kvl(line, "in_state", 0);
	}
	env_close(f);
	*out = v;
	return n;
}

/* The frame a state print is of ("frame1: R1=..." or frame 0) */
static int print_frame(const char *txt)
{
	const char *p = strstr(txt, "frame");

	while (p && (p > txt && p[-1] != ' '))
		p = strstr(p + 1, "frame");
	return p && isdigit((unsigned char)p[5]) && p[6] == ':' ? p[5] - '0' : 0;
}

/*
 * What the print @txt says of holder @loc ("r6", "fp-8"): 1 it holds @id,
 * 0 printed without it, -1 not printed, -2 printed without ids.
 */
static int print_holds(const char *txt, const char *loc, unsigned int id)
{
	char name[24], val[256], want[40];
	const char *p = txt, *e;
	size_t nl;
	int k;

	if (loc[0] == 'r')
		snprintf(name, sizeof(name), "R%s", loc + 1);
	else
		snprintf(name, sizeof(name), "%s", loc);
	nl = strlen(name);
	while ((p = strstr(p, name))) {
		bool start = p == txt || p[-1] == ' ';

		p += nl;
		if (!start || !(*p == '=' || *p == '_'))
			continue;
		while (*p && *p != '=' && *p != ' ')
			p++;
		if (*p != '=')
			continue;
		e = strchr(p, ' ');
		snprintf(val, sizeof(val), "%.*s", (int)(e ? e - p - 1 : (long)strlen(p + 1)), p + 1);
		/*
		 * No ids in it: a scalar ("0", "scalar()" has parens) holds
		 * nothing; a pointer's type alone ("sock_or_null", 6.1's
		 * spilled registers) or stack slot marks ("dddddddd", 6.1's
		 * dynptr) cannot tell.
		 */
		if (!strchr(val, '('))
			return isdigit((unsigned char)val[0]) || val[0] == '-' ? 0 : -2;
		/*
		 * 6.1 prints ref_obj_id= only for the types its
		 * reg_type_may_be_refcounted_or_null() names: not for
		 * PTR_TO_SOCK_COMMON ("sock_common(off=0,imm=0)")
		 */
		if (!strncmp(val, "sock_common", 11) && !strstr(val, "id="))
			return -2;
		/* ref_obj_id= (to 7.1), id= (7.2), a dynptr's parent_id=, ref_id= of dynptr/iter slots */
		for (k = 0; k < 4; k++) {
			static const char * const key[] = { "ref_obj_id=", "ref_id=", "parent_id=", "id=" };
			const char *q = val;

			snprintf(want, sizeof(want), "%s%u", key[k], id);
			while ((q = strstr(q, want))) {
				char after = q[strlen(want)];
				bool at = q == val || q[-1] == '(' || q[-1] == ',';

				if (at && (after == ',' || after == ')' || !after))
					return 1;
				q++;
			}
		}
		return 0;
	}
	return -1;
}

static bool gives(const char *kind)
{
	return !strcmp(kind, "acquire") || !strcmp(kind, "copy") || !strcmp(kind, "spill") ||
	       !strcmp(kind, "fill") || !strcmp(kind, "arg") || !strcmp(kind, "return") ||
	       !strcmp(kind, "derive");
}

static bool moves(const char *kind)
{
	return !strcmp(kind, "copy") || !strcmp(kind, "spill") || !strcmp(kind, "fill");
}

static bool takes(const char *kind)
{
	return !strcmp(kind, "overwrite") || !strcmp(kind, "clobber");
}

/* One step against the print after its insn: 1 equal, 0 not, -1 not checkable */
/* Does a later step of the same insn give @s's holder back? */
static bool given_back(const struct lstep *v, int n, const struct lstep *s)
{
	const struct lstep *x;

	for (x = s + 1; x < v + n && x->id == s->id && x->at == s->at; x++)
		if (gives(x->kind) && x->fto == s->ffrom && !strcmp(x->to, s->from))
			return true;
	return false;
}

static int step_vs_log(const struct lstep *s, const char *txt)
{
	int h;

	if (!txt)
		return -1;
	if (gives(s->kind)) {
		if (print_frame(txt) != s->fto)
			return -1;
		/*
		 * A copy, spill or fill wrote that holder: its line prints it.
		 * After a call or a return (acquire, derive, arg, return) 7.x
		 * leaves out what no later insn reads.  Printed without ids:
		 * cannot tell.
		 */
		h = print_holds(txt, s->to, s->id);
		if (h == -2 || (h == -1 && !moves(s->kind)))
			return -1;
		return h == 1;
	}
	if (takes(s->kind)) {
		if (print_frame(txt) != s->ffrom)
			return -1;
		h = print_holds(txt, s->from, s->id);
		/* a call leaves r1-r5 uninitialised: not printed at all */
		if (h == -1)
			return !strcmp(s->kind, "clobber") ? 1 : -1;
		return h < 0 ? -1 : !h;
	}
	return -1;
}

/* The failing segment's entry @at insns before its last (the leak), or -1 */
static int seg_at(const struct seg *g, long at)
{
	if (!g || at < 0 || at >= g->ninsn)
		return -1;
	return g->ninsn - 1 - at;
}

/*
 * Step @at (insns before the leak) on the failing path: its segment and
 * index there, in the failing segment or before it, in the segments it
 * forked from (fail_chain()); NULL where the log's chain does not reach.
 */
static const struct seg *path_at(const struct seg *fail, long at, int *q)
{
	int l;

	*q = seg_at(fail, at);
	if (*q >= 0)
		return fail;
	if (!fail || at < 0)
		return NULL;
	at -= fail->ninsn;
	for (l = 0; l < n_fail_anc; l++) {
		/*
		 * The fork insn itself: the segment prints the state its own
		 * side went on with (a call's fork: the other result), the
		 * failing side's is the pop's ("from B to T: ...")
		 */
		if (!at)
			return NULL;
		if (at <= fail_anc_end[l]) {
			*q = fail_anc_end[l] - at;
			return fail_anc[l];
		}
		at -= fail_anc_end[l] + 1;
	}
	return NULL;
}

/* Does the lineage of @id have kinds @want ("a,b,c") in this order? */
static bool has_kinds(const struct lstep *v, int n, unsigned int id, const char *want)
{
	char buf[256], *tok, *save;
	int i = 0;

	snprintf(buf, sizeof(buf), "%s", want);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (i < n && (v[i].id != id || strcmp(v[i].kind, tok)))
			i++;
		if (i++ >= n)
			return false;
	}
	return true;
}

/* The holders at the leak of @id, "a,b" in order, "none" if none */
static void held_list(const struct lstep *v, int n, unsigned int id, char *out, size_t len)
{
	int i;

	out[0] = 0;
	for (i = 0; i < n; i++)
		if (v[i].id == id && !strcmp(v[i].kind, "held"))
			snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? "," : "",
				 v[i].to);
	if (!out[0])
		snprintf(out, len, "none");
}

static void check_lineage(struct result *r, long seq, const struct seg *fail,
			  const unsigned int *leaked, int nleaked, const char *expect_line,
			  bool lost)
{
	struct lstep *v;
	int n = read_lineage(seq, &v), i, j, q;
	char buf[256], got[256];

	for (j = 0; j < nleaked; j++) {
		unsigned int id = leaked[j];
		bool any = false, cut = false;

		n_lin_ids++;
		for (i = 0; i < n; i++) {
			if (v[i].id != id)
				continue;
			any = true;
			if (!strcmp(v[i].kind, "differs"))
				why(r, "lineage of id=%u: the verifier's state at the leak has it in %s%s, the replay not",
				    id, v[i].fto ? "a callee's " : "", v[i].to);
			if (!strcmp(v[i].kind, "cut"))
				cut = true;
		}
		if (!any) {
			/* steps past max_history or memory (lineage_lost=), a lossy run */
			if (lost)
				printf("# id=%u: no lineage (steps not kept: lineage_lost or a lossy run)\n",
				       id);
			else
				why(r, "leaked id=%u has no lineage", id);
			continue;
		}
		n_lin_replayed += !cut;
		if (cut)
			printf("# id=%u: lineage not replayed to the leak (the walk did not reach its acquire)\n",
			       id);
		/* each step at its place: at= path steps back from the leak */
		for (i = 0; i < n; i++) {
			const struct lstep *s = &v[i];
			const struct seg *g;
			int ok;

			if (s->id != id || !strcmp(s->kind, "held") || !strcmp(s->kind, "differs") ||
			    !strcmp(s->kind, "cut"))
				continue;
			n_lin_steps++;
			g = path_at(fail, s->at, &q);
			if (!g)
				continue;	/* before the log's chain of the failing path */
			if (g->insn[q] != s->insn) {
				why(r, "lineage of id=%u: step %s at insn %ld, %ld steps before the leak, where the log's walk is at insn %ld",
				    id, s->kind, s->insn, s->at, g->insn[q]);
				continue;
			}
			/* taken and given back by the same insn (a call's r0, a cast's result) */
			if (takes(s->kind) && given_back(v, n, s))
				continue;
			ok = step_vs_log(s, g->txt[q]);
			if (ok < 0)
				continue;
			n_lin_checked++;
			if (ok)
				n_lin_equal++;
			else
				why(r, "lineage of id=%u: insn %ld %s %s->%s, the log after it: %s", id,
				    s->insn, s->kind, s->from, s->to, g->txt[q]);
		}
		/* holders the module says the verifier's state has at the leak */
		for (i = 0; fail && i < n; i++) {
			const struct lstep *s = &v[i];
			int h = -1;

			if (s->id != id || strcmp(s->kind, "held") || !s->in_state)
				continue;
			for (q = fail->ninsn - 1; q >= 0 && h == -1; q--)
				if (fail->txt[q] && print_frame(fail->txt[q]) == s->fto)
					h = print_holds(fail->txt[q], s->to, id);
			n_lin_steps++;
			if (h < 0)
				continue;
			n_lin_checked++;
			if (h)
				n_lin_equal++;
			else
				why(r, "lineage of id=%u: held at the leak in %s, the log's last print of it has another value",
				    id, s->to);
		}
		/* the corpus's own expectations (lineage=, held=, lost=) */
		if (expect_line && kv(expect_line, "lineage", buf, sizeof(buf)) &&
		    !has_kinds(v, n, id, buf))
			why(r, "lineage of id=%u: expected the steps %s in this order", id, buf);
		if (expect_line && kv(expect_line, "held", buf, sizeof(buf))) {
			held_list(v, n, id, got, sizeof(got));
			if (strcmp(buf, got))
				why(r, "lineage of id=%u: held at the leak %s, expected %s", id, got, buf);
		}
		if (expect_line && kv(expect_line, "lost", buf, sizeof(buf))) {
			for (i = 0; i < n && !(v[i].id == id && v[i].lost); i++)
				;
			if (i == n || strcmp(v[i].kind, buf))
				why(r, "lineage of id=%u: expected lost by a %s step, got %s", id, buf,
				    i == n ? "none" : v[i].kind);
		}
	}
	free(v);
}

#endif /* LINEAGE_CHECK_H */
