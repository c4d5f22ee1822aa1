// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-diag-check: hold bpf_diag's records against the verifier's own log.
 *
 *   bpf-diag-check [--kernel-log-level N] [--expect FILE] [--log-size MB]
 *                  [--logs DIR] [--repeat N] [--lossy] [--partial] [--light]
 *                  [--tags-kernel X.Y]
 *                  [-p PROG]... [-x PROG]...
 *                  OBJ.o...
 *   bpf-diag-check --invariants
 *
 * -p checks only the programs named, -x all but those named.
 *
 * Loads every program of every object on its own (libbpf, autoload off for
 * the others) with a large log buffer at log level 2, finds the env that
 * bpf_diag recorded for that load, and checks:
 *  - the verdict and error bpf_diag recorded are what the load returned;
 *  - the ids in the log's " refs=" prints are exactly the ids bpf_diag
 *    recorded as acquired, plus the lock/IRQ states it recorded as such;
 *  - each acquire, release and NULL drop at the exact insn whose state print
 *    gains or loses the id (log_refs.h); where the log printed no state
 *    after that insn (pruned at once), a helper/kfunc call or a
 *    conditional jump;
 *  - every "Unreleased reference" / "Leaking reference" line has a leak
 *    event with the same id and alloc insn, and nothing else leaks;
 *  - accepted: every acquired id is released or dropped on a NULL branch on
 *    some path (or the log shows every path that held it pruned), and
 *    nothing is released that was never acquired;
 *  - the path table against the log's pops, the failing path against the
 *    log's failing walk: resumed where it was, every branch where the walk
 *    went, and every branch queued on it named in its history;
 *  - with --expect: the verdict (and rejection message) the corpus expects;
 *  - the verdict and __msg()s the kernel's own BPF selftests write into an
 *    object (BTF decl tags, see kselftest_tags.h), on the kernel named by
 *    --tags-kernel X.Y only if given.
 * The verdict is the verifier's (the bpf() syscall's), told apart from
 * libbpf's later failures (a prog array it cannot fill): see watch().  A
 * rejection by a pass after the walk (check_max_stack_depth()) leaves the
 * walk's segments ending as walked: see post_walk_error().
 * Prints KTAP, one test point per program, a reason on every failure and
 * skip, and "N passed, N failed, N skipped".  Exit 1 on any failure.
 *
 * --light: log level 1, where the verifier says what it decided and, for a
 * rejection, why (its leak lines), but prints no state: the verdict, the
 * expected message, the leaks both ways, what was released and the env's
 * invariants are checked; refs=, the instructions, the walk and the source
 * lines are not.  For rows whose verifier another row checks in full at
 * level 2 (a flavour of it, the debug build), where what matters is that
 * every handler runs on every program: 3 to 8 times less time.
 *
 * Records that say they lost something (src_dropped=, paths_dropped=,
 * history_lost=) fail a program, unless --partial (a run with small
 * max_* limits) says so, and then each relaxed check is named.
 *
 * --lossy (for fault injection): an env that says it lost records (dropped=,
 * src_dropped=, paths_dropped=, paths_broken=, history_lost=) is held only
 * to the invariants below and skipped with its losses named; a load with no
 * env at all must have been counted in status's envs_dropped.  The verdict
 * is checked either way.
 *
 * --invariants loads nothing: every finished env bpf_diag keeps is held to
 * what must hold whatever the program (one KTAP point per env): event
 * indexes dense and as many as envs says, an id acquired once and before
 * it is released, dropped or leaked, a leak's alloc_insn its acquire's
 * insn, no leak in an accepted env, path ids dense with parents before
 * them, pops numbered 1..N once each, history events existing and in order.
 *
 * The expect file has lines "OBJ PROG accept|reject ["MESSAGE"] [since=X.Y]"
 * (OBJ is the object's file name).  The checker sets bpf_diag's filter while
 * it reads and puts the old one back.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "kselftest_tags.h"
#include "log_refs.h"
#include "kreport.h"

#define DIAG "/sys/kernel/debug/bpf_diag/"
#define MAX_IDS 4096

struct idset {
	int n;
	unsigned int id[MAX_IDS];
	int insn[MAX_IDS];	/* acquire insn, or first insn seen in the log */
	unsigned int aux[MAX_IDS];
};

/* ids (or source refs) that did not fit a table; the program fails */
static int ids_full;

static int idset_find(const struct idset *s, unsigned int id)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->id[i] == id)
			return i;
	return -1;
}

static void idset_add(struct idset *s, unsigned int id, int insn, unsigned int aux)
{
	if (idset_find(s, id) >= 0)
		return;
	if (s->n >= MAX_IDS) {
		ids_full++;
		return;
	}
	s->id[s->n] = id;
	s->insn[s->n] = insn;
	s->aux[s->n] = aux;
	s->n++;
}

/* pair set for leaks: (id, alloc insn) */
static bool pair_in(const struct idset *s, unsigned int id, int insn)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->id[i] == id && s->insn[i] == insn)
			return true;
	return false;
}

static void pair_add(struct idset *s, unsigned int id, int insn)
{
	if (pair_in(s, id, insn))
		return;
	if (s->n >= MAX_IDS) {
		ids_full++;
		return;
	}
	s->id[s->n] = id;
	s->insn[s->n++] = insn;
}

/* ---- bpf_diag's files ---- */

static char saved_filter[600];
static int filter_lock_fd = -1;

static int write_filter(const char *f)
{
	int fd = open(DIAG "filter", O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, f, strlen(f)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static void save_filter(void)
{
	FILE *f = fopen(DIAG "filter", "r");
	char line[600];

	strcpy(saved_filter, "clear");
	filter_lock_fd = open(DIAG "filter", O_RDONLY);
	if (filter_lock_fd >= 0)
		flock(filter_lock_fd, LOCK_EX);
	while (f && fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = 0;
		if (strcmp(line, "none"))
			snprintf(saved_filter, sizeof(saved_filter), "%s", line);
	}
	if (f)
		fclose(f);
	if (filter_lock_fd >= 0)
		flock(filter_lock_fd, LOCK_UN);
}

static void restore_filter(void)
{
	if (filter_lock_fd >= 0)
		close(filter_lock_fd);
}

/*
 * Checkers running side by side take turns at the filter, and each puts
 * the user's filter back before it lets go.
 */
static void filter_lock(bool on)
{
	if (!on)
		write_filter(saved_filter);
	if (filter_lock_fd >= 0)
		flock(filter_lock_fd, on ? LOCK_EX : LOCK_UN);
}

/* Value of key in a "k=v k=v" line, copied into out. */
static bool kv(const char *line, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[kl] == '=') {
			size_t n = strcspn(p + kl + 1, " \n");

			if (n >= len)
				n = len - 1;
			memcpy(out, p + kl + 1, n);
			out[n] = 0;
			return true;
		}
		p += kl;
	}
	return false;
}

static long kvl(const char *line, const char *key, long def)
{
	char v[64];

	return kv(line, key, v, sizeof(v)) ? strtol(v, NULL, 10) : def;
}

struct envrec {
	long seq;
	char verdict[16];
	long err, dropped, events, src_dropped, paths_dropped, paths_broken, hist_lost;
	long paths, walk_unplaced, lineage_lost;
	char walk[16];
};

static void parse_env(const char *line, struct envrec *r)
{
	r->seq = kvl(line, "env", -1);
	if (!kv(line, "verdict", r->verdict, sizeof(r->verdict)))
		strcpy(r->verdict, "?");
	r->err = kvl(line, "err", 0);
	r->dropped = kvl(line, "dropped", 0);
	r->events = kvl(line, "events", 0);
	r->src_dropped = kvl(line, "src_dropped", 0);
	r->paths = kvl(line, "paths", 0);
	r->paths_dropped = kvl(line, "paths_dropped", 0);
	r->paths_broken = kvl(line, "paths_broken", 0);
	r->hist_lost = kvl(line, "history_lost", 0);
	r->walk_unplaced = kvl(line, "walk_unplaced", 0);
	r->lineage_lost = kvl(line, "lineage_lost", 0);
	if (!kv(line, "walk", r->walk, sizeof(r->walk)))
		strcpy(r->walk, "?");
}

/* The newest env of this process, after env @after, for program @name. */
static bool find_env(const char *name, long after, struct envrec *r)
{
	char filt[128], line[1024], prog[64];
	bool found = false;
	FILE *f;

	snprintf(filt, sizeof(filt), "pid=%d", getpid());
	if (write_filter(filt))
		return false;
	f = fopen(DIAG "envs", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		/* the source's name, or the kernel's 15 characters of it */
		if (!kv(line, "prog", prog, sizeof(prog)) ||
		    (strcmp(prog, name) && (strlen(prog) != 15 || strncmp(prog, name, 15))) ||
		    kvl(line, "env", -1) <= after)
			continue;
		parse_env(line, r);
		found = true;
	}
	fclose(f);
	return found;
}

struct srcref {
	int insn;
	char where[256];	/* FILE:LINE from src=FILE:LINE:COL */
};

struct dpath {
	long parent, fork, start, end_insn, pop, spec, fork_ev, async;
	char end[16];
};

struct dhist {
	char type[8];
	long from, to, idx, path;
};

/* one event by its idx: kind a(cquire) r(elease) d(rop) l(eak) o(ther) */
struct evrec {
	char kind;
	unsigned int id;
	long insn;
};

struct events {
	int nevs;
	struct evrec *evs;
	long acq_path[MAX_IDS], acq_idx[MAX_IDS];
	int npaths, nhist;
	struct dpath *paths;
	struct dhist *hist;
	struct idset acq, rel, drop, leak, lock;
	int nsrc, nosrc;
	struct srcref src[MAX_IDS];
	struct idset site;	/* leak id -> insn where it was found */
	int bad_lines;
};

static void read_events(long seq, struct events *ev)
{
	char filt[64], line[1024], kind[32], src[240];
	FILE *f;

	memset(ev, 0, sizeof(*ev));
	snprintf(filt, sizeof(filt), "env=%ld locks", seq);
	if (write_filter(filt))
		return;
	f = fopen(DIAG "events", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		long id = kvl(line, "id", -1), insn = kvl(line, "insn", -1);

		if (!kv(line, "kind", kind, sizeof(kind)) || id < 0) {
			ev->bad_lines++;
			continue;
		}
		if (kv(line, "src", src, sizeof(src))) {
			char *col = strrchr(src, ':');

			if (col)
				*col = 0;	/* the log prints no column */
			if (ev->nsrc < MAX_IDS) {
				ev->src[ev->nsrc].insn = insn;
				snprintf(ev->src[ev->nsrc].where, sizeof(ev->src[0].where), "%s", src);
				ev->nsrc++;
			} else {
				ids_full++;
			}
		} else {
			ev->nosrc++;
		}
		{
			long idx = kvl(line, "idx", -1);

			if (idx >= 0 && idx < 1 << 22) {
				if (idx >= ev->nevs) {
					ev->evs = realloc(ev->evs, (idx + 1) * sizeof(*ev->evs));
					memset(ev->evs + ev->nevs, 0,
					       (idx + 1 - ev->nevs) * sizeof(*ev->evs));
					ev->nevs = idx + 1;
				}
				ev->evs[idx] = (struct evrec){
					!strcmp(kind, "acquire") ? 'a' : !strcmp(kind, "release") ? 'r' :
					!strcmp(kind, "null_drop") ? 'd' : !strcmp(kind, "leak") ? 'l' : 'o',
					id, insn };
			}
		}
		if (!strcmp(kind, "acquire")) {
			int n0 = ev->acq.n;

			idset_add(&ev->acq, id, insn, kvl(line, "parent", 0));
			if (ev->acq.n > n0) {
				ev->acq_path[ev->acq.n - 1] = kvl(line, "path", -1);
				ev->acq_idx[ev->acq.n - 1] = kvl(line, "idx", -1);
			}
		}
		else if (!strcmp(kind, "release"))
			pair_add(&ev->rel, id, insn);
		else if (!strcmp(kind, "null_drop"))
			pair_add(&ev->drop, id, insn);
		else if (!strcmp(kind, "leak")) {
			pair_add(&ev->leak, id, kvl(line, "alloc_insn", -1));
			pair_add(&ev->site, id, insn);
		}
		else if (!strcmp(kind, "lock"))
			idset_add(&ev->lock, id, insn, 0);
	}
	fclose(f);

	/* the path table and the failing path, same filter */
	f = fopen(DIAG "paths", "r");
	while (f && fgets(line, sizeof(line), f)) {
		struct dpath *p;

		ev->paths = realloc(ev->paths, (ev->npaths + 1) * sizeof(*ev->paths));
		p = &ev->paths[ev->npaths++];
		p->parent = kv(line, "parent", kind, sizeof(kind)) && kind[0] != '-' ?
			    atol(kind) : -1;
		p->fork = kvl(line, "fork_insn", -1);
		p->start = kvl(line, "start_insn", -1);
		p->end_insn = kvl(line, "end_insn", -1);
		p->pop = kvl(line, "pop", 0);
		p->spec = kvl(line, "spec", 0);
		p->fork_ev = kvl(line, "fork_ev", 0);
		p->async = kvl(line, "async", 0);
		if (!kv(line, "end", p->end, sizeof(p->end)))
			strcpy(p->end, "?");
	}
	if (f)
		fclose(f);
	f = fopen(DIAG "history", "r");
	while (f && fgets(line, sizeof(line), f)) {
		struct dhist *h;

		ev->hist = realloc(ev->hist, (ev->nhist + 1) * sizeof(*ev->hist));
		h = &ev->hist[ev->nhist++];
		kv(line, "type", h->type, sizeof(h->type));
		h->from = kvl(line, "from", -1);
		h->to = kvl(line, "to", -1);
		h->idx = kvl(line, "idx", -1);
		h->path = kvl(line, "path", -1);
	}
	if (f)
		fclose(f);
}

/* ---- the verifier's log ---- */

struct vlog {
	struct idset refs;	/* id -> first insn whose state print shows it */
	struct idset leak;	/* (id, alloc_insn) */
	int nops;
	int *op;		/* insn -> opcode from "N: (op) ..." lines, or -1 */
	char **where;		/* insn -> "FILE:LINE" of the "; TEXT @ FILE:LINE" before it */
	long *first_line;	/* insn -> log line where "N: (op)" is first printed */
	struct log_refs lr;	/* where ids come and go (log_refs.h) */
};

static void set_op(struct vlog *v, int insn, int op)
{
	if (insn < 0 || insn > (1 << 22))
		return;
	if (insn >= v->nops) {
		int n = insn * 2 + 64, i;

		v->op = realloc(v->op, n * sizeof(int));
		v->where = realloc(v->where, n * sizeof(char *));
		v->first_line = realloc(v->first_line, n * sizeof(long));
		for (i = v->nops; i < n; i++) {
			v->op[i] = -1;
			v->where[i] = NULL;
			v->first_line[i] = 0;
		}
		v->nops = n;
	}
	v->op[insn] = op;
}

static const char *get_where(const struct vlog *v, int insn)
{
	return insn >= 0 && insn < v->nops ? v->where[insn] : NULL;
}

static int get_op(const struct vlog *v, int insn)
{
	return insn >= 0 && insn < v->nops ? v->op[insn] : -1;
}

static bool op_is_call(int op)
{
	return op == 0x85;
}

static bool op_is_cond_jmp(int op)
{
	int cls = op & 7, code = op & 0xf0;

	return (cls == 5 || cls == 6) && code != 0x00 && code != 0x80 && code != 0x90;
}

/* exit, call (tail call, bpf_throw), LD_ABS/LD_IND */
static bool op_is_leak_site(int op)
{
	return op == 0x95 || op == 0x85 || op == 0x20 || op == 0x28 || op == 0x30 ||
	       op == 0x40 || op == 0x48 || op == 0x50;
}

/* The where of a line info that has no " @ FILE:LINE" (6.1) */
#define NO_FILE_LINE	"?"

/* Call @fn on every line of @log, each NUL-terminated (no rescans). */
static void for_each_line(const char *log, void (*fn)(char *line, void *arg), void *arg)
{
	char *copy = strdup(log), *line = copy, *nl;

	if (!copy)
		return;
	for (; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		fn(line, arg);
	}
	free(copy);
}

struct log_state {
	struct vlog *v;
	char where[256];
	long lineno;		/* line of the log */
};

static void log_line(char *line, void *arg)
{
	struct log_state *ls = arg;
	struct vlog *v = ls->v;
	unsigned int id, insn;
	int lineno = -1, op = -1;
	long here = -1;
	char *p, *at;

	ls->lineno++;
	if (isdigit((unsigned char)line[0]))
		lineno = atoi(line);
	/*
	 * "; TEXT @ FILE:LINE": the line info of the insns that follow; "?"
	 * where the kernel prints "; TEXT" only (6.1), whose text
	 * report_check.py compares instead.
	 */
	if (line[0] == ';') {
		at = strstr(line, " @ ");
		snprintf(ls->where, sizeof(ls->where), "%s", at ? at + 3 : NO_FILE_LINE);
	}
	if (lineno >= 0 && sscanf(line, "%*d: (%x)", &op) == 1) {
		set_op(v, lineno, op);
		if (!v->first_line[lineno])
			v->first_line[lineno] = ls->lineno;
		if (ls->where[0] && !v->where[lineno])
			v->where[lineno] = strdup(ls->where);
		here = lineno;
	}
	lr_line(&v->lr, line, here, here >= 0 && op_is_cond_jmp(op), here >= 0 && op == 0x85,
		here >= 0 && op == 0x85 && strstr(line, ") call pc"));
	if (sscanf(line, "Unreleased reference id=%u alloc_insn=%u", &id, &insn) == 2 ||
	    sscanf(line, "Leaking reference id=%u alloc_insn=%u", &id, &insn) == 2)
		pair_add(&v->leak, id, insn);
	p = strstr(line, " refs=");
	if (!p)
		return;
	p += 6;
	while (isdigit((unsigned char)*p)) {
		id = strtoul(p, &p, 10);
		idset_add(&v->refs, id, lineno, ls->lineno);
		if (*p != ',')
			break;
		p++;
	}
}

static void parse_log(const char *log, struct vlog *v)
{
	struct log_state ls = { .v = v };

	memset(v, 0, sizeof(*v));
	lr_reset(&v->lr);
	for_each_line(log, log_line, &ls);
}

/* ---- expectations ---- */

struct expect {
	char obj[128], prog[64], verdict[16], msg[256], since[16];
	char raw[1024];		/* the whole line: lineage=, held=, lost= */
};

static struct expect *expects;
static int nexpects;

static void load_expect(const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		struct expect e = {};
		char *q;

		if (sscanf(line, "%127s %63s %15s", e.obj, e.prog, e.verdict) != 3)
			continue;
		q = strchr(line, '"');
		if (q) {
			char *end = strchr(q + 1, '"');

			if (end)
				snprintf(e.msg, sizeof(e.msg), "%.*s", (int)(end - q - 1), q + 1);
		}
		q = strstr(line, "since=");
		if (q)
			sscanf(q + 6, "%15s", e.since);
		snprintf(e.raw, sizeof(e.raw), "%s", line);
		expects = realloc(expects, sizeof(*expects) * (nexpects + 1));
		expects[nexpects++] = e;
	}
	fclose(f);
}

static const struct expect *find_expect(const char *obj, const char *prog)
{
	const char *base = strrchr(obj, '/');
	int i;

	base = base ? base + 1 : obj;
	for (i = 0; i < nexpects; i++)
		if (!strcmp(expects[i].obj, base) && !strcmp(expects[i].prog, prog))
			return &expects[i];
	return NULL;
}

static int kver_cmp(const char *since)
{
	struct utsname u;
	int a, b, x = 0, y = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &a, &b);
	sscanf(since, "%d.%d", &x, &y);
	return a != x ? a - x : b - y;
}

/* ---- one program ---- */

static int npass, nfail, nskip, ntest;
static int log_level = 2;
static size_t log_max = 256u << 20;
static const char *logdir;

struct result {
	char reasons[4096];
	int nreasons;
};

static __attribute__((format(printf, 2, 3))) void why(struct result *r, const char *fmt, ...)
{
	size_t n = strlen(r->reasons);
	va_list ap;

	if (n && n < sizeof(r->reasons) - 2) {
		strcat(r->reasons, "; ");
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(r->reasons + n, sizeof(r->reasons) - n, fmt, ap);
	va_end(ap);
	r->nreasons++;
}

/*
 * Acquire @i was only ever held on paths that the verifier pruned: its own
 * path and every path forked from it after the acquire ended "pruned"
 * (the state was equivalent to one already verified, so the reference
 * never needed a release there, and the log may never print it in refs=).
 */
static bool held_only_on_pruned(const struct events *ev, int i)
{
	long p = ev->acq_path[i], k;
	bool changed = true;
	char *in;

	if (p < 0 || p >= ev->npaths)
		return false;
	in = calloc(ev->npaths, 1);
	in[p] = 1;
	while (changed) {
		changed = false;
		for (k = 0; k < ev->npaths; k++) {
			const struct dpath *d = &ev->paths[k];

			if (!in[k] && d->parent >= 0 && d->parent < ev->npaths && in[d->parent] &&
			    (d->parent != p || d->fork_ev > ev->acq_idx[i])) {
				in[k] = 1;
				changed = true;
			}
		}
	}
	for (k = 0; k < ev->npaths; k++)
		if (in[k] && strcmp(ev->paths[k].end, "pruned")) {
			free(in);
			return false;
		}
	free(in);
	return true;
}

/* ---- the verifier's walk, as its level-2 log shows it ---- */

struct seg {
	bool root;
	long from, to, spec;
	long end_insn;
	char end[16];		/* exit, pruned, error, ? */
	int ninsn, cap;
	long *insn;		/* insns visited, in order */
	char **txt;		/* per insn visited: the state the log prints after it, or NULL */
	int nids, capids;
	unsigned int *ids;	/* ids in the segment's refs= prints */
};

struct walk {
	int n;
	struct seg *s;
};

static struct seg *seg_new(struct walk *w, bool root, long from, long to, long spec)
{
	struct seg *g;

	w->s = realloc(w->s, (w->n + 1) * sizeof(*w->s));
	g = &w->s[w->n++];
	memset(g, 0, sizeof(*g));
	g->root = root;
	g->from = from;
	g->to = to;
	g->spec = spec;
	g->end_insn = -1;
	strcpy(g->end, "?");
	return g;
}

static void seg_close(const struct vlog *v, struct seg *g)
{
	long last;

	if (!g || strcmp(g->end, "?") || !g->ninsn)
		return;
	last = g->insn[g->ninsn - 1];
	g->end_insn = last;
	if (get_op(v, last) == 0x95 || get_op(v, last) == 0x85)
		strcpy(g->end, "exit");
}

struct walk_state {
	const struct vlog *v;
	struct walk *w;
	struct seg *cur;
	bool root_next;		/* the next insn starts a walk of its own */
	bool state_seen;	/* a state print ("0: R1=ctx() R10=fp0") came */
};

static void seg_refs(struct seg *g, const char *line)
{
	static unsigned int ids[LR_MAX_REFS];
	int n = lr_ids(line, ids, LR_MAX_REFS), i;

	for (i = 0; i < n; i++) {
		if (lr_in(g->ids, g->nids, ids[i]))
			continue;
		if (g->nids == g->capids) {
			g->capids = g->capids ? 2 * g->capids : 8;
			g->ids = realloc(g->ids, g->capids * sizeof(*g->ids));
		}
		g->ids[g->nids++] = ids[i];
	}
}

static void walk_line_seg(char *line, struct walk_state *ws);

static void walk_line(char *line, void *arg)
{
	struct walk_state *ws = arg;

	walk_line_seg(line, ws);
	if (ws->cur && strstr(line, " refs="))
		seg_refs(ws->cur, line);
}

/*
 * 7.x prints its static liveness analyses at log level 2 before the walk
 * (kernel/bpf/liveness.c: arg_track_log() "N: INSN\tr2: A -> B",
 * print_subprog_arg_access() "N: INSN // r2=...", and "; use: ..."),
 * insns as "%3d: ": not insns walked.
 */
static bool liveness_line(const char *line)
{
	return strstr(line, " -> ") || strstr(line, " // ") || strstr(line, "; use: ") ||
	       strstr(line, "\tr");
}

/*
 * A state printed on a line of its own (after a call, a return): "@ "
 * first, to tell it from the insn line's own (lineage_check.h).  7.x
 * prints there only what its liveness analysis keeps.
 */
static char *state_dup(const char *s)
{
	char *d = malloc(strlen(s) + 3);

	if (d)
		sprintf(d, "@ %s", s);
	return d;
}

/* "N: R0=... refs=2", "N: frame1: R1=...", "N: fp-8=...": a state print, not an insn */
static bool state_line(const char *line)
{
	const char *p = line;

	while (isdigit((unsigned char)*p))
		p++;
	if (p == line || strncmp(p, ": ", 2))
		return false;
	p += 2;
	if (!strncmp(p, "frame", 5)) {
		p = strchr(p, ' ');
		if (!p)
			return false;
		p++;
	}
	return (p[0] == 'R' && isdigit((unsigned char)p[1])) || !strncmp(p, "fp-", 3);
}

static void walk_line_seg(char *line, struct walk_state *ws)
{
	char rest[64] = "";
	long x, y, n;
	size_t len = strlen(line);

	if (!ws->state_seen && sscanf(line, "%ld: R%ld", &x, &y) == 2) {
		/*
		 * The walk starts with its first state print: insns listed
		 * before it are 7.x's liveness dumps (liveness_line(), and
		 * whole listings of the program), not walked.
		 */
		ws->state_seen = true;
		if (ws->cur && ws->cur->root)
			ws->cur->ninsn = 0;
	}
	if (!strncmp(line, "Validating ", 11)) {
		seg_close(ws->v, ws->cur);
		ws->cur = seg_new(ws->w, true, -1, -1, 0);
		ws->root_next = false;
	} else if (!strncmp(line, "Func#", 5) && strstr(line, " is safe for any args")) {
		/*
		 * A global subprogram's walk ended.  6.1 walks them before
		 * main, and main's walk follows with no "Validating" line.
		 */
		seg_close(ws->v, ws->cur);
		ws->cur = NULL;
		ws->root_next = true;
	} else if (sscanf(line, "from %ld to %ld%63[^\n]", &x, &y, rest) >= 2) {
		bool spec = strstr(rest, "speculative");
		bool safe = len >= 6 && !strcmp(line + len - 6, ": safe");
		struct seg *g = ws->cur;

		/*
		 * A return from a subprogram or callback prints "from EXIT to
		 * RET" too (": safe" if pruned right there): X is the exit insn
		 * just printed.  Not a pop.
		 */
		if (g && g->ninsn && g->insn[g->ninsn - 1] == x && get_op(ws->v, x) == 0x95) {
			/* the caller's state after the return */
			if (!g->txt[g->ninsn - 1] && strchr(line, ':'))
				g->txt[g->ninsn - 1] = state_dup(strchr(line, ':') + 1);
			if (safe) {	/* pruned right where it returned */
				strcpy(g->end, "pruned");
				g->end_insn = y;
				ws->cur = NULL;
			}
			return;
		}

		seg_close(ws->v, ws->cur);
		ws->cur = seg_new(ws->w, false, x, y, spec);
		if (safe) {
			strcpy(ws->cur->end, "pruned");
			ws->cur->end_insn = y;
			ws->cur = NULL;
		}
	} else if (ws->cur && sscanf(line, "%ld: safe", &n) == 1 && strstr(line, ": safe")) {
		strcpy(ws->cur->end, "pruned");
		ws->cur->end_insn = n;
	} else if (ws->cur && ws->cur->ninsn && !ws->cur->txt[ws->cur->ninsn - 1] &&
		   state_line(line)) {
		/* the state after the last insn (a call's, printed before the next) */
		ws->cur->txt[ws->cur->ninsn - 1] = state_dup(strchr(line, ':') + 1);
	} else if (isdigit((unsigned char)line[0]) && sscanf(line, "%ld: ", &n) == 1 &&
		   (strstr(line, ": (") || strstr(line, ": <invalid")) && !liveness_line(line)) {
		struct seg *g;

		if (!ws->cur && ws->root_next)
			ws->cur = seg_new(ws->w, true, -1, -1, 0);
		ws->root_next = false;
		g = ws->cur;
		if (!g)
			return;
		if (g->ninsn == g->cap) {
			g->cap = g->cap ? 2 * g->cap : 64;
			g->insn = realloc(g->insn, g->cap * sizeof(long));
			g->txt = realloc(g->txt, g->cap * sizeof(char *));
		}
		g->txt[g->ninsn] = strstr(line, " ; ") ? strdup(strstr(line, " ; ") + 3) : NULL;
		g->insn[g->ninsn++] = n;
	}
}

/*
 * Rejections that come after the walk, from bpf_check()'s later passes
 * (check_max_stack_depth() in 6.1-7.3): the walk itself ended every path
 * normally, e.g. a bpf_throw() in a bpf_loop() callback is an exception
 * exit during the walk, and only then the program is refused for it.
 * Matched on the log's last message before its "processed N insns" line.
 */
static const char * const post_walk_msgs[] = {
	"cannot be called from callback subprog",	/* bpf_throw in a callback */
	"combined stack size of ",
	"tail_calls are not allowed when call stack of previous frames is",
	"the call stack of ",
	"cannot tail call within exception cb",
	"cannot use BPF_LD_[ABS|IND] within callback",
	"cannot call exception cb directly",
	"stack size of subprog ",
};

static bool post_walk_error(const char *log)
{
	const char *end = strstr(log, "\nprocessed "), *b;
	unsigned int i;

	if (!end)
		return false;
	for (b = end; b > log && b[-1] != '\n'; b--)
		;
	for (i = 0; i < sizeof(post_walk_msgs) / sizeof(post_walk_msgs[0]); i++) {
		const char *m = strstr(b, post_walk_msgs[i]);

		if (m && m < end)
			return true;
	}
	return false;
}

/* Split the log into the segments of the walk: roots and popped branches. */
static void parse_walk(const char *log, const struct vlog *v, bool rejected, struct walk *w)
{
	struct walk_state ws = { .v = v, .w = w };

	memset(w, 0, sizeof(*w));
	ws.cur = seg_new(w, true, -1, -1, 0);
	for_each_line(log, walk_line, &ws);
	if (rejected && w->n) {
		struct seg *last = &w->s[w->n - 1];

		if (!strcmp(last->end, "?") || last == ws.cur) {
			strcpy(last->end, "error");
			last->end_insn = last->ninsn ? last->insn[last->ninsn - 1] : -1;
		}
	}
	seg_close(v, ws.cur);
}

static void free_walk(struct walk *w)
{
	int i, k;

	for (i = 0; i < w->n; i++) {
		for (k = 0; k < w->s[i].ninsn; k++)
			free(w->s[i].txt[k]);
		free(w->s[i].txt);
		free(w->s[i].insn);
		free(w->s[i].ids);
	}
	free(w->s);
}

/*
 * Our path table and failing path against the log's walk.  With @partial
 * (paths past max_paths were not recorded) only the records kept are held
 * against their segments; the failing path never depends on them.
 */
static long n_dec_checked, n_dec_equal;

/* A decision of the failing path: the conditional jump at @from went to @to */
struct dec {
	long from, to;
};

/* The failing segment's decisions in the log against bpf_diag's history after @from_hist */
static void check_decisions(struct result *r, const struct events *ev, const struct vlog *v,
			    const struct seg *fail, int last_resume, bool tail)
{
	struct dec *want = calloc(fail->ninsn + 1, sizeof(*want));
	struct dec *have = calloc(ev->nhist + 1, sizeof(*have));
	int nw = 0, nh = 0, i;

	for (i = 0; i + 1 < fail->ninsn; i++)
		if (op_is_cond_jmp(get_op(v, fail->insn[i])))
			want[nw++] = (struct dec){ fail->insn[i], fail->insn[i + 1] };
	for (i = last_resume + 1; i < ev->nhist; i++) {
		const struct dhist *h = &ev->hist[i];

		if (!strcmp(h->type, "jump") || (!strcmp(h->type, "branch") && h->to >= 0))
			have[nh++] = (struct dec){ h->from, h->to };
	}
	/* a cut walk: its decisions are the log's newest ones */
	if (tail && nh < nw) {
		memmove(want, want + nw - nh, nh * sizeof(*want));
		nw = nh;
	}
	n_dec_checked += nw;
	for (i = 0; i < nw && i < nh; i++) {
		if (want[i].from != have[i].from || want[i].to != have[i].to)
			break;
		n_dec_equal++;
	}
	if (i < nw || i < nh) {
		if (i < nw && i < nh)
			why(r, "failing path: decision %d: the log's walk went from %ld to %ld, bpf_diag says %ld to %ld",
			    i, want[i].from, want[i].to, have[i].from, have[i].to);
		else if (i < nw)
			why(r, "failing path: the log's walk decides at insn %ld (to %ld), bpf_diag's history has no decision %d (%d in all, the log %d)",
			    want[i].from, want[i].to, i, nh, nw);
		else
			why(r, "failing path: bpf_diag has a decision at insn %ld (to %ld) the log's walk does not make (%d in all, the log %d)",
			    have[i].from, have[i].to, nh, nw);
	}
	free(want);
	free(have);
}

static bool lossy;
static bool light;
static bool partial;

/* Does a line of status start with @prefix, and not with @unless? (cached in *@v) */
static bool status_says(int *v, const char *prefix, const char *unless)
{
	char line[512];
	FILE *f;

	if (*v >= 0)
		return *v;
	*v = 0;
	f = fopen(DIAG "status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, prefix, strlen(prefix)) &&
		    (!unless || strncmp(line, unless, strlen(unless))))
			*v = 1;
	if (f)
		fclose(f);
	return *v;
}

/* Does status say bpf_diag walks failing paths back on this kernel? */
static int walks_here = -1;

static bool module_walks(void)
{
	return status_says(&walks_here, "branch decisions: every one", NULL);
}

/*
 * Was the failing path walked back from its leak, every entry placed?
 * Where status says it is walked and the env has a leak, it must be:
 * WALK_ALL.  Cut (more decisions than max_history has room for: the
 * newest are kept) is WALK_TAIL, said; lost only where the run asks for
 * small limits (--partial).
 */
enum { WALK_NO, WALK_ALL, WALK_TAIL };

static int walked_all(struct result *r, const struct envrec *env, const struct events *ev,
		      const char *name)
{
	if (!module_walks() || !ev->leak.n)
		return WALK_NO;
	if (!env->walk_unplaced && !strcmp(env->walk, "done"))
		return WALK_ALL;
	if (!env->walk_unplaced && !strcmp(env->walk, "cut")) {
		printf("# %s: the failing path's walk was cut (max_walk or max_history): its newest decisions are checked\n",
		       name);
		return WALK_TAIL;
	}
	if (partial && !strcmp(env->walk, "lost"))
		return WALK_NO;
	why(r, "env %ld leaked, but its failing path was not walked back whole (walk=%s, %ld entries not placed)",
	    env->seq, env->walk, env->walk_unplaced);
	return WALK_NO;
}

/* the log's failing segment, once check_walk() found it (NULL: none) */
static const struct seg *fail_seg;
/*
 * The failing path before its segment: in the segments of the paths it
 * forked from, up to the fork (its only visit there; a fork insn visited
 * twice in a segment ends the chain: which visit queued it is not known)
 */
#define ANC_MAX 16
static const struct seg *fail_anc[ANC_MAX];
static int fail_anc_end[ANC_MAX], n_fail_anc;

static void fail_chain(const struct events *ev, const struct dpath *fp, const struct seg **seg_of)
{
	const struct dpath *q, *pp;
	const struct seg *ps;
	int k, at, seen;

	n_fail_anc = 0;
	for (q = fp; q && q->parent >= 0 && !q->async && n_fail_anc < ANC_MAX; q = pp) {
		/* a path's record is at its id (as held_only_on_pruned() reads it) */
		pp = q->parent < ev->npaths ? &ev->paths[q->parent] : NULL;
		ps = pp ? seg_of[pp - ev->paths] : NULL;
		if (!ps)
			return;
		for (k = 0, at = -1, seen = 0; k < ps->ninsn; k++)
			if (ps->insn[k] == q->fork) {
				at = k;
				seen++;
			}
		if (seen != 1)
			return;
		fail_anc[n_fail_anc] = ps;
		fail_anc_end[n_fail_anc++] = at;
	}
}

#include "lineage_check.h"
#include "suggest_check.h"

/* Does status say leaked references get their lineage on this kernel? */
static int lineage_here_v = -1;

static bool lineage_here(void)
{
	return status_says(&lineage_here_v, "lineage: ", "lineage: none");
}

static void check_walk(struct result *r, const struct events *ev, const struct walk *w,
		       const struct vlog *v, bool partial, bool hist_lost, int walked)
{
	int i, k, nroot = 0, npop = 0, last_resume = -1, nerr = 0;
	const struct seg *fail = NULL, **seg_of;
	const struct dpath *fail_p = NULL;
	long fpath = -1;
	char *named;

	if (!ev->npaths) {
		/* rejected before any walk (attach checks, an unknown opcode) */
		for (i = 0; i < w->n && !w->s[i].ninsn; i++)
			;
		if (i < w->n)
			why(r, "no path records");
		return;
	}
	n_fail_anc = 0;
	seg_of = calloc(ev->npaths, sizeof(*seg_of));
	if (!seg_of)
		return;
	/* roots in order, then popped paths in pop order */
	for (i = 0; i < w->n; i++) {
		const struct seg *g = &w->s[i];
		const struct dpath *p = NULL;

		/* the walk before a first "Validating" line, where there is none */
		if (g->root && !g->ninsn && !strcmp(g->end, "?"))
			continue;
		if (g->root) {
			/* the nroot-th root segment is our nroot-th root path */
			int want = nroot++;

			/* an async callback's walk has no parent, but is a pop */
			for (k = 0; k < ev->npaths; k++)
				if (ev->paths[k].parent < 0 && !ev->paths[k].async && !want--) {
					p = &ev->paths[k];
					break;
				}
		} else {
			npop++;
			for (k = 0; k < ev->npaths; k++)
				if (ev->paths[k].pop == npop)
					p = &ev->paths[k];
			if (p && (p->fork != g->from || p->start != g->to || p->spec != g->spec))
				why(r, "pop %d: log 'from %ld to %ld', bpf_diag path from %ld to %ld",
				    npop, g->from, g->to, p->fork, p->start);
		}
		if (!p) {
			if (!partial)
				why(r, "log segment %d (from %ld to %ld) has no path record", i,
				    g->from, g->to);
			if (!strcmp(g->end, "error"))
				fail = g;
			continue;
		}
		if (strcmp(g->end, "?") &&
		    (strcmp(g->end, p->end) || (g->end_insn >= 0 && g->end_insn != p->end_insn)))
			why(r, "segment %d (from %ld to %ld): log ends %s at %ld, bpf_diag %s at %ld",
			    i, g->from, g->to, g->end, g->end_insn, p->end, p->end_insn);
		seg_of[p - ev->paths] = g;
		if (!strcmp(g->end, "error")) {
			fail = g;
			fail_p = p;
		}
	}
	fail_chain(ev, fail == (fail_p ? seg_of[fail_p - ev->paths] : NULL) ? fail_p : NULL, seg_of);
	free(seg_of);
	for (k = 0; k < ev->npaths; k++)
		if (ev->paths[k].pop > npop)
			why(r, "bpf_diag has a pop #%ld the log does not show", ev->paths[k].pop);

	/* the failing path: resumed where the log's last segment starts ... */
	fail_seg = fail;
	if (!fail || !fail->ninsn)
		return;
	/*
	 * No history at all is right only for a root walk that queued
	 * nothing and met no event: the checks below say so otherwise.
	 */
	if (!ev->nhist && hist_lost)
		return;
	for (i = 0; i < ev->nhist; i++)
		if (!strcmp(ev->hist[i].type, "resume"))
			last_resume = i;
	if (fail->root && last_resume >= 0)
		why(r, "failing path: the log fails on a root walk, bpf_diag resumed it at %ld",
		    ev->hist[last_resume].to);
	if (!fail->root && (last_resume < 0 || ev->hist[last_resume].from != fail->from ||
			    ev->hist[last_resume].to != fail->to))
		why(r, "failing path: log 'from %ld to %ld', bpf_diag resumed from %ld to %ld",
		    fail->from, fail->to, last_resume < 0 ? -1 : ev->hist[last_resume].from,
		    last_resume < 0 ? -1 : ev->hist[last_resume].to);
	/* ... and took, at every branch after it, the way the log went */
	for (i = last_resume + 1, k = 0; i < ev->nhist; i++) {
		const struct dhist *h = &ev->hist[i];

		if (strcmp(h->type, "branch"))
			continue;
		for (; k < fail->ninsn; k++)
			if (fail->insn[k] == h->from &&
			    (h->to < 0 || (k + 1 < fail->ninsn && fail->insn[k + 1] == h->to)))
				break;
		if (k >= fail->ninsn) {
			why(r, "failing path: branch at %ld to %ld is not in the log's failing walk",
			    h->from, h->to);
			break;
		}
		k++;
	}

	/*
	 * ... and every branch decision on it, in order: each conditional
	 * jump the log walks there (the insn printed after it says which way
	 * it went), whether the verifier queued the other side (a branch) or
	 * knew it could not happen (a jump, from the verifier's jump history
	 * at the leak).  Only where bpf_diag walked that history (walk=done).
	 */
	if (walked)
		check_decisions(r, ev, v, fail, last_resume, walked == WALK_TAIL);

	/*
	 * ... and named every branch it queued: the paths forked from the
	 * failing path are its branches after the resume, one each.  (The
	 * log never shows a side queued on the failing walk: the verifier
	 * stopped before popping it.  Both records are bpf_diag's, written
	 * by different code: the path table at the push, the history
	 * besides.)
	 */
	if (partial || hist_lost)
		return;		/* the failing path's record may be the one dropped */
	for (k = 0; k < ev->npaths; k++)
		if (!strcmp(ev->paths[k].end, "error")) {
			fpath = k;
			nerr++;
		}
	if (nerr != 1) {
		why(r, "failing path: %d paths end in error, want 1", nerr);
		return;
	}
	named = calloc(ev->npaths, 1);
	for (i = last_resume + 1; i < ev->nhist; i++) {
		const struct dhist *h = &ev->hist[i];

		if (strcmp(h->type, "branch"))
			continue;
		if (h->path < 0 || h->path >= ev->npaths || ev->paths[h->path].parent != fpath)
			why(r, "failing path %ld: its branch at %ld names path %ld, not one forked from it",
			    fpath, h->from, h->path);
		else
			named[h->path]++;
	}
	for (k = 0; k < ev->npaths; k++)
		if (ev->paths[k].parent == fpath && named[k] != 1)
			why(r, "failing path %ld: path %d forked from it at insn %ld, its history names that branch %d times",
			    fpath, k, ev->paths[k].fork, named[k]);
	free(named);
}

/*
 * What the kernel said, told apart from libbpf's own later failures: libbpf
 * warns "prog 'X': BPF program load failed" right after the bpf() syscall,
 * with errno still the syscall's (libbpf_print() keeps it).  A load that
 * returned without that warning but with a verifier log was accepted; a
 * load with neither never reached the kernel.  libbpf's first warning is
 * kept for the report (e.g. a prog array it could not fill, -EBADF, after
 * the verifier had accepted the program).
 */
static int kern_err;			/* the syscall's -errno, 0 if none */
static char libbpf_msg[256];		/* libbpf's first warning */

static int watch(enum libbpf_print_level l, const char *fmt, va_list ap)
{
	int err = errno;

	if (l != LIBBPF_WARN)
		return 0;
	if (strstr(fmt, "BPF program load failed") && !kern_err)
		kern_err = -err;
	if (!libbpf_msg[0] && !strstr(fmt, "-- BEGIN PROG LOAD LOG --")) {
		vsnprintf(libbpf_msg, sizeof(libbpf_msg), fmt, ap);
		libbpf_msg[strcspn(libbpf_msg, "\n")] = 0;
	}
	return 0;
}

/* kret: the verifier's verdict (0 accepted, -errno rejected) or NOT_LOADED */
#define NOT_LOADED 1

static int load(const char *path, const char *name, char *log, size_t size, int *ret,
		int *kret, struct ktags *tags)
{
	struct bpf_program *p, *me = NULL;
	struct bpf_object *obj;

	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return -errno;
	bpf_object__for_each_program(p, obj) {
		bool on = !strcmp(bpf_program__name(p), name);

		bpf_program__set_autoload(p, on);
		if (on)
			me = p;
	}
	if (!me) {
		bpf_object__close(obj);
		return -ENOENT;
	}
	kt_read(obj, name, tags);
	if (tags->flags)
		bpf_program__set_flags(me, bpf_program__flags(me) | tags->flags);
	log[0] = 0;
	bpf_program__set_log_buf(me, log, size);
	bpf_program__set_log_level(me, log_level);
	kern_err = 0;
	libbpf_msg[0] = 0;
	*ret = bpf_object__load(obj);
	*kret = kern_err ? kern_err : log[0] ? 0 : NOT_LOADED;
	bpf_object__close(obj);
	return 0;
}

/* when the program being checked started (0: not a program's check) */
static double t_start;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(const char *obj, const char *prog, struct result *r, const char *skip)
{
	const char *base = strrchr(obj, '/');
	double took = t_start ? now() - t_start : 0;

	base = base ? base + 1 : obj;
	ntest++;
	/* the slow ones, to see where a run's time goes */
	if (took >= 2)
		printf("# %s:%s took %.1fs\n", base, prog, took);
	t_start = 0;
	if (skip) {
		nskip++;
		printf("ok %d %s:%s # SKIP %s\n", ntest, base, prog, skip);
	} else if (r->nreasons) {
		nfail++;
		printf("not ok %d %s:%s # %s\n", ntest, base, prog, r->reasons);
	} else {
		npass++;
		printf("ok %d %s:%s\n", ntest, base, prog);
	}
	fflush(stdout);
}

/* ---- invariants: what holds for any program, without its log ---- */

struct iev {
	long idx, insn, id, aux, path;
	char kind[16];
};

/* Read the lines of @file (filter already set) into @lines. */
static int read_lines(const char *file, char ***lines)
{
	char line[1024];
	int n = 0;
	FILE *f = fopen(file, "r");

	*lines = NULL;
	while (f && fgets(line, sizeof(line), f)) {
		*lines = realloc(*lines, (n + 1) * sizeof(char *));
		(*lines)[n++] = strdup(line);
	}
	if (f)
		fclose(f);
	return n;
}

static void free_lines(char **lines, int n)
{
	while (n--)
		free(lines[n]);
	free(lines);
}

static void env_invariants(struct result *r, const struct envrec *env)
{
	char filt[64], **el, **pl, **hl, v[32];
	int ne, np, nh, i, k, maxpop = 0;
	struct iev *ev;
	char *popseen;
	long last = -1;

	if ((!strcmp(env->verdict, "accepted")) != (env->err == 0))
		why(r, "verdict=%s with err=%ld", env->verdict, env->err);
	snprintf(filt, sizeof(filt), "env=%ld locks", env->seq);
	if (write_filter(filt)) {
		why(r, "cannot set the filter");
		return;
	}
	ne = read_lines(DIAG "events", &el);
	np = read_lines(DIAG "paths", &pl);
	nh = read_lines(DIAG "history", &hl);
	if (ne != env->events)
		why(r, "events=%ld but %d event lines", env->events, ne);
	ev = calloc(ne + 1, sizeof(*ev));
	for (i = 0; i < ne; i++) {
		struct iev *e = &ev[i];

		e->idx = kvl(el[i], "idx", -1);
		e->insn = kvl(el[i], "insn", -1);
		e->id = kvl(el[i], "id", -1);
		e->path = kvl(el[i], "path", -1);
		if (!kv(el[i], "kind", e->kind, sizeof(e->kind)))
			strcpy(e->kind, "?");
		e->aux = !strcmp(e->kind, "leak") ? kvl(el[i], "alloc_insn", -1) : -1;
		if (e->idx != i)
			why(r, "event line %d has idx=%ld", i, e->idx);
		if (e->path >= env->paths)
			why(r, "event %d on path %ld, only %ld paths", i, e->path, env->paths);
		if (!strcmp(e->kind, "acquire")) {
			for (k = 0; k < i; k++)
				if (!strcmp(ev[k].kind, "acquire") && ev[k].id == e->id)
					why(r, "id %ld acquired twice (events %d and %d)", e->id, k, i);
			continue;
		}
		if (strcmp(e->kind, "release") && strcmp(e->kind, "null_drop") &&
		    strcmp(e->kind, "leak"))
			continue;
		for (k = 0; k < i; k++)
			if (!strcmp(ev[k].kind, "acquire") && ev[k].id == e->id)
				break;
		if (k == i && !env->dropped)
			why(r, "%s of id %ld (event %d) before any acquire of it", e->kind, e->id, i);
		else if (k < i && e->aux >= 0 && e->aux != ev[k].insn)
			why(r, "leak of id %ld alloc_insn=%ld, acquired at insn %ld", e->id,
			    e->aux, ev[k].insn);
		if (!strcmp(e->kind, "leak") && !strcmp(env->verdict, "accepted"))
			why(r, "accepted, but id %ld leaked", e->id);
	}
	if (np != env->paths)
		why(r, "paths=%ld but %d path lines", env->paths, np);
	popseen = calloc(np + 2, 1);
	for (i = 0; i < np; i++) {
		long id = kvl(pl[i], "path", -1), pop = kvl(pl[i], "pop", 0);

		if (id != i)
			why(r, "path line %d has path=%ld", i, id);
		if (kv(pl[i], "parent", v, sizeof(v)) && v[0] != '-' && atol(v) >= id)
			why(r, "path %ld has parent %s, not an earlier path", id, v);
		if (kvl(pl[i], "fork_ev", 0) > env->events + env->dropped)
			why(r, "path %ld forked after event %ld, only %ld events", id,
			    kvl(pl[i], "fork_ev", 0), env->events);
		/* dropped path records took their pop numbers with them */
		if (pop < 0 || pop > np + env->paths_dropped ||
		    (pop && pop <= np && popseen[pop]++))
			why(r, "path %ld: pop=%ld twice or out of range", id, pop);
		if (pop > maxpop)
			maxpop = pop;
	}
	for (i = 1; i <= maxpop && !env->paths_dropped; i++)
		if (!popseen[i])
			why(r, "pops go to %d, but no path has pop=%d", maxpop, i);
	for (i = 0; i < nh; i++) {
		if (!kv(hl[i], "type", v, sizeof(v)) || strcmp(v, "event"))
			continue;
		if (!kv(hl[i], "idx", v, sizeof(v)) || v[0] == '-')
			continue;
		if (atol(v) >= ne || atol(v) <= last)
			why(r, "history entry %d names event %s (events=%d, previous %ld)", i, v,
			    ne, last);
		last = atol(v);
	}
	if (nh && strcmp(env->verdict, "rejected"))
		why(r, "a history for an env that was not rejected");
	free(popseen);
	free(ev);
	free_lines(el, ne);
	free_lines(pl, np);
	free_lines(hl, nh);
}

/* Every finished env bpf_diag keeps, held to the invariants. */
static void check_invariants(void)
{
	char **lines, name[64];
	int n, i;

	write_filter("clear");
	n = read_lines(DIAG "envs", &lines);
	for (i = 0; i < n; i++) {
		struct result r = {};
		struct envrec env = {};

		parse_env(lines[i], &env);
		if (!strcmp(env.verdict, "running"))
			continue;
		env_invariants(&r, &env);
		snprintf(name, sizeof(name), "env=%ld", env.seq);
		report("invariants", name, &r, NULL);
	}
	free_lines(lines, n);
}

/* Losses an env says it had, or NULL. */
static const char *losses(const struct envrec *env, char *buf, size_t len)
{
	if (!env->dropped && !env->src_dropped && !env->paths_dropped && !env->paths_broken &&
	    !env->hist_lost)
		return NULL;
	snprintf(buf, len, "records incomplete: dropped=%ld src_dropped=%ld paths_dropped=%ld paths_broken=%ld history_lost=%ld",
		 env->dropped, env->src_dropped, env->paths_dropped, env->paths_broken,
		 env->hist_lost);
	return buf;
}

static long status_counter(const char *name)
{
	char line[256], key[80];
	long v = -1;
	FILE *f = fopen(DIAG "status", "r");

	snprintf(key, sizeof(key), "counter %s: ", name);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = atol(line + strlen(key));
	if (f)
		fclose(f);
	return v;
}

/*
 * The kernel selftests' own __failure / __success / __msg (see
 * kselftest_tags.h).  They are written for the kernel they ship with:
 * --tags-kernel X.Y asserts them on that kernel only.
 */
static const char *tags_kernel;

static void check_tags(struct result *r, const struct ktags *t, int ret, const char *log)
{
	int i;

	if (!t->any || (tags_kernel && kver_cmp(tags_kernel)))
		return;
	if (t->other_arch || t->custom_btf) {
		printf("# verdict not asserted: %s\n",
		       t->other_arch ? "tagged for another arch" : "tagged to load with another BTF");
		return;
	}
	if (t->fail && !ret)
		why(r, "the selftest says __failure, the verifier accepted it");
	if (t->succ && ret)
		why(r, "the selftest says __success, the verifier returned %d", ret);
	for (i = 0; t->fail && ret && i < t->nmsg; i++)
		if (!strstr(log, t->msg[i]))
			why(r, "the selftest's __msg(\"%s\") is not in the log", t->msg[i]);
}

/*
 * An accepted program may acquire an id on a path the verifier then
 * pruned (its state equals one already verified), and never release it
 * there.  From the log's walk: every segment whose state prints show @id
 * ended "pruned", or none shows it and the acquiring insn @at was pruned
 * right after.
 */
static bool held_only_where_pruned(const struct walk *w, const struct vlog *vl,
				   unsigned int id, int at)
{
	bool seen = false;
	long where;
	int i;

	/* a print after some insn lost it: released (or dropped) there */
	if (pm_find_id(&vl->lr.gone, id, &where))
		return false;
	for (i = 0; i < w->n; i++) {
		if (!lr_in(w->s[i].ids, w->s[i].nids, id))
			continue;
		if (strcmp(w->s[i].end, "pruned"))
			return false;
		seen = true;
	}
	return seen || (lr_flags(&vl->lr, at) & LR_PRUNED);
}

/* events whose insn the log's state prints confirm, of those checked */
static long n_exact[3], n_checked[3];
enum { X_ACQ, X_REL, X_DROP };

/*
 * A release of @id at @at, a helper or kfunc call: the log's state after
 * @at lost it on some visit, or at least no visit that held it and showed
 * the state after kept it, and some visit held it.
 */
static void check_release(struct result *r, const struct vlog *vl, unsigned int id, int at)
{
	const struct log_refs *lr = &vl->lr;
	int op = get_op(vl, at);
	unsigned int held = pm_get(&lr->before, id, at);

	if (op < 0)
		return;		/* not walked in the log (a --light run) */
	if (!op_is_call(op) || (lr_flags(lr, at) & LR_PCALL))
		why(r, "release of id %u at insn %d, which is not a helper or kfunc call (op 0x%02x)",
		    id, at, op);
	else if (n_checked[X_REL]++, pm_get(&lr->gone, id, at))
		n_exact[X_REL]++;
	else if (held && pm_get(&lr->kept, id, at) == held)
		why(r, "release of id %u at insn %d, but the log's state after insn %d still holds it",
		    id, at, at);
	else if (lr_never_held(lr, id, at))
		why(r, "release of id %u at insn %d, but the log never shows it held before insn %d",
		    id, at, at);
}

/*
 * A NULL check's drop of @id at conditional jump @at: one side lost the
 * id (the one walked on, as the print after @at shows, or the queued one,
 * as "from @at to Y:" shows).  Contradicted where the log shows the id
 * held before @at and kept on every side it printed, or never held there.
 */
static void check_drop(struct result *r, const struct vlog *vl, unsigned int id, int at)
{
	const struct log_refs *lr = &vl->lr;
	unsigned int from_n = lr_at(lr->from_n, lr, at), has = pm_get(&lr->from_has, id, at);
	unsigned int held = pm_get(&lr->before, id, at);

	if (!op_is_cond_jmp(get_op(vl, at))) {
		why(r, "null_drop of id %u at insn %d, which is not a conditional jump", id, at);
		return;
	}
	n_checked[X_DROP]++;
	if (pm_get(&lr->gone, id, at) || has < from_n) {
		n_exact[X_DROP]++;
		return;
	}
	if (held && pm_get(&lr->kept, id, at) == held && from_n && has == from_n &&
	    !(lr_flags(lr, at) & LR_FROM_SAFE))
		why(r, "null_drop of id %u at insn %d, but the log shows both sides of insn %d keeping it",
		    id, at, at);
	else if (lr_never_held(lr, id, at))
		why(r, "null_drop of id %u at insn %d, but the log never shows it held before insn %d",
		    id, at, at);
}

/*
 * An acquire of @id at @at: the log's state after @at gained it, or the
 * log shows it gained nowhere (not printed, or hidden): then not held
 * before @at, and a helper or kfunc call.
 */
static void check_acquire(struct result *r, const struct vlog *vl, unsigned int id, int at)
{
	const struct log_refs *lr = &vl->lr;
	long where;

	/* insn 0: a refcounted context argument, in the state the walk starts from */
	n_checked[X_ACQ]++;
	if (pm_get(&lr->appear, id, at) || (at == 0 && pm_get(&lr->appear, id, -1))) {
		n_exact[X_ACQ]++;
		return;
	}
	if (pm_find_id(&lr->appear, id, &where)) {
		why(r, "acquire id=%u at insn %d, but the log shows it gained at insn %ld",
		    id, at, where);
		return;
	}
	if (at == 0)
		return;
	if (get_op(vl, at) != 0x85 || (lr_flags(lr, at) & LR_PCALL))
		why(r, "acquire id=%u at insn %d, which is not a helper or kfunc call", id, at);
	else if (lr_held_every(lr, id, at))
		why(r, "acquire id=%u at insn %d, but the log shows it held before insn %d", id, at, at);
}

/* ---- the kernel's own report (7.3 and later) as the oracle ---- */

static int kreports_here = -1;
static long n_kr_ids, n_kr_equal, n_kr_items;

/*
 * Does this kernel's verifier write the report?  Its BTF says so: struct
 * bpf_verifier_env has the series' member "diag" (struct bpf_diag *,
 * include/linux/bpf_verifier.h of 7.3).
 */
static bool kernel_reports(void)
{
	const struct btf_member *m;
	const struct btf_type *t;
	struct btf *btf;
	int id, i;

	if (kreports_here >= 0)
		return kreports_here;
	kreports_here = 0;
	btf = btf__load_vmlinux_btf();
	id = btf ? btf__find_by_name_kind(btf, "bpf_verifier_env", BTF_KIND_STRUCT) : -1;
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	for (i = 0, m = t ? btf_members(t) : NULL; t && i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), "diag"))
			kreports_here = 1;
	btf__free(btf);
	printf("# the kernel's own leak report: %s\n", kreports_here ?
	       "yes (struct bpf_verifier_env has diag): checked against it" : "not in this kernel");
	return kreports_here;
}

/*
 * bpf_diag's side of one kernel report: from the last acquire of @id on
 * the failing path, the acquires and releases of @id (a NULL branch's
 * drop is a release there: release_reference_nomark()) and every
 * conditional jump's decision, in order.  Forks at a call are not
 * decisions (the kernel records conditional jumps only).
 */
static int our_items(const struct events *ev, const struct vlog *v, unsigned int id,
		     struct kitem **out)
{
	struct kitem *it = calloc(ev->nhist + 1, sizeof(*it));
	int i, start = -1, n = 0;

	for (i = 0; i < ev->nhist; i++) {
		const struct dhist *h = &ev->hist[i];

		if (!strcmp(h->type, "event") && h->idx >= 0 && h->idx < ev->nevs &&
		    ev->evs[h->idx].kind == 'a' && ev->evs[h->idx].id == id)
			start = i;
	}
	for (i = start; start >= 0 && i < ev->nhist; i++) {
		const struct dhist *h = &ev->hist[i];
		const struct evrec *e;

		if (!strcmp(h->type, "event")) {
			if (h->idx < 0 || h->idx >= ev->nevs)
				continue;
			e = &ev->evs[h->idx];
			if (e->id == id && (e->kind == 'a' || e->kind == 'r' || e->kind == 'd'))
				it[n++] = (struct kitem){ e->kind == 'a' ? 'a' : 'r', e->insn, 0, id };
		} else if (h->to >= 0 && op_is_cond_jmp(get_op(v, h->from))) {
			it[n++] = (struct kitem){ 'b', h->from, h->to != h->from + 1, 0 };
		}
	}
	*out = it;
	return n;
}

static bool item_eq(const struct kitem *a, const struct kitem *b)
{
	return a->kind == b->kind && a->insn == b->insn &&
	       (a->kind == 'b' ? a->taken == b->taken : a->id == b->id);
}

static void item_str(const struct kitem *k, char *buf, size_t len)
{
	if (k->kind == 'b')
		snprintf(buf, len, "branch at %ld %s", k->insn, k->taken ? "taken" : "not taken");
	else
		snprintf(buf, len, "%s id=%u at %ld", k->kind == 'a' ? "acquire" : "release",
			 k->id, k->insn);
}

/*
 * The kernel's items against ours.  The differences allowed, each from
 * kernel/bpf/diagnostics.c (docs/how-it-works.md): the rendering limit
 * (first and last KR_RENDER_HALF items, the count between); events older
 * than its store (then its list is the end of ours).
 */
static void compare_report(struct result *r, const struct krep *k, const struct kitem *our,
			   int n)
{
	char a[96], b[96];
	int i, j, off = 0;

	n_kr_items += k->n;
	if (k->omitted) {
		if (n != k->n + k->omitted) {
			why(r, "kernel report id=%u: %d items shown and %ld omitted, bpf_diag has %d",
			    k->id, k->n, k->omitted, n);
			return;
		}
	} else if (k->older_lost) {
		if (n < k->n) {
			why(r, "kernel report id=%u: %d items (older not retained), bpf_diag has %d",
			    k->id, k->n, n);
			return;
		}
		off = n - k->n;
	} else if (n != k->n) {
		for (i = 0; i < n && i < k->n && item_eq(&k->it[i], &our[i]); i++)
			;
		a[0] = b[0] = 0;
		if (i < k->n)
			item_str(&k->it[i], a, sizeof(a));
		if (i < n)
			item_str(&our[i], b, sizeof(b));
		why(r, "kernel report id=%u: %d items, bpf_diag %d; first difference at %d: kernel '%s', bpf_diag '%s'",
		    k->id, k->n, n, i, a, b);
		return;
	}
	for (i = 0; i < k->n; i++) {
		j = k->omitted && i >= k->split ? i + k->omitted : i + off;
		if (!item_eq(&k->it[i], &our[j])) {
			item_str(&k->it[i], a, sizeof(a));
			item_str(&our[j], b, sizeof(b));
			why(r, "kernel report id=%u: item %d: kernel '%s', bpf_diag '%s'", k->id, i,
			    a, b);
			return;
		}
	}
	n_kr_equal++;
}

/*
 * Load the rejected program again at log level 1, as a user who wants the
 * kernel's report would, and hold every report in that log against
 * bpf_diag's records of the same load: leaked ids both ways, the acquire
 * insn, the error insn, and the causal path item by item.
 */
static void check_kernel_reports(struct result *r, const char *obj, const char *name,
				 const struct vlog *v)
{
	size_t size = 16u << 20;
	char *log = malloc(size);
	int lret, ret, saved = log_level, nk, i, n;
	struct envrec env = {};
	struct events *ev;
	struct ktags tags;
	struct krep *k;
	struct kitem *our;
	long after;

	if (!log)
		return;
	after = status_counter("envs");
	log_level = 1;
	if (load(obj, name, log, size, &lret, &ret, &tags) || ret >= 0 || ret == NOT_LOADED) {
		why(r, "kernel report: the level-1 load did not fail as the first did (%d)", ret);
		goto out;
	}
	filter_lock(true);
	if (!find_env(name, after, &env)) {
		filter_lock(false);
		why(r, "kernel report: no env recorded for the level-1 load");
		goto out;
	}
	ev = calloc(1, sizeof(*ev));
	read_events(env.seq, ev);
	filter_lock(false);
	nk = kr_parse(log, &k);
	if (!nk)
		why(r, "kernel report: the level-1 log says \"Unreleased reference\" but has no Resource Lifetime Safety report");
	for (i = 0; i < nk; i++) {
		n_kr_ids++;
		if (!pair_in(&ev->leak, k[i].id, k[i].alloc))
			why(r, "kernel report: id=%u acquired at %ld leaked, bpf_diag has no such leak",
			    k[i].id, k[i].alloc);
		else if (!pair_in(&ev->site, k[i].id, k[i].err_insn))
			why(r, "kernel report id=%u: error at insn %ld, bpf_diag's leak is elsewhere",
			    k[i].id, k[i].err_insn);
		n = our_items(ev, v, k[i].id, &our);
		compare_report(r, &k[i], our, n);
		free(our);
	}
	for (i = 0; i < ev->leak.n; i++) {
		int j;

		for (j = 0; j < nk && k[j].id != ev->leak.id[i]; j++)
			;
		/* leaks the kernel reports otherwise ("Release it first.") are not in its */
		if (j == nk && strstr(log, "Unreleased reference"))
			why(r, "kernel report: bpf_diag's leak of id=%u has no report in the log",
			    ev->leak.id[i]);
	}
	printf("# %s: kernel's report (log level 1, env %ld): %d leaked ids\n", name, env.seq, nk);
	kr_free(k, nk);
	free(ev->paths);
	free(ev->hist);
	free(ev->evs);
	free(ev);
out:
	log_level = saved;
	free(log);
}

static void check_prog(const char *obj, const char *name)
{
	const struct expect *x = nexpects ? find_expect(obj, name) : NULL;
	struct result r = {};
	struct envrec env = {};
	struct events *ev;
	struct vlog *vl;
	/* big enough for the corpus's biggest log (22 MB): a retry verifies again */
	size_t size = 64u << 20;
	char skip[512], *log;
	long envs_dropped, after;
	int ret = 0, lret = 0, err, i;
	struct walk w = {};
	struct ktags tags;

	ids_full = 0;
	t_start = now();
	for (;;) {
		/* our env, if any, comes after these (not a retry's) */
		envs_dropped = lossy ? status_counter("envs_dropped") : 0;
		after = status_counter("envs");
		log = malloc(size);
		if (!log) {
			why(&r, "out of memory for a %zu MB log", size >> 20);
			report(obj, name, &r, NULL);
			return;
		}
		err = load(obj, name, log, size, &lret, &ret, &tags);
		if (err || ret != -ENOSPC || size >= log_max)
			break;
		free(log);
		size *= 4;		/* the log did not fit: again, bigger */
	}
	if (logdir) {
		char fn[512];
		FILE *f;

		snprintf(fn, sizeof(fn), "%s/%s.log", logdir, name);
		f = fopen(fn, "w");
		if (f) {
			fputs(log, f);
			fclose(f);
		}
	}
	if (err) {
		char msg[200];

		libbpf_strerror(err, msg, sizeof(msg));
		why(&r, "cannot open object or program: %s", msg);
		goto out;
	}
	if (ret == -ENOSPC) {
		why(&r, "the level-%d log does not fit in %zu MB", log_level, size >> 20);
		goto out;
	}
	/*
	 * A feature newer than this kernel: skip only if the log says it is
	 * missing.  Otherwise the verdict may differ here, so it is not
	 * asserted, but the records are still held against the log.
	 */
	if (x && x->since[0] && kver_cmp(x->since) < 0 && ret) {
		const char *why_line = strstr(log, "wasn't resolved");

		if (ret == NOT_LOADED) {
			snprintf(skip, sizeof(skip), "needs kernel >= %s: libbpf: %s", x->since,
				 libbpf_msg);
			free(log);
			report(obj, name, &r, skip);
			return;
		}

		if (!why_line)
			why_line = strstr(log, "unknown func");
		if (why_line) {
			const char *b = why_line;

			while (b > log && b[-1] != '\n')
				b--;
			snprintf(skip, sizeof(skip), "needs kernel >= %s: %.*s", x->since,
				 (int)strcspn(b, "\n"), b);
			free(log);
			report(obj, name, &r, skip);
			return;
		}
	}
	if (x && x->since[0] && kver_cmp(x->since) < 0) {
		printf("# %s: needs kernel >= %s: verdict not asserted here (%s), records checked\n",
		       name, x->since, ret ? "rejected" : "accepted");
		x = NULL;
	}
	filter_lock(true);
	if (!find_env(name, after, &env)) {
		filter_lock(false);
		if (lossy && status_counter("envs_dropped") > envs_dropped) {
			snprintf(skip, sizeof(skip), "records incomplete: env not recorded (counted in envs_dropped)");
			free(log);
			report(obj, name, &r, skip);
			return;
		}
		/*
		 * libbpf failed before the kernel saw the program: a skip only
		 * for a program the corpus expects nothing of here (x is NULL:
		 * no expect line, or since= above this kernel).  One expected
		 * here (no since=, or since= at or below this kernel) must load.
		 */
		if (ret == NOT_LOADED && !x) {
			snprintf(skip, sizeof(skip), "libbpf did not load it (%d): %s", lret,
				 libbpf_msg[0] ? libbpf_msg : "no message");
			free(log);
			report(obj, name, &r, skip);
			return;
		}
		if (ret == NOT_LOADED) {
			why(&r, "expected to load here (%s%s), but libbpf did not load it (%d): %s",
			    x->since[0] ? "since=" : "no since=", x->since, lret,
			    libbpf_msg[0] ? libbpf_msg : "no message");
			goto out;
		}
		why(&r, "no env recorded for this load (verifier returned %d, libbpf %d%s%s)",
		    ret, lret, libbpf_msg[0] ? ": " : "", libbpf_msg);
		goto out;
	}
	ev = calloc(1, sizeof(*ev));
	vl = calloc(1, sizeof(*vl));
	read_events(env.seq, ev);
	filter_lock(false);
	if (x) {
		bool want = !strcmp(x->verdict, "accept");

		if (want != !ret)
			why(&r, "expected %s, the verifier returned %d", x->verdict, ret);
		if (!want && x->msg[0] && !strstr(log, x->msg))
			why(&r, "expected message \"%s\" not in the log", x->msg);
	}
	check_tags(&r, &tags, ret, log);
	if (ret == NOT_LOADED)
		why(&r, "env %ld recorded, but libbpf says it did not load (%d: %s)", env.seq,
		    lret, libbpf_msg);
	else if (strcmp(env.verdict, ret ? "rejected" : "accepted"))
		why(&r, "env %ld verdict=%s but the verifier returned %d", env.seq, env.verdict,
		    ret);
	if (ret && ret != NOT_LOADED && env.err != ret)
		why(&r, "env %ld err=%ld but the verifier returned %d", env.seq, env.err, ret);
	if (!ret && lret)
		printf("# %s: the verifier accepted it; libbpf then failed the object (%d: %s)\n",
		       name, lret, libbpf_msg);
	if (lossy && losses(&env, skip, sizeof(skip))) {
		filter_lock(true);
		env_invariants(&r, &env);
		filter_lock(false);
		free(ev);
		free(vl);
		free(log);
		report(obj, name, &r, r.nreasons ? NULL : skip);
		return;
	}
	if (env.dropped)
		why(&r, "env %ld dropped %ld events", env.seq, env.dropped);
	/*
	 * Lost paths, history or source lines relax the checks that need
	 * them: only where the run asks for small limits (--partial), and
	 * said.  A normal run keeps everything.
	 */
	if (losses(&env, skip, sizeof(skip))) {
		if (!partial)
			why(&r, "%s, in a run that expects complete records", skip);
		else
			printf("# %s: %s: the path table, failing path and sources are checked as far as kept\n",
			       name, skip);
	}

	parse_log(log, vl);
	if (ev->bad_lines)
		why(&r, "%d malformed event lines", ev->bad_lines);
	if (light) {
		filter_lock(true);
		env_invariants(&r, &env);
		filter_lock(false);
		goto leaks;
	}

	/* refs= ids == acquired (owned) ids + lock/IRQ ids */
	for (i = 0; i < vl->refs.n; i++) {
		unsigned int id = vl->refs.id[i];

		if (idset_find(&ev->acq, id) < 0 && idset_find(&ev->lock, id) < 0)
			why(&r, "log shows refs id %u, bpf_diag has no acquire of it", id);
	}
	for (i = 0; i < ev->acq.n; i++) {
		unsigned int id = ev->acq.id[i];
		int k = idset_find(&vl->refs, id), first, at = ev->acq.insn[i];

		if (k < 0) {
			/*
			 * No state print between the acquire and the leak
			 * (6.1 prints none after a call): the log's leak line
			 * names the id and its alloc insn instead.
			 */
			if (pair_in(&vl->leak, id, at))
				continue;
			/* the log shows the acquiring insn pruned right after */
			if (lr_flags(&vl->lr, at) & LR_PRUNED)
				continue;
			why(&r, "bpf_diag acquire id=%u insn=%d never in the log's refs=", id, at);
			continue;
		}
		check_acquire(&r, vl, id, at);
		/* the log cannot show the id before the acquiring insn is printed */
		first = vl->refs.insn[k];
		if (at != 0 && (long)vl->refs.aux[k] < (at < vl->nops ? vl->first_line[at] : 0))
			why(&r, "acquire id=%u at insn %d, but the log shows it before that insn (insn %d)",
			    id, at, first);
	}
	for (i = 0; i < ev->lock.n; i++)
		if (idset_find(&ev->acq, ev->lock.id[i]) >= 0)
			why(&r, "id %u recorded both as owned reference and lock", ev->lock.id[i]);

leaks:
	/* leaks: the same (id, alloc insn) pairs */
	for (i = 0; i < vl->leak.n; i++)
		if (!pair_in(&ev->leak, vl->leak.id[i], vl->leak.insn[i]))
			why(&r, "log: leak id=%u alloc_insn=%d, bpf_diag has no such leak",
			    vl->leak.id[i], vl->leak.insn[i]);
	for (i = 0; i < ev->leak.n; i++) {
		int k = idset_find(&ev->acq, ev->leak.id[i]);

		if (!pair_in(&vl->leak, ev->leak.id[i], ev->leak.insn[i]))
			why(&r, "bpf_diag leak id=%u alloc_insn=%d, the log has no such leak",
			    ev->leak.id[i], ev->leak.insn[i]);
		if (k < 0 || ev->acq.insn[k] != ev->leak.insn[i])
			why(&r, "leak id=%u alloc_insn=%d does not match its acquire",
			    ev->leak.id[i], ev->leak.insn[i]);
	}

	if (light)
		goto released;
	/* the instruction itself: releases and drops, exact where the log shows it */
	for (i = 0; i < ev->rel.n; i++)
		check_release(&r, vl, ev->rel.id[i], ev->rel.insn[i]);
	for (i = 0; i < ev->drop.n; i++)
		check_drop(&r, vl, ev->drop.id[i], ev->drop.insn[i]);
	for (i = 0; i < ev->site.n; i++)
		if (!op_is_leak_site(get_op(vl, ev->site.insn[i])))
			why(&r, "leak of id %u found at insn %d, not an exit/call/LD_ABS",
			    ev->site.id[i], ev->site.insn[i]);

	/* the walk: paths vs the log's "from X to Y" segments */
	{
		bool after = ret && post_walk_error(log);

		if (after)
			printf("# %s: rejected after the walk (a later pass of bpf_check()): the log's segments end as walked\n",
			       name);
		parse_walk(log, vl, ret != 0 && !after, &w);
		if (env.paths_broken)
			why(&r, "bpf_diag could not follow the walk (paths_broken)");
		fail_seg = NULL;
		check_walk(&r, ev, &w, vl, env.paths_dropped > 0, env.hist_lost > 0,
			   walked_all(&r, &env, ev, name));
		/* where each leaked reference went, against the log's state prints */
		if (ret && ev->leak.n && lineage_here()) {
			check_lineage(&r, env.seq, fail_seg, ev->leak.id, ev->leak.n,
				      x ? x->raw : NULL, lossy || env.lineage_lost);
			/* and where to release it */
			check_suggestion(&r, env.seq, &w, vl, ev->leak.id, ev->leak.n,
					 x ? x->raw : NULL);
		}
	}

	/* source attribution: the same FILE:LINE the verifier prints */
	for (i = 0; i < ev->nsrc; i++) {
		const char *w = get_where(vl, ev->src[i].insn);

		if (w && strcmp(w, NO_FILE_LINE) && strcmp(w, ev->src[i].where))
			why(&r, "insn %d: bpf_diag says %s, the verifier's log says %s",
			    ev->src[i].insn, ev->src[i].where, w);
		if (!w && get_op(vl, ev->src[i].insn) >= 0)
			why(&r, "insn %d: bpf_diag says %s, the log has no line info for it",
			    ev->src[i].insn, ev->src[i].where);
	}
	if (ev->nosrc && strstr(log, " @ ") && !env.src_dropped)
		why(&r, "%d events without source, but the log has line info", ev->nosrc);

released:
	/* releases and drops only of acquired ids */
	for (i = 0; i < ev->rel.n; i++)
		if (idset_find(&ev->acq, ev->rel.id[i]) < 0)
			why(&r, "release of id %u that was never acquired", ev->rel.id[i]);
	for (i = 0; i < ev->drop.n; i++)
		if (idset_find(&ev->acq, ev->drop.id[i]) < 0)
			why(&r, "null_drop of id %u that was never acquired", ev->drop.id[i]);
	for (i = 0; !ret && i < ev->acq.n; i++) {
		unsigned int id = ev->acq.id[i];

		if (idset_find(&ev->rel, id) >= 0 || idset_find(&ev->drop, id) >= 0)
			continue;
		if (!light) {
			/* the log's walk: every path that held it was pruned */
			if (!held_only_where_pruned(&w, vl, id, ev->acq.insn[i]))
				why(&r, "accepted, but id %u is never released or dropped", id);
		} else if (held_only_on_pruned(ev, i)) {
			printf("# %s: id %u never released: held only on pruned paths, by bpf_diag's own path records (a level-1 log keeps no walk to check that against)\n",
			       name, id);
		} else {
			why(&r, "accepted, but id %u is never released or dropped", id);
		}
	}
	if (!light && ret < 0 && ret != NOT_LOADED && kernel_reports() &&
	    strstr(log, "Unreleased reference"))
		check_kernel_reports(&r, obj, name, vl);
	printf("# %s: env=%ld verdict=%s acquires=%d releases=%d null_drops=%d leaks=%d locks=%d log_refs=%d log_leaks=%d with_src=%d paths=%d failing_path=%d\n",
	       name, env.seq, env.verdict, ev->acq.n, ev->rel.n, ev->drop.n, ev->leak.n,
	       ev->lock.n, vl->refs.n, vl->leak.n, ev->nsrc, ev->npaths, ev->nhist);
	free_walk(&w);
	free(ev->paths);
	free(ev->hist);
	free(ev->evs);
	free(ev);
	lr_free(&vl->lr);
	for (i = 0; i < vl->nops; i++)
		free(vl->where[i]);
	free(vl->where);
	free(vl->first_line);
	free(vl->op);
	free(vl);
out:
	free(log);
	if (ids_full)
		why(&r, "%d ids or source lines did not fit the checker's tables (%d each)",
		    ids_full, MAX_IDS);
	report(obj, name, &r, NULL);
}

static void usage(const char *me)
{
	fprintf(stderr,
		"usage: %s [--kernel-log-level N] [--expect FILE] [--log-size MB] [--logs DIR]\n"
		"          [--repeat N] [--lossy] [--partial] [--light] [--tags-kernel X.Y]\n"
		"          [-p PROG]... [-x PROG]...\n"
		"          [-S PROG]... OBJ.o...\n"
		"       %s --invariants\n",
		me, me);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel-log-level", required_argument, NULL, 'l' },
		{ "expect", required_argument, NULL, 'e' },
		{ "log-size", required_argument, NULL, 's' },
		{ "logs", required_argument, NULL, 'L' },
		{ "prog", required_argument, NULL, 'p' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "skip", required_argument, NULL, 'S' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "lossy", no_argument, NULL, 'y' },
		{ "light", no_argument, NULL, 'g' },
		{ "partial", no_argument, NULL, 'P' },
		{ "invariants", no_argument, NULL, 'i' },
		{ "tags-kernel", required_argument, NULL, 'T' },
		{ }
	};
	const char *only[256], *excl[256], *skips[256];
	int nonly = 0, nexcl = 0, nskips = 0, repeat = 1, c, i, j, k;
	bool invariants = false;

	while ((c = getopt_long(argc, argv, "l:e:s:L:p:x:S:r:", opts, NULL)) != -1) {
		switch (c) {
		case 'l': log_level = atoi(optarg); break;
		case 'e': load_expect(optarg); break;
		case 's': log_max = (size_t)atoi(optarg) << 20; break;
		case 'L': logdir = optarg; break;
		case 'p': if (nonly < 256) only[nonly++] = optarg; break;
		case 'x': if (nexcl < 256) excl[nexcl++] = optarg; break;
		case 'S': if (nskips < 256) skips[nskips++] = optarg; break;
		case 'r': repeat = atoi(optarg); break;
		case 'y': lossy = true; break;
		case 'g': light = true; log_level = 1; break;
		case 'P': partial = true; break;
		case 'i': invariants = true; break;
		case 'T': tags_kernel = optarg; break;
		default: usage(argv[0]);
		}
	}
	if (optind >= argc && !invariants)
		usage(argv[0]);
	if (log_level < 2 && !light)
		fprintf(stderr, "warning: refs= prints need log level 2\n");
	if (access(DIAG "envs", R_OK)) {
		fprintf(stderr, "bpf_diag is not loaded (%s)\n", DIAG);
		return 2;
	}
	libbpf_set_print(watch);
	save_filter();
	printf("KTAP version 1\n");
	if (tags_kernel && kver_cmp(tags_kernel))
		printf("# the objects' test_expect tags are for %s: not asserted on this kernel\n",
		       tags_kernel);
	if (invariants) {
		filter_lock(true);
		check_invariants();
		filter_lock(false);
	}
	for (k = 0; k < repeat; k++)
	for (i = optind; i < argc; i++) {
		struct bpf_object *obj = bpf_object__open_file(argv[i], NULL);
		struct bpf_program *p;
		char *names[1024];
		int n = 0;

		if (!obj) {
			/* libbpf's own words ("Relocation failed", not "Unknown
			 * error 4005"); not a disagreement: nothing was checked
			 */
			struct result r = {};
			char msg[200], skip[256];

			libbpf_strerror(errno, msg, sizeof(msg));
			snprintf(skip, sizeof(skip), "not checked: libbpf cannot open it: %s", msg);
			report(argv[i], "-", &r, skip);
			continue;
		}
		bpf_object__for_each_program(p, obj) {
			bool want = !nonly;

			for (j = 0; j < nonly; j++)
				want |= !strcmp(only[j], bpf_program__name(p));
			for (j = 0; j < nexcl; j++)
				want &= !!strcmp(excl[j], bpf_program__name(p));
			if (want && n < 1024)
				names[n++] = strdup(bpf_program__name(p));
		}
		bpf_object__close(obj);
		for (j = 0; j < n; j++) {
			struct result r = {};
			bool skipped = false;

			/* -S: listed as skipped, not loaded (-x: left out) */
			for (c = 0; c < nskips; c++)
				skipped |= !strcmp(skips[c], names[j]);
			if (skipped)
				report(argv[i], names[j], &r, "left out by -S (--skip)");
			else
				check_prog(argv[i], names[j]);
			free(names[j]);
		}
	}
	restore_filter();
	if (!ntest && !invariants) {
		/* -p names no program of the objects: nothing ran, not a pass */
		ntest++;
		nfail++;
		printf("not ok %d no program of the objects was selected (-p/-x)\n", ntest);
	}
	if (n_kr_ids)
		printf("# the kernel's own reports: %ld leaked ids compared, %ld equal (%ld items)\n",
		       n_kr_ids, n_kr_equal, n_kr_items);
	if (n_lin_ids)
		printf("# lineage: %ld leaked ids, %ld replayed to the leak; %ld steps, %ld checked against the log's state prints, %ld equal\n",
		       n_lin_ids, n_lin_replayed, n_lin_steps, n_lin_checked, n_lin_equal);
	if (n_sugg)
		printf("# suggestion: %ld leaked ids, %ld name the branch where a releasing path parted, %ld no releasing path; %ld expected by the corpus, %ld equal\n",
		       n_sugg, n_sugg_branch, n_sugg_none, n_sugg_expected, n_sugg_equal);
	if (n_dec_checked)
		printf("# failing paths' branch decisions held against the log's walk: %ld equal of %ld\n",
		       n_dec_equal, n_dec_checked);
	if (n_checked[X_ACQ] + n_checked[X_REL] + n_checked[X_DROP])
		printf("# insns confirmed by the log's state prints: acquires %ld of %ld, releases %ld of %ld, null_drops %ld of %ld (the rest: no state printed after the insn, or refs hidden under a lock; checked by insn class and held-before)\n",
		       n_exact[X_ACQ], n_checked[X_ACQ], n_exact[X_REL], n_checked[X_REL],
		       n_exact[X_DROP], n_checked[X_DROP]);
	printf("1..%d\n", ntest);
	printf("%d passed, %d failed, %d skipped\n", npass, nfail, nskip);
	return nfail ? 1 : 0;
}
