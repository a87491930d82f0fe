/* jsonval.h: JSON values as they were written. Number literals must come
 * back byte for byte (cJSON alone would turn 9007199254740993 into ...992
 * and 1.0 into 1), strings are unescaped for the change log and re-escaped
 * inside compact JSON, and equality is by content. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "jsonval.h"

static cJSON *
parse_ok(const char *text)
{
	size_t off = 12345;
	int trailing = -1;
	cJSON *v = jsonval_parse(text, strlen(text), &off, &trailing);
	ck_assert_msg(v != NULL, "jsonval_parse rejected %s (err_off %zu, trailing %d)", text, off,
	    trailing);
	ck_assert_int_eq(trailing, 0);
	return v;
}

/* ---- parse + render: number literals kept exactly ---------------------- */

static const struct {
	const char *text;
	const char *want; /* jsonval_render output */
} literal_cases[] = {
	{"9007199254740993", "9007199254740993"}, /* 2^53 + 1: not a double */
	{"-9007199254740993", "-9007199254740993"},
	{"1.0", "1.0"},
	{"-0", "-0"},
	{"-0.0", "-0.0"},
	{"1e5", "1e5"},
	{"1E5", "1E5"},
	{"1.5E+300", "1.5E+300"},
	{"2.5e-7", "2.5e-7"},
	{"123456789012345678901234567890", "123456789012345678901234567890"},
	{"0.1000000000000000055511151231257827", "0.1000000000000000055511151231257827"},
	{"100.50", "100.50"},
	/* whitespace around the value is not part of it */
	{" \t\r\n 42 \t\r\n", "42"},
	/* nested containers: the nth literal goes to the nth number node */
	{"[1,[2.50,{\"a\":-0.0}],3e0]", "[1,[2.50,{\"a\":-0.0}],3e0]"},
	{"{ \"a\" : [ 1.0 , { \"b\" : 9007199254740993 } ] , \"c\" : 1E2 }",
	    "{\"a\":[1.0,{\"b\":9007199254740993}],\"c\":1E2}"},
	{"[[[[7.00]]]]", "[[[[7.00]]]]"},
	/* digits inside strings and keys are not number literals */
	{"[\"a\\\"1\",2.0]", "[\"a\\\"1\",2.0]"},
	{"{\"a\\\"1\":\"x\\\"2\",\"b\":3.10}", "{\"a\\\"1\":\"x\\\"2\",\"b\":3.10}"},
	{"[\"\\\\\",3.0]", "[\"\\\\\",3.0]"},         /* string ending in an escaped backslash */
	{"[\"\\\\\\\"9\",4.0]", "[\"\\\\\\\"9\",4.0]"}, /* \\ then \" then a digit */
	{"{\"12\":\"34\",\"n\":5.60}", "{\"12\":\"34\",\"n\":5.60}"},
	{"[\"-1\",\"\\u0031\",-1.50]", "[\"-1\",\"1\",-1.50]"},
	{"[\"1e5\",true,false,null,1e5]", "[\"1e5\",true,false,null,1e5]"},
	{"{\"s\":\"[1,2]\",\"t\":[1.10,2.20]}", "{\"s\":\"[1,2]\",\"t\":[1.10,2.20]}"},
	/* the Debezium shapes: bigint ids, decimals as numbers, LSNs */
	{"{\"id\":9223372036854775807,\"price\":19.90,\"lsn\":24023128,\"x\":null}",
	    "{\"id\":9223372036854775807,\"price\":19.90,\"lsn\":24023128,\"x\":null}"},
};

START_TEST(literal_kept)
{
	cJSON *v = parse_ok(literal_cases[_i].text);
	struct buf b;
	buf_init(&b);
	ck_assert_int_eq(jsonval_render(&b, v), 1);
	assert_bytes(literal_cases[_i].text, b.p, b.len, literal_cases[_i].want,
	    strlen(literal_cases[_i].want));
	buf_free(&b);
	cJSON_Delete(v);
}
END_TEST

/* jsonval_number_text gives the literal for parsed numbers (pointing into the
 * text, no copy) and cJSON's double for numbers built in memory. */
START_TEST(number_text_points_into_text)
{
	const char *text = "{\"a\":[\"7\",0.50],\"b\":-12e3}";
	cJSON *v = parse_ok(text);
	char tmp[32];
	const char *p;
	const cJSON *a1 = cJSON_GetArrayItem(cJSON_GetObjectItem(v, "a"), 1);
	size_t n = jsonval_number_text(a1, &p, tmp);
	ck_assert_uint_eq(n, 4);
	ck_assert_ptr_eq(p, text + 10);
	ck_assert_int_eq(memcmp(p, "0.50", 4), 0);
	n = jsonval_number_text(cJSON_GetObjectItem(v, "b"), &p, tmp);
	ck_assert_uint_eq(n, 5);
	ck_assert_ptr_eq(p, text + 20);
	cJSON_Delete(v);
}
END_TEST

static const struct {
	double d;
	const char *want;
} built_cases[] = {
	{5, "5"},
	{-3, "-3"},
	{0, "0"},
	{1.5, "1.5"},
	{0.1, "0.10000000000000001"},
	{1e20, "1e+20"},
};

START_TEST(number_text_built)
{
	cJSON *n = cJSON_CreateNumber(built_cases[_i].d);
	char tmp[32];
	const char *p;
	size_t len = jsonval_number_text(n, &p, tmp);
	assert_bytes("number_text", p, len, built_cases[_i].want, strlen(built_cases[_i].want));
	struct buf b;
	buf_init(&b);
	jsonval_write_json(&b, n);
	assert_bytes("write_json", b.p, b.len, built_cases[_i].want, strlen(built_cases[_i].want));
	buf_free(&b);
	cJSON_Delete(n);
}
END_TEST

/* ---- parse failures ------------------------------------------------------ */

#define ANY_OFF ((size_t)-1)

static const struct {
	const char *text;
	size_t err_off; /* ANY_OFF: only checked to be within the text */
	int trailing;
} bad_cases[] = {
	/* a complete value followed by garbage: err_off at the garbage */
	{"1 x", 2, 1},
	{"{\"a\":1}}", 7, 1},
	{"{\"a\":1} ,", 8, 1},
	{"{\"a\":1}{\"b\":2}", 7, 1},
	{"[1] [2]", 4, 1},
	{"\"s\"\t\r\n x", 7, 1},
	{"null null", 5, 1},
	{"{\"a\":1}\v", 7, 1}, /* vertical tab is not JSON whitespace */
	/* invalid JSON */
	{"{\"a\":}", 5, 0},
	{"{\"a\":1,}", 7, 0},
	{"{\"a\" 1}", 5, 0},
	{"{\"a\":tru}", 5, 0},
	{"nul", 0, 0},
	{"-", 0, 0},
	{"[1,2", ANY_OFF, 0},
	{"\"abc", ANY_OFF, 0},
	{"{\"a\":1", ANY_OFF, 0},
	{"", 0, 0},
	{"   ", ANY_OFF, 0},
	{"'a'", 0, 0},
};

START_TEST(parse_failure)
{
	const char *text = bad_cases[_i].text;
	size_t off = 12345;
	int trailing = -1;
	cJSON *v = jsonval_parse(text, strlen(text), &off, &trailing);
	ck_assert_msg(v == NULL, "jsonval_parse accepted \"%s\"", text);
	ck_assert_int_eq(trailing, bad_cases[_i].trailing);
	if (bad_cases[_i].err_off == ANY_OFF)
		ck_assert_uint_le(off, strlen(text));
	else
		ck_assert_uint_eq(off, bad_cases[_i].err_off);
}
END_TEST

/* Only the given length is parsed: what follows is not looked at. */
START_TEST(parse_respects_len)
{
	const char *text = "{\"a\":1.50}GARBAGE";
	size_t off;
	int trailing;
	cJSON *v = jsonval_parse(text, 10, &off, &trailing);
	ck_assert_ptr_nonnull(v);
	struct buf b;
	buf_init(&b);
	jsonval_render(&b, v);
	assert_bytes("render", b.p, b.len, "{\"a\":1.50}", 10);
	buf_free(&b);
	cJSON_Delete(v);
	ck_assert_ptr_null(jsonval_parse(text, 9, &off, &trailing));
	ck_assert_int_eq(trailing, 0);
}
END_TEST

/* ---- jsonval_parse_prefix ------------------------------------------------ */

static const struct {
	const char *text;
	int ok;
	size_t end_off;
	const char *want; /* render of the value */
} prefix_cases[] = {
	{"{\"a\":1} rest", 1, 7, "{\"a\":1}"},
	{"[1,2]xyz", 1, 5, "[1,2]"},
	{"\"s\" tail", 1, 3, "s"},
	{"{\"a\":[1.0,{\"b\":2}]}\t{\"x\":3}", 1, 19, "{\"a\":[1.0,{\"b\":2}]}"},
	{"{\"n\":12345678901234567890}\t{\"m\":5}", 1, 26, "{\"n\":12345678901234567890}"},
	{"{\"a\":1.50} 99", 1, 10, "{\"a\":1.50}"},
	{"  {\"a\":2}", 1, 9, "{\"a\":2}"},
	{"{\"a\":1}", 1, 7, "{\"a\":1}"},
	{"{\"a\":", 0, 0, NULL},
	{"x{}", 0, 0, NULL},
};

START_TEST(prefix)
{
	const char *text = prefix_cases[_i].text;
	size_t end = 12345;
	cJSON *v = jsonval_parse_prefix(text, strlen(text), &end);
	if (!prefix_cases[_i].ok) {
		ck_assert_msg(v == NULL, "prefix accepted %s", text);
		ck_assert_uint_le(end, strlen(text));
		return;
	}
	ck_assert_msg(v != NULL, "prefix rejected %s", text);
	ck_assert_uint_eq(end, prefix_cases[_i].end_off);
	struct buf b;
	buf_init(&b);
	ck_assert_int_eq(jsonval_render(&b, v), 1);
	assert_bytes(text, b.p, b.len, prefix_cases[_i].want, strlen(prefix_cases[_i].want));
	buf_free(&b);
	cJSON_Delete(v);
}
END_TEST

/* ---- jsonval_render ------------------------------------------------------ */

static const struct {
	const char *text;
	int rc;
	const char *want;
	size_t want_len; /* 0: strlen(want) */
} render_cases[] = {
	{"\"plain\"", 1, "plain", 0},
	{"\"\"", 1, "", 0},
	{"\"caf\\u00e9\"", 1, "caf\xc3\xa9", 0},
	{"\"\\u20ac\"", 1, "\xe2\x82\xac", 0},
	{"\"\\ud83d\\ude00\"", 1, "\xf0\x9f\x98\x80", 0}, /* surrogate pair */
	{"\"caf\xc3\xa9\"", 1, "caf\xc3\xa9", 0},
	{"\"two\\nlines\"", 1, "two\nlines", 0},
	{"\"tab\\there\\r\"", 1, "tab\there\r", 0},
	{"\"q\\\"b\\\\s\\/\"", 1, "q\"b\\s/", 0},
	{"\"\\u001f\\u007f\"", 1, "\x1f\x7f", 0},
	{"\"123\"", 1, "123", 0},
	{"\"null\"", 1, "null", 0},
	{"null", 0, "", 0},
	{"true", 1, "true", 0},
	{"false", 1, "false", 0},
	{"0", 1, "0", 0},
	{"{}", 1, "{}", 0},
	{"[]", 1, "[]", 0},
	{"[ ]", 1, "[]", 0},
	{"{ \"a\" : 1.0 , \"b\" : [ true , null , \"x\\ty\" ] }", 1,
	    "{\"a\":1.0,\"b\":[true,null,\"x\\ty\"]}", 0},
	/* strings inside containers are re-escaped */
	{"[\"\\u0001\\u001f\"]", 1, "[\"\\u0001\\u001f\"]", 0},
	{"[\"q\\\"\\\\\"]", 1, "[\"q\\\"\\\\\"]", 0},
	{"[\"\\u007f\"]", 1, "[\"\\u007f\"]", 0},
	{"[\"\x7f\"]", 1, "[\"\\u007f\"]", 0},
	{"[\"\\b\\f\\n\\r\\t\"]", 1, "[\"\\b\\f\\n\\r\\t\"]", 0},
	{"[\"\\/\"]", 1, "[\"/\"]", 0},
	{"[\"\\u00e9\"]", 1, "[\"\xc3\xa9\"]", 0},
	{"{\"k\\\"1\":{\"n\\nl\":null}}", 1, "{\"k\\\"1\":{\"n\\nl\":null}}", 0},
	{"{\"a\":{},\"b\":[[],{}]}", 1, "{\"a\":{},\"b\":[[],{}]}", 0},
	/* the object members keep their order */
	{"{\"z\":1,\"a\":2}", 1, "{\"z\":1,\"a\":2}", 0},
};

START_TEST(render)
{
	cJSON *v = parse_ok(render_cases[_i].text);
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "<"); /* render appends */
	int rc = jsonval_render(&b, v);
	ck_assert_int_eq(rc, render_cases[_i].rc);
	ck_assert_uint_ge(b.len, 1);
	ck_assert_int_eq(b.p[0], '<');
	size_t wl = render_cases[_i].want_len ? render_cases[_i].want_len : strlen(render_cases[_i].want);
	assert_bytes(render_cases[_i].text, b.p + 1, b.len - 1, render_cases[_i].want, wl);
	buf_free(&b);
	cJSON_Delete(v);
}
END_TEST

START_TEST(render_null_pointer)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "keep");
	ck_assert_int_eq(jsonval_render(&b, NULL), 0);
	assert_bytes("render(NULL)", b.p, b.len, "keep", 4);
	buf_free(&b);
}
END_TEST

/* jsonval_write_json quotes top-level strings; render does not. */
START_TEST(write_json_scalars)
{
	static const struct {
		const char *text, *want;
	} c[] = {
		{"\"a\\\"b\"", "\"a\\\"b\""},
		{"\"\\u00e9\\n\"", "\"\xc3\xa9\\n\""},
		{"null", "null"},
		{"true", "true"},
		{"1.50", "1.50"},
		{"[1,\"2\"]", "[1,\"2\"]"},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		cJSON *v = parse_ok(c[i].text);
		struct buf b;
		buf_init(&b);
		jsonval_write_json(&b, v);
		assert_bytes(c[i].text, b.p, b.len, c[i].want, strlen(c[i].want));
		buf_free(&b);
		cJSON_Delete(v);
	}
}
END_TEST

/* ---- jsonval_write_string ------------------------------------------------ */

static const struct {
	const char *s;
	size_t n;
	const char *want;
} string_cases[] = {
	{"", 0, "\"\""},
	{"abc", 3, "\"abc\""},
	{"a\"b", 3, "\"a\\\"b\""},
	{"a\\b", 3, "\"a\\\\b\""},
	{"\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\""},
	{"\x01", 1, "\"\\u0001\""},
	{"\x1f", 1, "\"\\u001f\""},
	{"\x1b[0m", 4, "\"\\u001b[0m\""},
	{"\x7f", 1, "\"\\u007f\""},
	{"a\0b", 3, "\"a\\u0000b\""}, /* n counts, not NUL termination */
	{"abcdef", 3, "\"abc\""},
	{"/", 1, "\"/\""},
	{"caf\xc3\xa9 \xe2\x9c\x93", 9, "\"caf\xc3\xa9 \xe2\x9c\x93\""}, /* UTF-8 passes through */
	{" ~", 2, "\" ~\""},
};

START_TEST(write_string)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "x");
	jsonval_write_string(&b, string_cases[_i].s, string_cases[_i].n);
	ck_assert_int_eq(b.p[0], 'x');
	assert_bytes("write_string", b.p + 1, b.len - 1, string_cases[_i].want,
	    strlen(string_cases[_i].want));
	buf_free(&b);
}
END_TEST

/* Every byte 0x00..0x7f: the output is one line that a JSON parser reads
 * back to the same bytes. */
START_TEST(write_string_roundtrip_ascii)
{
	char in[128];
	for (int i = 0; i < 128; i++)
		in[i] = (char)i;
	struct buf b;
	buf_init(&b);
	jsonval_write_string(&b, in + 1, 127); /* cJSON strings stop at NUL */
	for (size_t i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.p[i];
		ck_assert_msg(c >= 0x20 && c != 0x7f, "raw byte 0x%02x at %zu", c, i);
	}
	size_t off;
	int trailing;
	cJSON *v = jsonval_parse(b.p, b.len, &off, &trailing);
	ck_assert_ptr_nonnull(v);
	ck_assert(cJSON_IsString(v));
	ck_assert_uint_eq(strlen(v->valuestring), 127);
	ck_assert_int_eq(memcmp(v->valuestring, in + 1, 127), 0);
	cJSON_Delete(v);
	buf_free(&b);
}
END_TEST

/* ---- jsonval_equal ------------------------------------------------------- */

#define ABSENT NULL

static const struct {
	const char *a, *b; /* ABSENT: NULL pointer */
	int eq;
} equal_cases[] = {
	/* integers: unequal bytes of canonical literals are unequal numbers,
	 * the others are compared as decimals */
	{"12", "21", 0},
	{"-3", "3", 0},
	{"7", "70", 0},
	{"0", "-0", 1},
	{"100", "1e2", 1},
	{"100", "1.00e2", 1},
	{"5", "5.0", 1},
	{"-0", "0.0", 1},
	{"{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":1}", 1},
	{"{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":3}", 0},
	{"{\"a\":1}", "{\"a\":1,\"b\":2}", 0},
	{"{\"a\":1,\"b\":2}", "{\"a\":1}", 0},
	{"{\"a\":1}", "{\"b\":1}", 0},
	{"{}", "{}", 1},
	{"[1,2]", "[1,2]", 1},
	{"[1,2]", "[2,1]", 0},
	{"[1]", "[1,2]", 0},
	{"[1,2]", "[1]", 0},
	{"[]", "[]", 1},
	{"[]", "{}", 0},
	{"[null]", "[null]", 1},
	{"[null]", "[0]", 0},
	{"10", "10.0", 1},
	{"10", "1e1", 1},
	{"1E2", "100", 1},
	{"0.1", "0.10", 1},
	{"1.5", "1.50", 1},
	{"10", "11", 0},
	{"9007199254740993", "9007199254740993", 1},
	{"9007199254740993", "9007199254740992", 0}, /* same double, different integers */
	{"123456789012345678901234567890", "123456789012345678901234567891", 0},
	{"-9223372036854775808", "-9223372036854775808", 1},
	{"-0", "0", 1},
	{"0", "-0", 1},
	{"-0.0", "0", 1},
	{"-1", "1", 0},
	/* Decimals and exponents compare exactly, by value: the same double
	 * is not the same number. */
	{"12345678901234567.5", "12345678901234568.5", 0},
	{"0.1", "0.1000000000000000055511151231257827", 0},
	{"1e400", "2e400", 0},         /* both infinite as doubles */
	{"1e-400", "0", 0},            /* zero as a double */
	{"1e-400", "1.0e-400", 1},
	{"1.0e-5", "0.00001", 1},
	{"123.456e3", "123456", 1},
	{"123.456e3", "123456.1", 0},
	{"10e-1", "1", 1},
	{"100e-2", "1.00", 1},
	{"0.001e3", "1", 1},
	{"1E+2", "1e2", 1},
	{"1e2", "1e3", 0},
	{"-1.5", "-1.50", 1},
	{"-1.5", "1.5", 0},
	{"1.05", "1.5", 0},
	{"105", "1.05e2", 1},
	{"1050", "105", 0},
	{"0e5", "0", 1},
	{"-0.0e-3", "0", 1},
	{"0", "1e-9999", 0},
	{"2.5", "25e-1", 1},
	{"1e99999999999999999999", "1e99999999999999999998", 0}, /* beyond exact exponents */
	{"1e99999999999999999999", "1e99999999999999999999", 1}, /* the same text */
	{"1e10000000000000000", "1e10000000000000000", 1},
	{"1e10000000000000000", "10e9999999999999999", 1},
	{"null", ABSENT, 1},
	{ABSENT, "null", 1},
	{ABSENT, ABSENT, 1},
	{"null", "null", 1},
	{"0", ABSENT, 0},
	{ABSENT, "\"\"", 0},
	{"false", "null", 0},
	{"\"1\"", "1", 0},
	{"1", "\"1\"", 0},
	{"\"a\"", "\"a\"", 1},
	{"\"a\"", "\"A\"", 0},
	{"\"a\"", "\"a \"", 0},
	{"\"\\u00e9\"", "\"\xc3\xa9\"", 1},
	{"\"\"", "null", 0},
	{"true", "true", 1},
	{"false", "false", 1},
	{"true", "false", 0},
	{"true", "1", 0},
	{"{\"a\":{\"b\":[1,{\"c\":2.0}]}}", "{\"a\":{\"b\":[1.0,{\"c\":2}]}}", 1},
	{"{\"a\":{\"b\":[1,{\"c\":2.0}]}}", "{\"a\":{\"b\":[1,{\"c\":3}]}}", 0},
	{"{\"a\":{\"x\":1,\"y\":[\"p\",\"q\"]}}", "{\"a\":{\"y\":[\"p\",\"q\"],\"x\":1}}", 1},
	{"{\"a\":{\"y\":[\"p\",\"q\"]}}", "{\"a\":{\"y\":[\"q\",\"p\"]}}", 0},
	{"{\"a\":null}", "{}", 0},
	{"{\"a\":null}", "{\"b\":null}", 0},
	{"{\"a\":null,\"c\":1}", "{\"c\":1,\"b\":null}", 0},
	{"{\"a\":null}", "{\"a\":null}", 1},
	{"{\"a\":null}", "{\"a\":0}", 0},
	{"[{\"id\":9007199254740993}]", "[{\"id\":9007199254740992}]", 0},
};

static cJSON *
parse_opt(const char *text)
{
	return text == NULL ? NULL : parse_ok(text);
}

START_TEST(equal)
{
	cJSON *a = parse_opt(equal_cases[_i].a);
	cJSON *b = parse_opt(equal_cases[_i].b);
	const char *as = equal_cases[_i].a ? equal_cases[_i].a : "(absent)";
	const char *bs = equal_cases[_i].b ? equal_cases[_i].b : "(absent)";
	ck_assert_msg(jsonval_equal(a, b) == equal_cases[_i].eq, "equal(%s, %s) != %d", as, bs,
	    equal_cases[_i].eq);
	ck_assert_msg(jsonval_equal(b, a) == equal_cases[_i].eq, "equal(%s, %s) != %d", bs, as,
	    equal_cases[_i].eq);
	cJSON_Delete(a);
	cJSON_Delete(b);
}
END_TEST

/* Numbers built in memory (no literal) compare by value. */
START_TEST(equal_built_numbers)
{
	cJSON *a = cJSON_CreateNumber(2.5);
	cJSON *b = parse_ok("2.50");
	cJSON *c = parse_ok("2.6");
	ck_assert(jsonval_equal(a, b));
	ck_assert(!jsonval_equal(a, c));
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(c);
}
END_TEST

/* ---- jsonval_int64 ------------------------------------------------------- */

static const struct {
	const char *text;
	int rc;
	int64_t want;
} int64_cases[] = {
	{"0", 0, 0},
	{"42", 0, 42},
	{"-7", 0, -7},
	{"-0", 0, 0},
	{"1600000000123", 0, 1600000000123},
	{"9007199254740993", 0, 9007199254740993}, /* exact, not via double */
	{"9007199254740991", 0, 9007199254740991}, /* 2^53 - 1: the last the double holds for all */
	{"9007199254740992", 0, 9007199254740992},
	{"-9007199254740991", 0, -9007199254740991},
	{"-9007199254740993", 0, -9007199254740993},
	{"1.0", 0, 1},
	{"-2.000", 0, -2},
	{"4503599627370496.4", 0, 4503599627370496}, /* not an integer literal; its double is integral */
	{"9007199254740993.0", 0, 9007199254740992}, /* the same, at 2^53 */
	{"4503599627370495.5", -1, 0},             /* a double with a fraction */
	{"9223372036854775807", 0, INT64_MAX},
	{"-9223372036854775808", 0, INT64_MIN},
	{"1e3", 0, 1000},
	{"\"123\"", 0, 123},
	{"\"-5\"", 0, -5},
	{"\"1600000000123456789\"", 0, 1600000000123456789},
	{"\"9223372036854775807\"", 0, INT64_MAX},
	{"9223372036854775808", -1, 0},
	{"-9223372036854775809", -1, 0},
	{"123456789012345678901234567890", -1, 0},
	{"1e19", -1, 0},
	{"\"9223372036854775808\"", -1, 0},
	{"\"99999999999999999999\"", -1, 0},
	{"\"123456789012345678901\"", -1, 0},
	{"\"00000000000000000001\"", 0, 1},    /* 20 bytes, as strtoll read them */
	{"\"-0000000000000000001\"", 0, -1},
	{"\"000000000000000000001\"", -1, 0},  /* 21 */
	{"\"18446744073709551615\"", -1, 0},   /* 2^64 - 1 */
	{"\"18446744073709551616\"", -1, 0},   /* 2^64: wraps a uint64 */
	{"\"99999999999999999999\"", -1, 0},
	{"1.5", -1, 0},
	{"-0.5", -1, 0},
	{"1e-3", -1, 0},
	{"\"1.5\"", -1, 0},
	{"\"\"", -1, 0},
	{"\"-\"", -1, 0},
	{"\"+1\"", -1, 0},
	{"\" 1\"", -1, 0},
	{"\"1 \"", -1, 0},
	{"\"12a\"", -1, 0},
	{"\"0x10\"", -1, 0},
	{"true", -1, 0},
	{"null", -1, 0},
	{"[1]", -1, 0},
	{"{\"a\":1}", -1, 0},
};

START_TEST(int64)
{
	cJSON *v = parse_ok(int64_cases[_i].text);
	int64_t out = 777;
	int rc = jsonval_int64(v, &out);
	ck_assert_msg(rc == int64_cases[_i].rc, "jsonval_int64(%s) returned %d", int64_cases[_i].text,
	    rc);
	if (rc == 0)
		ck_assert_int_eq(out, int64_cases[_i].want);
	else
		ck_assert_int_eq(out, 777); /* untouched on failure */
	cJSON_Delete(v);
}
END_TEST

START_TEST(int64_null_pointer)
{
	int64_t out = 777;
	ck_assert_int_eq(jsonval_int64(NULL, &out), -1);
	ck_assert_int_eq(out, 777);
}
END_TEST

/* The inline predicates answer as cJSON's own for every type, with the
 * flags cJSON keeps above the type's byte, and for NULL. */
START_TEST(predicates_as_cjson)
{
	cJSON *doc = cJSON_Parse("[null,true,false,1,-2.5,\"s\",\"\",[],[1],{},{\"a\":1}]");
	ck_assert_ptr_nonnull(doc);
	cJSON *refs = cJSON_CreateArray();
	cJSON *c;
	cJSON_ArrayForEach(c, doc)
		cJSON_AddItemReferenceToArray(refs, c); /* cJSON_IsReference set */
	cJSON_AddItemToArray(refs, cJSON_CreateStringReference("const"));
	cJSON_AddItemToObjectCS(doc->child->next->next->next->next->next->next->next->next->next->next,
	    "b", cJSON_CreateRaw("7")); /* cJSON_StringIsConst, and a raw node */
	const cJSON *lists[] = {doc, refs, doc->child->next->next->next->next->next->next->next->next->next->next};
	int n = 0;
	for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
		cJSON_ArrayForEach(c, lists[l]) {
			ck_assert_int_eq(jsonval_is_null(c), cJSON_IsNull(c) != 0);
			ck_assert_int_eq(jsonval_is_string(c), cJSON_IsString(c) != 0);
			ck_assert_int_eq(jsonval_is_number(c), cJSON_IsNumber(c) != 0);
			ck_assert_int_eq(jsonval_is_object(c), cJSON_IsObject(c) != 0);
			ck_assert_int_eq(jsonval_is_array(c), cJSON_IsArray(c) != 0);
			ck_assert_ptr_eq(jsonval_string(c), cJSON_GetStringValue(c));
			n++;
		}
	}
	ck_assert_int_eq(n, 11 + 12 + 2);
	ck_assert(!jsonval_is_null(NULL) && !jsonval_is_string(NULL) && !jsonval_is_number(NULL) &&
	    !jsonval_is_object(NULL) && !jsonval_is_array(NULL) && jsonval_string(NULL) == NULL);
	cJSON_Delete(refs);
	cJSON_Delete(doc);
}
END_TEST

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
jsonval_suite(void)
{
	Suite *s = suite_create("jsonval");
	TCase *tc;

	tc = tcase_create("literals");
	tcase_add_loop_test(tc, literal_kept, 0, NCASES(literal_cases));
	tcase_add_test(tc, number_text_points_into_text);
	tcase_add_test(tc, predicates_as_cjson);
	tcase_add_loop_test(tc, number_text_built, 0, NCASES(built_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("parse_errors");
	tcase_add_loop_test(tc, parse_failure, 0, NCASES(bad_cases));
	tcase_add_test(tc, parse_respects_len);
	suite_add_tcase(s, tc);

	tc = tcase_create("prefix");
	tcase_add_loop_test(tc, prefix, 0, NCASES(prefix_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("render");
	tcase_add_loop_test(tc, render, 0, NCASES(render_cases));
	tcase_add_test(tc, render_null_pointer);
	tcase_add_test(tc, write_json_scalars);
	suite_add_tcase(s, tc);

	tc = tcase_create("write_string");
	tcase_add_loop_test(tc, write_string, 0, NCASES(string_cases));
	tcase_add_test(tc, write_string_roundtrip_ascii);
	suite_add_tcase(s, tc);

	tc = tcase_create("equal");
	tcase_add_loop_test(tc, equal, 0, NCASES(equal_cases));
	tcase_add_test(tc, equal_built_numbers);
	suite_add_tcase(s, tc);

	tc = tcase_create("int64");
	tcase_add_loop_test(tc, int64, 0, NCASES(int64_cases));
	tcase_add_test(tc, int64_null_pointer);
	suite_add_tcase(s, tc);

	return s;
}
