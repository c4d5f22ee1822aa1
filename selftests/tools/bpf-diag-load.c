// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-diag-load: load BPF programs of an object one at a time with libbpf,
 * at a chosen verifier log level, and report what the verifier said.
 *
 *   bpf-diag-load [-l LEVEL] [-p PROG]... [-o LOGDIR] [-n REPEAT] [-c COMM] [-q] [-t] OBJ
 *   bpf-diag-load -L OBJ          (list its programs, one name per line)
 *   bpf-diag-load -F N            (flood: N raw loads of a 2-insn filter)
 *
 * For each program (all programs of OBJ unless -p names some), prints
 *   prog=NAME verdict=accepted|rejected err=N
 * and writes the verifier log to LOGDIR/NAME.log (or to stdout with -o -).
 * -q prints nothing per load; -t prints "load_ns=N loads=N": the time spent
 * in the BPF_PROG_LOAD syscalls of the programs named (not libbpf's
 * feature probes, maps or BTF), summed over all loads; under QEMU's icount
 * (scripts/bench) a guest nanosecond is one executed instruction.
 * -c sets the task's name (comm) before loading.  -F N loads N times a
 * socket filter "r0 = 0; exit" named "flood" through the bpf(2) syscall,
 * without libbpf: as many verifications as cheaply as can be (tests of the
 * store's eviction under icount).
 * Exit status: 0 when every program could be opened and tried (whatever the
 * verifier said), 2 on usage/setup errors.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>

#define LOG_SIZE (64u << 20)

static int quiet;
static unsigned long long load_ns, loads;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* the program whose BPF_PROG_LOAD is timed */
static const char *timed;

/*
 * libbpf enters the kernel through syscall(2): this definition interposes
 * on libc's (the dynamic linker binds libbpf.so's calls to it), so that
 * exactly the program's BPF_PROG_LOAD is timed, libbpf's log-level retry
 * of a rejected load included.
 */
long syscall(long nr, ...)
{
	static long (*real)(long nr, ...);
	unsigned long long t;
	long a[6], ret;
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	if (nr != __NR_bpf || a[0] != BPF_PROG_LOAD || !timed ||
	    strncmp(((union bpf_attr *)a[1])->prog_name, timed, BPF_OBJ_NAME_LEN - 1))
		return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	t = now_ns();
	ret = real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	load_ns += now_ns() - t;
	return ret;
}

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("BPF_DIAG_LOAD_VERBOSE"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static int load_one(const char *path, const char *name, int level,
		    const char *logdir, char *log)
{
	struct bpf_object *obj;
	struct bpf_program *p, *target = NULL;
	char msg[200];
	int err;

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		libbpf_strerror(errno, msg, sizeof(msg));
		fprintf(stderr, "cannot open %s: %s\n", path, msg);
		return -1000;
	}
	bpf_object__for_each_program(p, obj) {
		bool me = !strcmp(bpf_program__name(p), name);

		bpf_program__set_autoload(p, me);
		if (me)
			target = p;
	}
	if (!target) {
		fprintf(stderr, "%s: no program %s\n", path, name);
		bpf_object__close(obj);
		return -1000;
	}
	log[0] = 0;
	if (level) {
		bpf_program__set_log_buf(target, log, LOG_SIZE);
		bpf_program__set_log_level(target, level);
	}
	timed = name;
	err = bpf_object__load(obj);
	timed = NULL;
	loads++;
	if (!quiet)
		printf("prog=%s verdict=%s err=%d\n", name, err ? "rejected" : "accepted", err);
	if (logdir && !strcmp(logdir, "-")) {
		fputs(log, stdout);
	} else if (logdir) {
		char fn[4096];
		FILE *f;

		snprintf(fn, sizeof(fn), "%s/%s.log", logdir, name);
		f = fopen(fn, "w");
		if (f) {
			fputs(log, f);
			fclose(f);
		}
	}
	bpf_object__close(obj);
	return err;
}

/* N raw loads of the smallest program there is; how many were accepted */
static int flood(long n)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	long i, ok = 0;
	int fd;

	for (i = 0; i < n; i++) {
		memset(&attr, 0, sizeof(attr));
		attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		attr.insns = (unsigned long)insns;
		attr.insn_cnt = 2;
		attr.license = (unsigned long)"GPL";
		strcpy(attr.prog_name, "flood");
		fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
		if (fd >= 0) {
			ok++;
			close(fd);
		}
	}
	if (!quiet)
		printf("flood: %ld loads, %ld accepted\n", n, ok);
	return ok == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *logdir = NULL, *names[256];
	int level = 1, nnames = 0, repeat = 1, timing = 0, list = 0, c, i, r, bad = 0;
	struct bpf_object *obj;
	struct bpf_program *p;
	char *log;

	while ((c = getopt(argc, argv, "l:p:o:n:c:qtLF:")) != -1) {
		switch (c) {
		case 'l': level = atoi(optarg); break;
		case 'p': if (nnames < 256) names[nnames++] = optarg; break;
		case 'o': logdir = optarg; break;
		case 'n': repeat = atoi(optarg); break;
		case 'q': quiet = 1; break;
		case 't': timing = 1; break;
		case 'L': list = 1; break;
		case 'c': prctl(PR_SET_NAME, optarg, 0, 0, 0); break;
		case 'F': return flood(atol(optarg));
		default: return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: %s [-l LEVEL] [-p PROG]... [-o LOGDIR|-] [-n N] [-c COMM] [-q] [-t] OBJ\n"
			"       %s -L OBJ\n"
			"       %s [-q] [-c COMM] -F N\n", argv[0], argv[0], argv[0]);
		return 2;
	}
	libbpf_set_print(silent_print);
	log = malloc(LOG_SIZE);
	if (!log)
		return 2;
	if (!nnames) {
		char msg[200];

		obj = bpf_object__open_file(argv[optind], NULL);
		if (!obj) {
			libbpf_strerror(errno, msg, sizeof(msg));
			fprintf(stderr, "cannot open %s: %s\n", argv[optind], msg);
			return 2;
		}
		bpf_object__for_each_program(p, obj)
			if (nnames < 256)
				names[nnames++] = strdup(bpf_program__name(p));
		bpf_object__close(obj);
	}
	if (list) {
		for (i = 0; i < nnames; i++)
			printf("%s\n", names[i]);
		return 0;
	}
	for (r = 0; r < repeat; r++)
		for (i = 0; i < nnames; i++)
			if (load_one(argv[optind], names[i], level, logdir, log) == -1000)
				bad = 1;
	free(log);
	if (timing)
		printf("load_ns=%llu loads=%llu\n", load_ns, loads);
	return bad ? 2 : 0;
}
