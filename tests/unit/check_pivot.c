/* pivot.h: one change event -> its rows, and the report of what the event
 * lacked. Expected rows are written out by hand from the event: one row
 * per changed column, the commit time (source.ts_ms 1600000000123 is
 * 2020-09-13 12:26:40.123 UTC) in the column of the op, datetime_inserted
 * from SOURCE_DATE_EPOCH=0. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "envelope.h"
#include "options.h"
#include "pivot.h"

#define SRC "\"source\":{\"ts_ms\":1600000000123,\"db\":\"d\",\"schema\":\"bank\",\"table\":\"holding\"}"
#define T0 "1970-01-01 00:00:00.000"
#define TC "2020-09-13 12:26:40.123"

struct fixture {
	struct options o;
	struct pivot p;
	struct buf out;
	struct pivot_report rep; /* valid while env is */
	size_t rows;
	struct envelope env;     /* the last event, cleared at the next */
	int has_env;
};

static void
setup(struct fixture *f, const char *args)
{
	char *argv[16], copy[256];
	int argc = 0;
	argv[argc++] = (char *)"cdcpivot";
	snprintf(copy, sizeof copy, "%s", args);
	for (char *t = strtok(copy, " "); t != NULL && argc < 15; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	char err[256];
	ck_assert_int_eq(options_parse(argc, argv, "0", &f->o, err, sizeof err), OPTIONS_RUN);
	pivot_init(&f->p, &f->o);
	buf_init(&f->out);
	f->has_env = 0;
	pivot_begin(&f->p, &f->out);
}

/* Pivots one line (a change event) and returns its rows' text. */
static const char *
event(struct fixture *f, const char *line)
{
	if (f->has_env)
		envelope_clear(&f->env);
	envelope_parse(&f->env, line, strlen(line));
	f->has_env = 1;
	ck_assert_msg(f->env.kind == ENVELOPE_CHANGE, "not a change: %s", f->env.reason);
	f->rows = pivot_event(&f->p, &f->env, f->o.inserted_ms, &f->out, &f->rep);
	return buf_cstr(&f->out);
}

static void
teardown(struct fixture *f)
{
	if (f->has_env)
		envelope_clear(&f->env);
	pivot_free(&f->p);
	options_free(&f->o);
	buf_free(&f->out);
}

/* An update gives a row for each changed column only, old and new value,
 * the commit time under datetime_updated. */
START_TEST(update_rows_are_the_changed_columns)
{
	struct fixture f;
	setup(&f, "--id id");
	const char *got = event(&f, "{\"before\":{\"id\":1,\"a\":\"x\",\"b\":2,\"c\":null},"
	                            "\"after\":{\"id\":1,\"a\":\"y\",\"b\":2,\"c\":\"z,1\"}," SRC ",\"op\":\"u\"}");
	ck_assert_str_eq(got, "1,a,x,y,," TC ",," T0 ",u\n"
	                      "1,c,,\"z,1\",," TC ",," T0 ",u\n");
	ck_assert_uint_eq(f.rows, 2);
	ck_assert_ptr_null(f.rep.refused);
	ck_assert_uint_eq(f.rep.notes, 0);
	teardown(&f);
}
END_TEST

/* Inserts and snapshot reads fill datetime_created, deletes
 * datetime_deleted; crud_type is the op. */
START_TEST(commit_time_goes_to_the_op_column)
{
	struct fixture f;
	setup(&f, "--id id");
	event(&f, "{\"before\":null,\"after\":{\"id\":1,\"a\":\"x\"}," SRC ",\"op\":\"c\"}");
	event(&f, "{\"before\":null,\"after\":{\"id\":2,\"a\":\"x\"}," SRC ",\"op\":\"r\"}");
	const char *got = event(&f, "{\"before\":{\"id\":3,\"a\":\"x\"},\"after\":null," SRC ",\"op\":\"d\"}");
	ck_assert_str_eq(got, "1,a,,x," TC ",,," T0 ",c\n"
	                      "2,a,,x," TC ",,," T0 ",r\n"
	                      "3,a,x,,,," TC "," T0 ",d\n");
	teardown(&f);
}
END_TEST

/* The commit time of each event is its own, whether or not it falls in
 * the second of the event before (whose text is then reused but for the
 * milliseconds), across a second, back in time, and where the text is
 * not of the common length (a five-digit year, BC). Expected texts from
 * Python's datetime, and PostgreSQL's BC form for year 0. */
static const struct {
	const char *ts;
	const char *want;
} commit_times[] = {
	{"1600000000999", "2020-09-13 12:26:40.999"},
	{"1600000000000", "2020-09-13 12:26:40.000"},
	{"1600000001000", "2020-09-13 12:26:41.000"},
	{"1600000000500", "2020-09-13 12:26:40.500"},
	{"253402300799999", "9999-12-31 23:59:59.999"},
	{"253402300800000", "10000-01-01 00:00:00.000"},
	{"253402300800001", "10000-01-01 00:00:00.001"},
	{"-62135596800001", "0001-12-31 23:59:59.999 BC"},
	{"-62135596800002", "0001-12-31 23:59:59.998 BC"},
	{"-1", "1969-12-31 23:59:59.999"},
	{"-1000", "1969-12-31 23:59:59.000"},
	{"1600000000123", TC},
};

START_TEST(commit_time_of_each_event)
{
	struct fixture f;
	setup(&f, "--id id");
	for (size_t i = 0; i < sizeof commit_times / sizeof commit_times[0]; i++) {
		char line[256], want[128];
		snprintf(line, sizeof line, "{\"before\":null,\"after\":{\"id\":1,\"a\":\"x\"},"
		    "\"source\":{\"ts_ms\":%s},\"op\":\"c\"}", commit_times[i].ts);
		snprintf(want, sizeof want, "1,a,,x,%s,,," T0 ",c\n", commit_times[i].want);
		f.out.len = 0;
		ck_assert_str_eq(event(&f, line), want);
	}
	teardown(&f);
}
END_TEST

/* --with-table leads with the table the source names; --meta ts is the
 * commit time in milliseconds. */
START_TEST(table_and_meta_columns)
{
	struct fixture f;
	setup(&f, "--id id --with-table --meta ts --header");
	const char *got = event(&f, "{\"before\":null,\"after\":{\"id\":1,\"a\":true}," SRC ",\"op\":\"c\"}");
	ck_assert_str_eq(got, "table,id,change_field,old_value,new_value,datetime_created,datetime_updated,"
	                      "datetime_deleted,datetime_inserted,crud_type,ts\n"
	                      "bank.holding,1,a,,true," TC ",,," T0 ",c,1600000000123\n");
	teardown(&f);
}
END_TEST

/* The report names what the event lacked: an update without a before
 * image (old values unknown), the TOAST placeholder instead of a value,
 * a --fields name in neither image. */
START_TEST(report_names_what_the_event_lacked)
{
	struct fixture f;
	setup(&f, "--id id --fields a,t,nope");
	event(&f, "{\"before\":null,\"after\":{\"id\":1,\"a\":\"x\",\"t\":\"__debezium_unavailable_value\"}," SRC
	          ",\"op\":\"u\"}");
	ck_assert(f.rep.notes & DIFF_NOTE_NO_BEFORE);
	ck_assert_uint_eq(f.rep.nunavailable, 1);
	ck_assert_str_eq(f.rep.unavailable[0], "t");
	ck_assert_uint_eq(f.rep.nmissing, 1);
	ck_assert_str_eq(f.rep.missing[0], "nope");
	ck_assert_uint_eq(f.rep.nmismatch, 0);
	ck_assert_ptr_null(f.rep.refused);
	teardown(&f);
}
END_TEST

#define SCHEMA_INT_V                                                                                 \
	"{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"optional\":true,\"field\":\"before\"," \
	"\"fields\":[{\"type\":\"int32\",\"field\":\"id\"},{\"type\":\"int32\",\"field\":\"v\"}]},"        \
	"{\"type\":\"struct\",\"optional\":true,\"field\":\"after\","                                      \
	"\"fields\":[{\"type\":\"int32\",\"field\":\"id\"},{\"type\":\"int32\",\"field\":\"v\"}]}]}"

/* A value that does not fit its schema is printed as it arrived and
 * named in the report; the next event's report starts empty, also when
 * that event gives no rows. */
START_TEST(mismatch_is_reported_for_its_event_only)
{
	struct fixture f;
	setup(&f, "--id id");
	const char *got = event(&f, "{\"schema\":" SCHEMA_INT_V ",\"payload\":{\"before\":null,"
	                            "\"after\":{\"id\":1,\"v\":\"seven\"}," SRC ",\"op\":\"c\"}}");
	ck_assert_str_eq(got, "1,v,,seven," TC ",,," T0 ",c\n");
	ck_assert_uint_eq(f.rep.nmismatch, 1);
	ck_assert_str_eq(f.rep.mismatch[0].name, "v");
	event(&f, "{\"schema\":" SCHEMA_INT_V ",\"payload\":{\"before\":{\"id\":1,\"v\":2},"
	          "\"after\":{\"id\":1,\"v\":2}," SRC ",\"op\":\"u\"}}");
	ck_assert_uint_eq(f.rows, 0);
	ck_assert_uint_eq(f.rep.nmismatch, 0);
	teardown(&f);
}
END_TEST

#define SCHEMA_DEC(scale)                                                                            \
	"{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"optional\":true,\"field\":\"after\","  \
	"\"fields\":[{\"type\":\"int32\",\"field\":\"id\"},{\"type\":\"bytes\",\"name\":"                  \
	"\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"" scale "\"},"             \
	"\"field\":\"amount\"}]}]}"

/* A decimal scale beyond any database's refuses the event: no rows, and
 * the report says why. */
START_TEST(bad_scale_refuses_the_event)
{
	struct fixture f;
	setup(&f, "--id id");
	const char *got = event(&f, "{\"schema\":" SCHEMA_DEC("5000") ",\"payload\":{\"before\":null,"
	                            "\"after\":{\"id\":1,\"amount\":\"AQ==\"}," SRC ",\"op\":\"c\"}}");
	ck_assert_str_eq(got, "");
	ck_assert_uint_eq(f.rows, 0);
	ck_assert_ptr_nonnull(f.rep.refused);
	ck_assert_ptr_nonnull(strstr(f.rep.refused, "'amount' has a decimal scale beyond any database's"));
	teardown(&f);
}
END_TEST

/* --header without --id names the first event's id columns; an event of
 * a table whose ids differ is refused, naming both tables. */
START_TEST(header_refuses_other_ids)
{
	struct fixture f;
	setup(&f, "--header");
	event(&f, "{\"before\":null,\"after\":{\"id\":1,\"a\":\"x\"}," SRC ",\"op\":\"c\"}");
	ck_assert_uint_eq(f.rows, 1);
	size_t len = f.out.len;
	event(&f, "{\"before\":null,\"after\":{\"user_id\":7,\"b\":\"y\"},"
	          "\"source\":{\"ts_ms\":1,\"schema\":\"bank\",\"table\":\"users\"},\"op\":\"c\"}");
	ck_assert_uint_eq(f.rows, 0);
	ck_assert_uint_eq(f.out.len, len);
	ck_assert_ptr_nonnull(f.rep.refused);
	ck_assert_str_eq(f.rep.refused,
	    "bank.users has id columns (user_id), but --header named those of bank.holding (id): give --id, or run one cdcpivot per table");
	teardown(&f);
}
END_TEST

/* --ddl with --id: the CREATE TABLE comes before any event, with the
 * PostgreSQL types of each column role. */
START_TEST(ddl_before_any_event)
{
	struct fixture f;
	setup(&f, "--format sql --ddl --id id --sql-table t");
	/* Identifiers are always quoted (writer_sql_identifier). */
	ck_assert_str_eq(buf_cstr(&f.out), "CREATE TABLE IF NOT EXISTS \"t\" (\n"
	                                   "    \"id\" text,\n"
	                                   "    \"change_field\" text NOT NULL,\n"
	                                   "    \"old_value\" text,\n"
	                                   "    \"new_value\" text,\n"
	                                   "    \"datetime_created\" timestamp(3),\n"
	                                   "    \"datetime_updated\" timestamp(3),\n"
	                                   "    \"datetime_deleted\" timestamp(3),\n"
	                                   "    \"datetime_inserted\" timestamp(3),\n"
	                                   "    \"crud_type\" text NOT NULL\n"
	                                   ");\n");
	teardown(&f);
}
END_TEST

Suite *
pivot_suite(void)
{
	Suite *s = suite_create("pivot");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, update_rows_are_the_changed_columns);
	tcase_add_test(tc, commit_time_goes_to_the_op_column);
	tcase_add_test(tc, commit_time_of_each_event);
	tcase_add_test(tc, table_and_meta_columns);
	tcase_add_test(tc, ddl_before_any_event);
	suite_add_tcase(s, tc);
	TCase *rep = tcase_create("report");
	tcase_add_test(rep, report_names_what_the_event_lacked);
	tcase_add_test(rep, mismatch_is_reported_for_its_event_only);
	tcase_add_test(rep, bad_scale_refuses_the_event);
	tcase_add_test(rep, header_refuses_other_ids);
	suite_add_tcase(s, rep);
	return s;
}
