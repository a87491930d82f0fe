/* buf.h: the growable byte buffer and the fatal-on-failure allocators. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check_suites.h"
#include "check_util.h"

/* Appends of every kind land in order; len counts bytes, not the NUL. */
START_TEST(appends_in_order)
{
	struct buf b;
	buf_init(&b);
	ck_assert_uint_eq(b.len, 0);
	buf_append(&b, "ab", 2);
	buf_putc(&b, '\0');
	buf_puts(&b, "cd");
	buf_append(&b, "ignored", 0);
	assert_bytes("contents", b.p, b.len, "ab\0cd", 5);
	buf_free(&b);
	ck_assert_ptr_null(b.p);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
}
END_TEST

/* buf_cstr NUL-terminates without counting the NUL, so appending goes on
 * where the text ended; an empty buffer gives "". */
START_TEST(cstr_terminates_without_counting)
{
	struct buf b;
	buf_init(&b);
	ck_assert_str_eq(buf_cstr(&b), "");
	ck_assert_uint_eq(b.len, 0);
	buf_puts(&b, "x");
	ck_assert_str_eq(buf_cstr(&b), "x");
	ck_assert_uint_eq(b.len, 1);
	buf_puts(&b, "y");
	ck_assert_str_eq(buf_cstr(&b), "xy");
	buf_free(&b);
}
END_TEST

/* Growth keeps every byte, and buf_reserve leaves room for extra bytes
 * plus buf_cstr's NUL without moving p on the appends that follow. */
START_TEST(growth_keeps_contents)
{
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < 100000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	ck_assert_uint_eq(b.len, 100000);
	for (int i = 0; i < 100000; i++)
		ck_assert_int_eq(b.p[i], 'a' + i % 26);
	buf_reserve(&b, 5000);
	ck_assert_uint_ge(b.cap, b.len + 5000 + 1);
	const char *p = b.p;
	for (int i = 0; i < 5000; i++)
		buf_putc(&b, 'z');
	buf_cstr(&b);
	ck_assert_ptr_eq(b.p, p);
	buf_free(&b);
}
END_TEST

START_TEST(strndup_copies_n_bytes)
{
	char *s = xstrndup("abcdef", 3);
	ck_assert_str_eq(s, "abc");
	free(s);
	s = xstrndup("", 0);
	ck_assert_str_eq(s, "");
	free(s);
	void *z = xmalloc(0); /* a usable pointer, not NULL */
	ck_assert_ptr_nonnull(z);
	z = xrealloc(z, 0);
	ck_assert_ptr_nonnull(z);
	free(z);
}
END_TEST

/* A size that cannot be had ends the process with status 2 and one
 * message, before any allocator is asked (so the same under ASan): one
 * whose byte count overflows, and one no doubling of the capacity can
 * reach. */
START_TEST(reserve_overflow_exits_2)
{
	struct buf b;
	buf_init(&b);
	buf_putc(&b, 'x');
	buf_reserve(&b, SIZE_MAX);
}
END_TEST

START_TEST(reserve_beyond_doubling_exits_2)
{
	struct buf b;
	buf_init(&b);
	buf_putc(&b, 'x');
	buf_reserve(&b, SIZE_MAX / 2 + 10);
}
END_TEST

Suite *
buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, appends_in_order);
	tcase_add_test(tc, cstr_terminates_without_counting);
	tcase_add_test(tc, growth_keeps_contents);
	tcase_add_test(tc, strndup_copies_n_bytes);
	suite_add_tcase(s, tc);
	/* Fork-only: these end the process (Check runs them in a child;
	 * under CK_FORK=no they are left out). */
	const char *fork = getenv("CK_FORK");
	if (fork == NULL || strcmp(fork, "no") != 0) {
		TCase *oom = tcase_create("out of memory");
		tcase_add_exit_test(oom, reserve_overflow_exits_2, 2);
		tcase_add_exit_test(oom, reserve_beyond_doubling_exits_2, 2);
		suite_add_tcase(s, oom);
	}
	return s;
}
