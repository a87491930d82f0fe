#ifndef CDCPIVOT_CHECK_UTIL_H
#define CDCPIVOT_CHECK_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* Helpers shared by the process-level suites (golden, cli, failures...). */

/* A cdcpivot started by spawn_cdcpivot(): its pid, and our ends of its
 * stdin, stdout and stderr pipes (-1 where it was given a file instead;
 * close the others when done). */
struct child {
	pid_t pid;
	int in, out, err;
};

/* How to start it. Every child gets TZ=UTC, LC_ALL=C and SIGPIPE and
 * SIGXFSZ at their defaults (cdcpivot must ignore SIGXFSZ itself), then
 * env, then the limits. $CDCPIVOT_WRAPPER, when set, is a space-separated
 * command put in front (valgrind). */
struct spawn {
	const char *const *argv;  /* arguments, NULL-terminated, without the program name */
	const char *stdin_path;   /* stdin from this file, or NULL: a pipe */
	const char *stdout_path;  /* stdout to this file, or NULL: a pipe */
	int stdout_append;        /* stdout_path is appended to, else truncated */
	const char *const *env;   /* "NAME=value" entries, NULL-terminated, or NULL */
	unsigned long fsize;      /* RLIMIT_FSIZE in bytes, 0: none */
	unsigned long as;         /* RLIMIT_AS in bytes, 0: none */
};
void spawn_cdcpivot(const struct spawn *s, struct child *c);

/* Waits for pid; its exit status, or 128 + the signal that ended it. */
int wait_child(pid_t pid);

/* Reads fd to its end into a NUL-terminated string (free it); *len, if
 * not NULL, is its length. */
char *read_all(int fd, size_t *len);

/* The result of running the cdcpivot binary once. Free with run_free(). */
struct run_result {
	char *out;
	size_t out_len;
	char *err;
	size_t err_len;
	int status; /* exit status, or 128 + signal number */
};

/* Runs $CDCPIVOT (default ./cdcpivot) with argv (NULL-terminated, without
 * the program name), feeding stdin_data (may be NULL: /dev/null) and
 * collecting stdout and stderr. extra_env is a NULL-terminated list of
 * "NAME=value" or NULL. If stdout_path is not NULL, stdout goes to that
 * file instead (e.g. "/dev/full"). $CDCPIVOT_WRAPPER, when set, is a
 * space-separated command put in front (valgrind). */
void run_cdcpivot(const char *const *argv, const char *stdin_data, size_t stdin_len,
    const char *const *extra_env, const char *stdout_path, struct run_result *r);
void run_free(struct run_result *r);

/* Removes dir and everything in it (rm -rf); dir holds no quote. */
void remove_tree(const char *dir);

/* Reads a whole file; returns NULL if it does not exist. */
char *read_file(const char *path, size_t *len);

/* Calls each(path, ctx) for every golden input (NAME.in in tests/golden) and
 * example (NAME.jsonl in examples), real Debezium output among them; fails the
 * test when a directory cannot be read. */
void each_input_file(void (*each)(const char *path, void *ctx), void *ctx);

/* Fails the test with both byte strings shown, invisible bytes escaped,
 * unless got[0..glen) equals want[0..wlen). */
void assert_bytes(const char *what, const char *got, size_t glen, const char *want, size_t wlen);

/* The same against a NUL-terminated expectation. */
void assert_text_eq(const char *what, const char *got, size_t glen, const char *want);

/* The path of the binary under test. */
const char *cdcpivot_path(void);

/* One expected diagnostic: the input line number and a piece of the text. */
struct expect_diag {
	unsigned long line;
	const char *snippet;
};

/* Asserts that err holds exactly these "cdcpivot: <input>:LINE: ..."
 * messages, in order, each containing its snippet (plus any summary line). */
void expect_diags(const char *err, const char *input, const struct expect_diag *want, size_t n);

#endif
