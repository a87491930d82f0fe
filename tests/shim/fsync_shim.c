/* LD_PRELOAD shim for the --fsync tests: every fsync(2) and fdatasync(2)
 * appends the path of its file to $FSYNC_SHIM_LOG, and with
 * FSYNC_SHIM_FAIL=EIO it fails with EIO instead (the disk lost the data),
 * so a test can count the calls and see the failure reported. With
 * CLOSE_SHIM_FAIL=PATH, close(2) of a descriptor of PATH closes it and
 * then reports EIO, as close on NFS does when a delayed write failed. */
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
int close(int fd);

/* The path fd is open on, in target[cap]. */
static void
path_of(int fd, char *target, size_t cap)
{
	char link[64];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, cap - 1);
	target[n < 0 ? 0 : n] = '\0';
}

static int
logged(int fd, const char *call)
{
	const char *log = getenv("FSYNC_SHIM_LOG");
	if (log != NULL) {
		char target[4096];
		path_of(fd, target, sizeof target);
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

int
close(int fd)
{
	const char *fail = getenv("CLOSE_SHIM_FAIL");
	char target[4096] = "";
	if (fail != NULL)
		path_of(fd, target, sizeof target);
	int (*real)(int);
	void *sym = dlsym(RTLD_NEXT, "close");
	memcpy(&real, &sym, sizeof real);
	int rc = real(fd);
	if (rc == 0 && fail != NULL && strcmp(target, fail) == 0) {
		errno = EIO;
		return -1;
	}
	return rc;
}
