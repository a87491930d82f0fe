/* decimal.h: Kafka Connect decimals printed exactly. Expected values from
 * Python's decimal module (int.from_bytes(..., signed=True), scaleb(-s),
 * format 'f'), not from this program. */
#include <check.h>
#include <string.h>

#include "buf.h"
#include "check_suites.h"
#include "decimal.h"

static const struct {
	const char *b64;
	int64_t scale;
	const char *want;
} vectors[] = {
	{"AA==", 0, "0"},
	{"AA==", 2, "0.00"},
	{"AQ==", 2, "0.01"},
	{"/w==", 0, "-1"},
	{"/w==", 3, "-0.001"},
	{"gA==", 1, "-12.8"},
	{"A5th", 2, "2363.85"},
	{"AIA=", 0, "128"},
	{"f///////////////////////////", 5, "1870722095783555735300716585876842265159593655.00927"},
	{"gAAAAAAAAAAAAAAAAAAAAAAAAAAA", 40, "-18707220957.8355573530071658587684226515959365500928"},
	{"AQ==", -3, "1000"},
	{"AA==", -3, "0"},
	{"/gw=", 4, "-0.0500"},
	{"EjRWeJq83vAR", -2, "33581272767073032193700"},
	{"O5rKAA==", 9, "1.000000000"},
	{"O5rJ/w==", 9, "0.999999999"},
};

START_TEST(exact_value)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "x");
	ck_assert_int_eq(decimal_write_base64(&b, vectors[_i].b64, vectors[_i].scale, 0), 0);
	buf_cstr(&b);
	ck_assert_str_eq(b.p + 1, vectors[_i].want);
	b.len = 0;
	ck_assert_int_eq(decimal_write_base64(&b, vectors[_i].b64, vectors[_i].scale, 1), 0);
	buf_cstr(&b);
	ck_assert_uint_eq(b.len, strlen(vectors[_i].want) + 2);
	ck_assert(b.p[0] == '"' && b.p[b.len - 1] == '"');
	buf_free(&b);
}
END_TEST

/* Not base64: -2 and nothing appended; no bytes: -1. */
START_TEST(bad_input)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "keep");
	ck_assert_int_eq(decimal_write_base64(&b, "not*base64", 2, 0), -2);
	ck_assert_uint_eq(b.len, 4);
	ck_assert_int_eq(decimal_write_base64(&b, "", 2, 0), -1);
	ck_assert_uint_eq(b.len, 4);
	buf_free(&b);
}
END_TEST

/* A value of 100 bytes (beyond the stack buffers): the same digits as its
 * value computed here by long multiplication in base 10. */
START_TEST(long_value)
{
	unsigned char bytes[100];
	for (int i = 0; i < 100; i++)
		bytes[i] = (unsigned char)(i == 0 ? 0x7f : 0xff);
	/* 2^799 - 1, digit by digit: double 799 times from 1, minus 1. */
	char digits[300] = "1";
	size_t nd = 1;
	for (int k = 0; k < 799; k++) {
		int carry = 0;
		for (size_t i = nd; i-- > 0;) {
			int v = (digits[i] - '0') * 2 + carry;
			digits[i] = (char)('0' + v % 10);
			carry = v / 10;
		}
		if (carry) {
			memmove(digits + 1, digits, nd + 1);
			digits[0] = (char)('0' + carry);
			nd++;
		}
	}
	digits[nd - 1] = (char)(digits[nd - 1] - 1); /* 2^n ends in 2, 4, 6 or 8 */
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char enc[200];
	size_t e = 0;
	for (int i = 0; i < 99; i += 3) {
		unsigned v = (unsigned)bytes[i] << 16 | (unsigned)bytes[i + 1] << 8 | bytes[i + 2];
		enc[e++] = b64[v >> 18], enc[e++] = b64[v >> 12 & 63];
		enc[e++] = b64[v >> 6 & 63], enc[e++] = b64[v & 63];
	}
	unsigned v = (unsigned)bytes[99] << 16;
	enc[e++] = b64[v >> 18], enc[e++] = b64[v >> 12 & 63], enc[e++] = '=', enc[e++] = '=';
	enc[e] = '\0';
	struct buf b;
	buf_init(&b);
	ck_assert_int_eq(decimal_write_base64(&b, enc, 0, 0), 0);
	buf_cstr(&b);
	ck_assert_str_eq(b.p, digits);
	buf_free(&b);
}
END_TEST

START_TEST(decimal_text)
{
	static const char *const yes[] = {"0", "-1", "12.50", "1e5", "-1.5E-3", "NaN", "Infinity", "-Infinity"};
	static const char *const no[] = {"", "-", "1.", ".5", "1e", "1e+", "0x10", "1 ", "nan", "+1", "--1"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		ck_assert_msg(decimal_is_text(yes[i]), "'%s' is decimal text", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		ck_assert_msg(!decimal_is_text(no[i]), "'%s' is not decimal text", no[i]);
}
END_TEST

Suite *
decimal_suite(void)
{
	Suite *s = suite_create("decimal");
	TCase *tc = tcase_create("decimal");
	tcase_add_loop_test(tc, exact_value, 0, (int)(sizeof vectors / sizeof vectors[0]));
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, long_value);
	tcase_add_test(tc, decimal_text);
	suite_add_tcase(s, tc);
	return s;
}
