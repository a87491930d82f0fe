/* envbuild.h: what the envelope's parsers share. The parsers themselves
 * (envelope.c, changeevent.c, mongodb.c) are specified line by line in
 * check_envelope. */
#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "envbuild.h"
#include "envelope.h"

static const struct {
	const char *text;
	size_t col; /* 1-based column of the escape, 0: none */
} nuls[] = {
	{"", 0},
	{"abc", 0},
	{"\\u0000", 1},            /* the column of the escape's backslash */
	{"x\\u0000", 2},
	{"\\\\u0000", 0},          /* an escaped backslash, then text */
	{"\\\\\\u0000", 3},        /* an escaped backslash, then the escape */
	{"\\u000", 0},             /* cut short */
	{"\\u0001", 0},
	{"a\\nb\\u0000", 5},
	{"\\", 0},
};

START_TEST(escaped_nul_columns)
{
	const char *t = nuls[_i].text;
	ck_assert_msg(envbuild_escaped_nul(t, strlen(t)) == nuls[_i].col, "%s: %zu, want %zu", t,
	    envbuild_escaped_nul(t, strlen(t)), nuls[_i].col);
}
END_TEST

START_TEST(reject_and_skip_set_the_kind)
{
	struct envelope env;
	memset(&env, 0, sizeof env);
	envbuild_skip(&env, SKIP_HEARTBEAT);
	ck_assert_int_eq(env.kind, ENVELOPE_SKIP);
	ck_assert_int_eq(env.skip, SKIP_HEARTBEAT);
	char longer[400];
	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	envbuild_reject(&env, "why %d: %s", 7, longer);
	ck_assert_int_eq(env.kind, ENVELOPE_REJECT);
	ck_assert_uint_eq(strlen(env.reason), sizeof env.reason - 1); /* cut to fit */
	ck_assert_int_eq(strncmp(env.reason, "why 7: xxx", 10), 0);
	ck_assert_int_eq(envbuild_reject_escaped_nul(&env, "kcat key: ", "{\"a\":\"\\u0000\"}"), 1);
	ck_assert_str_eq(env.reason, "kcat key: escaped NUL (\\u0000) in a string at column 7, which cannot be kept");
	ck_assert_int_eq(envbuild_reject_escaped_nul(&env, "", "{}"), 0);
}
END_TEST

/* The envelope holds up to ten trees; envelope_clear deletes them. */
START_TEST(keep_holds_ten_trees)
{
	struct envelope env;
	memset(&env, 0, sizeof env);
	for (int i = 0; i < 10; i++) {
		cJSON *t = cJSON_CreateObject();
		ck_assert_ptr_eq(envbuild_keep(&env, t), t);
	}
	ck_assert_ptr_null(envbuild_keep(&env, cJSON_CreateObject()));
	envelope_clear(&env);
	for (int i = 0; i < 10; i++)
		ck_assert_ptr_null(env.trees[i]);
}
END_TEST

START_TEST(type_names)
{
	cJSON *v = cJSON_Parse("[true,null,1,\"s\",[],{}]");
	static const char *const want[] = {"a boolean", "null", "a number", "a string", "an array",
	    "an object"};
	int i = 0;
	for (cJSON *c = v->child; c != NULL; c = c->next)
		ck_assert_str_eq(envbuild_type_name(c), want[i++]);
	cJSON_Delete(v);
}
END_TEST

Suite *
envbuild_suite(void)
{
	Suite *s = suite_create("envbuild");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, escaped_nul_columns, 0, (int)(sizeof nuls / sizeof nuls[0]));
	tcase_add_test(tc, reject_and_skip_set_the_kind);
	tcase_add_test(tc, keep_holds_ten_trees);
	tcase_add_test(tc, type_names);
	suite_add_tcase(s, tc);
	return s;
}
