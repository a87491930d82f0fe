/* fastjson.h: wherever it answers, the tree is exactly cJSON's (with
 * jsonval's number literals), field for field; everything it is not
 * certain of it leaves to cJSON; and it answers for what Debezium
 * writes, or the hot path would not be one. The reference tree is
 * jsonval_parse_prefix() with no arena in force, which is cJSON's. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/treecmp.h"
#include "../fuzz/treeshape.h"
#include "check_suites.h"
#include "check_util.h"
#include "fastjson.h"
#include "jsonarena.h"
#include "jsonval.h"

/* cJSON's tree of text and fastjson's, built in arena (reset first);
 * fast is NULL where fastjson declined. */
struct both {
	cJSON *ref, *fast;
	size_t ref_end, fast_end;
};

static void
parse_both(struct jsonarena *arena, const char *text, size_t len,
    const struct fastjson_shape *shape, struct both *b)
{
	b->ref_end = b->fast_end = (size_t)-1;
	b->ref = jsonval_parse_prefix(text, len, &b->ref_end);
	jsonarena_reset(arena);
	jsonarena_enter(arena);
	b->fast = fastjson_parse_shaped(text, len, &b->fast_end, shape);
	jsonarena_leave();
}

/* Where fastjson answers (read as shape says), cJSON accepts too and the
 * trees and ends are the same. Returns whether fastjson answered. */
static int
check_shaped(const char *text, size_t len, const struct fastjson_shape *shape)
{
	struct jsonarena arena;
	jsonarena_init(&arena);
	struct both b;
	parse_both(&arena, text, len, shape, &b);
	int answered = b.fast != NULL;
	if (answered) {
		ck_assert_msg(b.ref != NULL, "fastjson accepted what cJSON rejects: %.*s", (int)len, text);
		const char *why = treecmp(b.fast, b.ref);
		ck_assert_msg(why == NULL, "%s: %.*s", why, (int)len, text);
		ck_assert_msg(b.fast_end == b.ref_end, "end %zu, cJSON's %zu: %.*s", b.fast_end,
		    b.ref_end, (int)len, text);
	}
	cJSON_Delete(b.ref);
	jsonarena_free(&arena);
	return answered;
}

/* check_shaped without a shape, then with the text's own names expected
 * (every member as expected) and with each object's first name dropped
 * (none as expected): the same answer and tree all three ways. The text
 * is copied into a buffer of exactly len bytes, so that a read past its
 * end shows under make asan and make valgrind. */
static int
check_same(const char *orig, size_t len)
{
	char *text = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(text);
	memcpy(text, orig, len);
	int answered = check_shaped(text, len, NULL);
	size_t end;
	cJSON *ref = jsonval_parse_prefix(text, len, &end);
	for (size_t skip = 0; skip < 2; skip++) {
		struct fastjson_shape *shape = treeshape(ref, skip);
		ck_assert_msg(check_shaped(text, len, shape) == answered,
		    "a shape changed whether fastjson answers: %.*s", (int)len, text);
		treeshape_free(shape);
	}
	cJSON_Delete(ref);
	free(text);
	return answered;
}

static const char *const accepted[] = {
	"{}",
	"[]",
	"{} trailing",
	"{}  ",
	" \t\r\n{\"a\" : [ 1 , \"x\" ] }",
	"\x01\x1f{\"a\":\0131}", /* cJSON's whitespace is every byte up to 0x20 */
	"{\"a\":1,\"a\":2}",
	"{\"\":\"\"}",
	"\"plain\"",
	"\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"",
	"\"\\u00e9\\u20ac\\uFFFF\\ud83d\\ude00\"",
	"\"\\u007f\\u0080\\u07ff\\u0800\\ud800\\udc00\\udbff\\udfff\"", /* each UTF-8 length's ends */
	"\"raw \x01 control\"",
	"\"\xc3\xa9 not checked here \xff\"",
	"0",
	"-0",
	"-0.0",
	"1.5e3",
	"1E+2",
	"1e-2",
	"-1.25E-07",
	"1e400",
	"9007199254740993",
	"123456789012345678",
	"-123456789012345678",
	"1234567890123456789",
	"12345678901234567890123",
	"0.1",
	"true",
	"false",
	"null",
	"nullx", /* cJSON's prefix parse stops after the literal too */
	"0x10",
	"[true,false,null,1,\"s\",{},[]]",
	"{\"before\":null,\"after\":{\"id\":1,\"name\":\"x\"},\"op\":\"c\",\"ts_ms\":1600000000000}",
	"[[[[[[[[[[1]]]]]]]]]]",
	/* eight digits a step, and what stops a step: a ninth, a fraction,
	 * an exponent, a separator, the end */
	"[1234567,12345678,123456789,1234567890123456,12345678.5,1234567e5,87654321]",
	"-1234567890123456789",
	"98765432",
	/* a backslash takes exactly the byte after it along */
	"[\"a\\\\\",\"b\\\"\",\"\\n\"]",
};

START_TEST(accepted_as_cjson_does)
{
	const char *t = accepted[_i];
	ck_assert_msg(check_same(t, strlen(t)), "fastjson declined: %s", t);
}
END_TEST

/* cJSON's to decide: errors, and leniency whose result is its own. */
static const char *const declined[] = {
	"",
	"   ",
	"\xef\xbb\xbf{}", /* a byte order mark */
	"{",
	"{\"a\":1,}",
	"[1,]",
	"{\"a\" 1}",
	"{1:2}",
	"[1 2]",
	"\"open",
	"\"ends in a backslash\\",
	"\"\\x\"",
	"\"\\u12\"",
	"\"\\u00G1\"",  /* cJSON reads a bad hex digit as 0: a NUL */
	"\"\\u0000\"",
	"\"\\ud800\"",
	"\"\\udc00\"",
	"\"\\ud800\\u0041\"",
	"01",
	"09",
	"-",
	"-a",
	"1.",
	".5",
	"+1",
	"1e",
	"1e+",
	"1.5.2",
	"[0x10]",
	"1234567890123456789012345678901234567890123456789012345678901234", /* 64 bytes */
	"tru",
	"nul",
	"Infinity",
	/* what an escape followed by the closing quote becomes when the end
	 * is looked for one byte too far: an accepted array */
	"[\"\\n\",\",1]",
};

START_TEST(declined_to_cjson)
{
	const char *t = declined[_i];
	ck_assert_msg(!check_same(t, strlen(t)), "fastjson answered: %s", t);
}
END_TEST

START_TEST(no_arena_no_answer)
{
	size_t end = 7;
	ck_assert_ptr_null(fastjson_parse("{}", 2, &end));
	ck_assert_uint_eq(end, 7);
}
END_TEST

/* A literal of 63 bytes is read whole by cJSON, and by fastjson. */
START_TEST(longest_literal)
{
	char t[64];
	memset(t, '7', 63);
	t[63] = '\0';
	ck_assert(check_same(t, 63));
}
END_TEST

/* Nesting deeper than FASTJSON_MAX_DEPTH is cJSON's (which allows 1000). */
START_TEST(depth)
{
	char t[2 * (FASTJSON_MAX_DEPTH + 1) + 1];
	size_t n = 0;
	for (int i = 0; i < FASTJSON_MAX_DEPTH; i++)
		t[n++] = '[';
	for (int i = 0; i < FASTJSON_MAX_DEPTH; i++)
		t[n++] = ']';
	ck_assert(check_same(t, n));
	memmove(t + 1, t, n);
	t[0] = '[';
	t[++n] = ']';
	ck_assert(!check_same(t, n + 1));
}
END_TEST

/* Every integer literal gets the double strtod gives, bit for bit, also
 * where double cannot hold it (2^53 + 1, 18 digits) and for -0. */
START_TEST(integer_doubles)
{
	static const char *const ints[] = {
		"0", "-0", "7", "-7", "9007199254740992", "9007199254740993", "-9007199254740993",
		"999999999999999999", "-999999999999999999", "100000000000000001", "123456789012345678",
		"1600000000021000",
	};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
		ck_assert(check_same(ints[i], strlen(ints[i])));
}
END_TEST

/* Each line of a file, and the value after its last TAB: trees the same
 * wherever fastjson answers. Returns lines answered, *n lines seen. */
static size_t
check_file(const char *path, size_t *n)
{
	size_t len, answered = 0;
	char *text = read_file(path, &len);
	ck_assert_msg(text != NULL, "cannot read %s", path);
	for (char *line = text; line < text + len;) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		size_t ll = nl ? (size_t)(nl - line) : (size_t)(text + len - line);
		answered += (size_t)check_same(line, ll);
		size_t tab = ll;
		while (tab > 0 && line[tab - 1] != '\t')
			tab--;
		if (tab > 0)
			check_same(line + tab, ll - tab);
		(*n)++;
		line += ll + 1;
	}
	free(text);
	return answered;
}

/* The golden inputs and the examples, real Debezium output among them:
 * the same trees, and fastjson answers for most lines (the rest are
 * banners, keyed lines and broken JSON, on purpose). */
struct tally {
	size_t answered, n;
};

static void
check_input(const char *path, void *ctx)
{
	struct tally *t = ctx;
	t->answered += check_file(path, &t->n);
}

START_TEST(golden_inputs)
{
	struct tally t = {0, 0};
	each_input_file(check_input, &t);
	size_t answered = t.answered, n = t.n;
	ck_assert_uint_gt(n, 500);
	ck_assert_msg(answered * 10 > n * 6, "fastjson answered %zu of %zu lines", answered, n);
}
END_TEST

/* Texts read as another text's names say (a schema's, say): every way a
 * member can differ from the one expected, and every length of name the
 * comparison treats apart (under 4 bytes with quotes and colon, under 8,
 * a word, more). */
static const struct {
	const char *text, *names;
} shaped[] = {
	{"{\"a\":1,\"b\":{\"c\":2,\"d\":[3]},\"e\":null}", "{\"a\":0,\"b\":{\"c\":0,\"d\":0},\"e\":0}"},
	{"{\"a\" :1,\"b\":2}", "{\"a\":0,\"b\":0}"},          /* a space before the colon */
	{"{ \"a\":1 , \"b\": 2 }", "{\"a\":0,\"b\":0}"},       /* spaces elsewhere */
	{"{\"a\\u0062\":1,\"c\":2}", "{\"ab\":0,\"c\":0}"},     /* the name escaped */
	{"{\"b\":1,\"a\":2}", "{\"a\":0,\"b\":0}"},            /* another order */
	{"{\"a\":1,\"b\":2,\"c\":3}", "{\"a\":0,\"b\":0}"},    /* more members */
	{"{\"a\":1}", "{\"a\":0,\"b\":0}"},                     /* fewer */
	{"{\"a\":1,\"a\":2}", "{\"a\":0,\"a\":0}"},            /* a duplicate */
	{"{\"a\":[{\"b\":1}],\"c\":{}}", "{\"a\":{\"b\":0},\"c\":{\"d\":0}}"}, /* arrays, {} */
	{"{\"a\":{\"b\":1}}", "{\"a\":0}"},                     /* an object not expected */
	{"{\"a\":{\"x\":1,\"b\":2},\"c\":3}", "{\"a\":{\"b\":0},\"c\":0}"}, /* inner differs */
	{"{\"ab\":1}", "{\"a\":0}"},                             /* a longer name */
	{"{\"a\":1}", "{\"ab\":0}"},                             /* a shorter one */
	{"{\"\":1,\"abcd\":2,\"abcde\":3}", "{\"\":0,\"abcd\":0,\"abcde\":0}"},
	{"{\"abcdefghijklm\":1,\"abcdefghijklmn\":2}", "{\"abcdefghijklm\":0,\"abcdefghijklmn\":0}"},
	{"{\"abcdefghijklm\":1,\"abcdefghijklmz\":2}", "{\"abcdefghijklm\":0,\"abcdefghijklmn\":0}"},
	/* the first word differs and the last is the pattern's: a comparison
	 * that looked at the last word alone would take a name that ends at
	 * the first quote for one that ends at the pattern's */
	{"{\"a\":\"efghij\":1}", "{\"abcdefghij\":0}"},
	{"{\"a\":\"efghij\":1}", "{\"a\":0}"},
	{"{\"abcdefgh", "{\"abcdefghij\":0}"},                     /* the text ends first */
	{"{\"abcdefghij\":", "{\"abcdefghij\":0}"},               /* after the colon */
	{"[{\"a\":1}]", "{\"a\":0}"},                             /* an array at the root */
	{"{\"before\":null,\"after\":{\"id\":1,\"name\":\"x\"},\"op\":\"c\"}",
	    "{\"before\":{\"id\":0,\"name\":0},\"after\":{\"id\":0,\"name\":0},\"op\":0}"},
};

START_TEST(shaped_as_unshaped)
{
	const char *t = shaped[_i].text;
	size_t end;
	cJSON *names = jsonval_parse_prefix(shaped[_i].names, strlen(shaped[_i].names), &end);
	ck_assert_ptr_nonnull(names);
	struct fastjson_shape *shape = treeshape(names, 0);
	char *text = malloc(strlen(t) + 1);
	ck_assert_ptr_nonnull(text);
	memcpy(text, t, strlen(t));
	int plain = check_shaped(text, strlen(t), NULL);
	ck_assert_int_eq(check_shaped(text, strlen(t), shape), plain);
	free(text);
	treeshape_free(shape);
	cJSON_Delete(names);
}
END_TEST

Suite *
fastjson_suite(void)
{
	Suite *s = suite_create("fastjson");
	TCase *tc = tcase_create("same_tree");
	tcase_add_loop_test(tc, accepted_as_cjson_does, 0, (int)(sizeof accepted / sizeof accepted[0]));
	tcase_add_test(tc, longest_literal);
	tcase_add_test(tc, integer_doubles);
	tcase_add_test(tc, golden_inputs);
	tcase_add_loop_test(tc, shaped_as_unshaped, 0, (int)(sizeof shaped / sizeof shaped[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("declines");
	tcase_add_loop_test(tc, declined_to_cjson, 0, (int)(sizeof declined / sizeof declined[0]));
	tcase_add_test(tc, no_arena_no_answer);
	tcase_add_test(tc, depth);
	suite_add_tcase(s, tc);
	return s;
}
