#ifndef CDCPIVOT_CHECK_UTIL_H
#define CDCPIVOT_CHECK_UTIL_H

#include <stddef.h>

/* Helpers shared by the process-level suites (golden, cli). */

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

/* Reads a whole file; returns NULL if it does not exist. */
char *read_file(const char *path, size_t *len);

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
