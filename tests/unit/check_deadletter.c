/* deadletter.h: rejected lines kept verbatim, and a failed write said once. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "check_util.h"
#include "deadletter.h"

/* A rejected line goes to the file verbatim, one per line, appended to
 * what the file held; each is flushed at once, so it can be read while
 * the run goes on. */
START_TEST(lines_are_appended_verbatim)
{
	char path[] = "/tmp/check_deadletter_XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "old\n", 4), 4);
	close(fd);
	struct deadletter dl;
	ck_assert_int_eq(deadletter_open(&dl, path), 0);
	ck_assert_int_eq(deadletter_keep(&dl, "{bad", 4), 0);
	size_t n;
	char *got = read_file(path, &n);
	assert_text_eq("flushed at once", got, n, "old\n{bad\n");
	free(got);
	ck_assert_int_eq(deadletter_keep(&dl, "a\tb\r", 4), 0);
	ck_assert_int_eq(deadletter_close(&dl), 0);
	got = read_file(path, &n);
	assert_text_eq("appended", got, n, "old\n{bad\na\tb\r\n");
	free(got);
	unlink(path);
}
END_TEST

/* No --dead-letter: nothing is written and nothing fails. */
START_TEST(no_file_does_nothing)
{
	struct deadletter dl;
	ck_assert_int_eq(deadletter_open(&dl, NULL), 0);
	ck_assert_ptr_null(dl.f);
	ck_assert_int_eq(deadletter_keep(&dl, "x", 1), 0);
	ck_assert_int_eq(dl.failed, 0);
	ck_assert_int_eq(deadletter_close(&dl), 0);
}
END_TEST

/* A file that cannot be written fails once, with errno, and is marked so
 * that the pipeline stops instead of losing rejected lines. */
START_TEST(failure_is_reported_once)
{
	struct deadletter dl;
	ck_assert_int_eq(deadletter_open(&dl, "/dev/full"), 0);
	errno = 0;
	ck_assert_int_eq(deadletter_keep(&dl, "{bad", 4), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_int_eq(dl.failed, 1);
	ck_assert_int_eq(deadletter_keep(&dl, "{bad", 4), 0);
	deadletter_close(&dl);
}
END_TEST

START_TEST(open_failure_sets_errno)
{
	struct deadletter dl;
	errno = 0;
	ck_assert_int_eq(deadletter_open(&dl, "/nonexistent/dir/dead"), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(dl.f);
}
END_TEST

Suite *
deadletter_suite(void)
{
	Suite *s = suite_create("deadletter");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, lines_are_appended_verbatim);
	tcase_add_test(tc, no_file_does_nothing);
	tcase_add_test(tc, failure_is_reported_once);
	tcase_add_test(tc, open_failure_sets_errno);
	suite_add_tcase(s, tc);
	return s;
}
