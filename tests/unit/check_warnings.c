/* warnings.h: what an event lacks, said once per run per table or field. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "warnings.h"

struct fixture {
	char *p;
	size_t n;
	FILE *f;
	struct diag d;
	struct warnings *w;
	struct envelope env;
};

static void
setup(struct fixture *x, int with_fields)
{
	x->p = NULL;
	x->f = open_memstream(&x->p, &x->n);
	diag_init(&x->d, x->f);
	struct warnings_config cfg = {"__debezium_unavailable_value", with_fields, "/var/state"};
	x->w = warnings_new(&x->d, &cfg);
}

static void
parse(struct fixture *x, const char *line)
{
	envelope_parse(&x->env, line, strlen(line));
	ck_assert_int_eq(x->env.kind, ENVELOPE_CHANGE);
}

static const char *
said(struct fixture *x)
{
	fflush(x->f);
	return x->p;
}

static void
teardown(struct fixture *x)
{
	warnings_free(x->w);
	fclose(x->f);
	free(x->p);
}

#define EV(table, op) \
	"{\"before\":null,\"after\":{\"id\":1},\"source\":{\"schema\":\"s\",\"table\":\"" table "\"},\"op\":\"" op "\"}"

START_TEST(identity_once_per_table)
{
	struct fixture x;
	setup(&x, 0);
	struct pivot_report rep = {.notes = DIFF_NOTE_NO_BEFORE};
	parse(&x, EV("t", "u"));
	warnings_event(x.w, &x.env, 1, &rep);
	warnings_event(x.w, &x.env, 2, &rep);
	envelope_clear(&x.env);
	parse(&x, EV("", "u")); /* no table named */
	warnings_event(x.w, &x.env, 3, &rep);
	envelope_clear(&x.env);
	ck_assert_str_eq(said(&x),
	    "cdcpivot: <stdin>:1: warning: update of s.t without a before image: old values are unknown and printed as NULL (run ALTER TABLE s.t REPLICA IDENTITY FULL)\n"
	    "cdcpivot: <stdin>:3: warning: update of the table without a before image: old values are unknown and printed as NULL (run ALTER TABLE <table> REPLICA IDENTITY FULL)\n");
	teardown(&x);
}
END_TEST

/* A key-only delete gives rows only for --fields, and says so. */
START_TEST(key_only_delete_depends_on_fields)
{
	for (int with = 0; with < 2; with++) {
		struct fixture x;
		setup(&x, with);
		struct pivot_report rep = {.notes = DIFF_NOTE_KEY_ONLY};
		parse(&x, EV("t", "c"));
		warnings_event(x.w, &x.env, 4, &rep);
		envelope_clear(&x.env);
		ck_assert_ptr_nonnull(strstr(said(&x), with ? "delete from s.t carries only the key: old values are unknown and printed as NULL"
		                                             : "delete from s.t carries only the key: old values are unknown, no rows without --fields"));
		teardown(&x);
	}
}
END_TEST

/* Field warnings, once per field name, in the report's order. */
START_TEST(fields_once_each)
{
	struct fixture x;
	setup(&x, 1);
	const char *unknown[] = {"a"}, *unavail[] = {"b"}, *missing[] = {"c"}, *ids[] = {"k"};
	struct pivot_mismatch mm[] = {{"d", 1}};
	struct pivot_report rep = {NULL, 0, unknown, 1, unavail, 1, missing, 1, ids, 1, mm, 1};
	parse(&x, EV("t", "u"));
	warnings_event(x.w, &x.env, 5, &rep);
	warnings_event(x.w, &x.env, 6, &rep);
	envelope_clear(&x.env);
	ck_assert_str_eq(said(&x),
	    "cdcpivot: <stdin>:5: warning: field 'a' changed, but its old value was not sent (TOASTed, \"__debezium_unavailable_value\"): printed as NULL\n"
	    "cdcpivot: <stdin>:5: warning: field 'b' was not sent (unchanged TOASTed value, \"__debezium_unavailable_value\"): not reported as a change\n"
	    "cdcpivot: <stdin>:5: warning: value of field 'd' does not fit its schema: printed as it arrived\n"
	    "cdcpivot: <stdin>:5: warning: field 'c' is not in the row\n"
	    "cdcpivot: <stdin>:5: warning: id column 'k' is not in the row or key of s.t: printed as NULL\n");
	teardown(&x);
}
END_TEST

/* Past WARNINGS_MAX distinct warnings, new ones are not given. */
START_TEST(bounded)
{
	struct fixture x;
	setup(&x, 1);
	char names[WARNINGS_MAX + 5][16];
	const char *one[1];
	struct pivot_report rep = {.missing = one, .nmissing = 1};
	parse(&x, EV("t", "u"));
	for (int i = 0; i < WARNINGS_MAX + 5; i++) {
		snprintf(names[i], sizeof names[i], "f%d", i);
		one[0] = names[i];
		warnings_event(x.w, &x.env, 1, &rep);
	}
	envelope_clear(&x.env);
	size_t lines = 0;
	for (const char *p = said(&x); (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	ck_assert_uint_eq(lines, WARNINGS_MAX);
	ck_assert_ptr_null(strstr(said(&x), "'f256'"));
	teardown(&x);
}
END_TEST

START_TEST(state_warnings)
{
	struct fixture x;
	setup(&x, 0);
	parse(&x, EV("t", "u"));
	warnings_state_position(x.w, &x.env, 1);
	warnings_state_position(x.w, &x.env, 2);
	warnings_state_miss(x.w, &x.env, 3);
	warnings_state_miss(x.w, &x.env, 4);
	envelope_clear(&x.env);
	ck_assert_str_eq(said(&x),
	    "cdcpivot: <stdin>:1: warning: s.t: an event without a position (no lsn, not a kcat -J record): --state cannot tell a replay of it from a new change\n"
	    "cdcpivot: <stdin>:3: warning: s.t: a row not in --state /var/state (it starts with the changes it sees; bootstrap it from a snapshot): its old values are unknown (--meta old_source says unknown)\n");
	teardown(&x);
}
END_TEST

Suite *
warnings_suite(void)
{
	Suite *s = suite_create("warnings");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, identity_once_per_table);
	tcase_add_test(tc, key_only_delete_depends_on_fields);
	tcase_add_test(tc, fields_once_each);
	tcase_add_test(tc, bounded);
	tcase_add_test(tc, state_warnings);
	suite_add_tcase(s, tc);
	return s;
}
