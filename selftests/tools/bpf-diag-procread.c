// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-diag-procread: read /proc/PID/stat and /proc/PID/comm of every
 * process named COMM, over and over, until STOPFILE exists; print how many
 * reads were made.  Both take the task's task_lock() (proc_task_name()),
 * which on PREEMPT_RT is a sleeping lock: the stress group runs this beside
 * the loaders, so that a handler that took the same lock in atomic context
 * would meet a holder.
 *
 *   bpf-diag-procread COMM STOPFILE
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_PIDS 256

static int pids[MAX_PIDS], npids;

static int comm_is(int pid, const char *comm)
{
	char path[64], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return !strcmp(buf, comm);
}

static void scan(const char *comm)
{
	struct dirent *d;
	DIR *dir = opendir("/proc");

	npids = 0;
	while (dir && (d = readdir(dir)) && npids < MAX_PIDS) {
		int pid = atoi(d->d_name);

		if (pid > 0 && comm_is(pid, comm))
			pids[npids++] = pid;
	}
	if (dir)
		closedir(dir);
}

/* One read of a file of @pid; 0 if it is gone. */
static int read_one(int pid, const char *file)
{
	char path[64], buf[1024];
	int fd, ok;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ok = read(fd, buf, sizeof(buf)) > 0;
	close(fd);
	return ok;
}

int main(int argc, char **argv)
{
	unsigned long reads = 0;
	time_t last = 0;
	int i;

	if (argc != 3) {
		fprintf(stderr, "usage: %s COMM STOPFILE\n", argv[0]);
		return 2;
	}
	while (access(argv[2], F_OK)) {
		if (!npids || time(NULL) != last) {
			scan(argv[1]);
			last = time(NULL);
			if (!npids)
				usleep(1000);
		}
		for (i = 0; i < npids; i++) {
			if (!read_one(pids[i], "stat") || !read_one(pids[i], "comm")) {
				pids[i--] = pids[--npids];	/* it exited */
				continue;
			}
			reads++;
		}
	}
	printf("%lu\n", reads);
	return 0;
}
