/* kafkainput.h: records read from a Kafka-protocol broker. Each test
 * starts librdkafka's mock cluster in the test process (a real broker
 * protocol implementation, in memory), produces records with a real
 * producer and reads them back through kafkainput. */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "check_suites.h"
#include "check_util.h"
#include "checkpoint.h"
#include "kafkainput.h"
#include "options.h"
#include "pipeline.h"
#include "state.h"

static rd_kafka_t *producer;
static char brokers[256];
static char dir[64], outpath[128], cppath[160];

static void
setup(void)
{
	char err[256];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	ck_assert_int_eq(rd_kafka_conf_set(conf, "test.mock.num.brokers", "1", err, sizeof err), RD_KAFKA_CONF_OK);
	rd_kafka_conf_set(conf, "log_level", "2", err, sizeof err);
	producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
	ck_assert_msg(producer != NULL, "%s", err);
	rd_kafka_mock_cluster_t *mc = rd_kafka_handle_mock_cluster(producer);
	ck_assert_ptr_nonnull(mc);
	ck_assert_int_eq(rd_kafka_mock_topic_create(mc, "t", 2, 1), 0);
	snprintf(brokers, sizeof brokers, "%s", rd_kafka_mock_cluster_bootstraps(mc));
	strcpy(dir, "/tmp/cdcpivot-ki.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(outpath, sizeof outpath, "%s/out.csv", dir);
	snprintf(cppath, sizeof cppath, "%s.offsets", outpath);
}

static void
teardown(void)
{
	rd_kafka_destroy(producer);
	unlink(outpath);
	unlink(cppath);
	rmdir(dir);
}

/* Produces one record to t[partition]; value NULL is a tombstone. A
 * header called name holds hvalue. */
static void
produce_header(int32_t partition, const char *key, const char *value, const char *name,
    const char *hvalue)
{
	rd_kafka_headers_t *h = NULL;
	if (name != NULL) {
		h = rd_kafka_headers_new(1);
		rd_kafka_header_add(h, name, -1, hvalue, -1);
	}
	/* produceva: producev's macros are a GNU extension, which -Wpedantic refuses. */
	rd_kafka_vu_t vu[5];
	memset(vu, 0, sizeof vu);
	vu[0].vtype = RD_KAFKA_VTYPE_TOPIC;
	vu[0].u.cstr = "t";
	vu[1].vtype = RD_KAFKA_VTYPE_PARTITION;
	vu[1].u.i32 = partition;
	vu[2].vtype = RD_KAFKA_VTYPE_KEY;
	vu[2].u.mem.ptr = (void *)key;
	vu[2].u.mem.size = key ? strlen(key) : 0;
	vu[3].vtype = RD_KAFKA_VTYPE_VALUE;
	vu[3].u.mem.ptr = (void *)value;
	vu[3].u.mem.size = value ? strlen(value) : 0;
	vu[4].vtype = RD_KAFKA_VTYPE_HEADERS;
	vu[4].u.headers = h;
	rd_kafka_error_t *e = rd_kafka_produceva(producer, vu, h != NULL ? 5 : 4);
	ck_assert_msg(e == NULL, "%s", e ? rd_kafka_error_string(e) : "");
	ck_assert_int_eq(rd_kafka_flush(producer, 10000), 0);
}

/* The same with a header h = "v" when header is not NULL. */
static void
produce(int32_t partition, const char *key, const char *value, const char *header)
{
	produce_header(partition, key, value, header, "v");
}

/* Messages are checked elsewhere (cli); here they would only be noise. */
static FILE *
quiet(void)
{
	static FILE *f;
	if (f == NULL)
		f = fopen("/dev/null", "w");
	return f;
}

struct reader {
	struct kafka_options ko;
	char *topics[1];
	struct output out;
	struct diag diag;
	volatile sig_atomic_t stop;
	struct kafkainput *k;
	int fd;
	FILE *err;  /* messages, when not quiet() */
	int quiet;  /* -q */
	int no_headers; /* records without their headers (nothing reads them) */
};

/* A reader whose messages go to err (NULL: nowhere), with -q or not. */
static struct kafkainput *
open_reader_with(struct reader *r, const char *checkpoint, size_t max_bytes, FILE *err, int q,
    int no_headers)
{
	memset(r, 0, sizeof *r);
	r->no_headers = no_headers;
	r->err = err;
	r->quiet = q;
	r->topics[0] = "t";
	r->ko.brokers = brokers;
	r->ko.topics.names = r->topics;
	r->ko.topics.n = 1;
	r->ko.exit_at_end = 1;
	r->fd = open(outpath, O_RDWR | O_APPEND | O_CREAT, 0644);
	ck_assert_int_ge(r->fd, 0);
	output_init(&r->out, r->fd, 1); /* every commit is written at once */
	diag_init(&r->diag, r->err != NULL ? r->err : quiet());
	struct kafkainput_config cfg = {&r->ko, checkpoint, 0, max_bytes, NULL, &r->stop, NULL, NULL, NULL,
	    r->quiet, !r->no_headers};
	r->k = kafkainput_open(&cfg, &r->out, &r->diag);
	return r->k;
}

static struct kafkainput *
open_reader_to(struct reader *r, const char *checkpoint, size_t max_bytes, FILE *err, int q)
{
	return open_reader_with(r, checkpoint, max_bytes, err, q, 0);
}

static struct kafkainput *
open_reader(struct reader *r, const char *checkpoint, size_t max_bytes)
{
	return open_reader_to(r, checkpoint, max_bytes, NULL, 0);
}

static void
close_reader(struct reader *r)
{
	if (r->k != NULL)
		ck_assert_int_eq(kafkainput_close(r->k), 0);
	output_free(&r->out);
	close(r->fd);
}

/* The rows of one record: "offset\n", committed and acknowledged. */
static void
handle(struct reader *r, const struct record *rec)
{
	char row[32];
	int n = snprintf(row, sizeof row, "%lu\n", rec->no);
	buf_append(&r->out.data, row, (size_t)n);
	ck_assert_int_eq(output_commit(&r->out, 1), 0);
	kafkainput_handled(r->k);
}

/* The record's fields as compact JSON, as kcat -J would print them. */
static char *
meta_text(const struct record *rec)
{
	return cJSON_PrintUnformatted(rec->meta);
}

/* Every field kcat -J prints, and the value bytes as they were sent. */
START_TEST(test_record_fields)
{
	produce(1, "{\"id\":1}", "{\"op\":\"c\"}", "h");
	produce(1, "{\"id\":1}", NULL, NULL);
	struct reader r;
	ck_assert_ptr_nonnull(open_reader(&r, NULL, 1000));
	struct record rec;
	ck_assert_int_eq(kafkainput_next(r.k, &rec), 1);
	char *m = meta_text(&rec);
	static const char head[] = "{\"topic\":\"t\",\"partition\":1,\"offset\":0,\"tstype\":\"create\",\"ts\":";
	ck_assert_msg(strncmp(m, head, strlen(head)) == 0, "meta: %s", m);
	ck_assert_msg(strstr(m, ",\"broker\":1,\"key\":\"{\\\"id\\\":1}\",\"headers\":[\"h\",\"v\"]}") != NULL, "meta: %s", m);
	free(m);
	ck_assert_uint_eq(rec.len, 10);
	ck_assert(memcmp(rec.p, "{\"op\":\"c\"}", 10) == 0);
	ck_assert_str_eq(rec.where, "t[1]");
	ck_assert_uint_eq(rec.no, 0);
	handle(&r, &rec);
	ck_assert_int_eq(kafkainput_next(r.k, &rec), 1);
	ck_assert_ptr_null(rec.p); /* a tombstone */
	ck_assert_uint_eq(rec.no, 1);
	m = meta_text(&rec);
	ck_assert_msg(strstr(m, "\"offset\":1,") != NULL && strstr(m, "headers") == NULL, "meta: %s", m);
	free(m);
	handle(&r, &rec);
	ck_assert_int_eq(kafkainput_next(r.k, &rec), 0); /* --exit-at-end */
	close_reader(&r);
}
END_TEST

/* Headers are left out when nothing reads them (the pipeline asks for
 * them with --meta headers or --state): the other fields are the same,
 * from one record to the next. */
START_TEST(test_headers_on_demand)
{
	produce(1, "{\"id\":1}", "{\"op\":\"c\"}", "h");
	produce(1, "{\"id\":2}", "{\"op\":\"c\"}", "h");
	struct reader r;
	ck_assert_ptr_nonnull(open_reader_with(&r, NULL, 1000, NULL, 0, 1));
	struct record rec;
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(kafkainput_next(r.k, &rec), 1);
		char *m = meta_text(&rec);
		char want[64];
		snprintf(want, sizeof want, ",\"broker\":1,\"key\":\"{\\\"id\\\":%d}\"}", i + 1);
		ck_assert_msg(strstr(m, want) != NULL && strstr(m, "headers") == NULL, "meta: %s", m);
		free(m);
		handle(&r, &rec);
	}
	ck_assert_int_eq(kafkainput_next(r.k, &rec), 0);
	close_reader(&r);
}
END_TEST

/* The messages of one run over t, with and without -q. */
static char *
assign_messages(int q)
{
	struct reader r;
	FILE *err = tmpfile();
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(open_reader_to(&r, NULL, 1000, err, q));
	struct record rec;
	while (kafkainput_next(r.k, &rec) == 1)
		handle(&r, &rec);
	close_reader(&r);
	static char text[4096];
	rewind(err);
	size_t n = fread(text, 1, sizeof text - 1, err);
	text[n] = '\0';
	fclose(err);
	return text;
}

/* -q silences the partition lines, and only them. */
START_TEST(test_quiet)
{
	produce(0, NULL, "{}", NULL);
	ck_assert_msg(strstr(assign_messages(0), "kafka: assigned t[0] from the beginning\n") != NULL, "%s",
	    assign_messages(0));
	ck_assert_str_eq(assign_messages(1), "");
}
END_TEST

START_TEST(test_oversize)
{
	produce(0, NULL, "{\"op\":\"c\",\"long\":true}", NULL);
	struct reader r;
	ck_assert_ptr_nonnull(open_reader(&r, NULL, 8));
	struct record rec;
	ck_assert_int_eq(kafkainput_next(r.k, &rec), 1);
	ck_assert(rec.oversize);
	ck_assert_ptr_null(rec.p);
	char *m = meta_text(&rec);
	ck_assert_msg(strstr(m, "\"key\":null") != NULL, "meta: %s", m);
	free(m);
	close_reader(&r);
}
END_TEST

/* --state: the partitions' progress reaches the store with the checkpoint,
 * so a partition that starts where the file ends keeps its images. */
START_TEST(test_state_progress)
{
	produce(0, NULL, "{}", NULL);
	produce(0, NULL, "{}", NULL);
	produce(1, NULL, "{}", NULL);
	char stdir[128], err[256] = "";
	snprintf(stdir, sizeof stdir, "%s/st", dir);
	struct state *st = state_open(stdir, 0, err, sizeof err);
	ck_assert_msg(st != NULL, "%s", err);
	struct reader r;
	ck_assert_ptr_nonnull(open_reader(&r, cppath, 1000));
	kafkainput_set_state(r.k, st); /* no group: every partition, from the beginning */
	struct record rec;
	int n = 0;
	while (kafkainput_next(r.k, &rec) == 1) {
		handle(&r, &rec);
		n++;
	}
	ck_assert_int_eq(n, 3);
	close_reader(&r);
	ck_assert_int_eq(state_close(st, 0, err, sizeof err), 0);
	st = state_open(stdir, 0, err, sizeof err);
	ck_assert_msg(st != NULL, "%s", err);
	int64_t was;
	long long dropped;
	ck_assert_int_eq(state_claim(st, "t", 0, 2, &was, &dropped), 1);
	ck_assert_int_eq(state_claim(st, "t", 1, 0, &was, &dropped), 0); /* not where it ended */
	ck_assert_int_eq(was, 1);
	ck_assert_int_eq(state_close(st, 0, err, sizeof err), 0);
	const char *names[] = {"state.sqlite", "state.sqlite-wal", "state.sqlite-shm", "lock"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[192];
		snprintf(path, sizeof path, "%s/%s", stdir, names[i]);
		unlink(path);
	}
	rmdir(stdir);
}
END_TEST

START_TEST(test_stop)
{
	produce(0, NULL, "{}", NULL);
	struct reader r;
	ck_assert_ptr_nonnull(open_reader(&r, NULL, 1000));
	r.stop = SIGTERM;
	struct record rec;
	ck_assert_int_eq(kafkainput_next(r.k, &rec), 0);
	close_reader(&r);
}
END_TEST

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* The file is the truth: cut back to its checkpoint, read from there, and
 * a checkpoint written once the rows of a record are in it. */
START_TEST(test_checkpoint_resume)
{
	for (int i = 0; i < 4; i++)
		produce(0, NULL, "{}", NULL);
	write_file(outpath, "0\n1\nrow of a record read again\n");
	write_file(cppath, "cdcpivot-offsets 1\nsize 4\nt\t0\t2\n");
	struct reader r;
	ck_assert_ptr_nonnull(open_reader(&r, cppath, 1000));
	size_t len;
	char *text = read_file(outpath, &len);
	assert_text_eq("cut back", text, len, "0\n1\n");
	free(text);
	struct record rec;
	ck_assert_int_eq(kafkainput_next(r.k, &rec), 1);
	ck_assert_uint_eq(rec.no, 2); /* the file's own position */
	handle(&r, &rec);
	ck_assert_int_eq(kafkainput_next(r.k, &rec), 1);
	ck_assert_uint_eq(rec.no, 3);
	text = read_file(cppath, &len);
	assert_text_eq("checkpoint after the rows of offset 2", text, len,
	    "cdcpivot-offsets 1\nsize 6\nt\t0\t3\n");
	free(text);
	/* Offset 3 is in hand, not handled: the end records it as unread. */
	close_reader(&r);
	text = read_file(cppath, &len);
	assert_text_eq("checkpoint at the end", text, len, "cdcpivot-offsets 1\nsize 6\nt\t0\t3\n");
	free(text);
	text = read_file(outpath, &len);
	assert_text_eq("file", text, len, "0\n1\n2\n");
	free(text);
}
END_TEST

/* The program reading t to its end (--exit-at-end) into --output
 * outpath, with one more option (opt NULL: none) and TSV when it has
 * one; what outpath holds then (free it). */
static char *
run_program(const char *opt, const char *arg, size_t *len)
{
	char *argv[] = {"cdcpivot", "--brokers", brokers, "--topic", "t", "--exit-at-end", "-q",
		"--output", outpath, "--format", "tsv", (char *)opt, (char *)arg, NULL};
	int argc = opt != NULL ? 13 : 9;
	argv[argc] = NULL;
	struct options o;
	char err[256];
	ck_assert_int_eq(options_parse(argc, argv, "0", &o, err, sizeof err), OPTIONS_RUN);
	volatile sig_atomic_t stop = 0;
	ck_assert_int_eq(pipeline_run(&o, STDOUT_FILENO, quiet(), &stop, NULL), 0);
	options_free(&o);
	return read_file(outpath, len);
}

/* The program's --output FILE keeps its positions in FILE.offsets, the
 * name README and the man page give (and the restart looks for). */
START_TEST(test_output_checkpoint_name)
{
	produce(0, NULL, "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},\"op\":\"c\"}", NULL);
	size_t len;
	char *text = run_program(NULL, NULL, &len);
	assert_text_eq("rows", text, len, "1,v,,a,,,,1970-01-01 00:00:00.000,c\n");
	free(text);
	text = read_file(cppath, &len);
	ck_assert_msg(text != NULL, "no checkpoint at %s", cppath);
	assert_text_eq("checkpoint", text, len, "cdcpivot-offsets 1\nsize 36\nt\t0\t1\n");
	free(text);
}
END_TEST

/* --state reads Debezium's key-change headers from records read with
 * --brokers (the reader fetches headers only for it): a row whose key
 * changes keeps its TOASTed value across the change. */
START_TEST(test_state_key_change_headers)
{
	produce(0, "{\"id\":1}", "{\"before\":null,\"after\":{\"id\":1,\"big\":\"long\"},"
	    "\"source\":{\"lsn\":10},\"op\":\"c\"}", NULL);
	produce_header(0, "{\"id\":1}", "{\"before\":{\"id\":1},\"after\":null,\"source\":{\"lsn\":20},"
	    "\"op\":\"d\"}", "__debezium.newkey", "{\"id\":2}");
	produce_header(0, "{\"id\":2}", "{\"before\":null,\"after\":{\"id\":2,"
	    "\"big\":\"__debezium_unavailable_value\"},\"source\":{\"lsn\":20},\"op\":\"c\"}",
	    "__debezium.oldkey", "{\"id\":1}");
	char statedir[300];
	snprintf(statedir, sizeof statedir, "%s/state", dir);
	size_t len;
	char *text = run_program("--state", statedir, &len);
	ck_assert_ptr_nonnull(text);
	/* the create under the new key: big is the value kept for the old one */
	ck_assert_msg(strstr(text, "2\tbig\t\\N\tlong\t") != NULL, "rows:\n%s", text);
	free(text);
	remove_tree(statedir);
}
END_TEST

/* A file shorter than its checkpoint was changed by something else. */
START_TEST(test_checkpoint_longer_than_file)
{
	write_file(outpath, "0\n");
	write_file(cppath, "cdcpivot-offsets 1\nsize 40\nt\t0\t2\n");
	struct reader r;
	ck_assert_ptr_null(open_reader(&r, cppath, 1000));
	close_reader(&r);
	size_t len;
	char *text = read_file(outpath, &len);
	assert_text_eq("file untouched", text, len, "0\n");
	free(text);
}
END_TEST

START_TEST(test_unknown_property)
{
	struct reader r;
	memset(&r, 0, sizeof r);
	const char *props[] = {"no.such.property=1"};
	r.topics[0] = "t";
	r.ko.brokers = brokers;
	r.ko.topics.names = r.topics;
	r.ko.topics.n = 1;
	r.ko.props = props;
	r.ko.nprops = 1;
	r.fd = open(outpath, O_RDWR | O_CREAT, 0644);
	output_init(&r.out, r.fd, 1);
	diag_init(&r.diag, quiet());
	struct kafkainput_config cfg = {&r.ko, NULL, 0, 1000, NULL, &r.stop, NULL, NULL, NULL, 0, 0};
	ck_assert_ptr_null(kafkainput_open(&cfg, &r.out, &r.diag));
	output_free(&r.out);
	close(r.fd);
}
END_TEST

Suite *
kafkainput_suite(void)
{
	Suite *s = suite_create("kafkainput");
	TCase *tc = tcase_create("mock cluster");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_record_fields);
	tcase_add_test(tc, test_headers_on_demand);
	tcase_add_test(tc, test_state_key_change_headers);
	tcase_add_test(tc, test_oversize);
	tcase_add_test(tc, test_quiet);
	tcase_add_test(tc, test_state_progress);
	tcase_add_test(tc, test_stop);
	tcase_add_test(tc, test_checkpoint_resume);
	tcase_add_test(tc, test_checkpoint_longer_than_file);
	tcase_add_test(tc, test_output_checkpoint_name);
	tcase_add_test(tc, test_unknown_property);
	suite_add_tcase(s, tc);
	return s;
}
