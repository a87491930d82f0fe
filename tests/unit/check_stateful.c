/* stateful.h: an event completed from the state, checked through the diff
 * it then gives (what the rows will be), with a real store in a temporary
 * directory. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "diff.h"
#include "envelope.h"
#include "jsonval.h"
#include "options.h"
#include "state.h"
#include "stateful.h"

struct fx {
	char dir[64];
	struct options o;
	struct state *st;
	struct stateful *sf;
	struct diff d;
	struct envelope env;
	char *line;
	unsigned long long seq;
};

static struct fx fx;

static void
setup(void)
{
	memset(&fx, 0, sizeof fx);
	snprintf(fx.dir, sizeof fx.dir, "/tmp/check_stateful.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fx.dir));
	char *argv[] = {"cdcpivot", NULL};
	char err[256];
	ck_assert_int_eq(options_parse(1, argv, NULL, &fx.o, err, sizeof err), OPTIONS_RUN);
	fx.st = state_open(fx.dir, 0, err, sizeof err);
	ck_assert_msg(fx.st != NULL, "%s", err);
	fx.sf = stateful_new(fx.st, &fx.o);
	diff_init(&fx.d, fx.o.unavailable);
}

static void
teardown(void)
{
	char err[256];
	stateful_free(fx.sf);
	state_close(fx.st, 0, err, sizeof err);
	diff_free(&fx.d);
	options_free(&fx.o);
	const char *names[] = {"state.sqlite", "state.sqlite-wal", "state.sqlite-shm", "lock"};
	char path[128];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", fx.dir, names[i]);
		unlink(path);
	}
	rmdir(fx.dir);
}

/* A PostgreSQL event of public.t: op, before, after (JSON or "null"),
 * lsn, and a kcat -J record around it when headers is not NULL. */
static enum stateful_verdict
event(char op, const char *before, const char *after, long lsn, const char *headers)
{
	char payload[2048];
	snprintf(payload, sizeof payload,
	    "{\"before\":%s,\"after\":%s,\"source\":{\"schema\":\"public\",\"table\":\"t\",\"lsn\":%ld,"
	    "\"ts_ms\":1},\"op\":\"%c\",\"ts_ms\":1}",
	    before, after, lsn, op);
	free(fx.line);
	fx.line = malloc(8192);
	if (headers == NULL) {
		snprintf(fx.line, 8192, "%s", payload);
	} else {
		cJSON *s = cJSON_CreateString(payload);
		char *quoted = cJSON_PrintUnformatted(s);
		snprintf(fx.line, 8192,
		    "{\"topic\":\"srv.public.t\",\"partition\":0,\"offset\":%ld,\"headers\":%s,\"payload\":%s}",
		    lsn, headers, quoted);
		free(quoted);
		cJSON_Delete(s);
	}
	envelope_parse(&fx.env, fx.line, strlen(fx.line));
	ck_assert_msg(fx.env.kind == ENVELOPE_CHANGE, "%s", fx.env.reason);
	return stateful_prepare(fx.sf, &fx.env);
}

/* Diffs the completed event, stages it as the next output event and
 * applies it (its rows were written). */
static void
finish(void)
{
	diff_event(&fx.d, &fx.env, &fx.o);
	stateful_stage(fx.sf, &fx.env, ++fx.seq);
	ck_assert_int_eq(state_apply(fx.st, fx.seq), 0);
}

static void
release(void)
{
	stateful_done(fx.sf);
	envelope_clear(&fx.env);
	free(fx.line);
	fx.line = NULL;
}

static void
run(char op, const char *before, const char *after, long lsn, enum stateful_verdict want)
{
	enum stateful_verdict got = event(op, before, after, lsn, NULL);
	ck_assert_msg(got == want, "%c at lsn %ld: verdict %d, want %d", op, lsn, (int)got, (int)want);
	if (got != STATEFUL_REPLAY) /* as the pipeline: a replay stages nothing */
		finish();
	release();
}

static const char *
rendered(const cJSON *v, char *out, size_t n)
{
	struct buf b;
	buf_init(&b);
	if (v == NULL)
		buf_puts(&b, "(absent)");
	else
		jsonval_write_json(&b, v);
	snprintf(out, n, "%.*s", (int)b.len, b.p);
	buf_free(&b);
	return out;
}

/* The diff's rows as "field:old>new;" */
static void
expect_rows(const char *want)
{
	char got[2048] = "", o[512], n[512];
	for (size_t i = 0; i < fx.d.n; i++) {
		size_t u = strlen(got);
		snprintf(got + u, sizeof got - u, "%s:%s>%s;", fx.d.changes[i].name,
		    rendered(fx.d.changes[i].old, o, sizeof o), rendered(fx.d.changes[i].new, n, sizeof n));
	}
	ck_assert_str_eq(got, want);
}

static const char *
source_of(const char *field)
{
	for (size_t i = 0; i < fx.d.n; i++)
		if (strcmp(fx.d.changes[i].name, field) == 0)
			return stateful_old_source(fx.sf, &fx.env, &fx.d.changes[i], "dflt") ;
	return "(no row)";
}

static const char *const ROW1 = "{\"id\":1,\"a\":\"x\",\"n\":5,\"big\":\"long\"}";

START_TEST(update_without_before_is_diffed_against_the_state)
{
	run('c', "null", ROW1, 100, STATEFUL_MISS);
	ck_assert_int_eq(event('u', "null", "{\"id\":1,\"a\":\"y\",\"n\":5,\"big\":\"long\"}", 200, NULL),
	    STATEFUL_HIT);
	finish();
	expect_rows("a:\"x\">\"y\";"); /* n and big unchanged: no rows */
	ck_assert_str_eq(source_of("a"), "state");
	ck_assert_int_eq(stateful_needed(fx.sf), 1);
	release();
}
END_TEST

START_TEST(update_with_key_only_before_is_diffed_against_the_state)
{
	/* REPLICA IDENTITY USING INDEX on the key: before holds the key only */
	run('c', "null", ROW1, 100, STATEFUL_MISS);
	ck_assert_int_eq(event('u', "{\"id\":1}", "{\"id\":1,\"a\":\"x\",\"n\":6,\"big\":\"long\"}", 200,
	                     NULL),
	    STATEFUL_HIT);
	finish();
	expect_rows("n:5>6;");
	release();
}
END_TEST

START_TEST(toast_placeholder_is_filled_and_kept)
{
	run('c', "null", ROW1, 100, STATEFUL_MISS);
	const char *toasted = "{\"id\":1,\"a\":\"y\",\"n\":5,\"big\":\"__debezium_unavailable_value\"}";
	ck_assert_int_eq(event('u', "null", toasted, 200, NULL), STATEFUL_HIT);
	finish();
	expect_rows("a:\"x\">\"y\";");
	ck_assert_uint_eq(fx.d.nunavailable, 0);
	release();
	/* the stored image kept the value: a later change of big shows it */
	ck_assert_int_eq(event('u', "null", "{\"id\":1,\"a\":\"y\",\"n\":5,\"big\":\"new\"}", 300, NULL),
	    STATEFUL_HIT);
	finish();
	expect_rows("big:\"long\">\"new\";");
	release();
	/* a placeholder in a FULL before is filled too, and said to be from the state */
	ck_assert_int_eq(event('u', "{\"id\":1,\"a\":\"y\",\"n\":5,\"big\":\"__debezium_unavailable_value\"}",
	                     "{\"id\":1,\"a\":\"y\",\"n\":6,\"big\":\"newer\"}", 400, NULL),
	    STATEFUL_HIT);
	finish();
	expect_rows("n:5>6;big:\"new\">\"newer\";");
	ck_assert_str_eq(source_of("big"), "state");
	ck_assert_str_eq(source_of("n"), "dflt");
	release();
}
END_TEST

START_TEST(key_only_delete_gives_every_field)
{
	run('r', "null", ROW1, 50, STATEFUL_MISS);
	ck_assert_int_eq(event('d', "{\"id\":1}", "null", 60, NULL), STATEFUL_HIT);
	finish();
	expect_rows("a:\"x\">(absent);n:5>(absent);big:\"long\">(absent);");
	ck_assert_str_eq(source_of("n"), "state");
	release();
	struct state_entry e;
	ck_assert_int_eq(state_get(fx.st, "public.t", "{\"id\":1}", 8, &e), 1);
	ck_assert_int_eq(e.deleted, 1);
	ck_assert_int_eq(e.pos.lsn, 60);
	/* the other columns sent as null: a key-only delete too */
	run('c', "null", ROW1, 62, STATEFUL_MISS);
	ck_assert_int_eq(event('d', "{\"id\":1,\"a\":null,\"n\":null,\"big\":null}", "null", 64, NULL),
	    STATEFUL_HIT);
	finish();
	expect_rows("a:\"x\">(absent);n:5>(absent);big:\"long\">(absent);");
	release();
	/* inserted again: a new row, its old values none */
	run('c', "null", ROW1, 70, STATEFUL_MISS);
}
END_TEST

START_TEST(replay_is_recognised_by_position)
{
	run('c', "null", ROW1, 100, STATEFUL_MISS);
	run('u', "null", "{\"id\":1,\"a\":\"y\",\"n\":5,\"big\":\"long\"}", 200, STATEFUL_HIT);
	/* the same two events again, and an older one */
	run('c', "null", ROW1, 100, STATEFUL_REPLAY);
	run('u', "null", "{\"id\":1,\"a\":\"y\",\"n\":5,\"big\":\"long\"}", 200, STATEFUL_REPLAY);
	run('u', "null", "{\"id\":1,\"a\":\"q\",\"n\":5,\"big\":\"long\"}", 150, STATEFUL_REPLAY);
	/* a delete is remembered as a tombstone with its position */
	run('d', "{\"id\":1}", "null", 300, STATEFUL_HIT);
	run('u', "null", "{\"id\":1,\"a\":\"y\",\"n\":5,\"big\":\"long\"}", 200, STATEFUL_REPLAY);
	run('d', "{\"id\":1}", "null", 300, STATEFUL_REPLAY);
	/* the replay left the state as it was */
	struct state_entry e;
	ck_assert_int_eq(state_get(fx.st, "public.t", "{\"id\":1}", 8, &e), 1);
	ck_assert_int_eq(e.deleted, 1);
	ck_assert_int_eq(e.pos.lsn, 300);
}
END_TEST

START_TEST(unknown_key_is_left_alone)
{
	const char *after = "{\"id\":9,\"a\":\"y\",\"big\":\"__debezium_unavailable_value\"}";
	ck_assert_int_eq(event('u', "null", after, 100, NULL), STATEFUL_MISS);
	ck_assert_int_eq(stateful_needed(fx.sf), 1);
	ck_assert_ptr_null(fx.env.before);
	diff_event(&fx.d, &fx.env, &fx.o);
	ck_assert_int_eq(fx.d.notes & DIFF_NOTE_NO_BEFORE, DIFF_NOTE_NO_BEFORE);
	ck_assert_uint_eq(fx.d.nunavailable, 1);
	stateful_stage(fx.sf, &fx.env, ++fx.seq);
	release();
	/* the image stored keeps the placeholder: never taken for a value */
	ck_assert_int_eq(event('u', "null", "{\"id\":9,\"a\":\"z\",\"big\":\"b\"}", 200, NULL), STATEFUL_HIT);
	finish();
	expect_rows("a:\"y\">\"z\";big:(absent)>\"b\";");
	ck_assert_str_eq(source_of("big"), "unknown");
	ck_assert_str_eq(source_of("a"), "state");
	release();
}
END_TEST

START_TEST(dropped_and_added_columns)
{
	run('c', "null", ROW1, 100, STATEFUL_MISS);
	/* ALTER TABLE DROP COLUMN n, ADD COLUMN t */
	ck_assert_int_eq(event('u', "null", "{\"id\":1,\"a\":\"y\",\"big\":\"long\",\"t\":\"g\"}", 200, NULL),
	    STATEFUL_HIT);
	finish();
	expect_rows("a:\"x\">\"y\";t:(absent)>\"g\";"); /* no row for the dropped n */
	ck_assert_str_eq(source_of("t"), "unknown");
	release();
	run('c', "null", "{\"id\":2,\"a\":\"p\",\"big\":\"b\"}", 300, STATEFUL_MISS);
	run('u', "null", "{\"id\":2,\"a\":\"p\",\"big\":\"b\",\"t\":null}", 310, STATEFUL_HIT);
	/* a key-only delete of a row stored before both: the table's columns */
	ck_assert_int_eq(event('d', "{\"id\":1}", "null", 400, NULL), STATEFUL_HIT);
	finish();
	expect_rows("a:\"y\">(absent);big:\"long\">(absent);t:\"g\">(absent);");
	release();
}
END_TEST

/* With schemas.enable=true the schema names the table's columns: a
 * key-only delete after ADD COLUMN c and DROP COLUMN n, before any image
 * showed them, has them right. */
START_TEST(schema_names_a_deletes_columns)
{
	run('c', "null", ROW1, 100, STATEFUL_MISS);
	static const char line[] =
	    "{\"schema\":{\"type\":\"struct\",\"fields\":["
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"},"
	    "{\"type\":\"string\",\"optional\":true,\"field\":\"a\"},"
	    "{\"type\":\"string\",\"optional\":true,\"field\":\"big\"},"
	    "{\"type\":\"string\",\"optional\":true,\"field\":\"c\"}],\"optional\":true,\"name\":\"srv.public.t.Value\",\"field\":\"before\"},"
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"},"
	    "{\"type\":\"string\",\"optional\":true,\"field\":\"a\"},"
	    "{\"type\":\"string\",\"optional\":true,\"field\":\"big\"},"
	    "{\"type\":\"string\",\"optional\":true,\"field\":\"c\"}],\"optional\":true,\"name\":\"srv.public.t.Value\",\"field\":\"after\"},"
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"schema\"},"
	    "{\"type\":\"string\",\"optional\":false,\"field\":\"table\"},"
	    "{\"type\":\"int64\",\"optional\":true,\"field\":\"lsn\"}],\"optional\":false,\"field\":\"source\"},"
	    "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"}],\"optional\":false,\"name\":\"srv.public.t.Envelope\"},"
	    "\"payload\":{\"before\":{\"id\":1,\"a\":null,\"big\":null,\"c\":null},\"after\":null,"
	    "\"source\":{\"schema\":\"public\",\"table\":\"t\",\"lsn\":200},\"op\":\"d\"}}";
	envelope_parse(&fx.env, line, sizeof line - 1);
	ck_assert_msg(fx.env.kind == ENVELOPE_CHANGE, "%s", fx.env.reason);
	ck_assert_int_eq(stateful_prepare(fx.sf, &fx.env), STATEFUL_HIT);
	finish();
	expect_rows("a:\"x\">(absent);big:\"long\">(absent);c:null>(absent);");
	ck_assert_str_eq(source_of("c"), "unknown");
	ck_assert_str_eq(source_of("a"), "state");
	stateful_done(fx.sf);
	envelope_clear(&fx.env);
}
END_TEST

/* Key 1's row is created, then its key changes to new_key: the delete
 * carries del_headers, the create (its big column TOASTed) create_headers.
 * Returns what the create's lookup gave. */
static int
key_change(long lsn, int new_key, const char *del_headers, const char *create_headers)
{
	run('c', "null", ROW1, lsn, STATEFUL_MISS);
	ck_assert_int_eq(event('d', "{\"id\":1}", "null", lsn + 10, del_headers), STATEFUL_HIT);
	finish();
	release();
	char after[128];
	snprintf(after, sizeof after,
	    "{\"id\":%d,\"a\":\"x\",\"n\":5,\"big\":\"__debezium_unavailable_value\"}", new_key);
	int hit = event('c', "null", after, lsn + 10, create_headers);
	if (hit == STATEFUL_HIT) {
		finish();
		expect_rows("a:(absent)>\"x\";n:(absent)>5;big:(absent)>\"long\";");
	}
	release();
	return hit;
}

START_TEST(key_change_moves_the_image)
{
	ck_assert_int_eq(key_change(100, 7, "{\"__debezium.newkey\":\"{\\\"id\\\":7}\"}",
	                     "{\"__debezium.oldkey\":\"{\\\"id\\\":1}\"}"),
	    STATEFUL_HIT);
	/* kcat -J's and --brokers' form: headers as [name, value, ...] */
	ck_assert_int_eq(key_change(200, 9, "[\"other\",\"x\",\"__debezium.newkey\",\"{\\\"id\\\":9}\"]",
	                     "[\"__debezium.oldkey\",\"{\\\"id\\\":1}\",\"other\",null]"),
	    STATEFUL_HIT);
	/* without the delete's header the placeholder stays */
	ck_assert_int_eq(key_change(300, 8, NULL, "{\"__debezium.oldkey\":\"{\\\"id\\\":1}\"}"),
	    STATEFUL_MISS);
}
END_TEST

START_TEST(id_option_keys_the_state)
{
	/* no record key: --id names the key columns */
	options_free(&fx.o);
	char *argv[] = {"cdcpivot", "--id", "a,id", NULL};
	char err[256];
	ck_assert_int_eq(options_parse(3, argv, NULL, &fx.o, err, sizeof err), OPTIONS_RUN);
	run('c', "null", ROW1, 100, STATEFUL_MISS);
	struct state_entry e;
	const char *key = "{\"a\":\"x\",\"id\":1}";
	ck_assert_int_eq(state_get(fx.st, "public.t", key, strlen(key), &e), 1);
}
END_TEST

Suite *
stateful_suite(void)
{
	Suite *s = suite_create("stateful");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, update_without_before_is_diffed_against_the_state);
	tcase_add_test(tc, update_with_key_only_before_is_diffed_against_the_state);
	tcase_add_test(tc, toast_placeholder_is_filled_and_kept);
	tcase_add_test(tc, key_only_delete_gives_every_field);
	tcase_add_test(tc, replay_is_recognised_by_position);
	tcase_add_test(tc, unknown_key_is_left_alone);
	tcase_add_test(tc, dropped_and_added_columns);
	tcase_add_test(tc, schema_names_a_deletes_columns);
	tcase_add_test(tc, key_change_moves_the_image);
	tcase_add_test(tc, id_option_keys_the_state);
	suite_add_tcase(s, tc);
	return s;
}
