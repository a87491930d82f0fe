/* LD_PRELOAD shim for the --fsync tests: every fsync(2) and fdatasync(2)
 * appends the path of its file to $FSYNC_SHIM_LOG, and with
 * FSYNC_SHIM_FAIL=EIO it fails with EIO instead (the disk lost the data),
 * so a test can count the calls and see the failure reported. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fsync(int fd);
int fdatasync(int fd);

static int
logged(int fd, const char *call)
{
	const char *log = getenv("FSYNC_SHIM_LOG");
	if (log != NULL) {
		char link[64], target[4096];
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, target, sizeof target - 1);
		target[n < 0 ? 0 : n] = '\0';
		int lf = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (lf >= 0) {
			char line[4200];
			int k = snprintf(line, sizeof line, "%s\n", target);
			if (write(lf, line, (size_t)k) != k) {
				/* a short log makes the count, and so the test, fail */
			}
			close(lf);
		}
	}
	const char *fail = getenv("FSYNC_SHIM_FAIL");
	if (fail != NULL && strcmp(fail, "EIO") == 0) {
		errno = EIO;
		return -1;
	}
	int (*real)(int);
	void *sym = dlsym(RTLD_NEXT, call);
	memcpy(&real, &sym, sizeof real); /* ISO C has no object-to-function cast */
	return sym != NULL ? real(fd) : 0;
}

int
fsync(int fd)
{
	return logged(fd, "fsync");
}

int
fdatasync(int fd)
{
	return logged(fd, "fdatasync");
}
