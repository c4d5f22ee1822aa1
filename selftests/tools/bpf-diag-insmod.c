// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-diag-insmod: load a module with its Nth fault-injection point failing.
 *
 *   bpf-diag-insmod [-n N] MODULE.ko [PARAMS]
 *
 * With -n, N is written to /proc/thread-self/fail-nth right before the
 * finit_module() syscall, so the Nth allocation of the module's loading
 * and init (the kernel's failslab / fail_page_alloc, in this task only)
 * fails.  Prints "rc=R errno=E reached=yes|no left=L": reached=no when the
 * load had fewer than N fault points (N - L of them), so nothing failed.
 * Exit status 0 when it printed that line, 2 on usage or setup errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *nth = NULL, *params = "";
	int fd, nfd = -1, rc, err, c;
	char left[32] = "";

	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c != 'n')
			return 2;
		nth = optarg;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: %s [-n N] MODULE.ko [PARAMS]\n", argv[0]);
		return 2;
	}
	if (optind + 1 < argc)
		params = argv[optind + 1];
	fd = open(argv[optind], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[optind]);
		return 2;
	}
	if (nth) {
		nfd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
		if (nfd < 0 || write(nfd, nth, strlen(nth)) < 0) {
			perror("/proc/thread-self/fail-nth");
			return 2;
		}
	}
	rc = syscall(SYS_finit_module, fd, params, 0);
	err = rc ? errno : 0;
	if (nfd >= 0) {
		/* what is left: 0 once the Nth point failed */
		if (pread(nfd, left, sizeof(left) - 1, 0) < 0)
			strcpy(left, "?");
		if (write(nfd, "0", 1) < 0)
			perror("fail-nth");
	}
	printf("rc=%d errno=%d reached=%s left=%d\n", rc, err,
	       !nth ? "-" : atoi(left) == 0 ? "yes" : "no", atoi(left));
	return 0;
}
