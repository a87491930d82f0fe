/* tablefilter.h: --table globs over the event's schema.table. */
#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "envelope.h"
#include "tablefilter.h"

static int
wanted(struct tablefilter *f, const char *line)
{
	struct envelope env;
	envelope_parse(&env, line, strlen(line));
	ck_assert_int_eq(env.kind, ENVELOPE_CHANGE);
	int w = tablefilter_wanted(f, &env);
	envelope_clear(&env);
	return w;
}

#define EV(source) "{\"before\":null,\"after\":{\"id\":1},\"source\":" source ",\"op\":\"c\"}"

START_TEST(globs_match_schema_dot_table)
{
	char *names[] = {(char *)"bank.hold*", (char *)"crm.users", (char *)"never.*"};
	struct namelist pats = {names, 3};
	struct tablefilter f;
	tablefilter_init(&f, &pats);
	ck_assert(wanted(&f, EV("{\"schema\":\"bank\",\"table\":\"holding\"}")));
	ck_assert(wanted(&f, EV("{\"schema\":\"bank\",\"table\":\"holdings\"}")));
	ck_assert(!wanted(&f, EV("{\"schema\":\"bank\",\"table\":\"users\"}")));
	/* MySQL names a db, not a schema; MongoDB a collection. */
	ck_assert(wanted(&f, EV("{\"db\":\"crm\",\"table\":\"users\"}")));
	ck_assert(wanted(&f, EV("{\"db\":\"crm\",\"collection\":\"users\"}")));
	/* No table named: not wanted when there are patterns. */
	ck_assert(!wanted(&f, EV("{\"schema\":\"bank\"}")));
	ck_assert_uint_eq(f.hits[0], 2);
	ck_assert_uint_eq(f.hits[1], 2);
	ck_assert_uint_eq(f.hits[2], 0);
	ck_assert_uint_eq(tablefilter_unmatched(&f, 0), 2);
	ck_assert_uint_eq(tablefilter_unmatched(&f, 3), 3);
	tablefilter_free(&f);
}
END_TEST

START_TEST(no_patterns_wants_everything)
{
	struct namelist none = {NULL, 0};
	struct tablefilter f;
	tablefilter_init(&f, &none);
	ck_assert(wanted(&f, EV("{\"schema\":\"bank\",\"table\":\"holding\"}")));
	ck_assert(wanted(&f, EV("{}")));
	ck_assert_uint_eq(tablefilter_unmatched(&f, 0), 0);
	tablefilter_free(&f);
}
END_TEST

Suite *
tablefilter_suite(void)
{
	Suite *s = suite_create("tablefilter");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, globs_match_schema_dot_table);
	tcase_add_test(tc, no_patterns_wants_everything);
	suite_add_tcase(s, tc);
	return s;
}
