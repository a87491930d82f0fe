/* jsonunescape.h: every escape JSON has, decoded as cJSON decodes it, and
 * NULL wherever cJSON's result would be a NUL or an error (its to report). */
#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "jsonunescape.h"

static const struct {
	const char *in, *want; /* want NULL: declined */
} cases[] = {
	{"", ""},
	{"plain", "plain"},
	{"a\\\"b\\\\c\\/d", "a\"b\\c/d"},
	{"\\b\\f\\n\\r\\t", "\b\f\n\r\t"},
	{"\\u0041\\u00e9\\u20AC", "A\xc3\xa9\xe2\x82\xac"},
	{"\\u007f\\u0080\\u07ff\\u0800\\uffff", "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf"},
	{"\\ud83d\\ude00", "\xf0\x9f\x98\x80"},
	{"\\udbff\\udfff", "\xf4\x8f\xbf\xbf"},
	{"raw \xc3\xa9 \x01", "raw \xc3\xa9 \x01"},
	{"\\x", NULL},
	{"\\", NULL},
	{"ab\\", NULL},
	{"\\u12", NULL},
	{"\\u00G1", NULL},
	{"\\u0000", NULL},
	{"\\ud800", NULL},
	{"\\udc00", NULL},
	{"\\ud800\\u0041", NULL},
	{"\\ud800x\\udc00", NULL},
};

START_TEST(decodes_as_cjson)
{
	const char *in = cases[_i].in, *want = cases[_i].want;
	char out[64];
	memset(out, 'Z', sizeof out);
	char *end = jsonunescape(out, (const unsigned char *)in, strlen(in));
	if (want == NULL) {
		ck_assert_msg(end == NULL, "declined: %s", in);
		return;
	}
	ck_assert_msg(end != NULL, "decoded: %s", in);
	ck_assert_uint_eq((size_t)(end - out), strlen(want));
	ck_assert_int_eq(*end, '\0');
	ck_assert_mem_eq(out, want, strlen(want));
	ck_assert_uint_le(strlen(want), strlen(in)); /* no escape is shorter than its UTF-8 */
}
END_TEST

Suite *
jsonunescape_suite(void)
{
	Suite *s = suite_create("jsonunescape");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, decodes_as_cjson, 0, (int)(sizeof cases / sizeof cases[0]));
	suite_add_tcase(s, tc);
	return s;
}
