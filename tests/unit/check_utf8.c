/* utf8.h: which byte sequences are valid UTF-8 (RFC 3629). */
#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "utf8.h"

static const struct {
	const char *name;
	const char *s;
	size_t len; /* 0: strlen */
	size_t want;
} cases[] = {
	{"empty", "", 0, 0},
	{"ascii", "{\"op\":\"c\",\"after\":{\"id\":1}}", 0, 0},
	{"long ascii then bad", "abcdefghijklmnopqrstuvwxyz\xff", 0, 27},
	{"two-byte", "caf\xc3\xa9", 0, 0},
	{"three-byte", "\xe2\x9c\x93 ok", 0, 0},
	{"four-byte", "\xf0\x9f\x98\x80", 0, 0},
	{"max code point", "\xf4\x8f\xbf\xbf", 0, 0},
	{"above max", "\xf4\x90\x80\x80", 0, 1},
	{"lone continuation", "a\x80", 0, 2},
	{"0xff", "ab\xff", 0, 3},
	{"overlong 2-byte c0", "\xc0\xaf", 0, 1},
	{"overlong 2-byte c1", "\xc1\xbf", 0, 1},
	{"overlong 3-byte", "\xe0\x80\xaf", 0, 1},
	{"overlong 4-byte", "\xf0\x80\x80\xaf", 0, 1},
	{"surrogate", "\xed\xa0\x80", 0, 1},
	{"last before surrogates", "\xed\x9f\xbf", 0, 0},
	{"truncated at end", "ok\xe2\x9c", 0, 3},
	{"bad third byte", "\xe2\x9c\x41", 0, 1},
	{"f5 never valid", "\xf5\x80\x80\x80", 0, 1},
	{"NUL is valid", "a\0b", 3, 0},
	{"valid then invalid after 8-byte block", "12345678\xc3\xa9" "12345678\xc3", 0, 19},
};

START_TEST(table)
{
	size_t len = cases[_i].len ? cases[_i].len : strlen(cases[_i].s);
	size_t got = utf8_invalid_at(cases[_i].s, len);
	ck_assert_msg(got == cases[_i].want, "%s: got %zu, want %zu", cases[_i].name, got, cases[_i].want);
}
END_TEST

Suite *
utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, table, 0, (int)(sizeof cases / sizeof cases[0]));
	suite_add_tcase(s, tc);
	return s;
}
