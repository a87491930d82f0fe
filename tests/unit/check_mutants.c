/* Behaviours that mutants of make mutate changed without any other test
 * noticing (tests/mutate/). Process-level, so they hold through
 * refactoring of the modules inside. */
#include <check.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_suites.h"
#include "check_util.h"

#define INSERTED "1970-01-01 00:00:00.000"
static const char *const epoch0[] = {"SOURCE_DATE_EPOCH=0", NULL};

#define SCHEMA                                                                                     \
	"{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"optional\":true,\"field\":\"after\"," \
	"\"fields\":[{\"type\":\"int32\",\"field\":\"id\"},{\"type\":\"string\",\"field\":\"v\"}]}]}"
#define PAYLOAD "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},\"op\":\"c\"}"
#define WARM "{\"schema\":" SCHEMA ",\"payload\":" PAYLOAD "}\n"

static void
run(const char *const *argv, const char *in, struct run_result *r)
{
	run_cdcpivot(argv, in, strlen(in), epoch0, NULL, r);
}

/* cdcpivot -q on in exits 0 with exactly the rows want. */
static void
expect_rows(const char *in, const char *want)
{
	static const char *const argv[] = {"-q", NULL};
	struct run_result r;
	run(argv, in, &r);
	ck_assert_int_eq(r.status, 0);
	assert_text_eq("rows", r.out, r.out_len, want);
	run_free(&r);
}

/* A repeated schema takes a fast path; whatever a line is, it must give
 * the same rows after a line with the same schema as on its own. */
static const char *const tricky[] = {
	/* the schema, then not "payload" */
	"{\"schema\":" SCHEMA ",\"payloaX\":" PAYLOAD "}\n",
	"{\"schema\":" SCHEMA ",\"payloae\":" PAYLOAD "}\n",
	"{\"schema\":" SCHEMA ",\"x\":1,\"payload\":" PAYLOAD "}\n",
	/* something after the payload */
	"{\"schema\":" SCHEMA ",\"payload\":" PAYLOAD ",\"x\":1}\n",
	"{\"schema\":" SCHEMA ",\"payload\":" PAYLOAD " } \n",
	"{\"schema\":" SCHEMA ",\"payload\":" PAYLOAD "}\t{}\n",
	/* invalid UTF-8 in the payload of a known schema */
	"{\"schema\":" SCHEMA ",\"payload\":{\"before\":null,\"after\":{\"id\":1,\"v\":\"\xff\"},\"op\":\"c\"}}\n",
	/* invalid UTF-8 inside a schema seen for the first time (last: used below) */
	"{\"schema\":{\"type\":\"struct\",\"name\":\"\xff\",\"fields\":[]},\"payload\":" PAYLOAD "}\n",
};

START_TEST(fast_path_agrees_with_general_path)
{
	static const char *const argv[] = {"-q", NULL};
	struct run_result alone, warm, both;
	run(argv, tricky[_i], &alone);
	run(argv, WARM, &warm);
	char in[4096];
	snprintf(in, sizeof in, "%s%s", WARM, tricky[_i]);
	run(argv, in, &both);
	char want[4096];
	snprintf(want, sizeof want, "%s%s", warm.out, alone.out);
	assert_text_eq(tricky[_i], both.out, both.out_len, want);
	ck_assert_int_eq(both.status, alone.status);
	/* The first line alone says what the general path made of it. */
	run_free(&alone), run_free(&warm), run_free(&both);
}
END_TEST

START_TEST(invalid_utf8_rejected_when_cached_too)
{
	static const char *const argv[] = {"-q", NULL};
	struct run_result r;
	char in[4096];
	const char *bad = tricky[sizeof tricky / sizeof tricky[0] - 1];
	snprintf(in, sizeof in, "%s%s", bad, bad);
	run(argv, in, &r);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "");
	const struct expect_diag want[] = {{1, "invalid UTF-8"}, {2, "invalid UTF-8"}};
	expect_diags(r.err, "<stdin>", want, 2);
	run_free(&r);
	/* Invalid UTF-8 in the payload, after a known schema or not. */
	const char *badp = tricky[sizeof tricky / sizeof tricky[0] - 2];
	snprintf(in, sizeof in, "%s%s", badp, badp);
	run(argv, in, &r);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "");
	expect_diags(r.err, "<stdin>", want, 2);
	run_free(&r);
}
END_TEST

/* \u0000 is an escape after an odd run of backslashes, text after an even
 * one; also at the very end of a line. */
START_TEST(escaped_nul_by_backslash_run)
{
	static const char *const argv[] = {"-q", NULL};
	static const struct {
		const char *line;
		int rejected;
	} cases[] = {
	    {"{\"after\":{\"id\":1,\"v\":\"a\\u0000\"},\"op\":\"c\"}\n", 1},
	    {"{\"after\":{\"id\":1,\"v\":\"a\\\\u0000\"},\"op\":\"c\"}\n", 0},
	    {"{\"after\":{\"id\":1,\"v\":\"a\\\\\\u0000\"},\"op\":\"c\"}\n", 1},
	    {"{\"after\":{\"id\":1,\"v\":\"a\\\\\\\\u0000\"},\"op\":\"c\"}\n", 0},
	    {"{\"after\":{\"id\":1,\"v\":\"a\\\\\\\\\\u0000\"},\"op\":\"c\"}\n", 1},
	    {"{\"v\":\"\\u0000\n", 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct run_result r;
		run(argv, cases[i].line, &r);
		if (cases[i].rejected) {
			ck_assert_msg(r.status == 1 && strstr(r.err, "escaped NUL (\\u0000)") != NULL,
			    "%s: status %d, %s", cases[i].line, r.status, r.err);
		} else {
			ck_assert_msg(r.status == 0 && strstr(r.out, "u0000") != NULL, "%s: status %d, %s",
			    cases[i].line, r.status, r.err);
		}
		run_free(&r);
	}
}
END_TEST

/* Decimals sent as text (decimal.handling.mode=string, or a producer that
 * formats them) go through as written, signs and exponents included, with
 * no "does not fit its schema" warning. */
START_TEST(decimal_text_with_signs)
{
	static const char *const vals[] = {"-12.5", "12.5", "1.5e+10", "1E-5", "-0.001e-3", "2e7", "NaN", "-Infinity"};
	static const char *const argv[] = {"-q", NULL};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		char in[2048], want[512];
		snprintf(in, sizeof in,
		    "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"optional\":true,"
		    "\"field\":\"after\",\"fields\":[{\"type\":\"int32\",\"field\":\"id\"},{\"type\":\"bytes\","
		    "\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"2\"},"
		    "\"field\":\"p\"}]}]},\"payload\":{\"before\":null,\"after\":{\"id\":1,\"p\":\"%s\"},"
		    "\"op\":\"c\"}}\n",
		    vals[i]);
		snprintf(want, sizeof want, "1,p,,%s,,,," INSERTED ",c\n", vals[i]);
		struct run_result r;
		run(argv, in, &r);
		ck_assert_int_eq(r.status, 0);
		assert_text_eq(vals[i], r.out, r.out_len, want);
		ck_assert_msg(r.err_len == 0, "%s: %s", vals[i], r.err);
		run_free(&r);
	}
	/* And text that is no decimal does not fit the schema. */
	static const char *const bad[] = {"+1", "1e+", "-", "1.", "12a"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char in[2048];
		snprintf(in, sizeof in,
		    "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"optional\":true,"
		    "\"field\":\"after\",\"fields\":[{\"type\":\"int32\",\"field\":\"id\"},{\"type\":\"bytes\","
		    "\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"2\"},"
		    "\"field\":\"p\"}]}]},\"payload\":{\"before\":null,\"after\":{\"id\":1,\"p\":\"%s\"},"
		    "\"op\":\"c\"}}\n",
		    bad[i]);
		struct run_result r;
		run(argv, in, &r);
		ck_assert_msg(strstr(r.err, "does not fit its schema") != NULL, "%s: %s", bad[i], r.err);
		run_free(&r);
	}
}
END_TEST

/* kcat -J with the key as a JSON object: the key's columns are the ids,
 * wherever they stand in the row. */
START_TEST(kcat_object_key_gives_ids)
{
	static const char in[] =
	    "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"key\":{\"id\":7},\"payload\":"
	    "\"{\\\"before\\\":null,\\\"after\\\":{\\\"v\\\":\\\"a\\\",\\\"id\\\":7},\\\"op\\\":\\\"c\\\"}\"}\n";
	expect_rows(in, "7,v,,a,,,," INSERTED ",c\n");
}
END_TEST

/* A MongoDB change stream's updateDescription describes updates only: on
 * an insert it is not read, so a malformed one there rejects nothing. */
START_TEST(update_description_only_on_updates)
{
	static const char in[] =
	    "{\"after\":\"{\\\"_id\\\":1,\\\"a\\\":2}\",\"op\":\"c\","
	    "\"updateDescription\":{\"updatedFields\":\"not json\"},"
	    "\"source\":{\"connector\":\"mongodb\",\"db\":\"d\",\"collection\":\"c\"}}\n";
	expect_rows(in, "1,a,,2,,,," INSERTED ",c\n");
}
END_TEST

/* updatedFields as an object (not the string Debezium 2.x writes) names
 * the changed fields just the same: the unchanged b gives no row. */
START_TEST(updated_fields_as_object)
{
	static const char in[] =
	    "{\"after\":\"{\\\"_id\\\":1,\\\"a\\\":3,\\\"b\\\":5}\",\"op\":\"u\","
	    "\"updateDescription\":{\"updatedFields\":{\"a\":3},\"removedFields\":null},"
	    "\"source\":{\"connector\":\"mongodb\",\"db\":\"d\",\"collection\":\"c\"}}\n";
	expect_rows(in, "1,a,,3,,,," INSERTED ",u\n");
}
END_TEST

/* The next run on state: an update of key 1 without before, whose row
 * (with --meta old_source) must be want. */
static void
expect_old_source(const char *state, const char *want)
{
	static const char update[] =
	    "{\"before\":null,\"after\":{\"id\":1,\"v\":\"c\"},\"source\":{\"table\":\"t\",\"db\":\"d\",\"lsn\":30},\"op\":\"u\"}\n";
	const char *argv[] = {"-q", "--state", state, "--id", "id", "--meta", "old_source", NULL};
	struct run_result r;
	run(argv, update, &r);
	ck_assert_int_eq(r.status, 0);
	assert_text_eq("rows", r.out, r.out_len, want);
	run_free(&r);
}

/* --state changes only after the event's rows are written: a run whose
 * output takes nothing (/dev/full) leaves the state as it was, so the
 * next run knows no old value for the key. */
START_TEST(state_waits_for_written_rows)
{
	char dir[] = "/tmp/cdcpivot-mut-XXXXXX", state[64];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(state, sizeof state, "%s/s", dir);
	static const char inserts[] =
	    "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},\"source\":{\"table\":\"t\",\"db\":\"d\",\"lsn\":10},\"op\":\"c\"}\n"
	    "{\"before\":null,\"after\":{\"id\":2,\"v\":\"b\"},\"source\":{\"table\":\"t\",\"db\":\"d\",\"lsn\":20},\"op\":\"c\"}\n";
	const char *argv1[] = {"-q", "--state", state, "--id", "id", NULL};
	struct run_result r;
	run_cdcpivot(argv1, inserts, strlen(inserts), epoch0, "/dev/full", &r);
	ck_assert_int_eq(r.status, 2);
	run_free(&r);
	expect_old_source(state, "1,v,,c,,,," INSERTED ",u,unknown\n");
	remove_tree(dir);
}
END_TEST

/* What the output shows is in --state while the run goes on: the rows of
 * an event a reader has seen, and then the run waiting for more input,
 * its image survives a SIGKILL (the state follows the output when the
 * input pauses, not only at the end). */
START_TEST(state_follows_output_while_waiting)
{
	char dir[] = "/tmp/cdcpivot-mut-XXXXXX", state[64];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(state, sizeof state, "%s/s", dir);
	static const char insert[] =
	    "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},\"source\":{\"table\":\"t\",\"db\":\"d\",\"lsn\":10},\"op\":\"c\"}\n";
	const char *argv1[] = {"-q", "--state", state, "--id", "id", NULL};
	struct spawn sp = {argv1, NULL, NULL, 0, epoch0, 0, 0};
	struct child c;
	spawn_cdcpivot(&sp, &c);
	ck_assert_int_eq(write(c.in, insert, sizeof insert - 1), (ssize_t)(sizeof insert - 1));
	char row[256];
	size_t n = 0;
	while (n < sizeof row - 1 && (n == 0 || row[n - 1] != '\n') && read(c.out, row + n, 1) == 1)
		n++;
	row[n] = '\0';
	ck_assert_str_eq(row, "1,v,,a,,,," INSERTED ",c\n");
	/* the store's commit follows the row by microseconds; valgrind is slower */
	struct timespec pause = {getenv("CDCPIVOT_WRAPPER") != NULL ? 3 : 0, 300000000};
	nanosleep(&pause, NULL);
	kill(c.pid, SIGKILL);
	ck_assert_int_eq(wait_child(c.pid), 128 + SIGKILL);
	close(c.in);
	close(c.out);
	close(c.err);
	expect_old_source(state, "1,v,a,c,,,," INSERTED ",u,state\n");
	remove_tree(dir);
}
END_TEST

/* With --id the header is known before any event: an empty input still
 * gets it. */
START_TEST(header_without_events)
{
	static const char *const argv[] = {"--header", "--id", "id", "-q", NULL};
	struct run_result r;
	run_cdcpivot(argv, NULL, 0, epoch0, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "id,change_field,old_value,new_value,datetime_created,datetime_updated,"
	                        "datetime_deleted,datetime_inserted,crud_type\n");
	run_free(&r);
}
END_TEST

START_TEST(read_error_is_reported)
{
	char dir[] = "/tmp/cdcpivot-mut-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	const char *argv[] = {dir, NULL};
	struct run_result r;
	run(argv, "", &r);
	ck_assert_int_eq(r.status, 2);
	char want[128];
	snprintf(want, sizeof want, "cdcpivot: %s: read error: Is a directory\n", dir);
	ck_assert_msg(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
	run_free(&r);
	rmdir(dir);
}
END_TEST

/* --stats counts every line read, tombstones too: a pause after one gives
 * a summary. */
START_TEST(stats_after_a_tombstone)
{
	int in[2], err[2];
	ck_assert(pipe(in) == 0 && pipe(err) == 0);
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		dup2(in[0], 0), dup2(devnull, 1), dup2(err[1], 2);
		close(in[1]), close(err[0]), close(devnull);
		execl(cdcpivot_path(), "cdcpivot", "--stats", "-q", (char *)NULL);
		_exit(127);
	}
	close(in[0]), close(err[1]);
	ck_assert(write(in[1], "null\n", 5) == 5);
	char buf[512];
	size_t n = 0;
	struct pollfd p = {.fd = err[0], .events = POLLIN};
	while (n < sizeof buf - 1 && poll(&p, 1, 2500) > 0) {
		ssize_t k = read(err[0], buf + n, sizeof buf - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		if (memchr(buf, '\n', n) != NULL)
			break;
	}
	buf[n] = '\0';
	close(in[1]);
	int st;
	ck_assert(waitpid(pid, &st, 0) == pid);
	close(err[0]);
	ck_assert_str_eq(buf, "cdcpivot: summary: 0 events, 0 rows, 1 skipped (tombstone 1), 0 rejected\n");
}
END_TEST

Suite *
mutants_suite(void)
{
	Suite *s = suite_create("mutants");
	TCase *tc = tcase_create("survivors");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, fast_path_agrees_with_general_path, 0, sizeof tricky / sizeof tricky[0]);
	tcase_add_test(tc, invalid_utf8_rejected_when_cached_too);
	tcase_add_test(tc, escaped_nul_by_backslash_run);
	tcase_add_test(tc, decimal_text_with_signs);
	tcase_add_test(tc, kcat_object_key_gives_ids);
	tcase_add_test(tc, update_description_only_on_updates);
	tcase_add_test(tc, updated_fields_as_object);
	tcase_add_test(tc, state_waits_for_written_rows);
	tcase_add_test(tc, state_follows_output_while_waiting);
	tcase_add_test(tc, header_without_events);
	tcase_add_test(tc, read_error_is_reported);
	tcase_add_test(tc, stats_after_a_tombstone);
	suite_add_tcase(s, tc);
	return s;
}
