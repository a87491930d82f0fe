/* pipeline.h: the whole run in-process, pipeline_run() over files: what
 * reaches the output, what is said on stderr, and the exit status, which
 * pipeline_run decides alone (exitcode.h; 128 + the signal after a stop). */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "check_util.h"
#include "exitcode.h"
#include "options.h"
#include "pipeline.h"

#define SRC "\"source\":{\"ts_ms\":1600000000123,\"schema\":\"bank\",\"table\":\"holding\",\"lsn\":%d}"
#define T0 "1970-01-01 00:00:00.000"
#define TC "2020-09-13 12:26:40.123"

struct result {
	char *out;
	size_t out_len;
	char *err;
	size_t err_len;
	int status;
};

static char *
temp_file(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/check_pipeline_XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	size_t n = strlen(text);
	ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
	close(fd);
	return strdup(path);
}

/* Runs the pipeline with args (space-separated) and then the operands;
 * in, when not NULL, is written to a file given as the last operand. */
static void
run(const char *args, const char *in, sig_atomic_t stop_with, struct result *r)
{
	char *argv[32], copy[512];
	int argc = 0;
	argv[argc++] = (char *)"cdcpivot";
	snprintf(copy, sizeof copy, "%s", args);
	for (char *t = strtok(copy, " "); t != NULL && argc < 30; t = strtok(NULL, " "))
		argv[argc++] = t;
	char *in_path = in != NULL ? temp_file(in) : NULL;
	if (in_path != NULL)
		argv[argc++] = in_path;
	argv[argc] = NULL;
	struct options o;
	char err[256];
	ck_assert_int_eq(options_parse(argc, argv, "0", &o, err, sizeof err), OPTIONS_RUN);
	char *out_path = temp_file("");
	FILE *out = fopen(out_path, "w");
	FILE *errf = open_memstream(&r->err, &r->err_len);
	volatile sig_atomic_t stop = stop_with;
	r->status = pipeline_run(&o, fileno(out), errf, &stop, NULL);
	fclose(errf);
	fclose(out);
	r->out = read_file(out_path, &r->out_len);
	unlink(out_path);
	free(out_path);
	if (in_path != NULL) {
		unlink(in_path);
		free(in_path);
	}
	options_free(&o);
}

static void
result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

/* An insert of id n, value v, at lsn n. */
static const char *
insert(char *buf, size_t size, int n, const char *v)
{
	snprintf(buf, size, "{\"before\":null,\"after\":{\"id\":%d,\"v\":\"%s\"}," SRC ",\"op\":\"c\"}\n",
	    n, v, n);
	return buf;
}

START_TEST(all_handled_is_0)
{
	char a[512], b[512], in[2048];
	snprintf(in, sizeof in, "%s%s", insert(a, sizeof a, 1, "x"), insert(b, sizeof b, 2, "y"));
	struct result r;
	run("--id id", in, 0, &r);
	ck_assert_int_eq(r.status, EXIT_ALL_HANDLED);
	assert_text_eq("rows", r.out, r.out_len,
	    "1,v,,x," TC ",,," T0 ",c\n"
	    "2,v,,y," TC ",,," T0 ",c\n");
	ck_assert_str_eq(r.err, "cdcpivot: summary: 2 events, 2 rows, 0 skipped, 0 rejected\n");
	result_free(&r);
	run("-q --id id", in, 0, &r);
	ck_assert_str_eq(r.err, "");
	result_free(&r);
}
END_TEST

/* A rejected line is said with its line number, counted, and the run
 * goes on; the exit status is 1. With --strict the run stops there. */
START_TEST(rejected_line_is_1_and_strict_stops)
{
	char a[512], b[512], in[2048];
	snprintf(in, sizeof in, "%s{\"op\":\"u\",\n%s", insert(a, sizeof a, 1, "x"), insert(b, sizeof b, 3, "z"));
	struct result r;
	run("--id id", in, 0, &r);
	ck_assert_int_eq(r.status, EXIT_REJECTED);
	ck_assert_uint_eq(r.out_len, 2 * strlen("1,v,,x," TC ",,," T0 ",c\n"));
	ck_assert_ptr_nonnull(strstr(r.err, "cdcpivot: summary: 2 events, 2 rows, 0 skipped, 1 rejected\n"));
	result_free(&r);
	run("--strict --id id", in, 0, &r);
	ck_assert_int_eq(r.status, EXIT_REJECTED);
	assert_text_eq("rows before the rejected line only", r.out, r.out_len, "1,v,,x," TC ",,," T0 ",c\n");
	ck_assert_ptr_nonnull(strstr(r.err, ":2: invalid JSON near column 10\n"));
	ck_assert_ptr_nonnull(strstr(r.err, "summary: 1 events, 1 rows, 0 skipped, 1 rejected\n"));
	result_free(&r);
}
END_TEST

/* A stop signal before any input: nothing is read, and the status is
 * 128 + the signal, as a shell reports a killed process. */
START_TEST(stop_is_128_plus_signal)
{
	char a[512];
	struct result r;
	run("--id id --table nomatch", insert(a, sizeof a, 1, "x"), SIGTERM, &r);
	ck_assert_int_eq(r.status, 128 + SIGTERM);
	ck_assert_uint_eq(r.out_len, 0);
	/* No "matched no event" warning: the input was not read. */
	ck_assert_str_eq(r.err, "cdcpivot: summary: 0 events, 0 rows, 0 skipped, 0 rejected\n");
	result_free(&r);
}
END_TEST

/* Skips are counted by kind, each where it is decided: the envelope's
 * (a tombstone), --table's and --dedup's. */
START_TEST(skips_are_counted_by_kind)
{
	char a[512], b[512], in[2048];
	insert(a, sizeof a, 1, "x");
	snprintf(b, sizeof b, "{\"before\":null,\"after\":{\"id\":5,\"v\":\"o\"},\"source\":{\"ts_ms\":1,"
	                      "\"schema\":\"bank\",\"table\":\"other\",\"lsn\":5},\"op\":\"c\"}\n");
	snprintf(in, sizeof in, "%snull\n%s%s", a, a, b);
	struct result r;
	run("--id id --dedup 10 --table bank.holding", in, 0, &r);
	ck_assert_int_eq(r.status, EXIT_ALL_HANDLED);
	assert_text_eq("one row", r.out, r.out_len, "1,v,,x," TC ",,," T0 ",c\n");
	ck_assert_str_eq(r.err, "cdcpivot: summary: 1 events, 1 rows, 3 skipped (tombstone 1, other table 1, "
	                        "duplicate 1), 0 rejected\n");
	result_free(&r);
	run("--id id --table bank.nothing", a, 0, &r);
	ck_assert_ptr_nonnull(strstr(r.err, "cdcpivot: warning: --table 'bank.nothing' matched no event"));
	result_free(&r);
}
END_TEST

/* A warning about what events lack is given once per table. */
START_TEST(warnings_once_per_table)
{
	static const char in[] =
	    "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},\"source\":{\"schema\":\"s\",\"table\":\"t\"},\"op\":\"u\"}\n"
	    "{\"before\":null,\"after\":{\"id\":2,\"v\":\"b\"},\"source\":{\"schema\":\"s\",\"table\":\"t\"},\"op\":\"u\"}\n"
	    "{\"before\":null,\"after\":{\"id\":3,\"v\":\"c\"},\"source\":{\"schema\":\"s\",\"table\":\"u\"},\"op\":\"u\"}\n";
	struct result r;
	run("-q --id id", in, 0, &r);
	ck_assert_int_eq(r.status, EXIT_ALL_HANDLED);
	static const char once[] = ":1: warning: update of s.t without a before image";
	const char *first = strstr(r.err, once);
	ck_assert_ptr_nonnull(first);
	ck_assert_ptr_null(strstr(first + sizeof once - 1, "update of s.t "));
	ck_assert_ptr_nonnull(strstr(r.err, ":3: warning: update of s.u without a before image"));
	result_free(&r);
}
END_TEST

/* A dead-letter file that cannot be written stops the run at that line,
 * with exit status 2: a rejected line is never lost silently. */
START_TEST(dead_letter_failure_is_fatal)
{
	char a[512], in[1024];
	snprintf(in, sizeof in, "{bad\n%s", insert(a, sizeof a, 1, "x"));
	struct result r;
	run("--id id --dead-letter /dev/full", in, 0, &r);
	ck_assert_int_eq(r.status, EXIT_FATAL);
	ck_assert_uint_eq(r.out_len, 0);
	ck_assert_ptr_nonnull(strstr(r.err, ":1: invalid JSON near column 3\n"
	                                    "cdcpivot: dead-letter file: No space left on device\n"));
	ck_assert_ptr_nonnull(strstr(r.err, "summary: 0 events, 0 rows, 0 skipped, 1 rejected\n"));
	result_free(&r);
}
END_TEST

/* Rejected lines, and events pivot refuses, are copied to the file. */
START_TEST(dead_letter_keeps_rejected_lines)
{
	char *dead = temp_file("");
	static const char refused[] =
	    "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"optional\":true,\"field\":\"after\","
	    "\"fields\":[{\"type\":\"int32\",\"field\":\"id\"},{\"type\":\"bytes\",\"name\":"
	    "\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"5000\"},\"field\":\"m\"}]}]},"
	    "\"payload\":{\"before\":null,\"after\":{\"id\":1,\"m\":\"AQ==\"},\"op\":\"c\"}}";
	char in[2048], args[128];
	snprintf(in, sizeof in, "{bad\n%s\n", refused);
	snprintf(args, sizeof args, "-q --id id --dead-letter %s", dead);
	struct result r;
	run(args, in, 0, &r);
	ck_assert_int_eq(r.status, EXIT_REJECTED);
	size_t n;
	char *kept = read_file(dead, &n);
	char want[2048];
	snprintf(want, sizeof want, "{bad\n%s\n", refused);
	assert_text_eq("dead letters", kept, n, want);
	free(kept);
	unlink(dead);
	free(dead);
	result_free(&r);
}
END_TEST

/* A file that cannot be opened: said, exit status 2. An input's failure
 * leaves the other inputs to be read; an output or dead-letter file's
 * means nothing is read at all, and no summary. */
static const struct {
	const char *args, *err, *out;
} open_failures[] = {
	{"-q --id id /nonexistent/in.jsonl", "cdcpivot: /nonexistent/in.jsonl: No such file or directory\n",
	    "1,v,,x," TC ",,," T0 ",c\n"},
	{"--id id --output /nonexistent/out.csv", "cdcpivot: /nonexistent/out.csv: No such file or directory\n", ""},
	{"--id id --dead-letter /nonexistent/dead", "cdcpivot: /nonexistent/dead: No such file or directory\n", ""},
};

START_TEST(open_failure_is_fatal)
{
	char a[512];
	struct result r;
	run(open_failures[_i].args, insert(a, sizeof a, 1, "x"), 0, &r);
	ck_assert_int_eq(r.status, EXIT_FATAL);
	ck_assert_str_eq(r.err, open_failures[_i].err);
	assert_text_eq(open_failures[_i].args, r.out, r.out_len, open_failures[_i].out);
	result_free(&r);
}
END_TEST

Suite *
pipeline_suite(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("status");
	tcase_add_test(tc, all_handled_is_0);
	tcase_add_test(tc, rejected_line_is_1_and_strict_stops);
	tcase_add_test(tc, stop_is_128_plus_signal);
	tcase_add_loop_test(tc, open_failure_is_fatal, 0,
	    (int)(sizeof open_failures / sizeof open_failures[0]));
	suite_add_tcase(s, tc);
	TCase *msg = tcase_create("messages");
	tcase_add_test(msg, skips_are_counted_by_kind);
	tcase_add_test(msg, warnings_once_per_table);
	tcase_add_test(msg, dead_letter_failure_is_fatal);
	tcase_add_test(msg, dead_letter_keeps_rejected_lines);
	suite_add_tcase(s, msg);
	return s;
}
