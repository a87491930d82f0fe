/* options.h: command line and SOURCE_DATE_EPOCH parsing. Every argv is a
 * mutable copy (getopt_long permutes it), NULL-terminated at argv[argc]. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_suites.h"
#include "options.h"

enum { MAXARGS = 16, ARGLEN = 64, ERRLEN = 256 };

struct args {
	char store[MAXARGS][ARGLEN];
	char *argv[MAXARGS + 1];
	int argc;
};

/* argv = {"cdcpivot", list..., NULL}; list is NULL-terminated. */
static void
args_build(struct args *a, const char *const *list)
{
	memset(a, 0, sizeof *a);
	strcpy(a->store[0], "cdcpivot");
	a->argv[a->argc++] = a->store[0];
	for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
		ck_assert_int_lt(a->argc, MAXARGS);
		ck_assert_uint_lt(strlen(list[i]), ARGLEN);
		strcpy(a->store[a->argc], list[i]);
		a->argv[a->argc] = a->store[a->argc];
		a->argc++;
	}
	a->argv[a->argc] = NULL;
}

static enum options_action
parse(struct args *a, const char *const *list, const char *sde, struct options *o, char *err)
{
	args_build(a, list);
	memset(err, 'E', ERRLEN);
	err[ERRLEN - 1] = '\0';
	return options_parse(a->argc, a->argv, sde, o, err, ERRLEN);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void
assert_names(const struct namelist *l, const char *const *want, size_t n)
{
	ck_assert_uint_eq(l->n, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(l->names[i], want[i]);
}

/* ---- core ---- */

START_TEST(defaults)
{
	struct args a;
	struct options o;
	char err[ERRLEN];
	ck_assert_int_eq(parse(&a, NULL, NULL, &o, err), OPTIONS_RUN);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(o.format, FORMAT_CSV);
	ck_assert_str_eq(o.sql_table, "holding_pivot");
	ck_assert_str_eq(o.unavailable, "__debezium_unavailable_value");
	ck_assert_uint_eq(o.max_line_bytes, 67108864);
	ck_assert_uint_eq(o.ids.n, 0);
	ck_assert_uint_eq(o.fields.n, 0);
	ck_assert_int_eq(o.header, 0);
	ck_assert_int_eq(o.unchanged, 0);
	ck_assert_int_eq(o.strict, 0);
	ck_assert_int_eq(o.unbuffered, 0);
	ck_assert_int_eq(o.quiet, 0);
	ck_assert_int_eq(o.stats, 0);
	ck_assert_ptr_null(o.dead_letter);
	ck_assert_int_eq(o.inserted_fixed, 0);
	ck_assert_int_eq(o.nfiles, 0);
	options_free(&o);
}
END_TEST

START_TEST(flags_and_values)
{
	struct args a;
	struct options o;
	char err[ERRLEN];
	ck_assert_int_eq(parse(&a,
	                     ARGS("--header", "--unchanged", "--strict", "-u", "-q", "--stats",
	                         "--dead-letter", "bad.jsonl", "--sql-table", "t1",
	                         "--unavailable-value", "??"),
	                     NULL, &o, err),
	    OPTIONS_RUN);
	ck_assert_int_eq(o.header, 1);
	ck_assert_int_eq(o.unchanged, 1);
	ck_assert_int_eq(o.strict, 1);
	ck_assert_int_eq(o.unbuffered, 1);
	ck_assert_int_eq(o.quiet, 1);
	ck_assert_int_eq(o.stats, 1);
	ck_assert_str_eq(o.dead_letter, "bad.jsonl");
	ck_assert_str_eq(o.sql_table, "t1");
	ck_assert_str_eq(o.unavailable, "??");
	ck_assert_int_eq(o.nfiles, 0);
	options_free(&o);
}
END_TEST

START_TEST(long_flags_and_bundles)
{
	struct args a;
	struct options o;
	char err[ERRLEN];
	ck_assert_int_eq(parse(&a, ARGS("-qu"), NULL, &o, err), OPTIONS_RUN);
	ck_assert_int_eq(o.quiet, 1);
	ck_assert_int_eq(o.unbuffered, 1);
	options_free(&o);

	ck_assert_int_eq(parse(&a, ARGS("--quiet", "--unbuffered", "--format=tsv", "--id=k"), NULL,
	                     &o, err),
	    OPTIONS_RUN);
	ck_assert_int_eq(o.quiet, 1);
	ck_assert_int_eq(o.unbuffered, 1);
	ck_assert_int_eq(o.format, FORMAT_TSV);
	assert_names(&o.ids, ARGS("k"), 1);
	options_free(&o);
}
END_TEST

static const struct {
	const char *arg;
	enum format want;
} format_cases[] = {
	{"csv", FORMAT_CSV},
	{"tsv", FORMAT_TSV},
	{"jsonl", FORMAT_JSONL},
	{"sql", FORMAT_SQL},
};

START_TEST(format_names)
{
	struct args a;
	struct options o;
	char err[ERRLEN];
	/* Start from another format so the default cannot pass for csv. */
	const char *other = format_cases[_i].want == FORMAT_SQL ? "tsv" : "sql";
	ck_assert_int_eq(parse(&a, ARGS("--format", other, "--format", format_cases[_i].arg), NULL,
	                     &o, err),
	    OPTIONS_RUN);
	ck_assert_int_eq(o.format, format_cases[_i].want);
	options_free(&o);
}
END_TEST

START_TEST(header_with_csv_and_tsv)
{
	struct args a;
	struct options o;
	char err[ERRLEN];
	ck_assert_int_eq(parse(&a, ARGS("--header", "--format", "tsv"), NULL, &o, err), OPTIONS_RUN);
	ck_assert_int_eq(o.header, 1);
	ck_assert_int_eq(o.format, FORMAT_TSV);
	options_free(&o);
	ck_assert_int_eq(parse(&a, ARGS("--format", "csv", "--header"), NULL, &o, err), OPTIONS_RUN);
	ck_assert_int_eq(o.header, 1);
	options_free(&o);
}
END_TEST

/* Comma lists, blanks around names trimmed. */
static const struct {
	const char *opt;
	const char *arg;
	size_t n;
	const char *want[4];
} list_cases[] = {
	{"--id", "id", 1, {"id"}},
	{"--id", "a,b,c", 3, {"a", "b", "c"}},
	{"--id", " a , b\t,\tc ", 3, {"a", "b", "c"}},
	{"--id", "first name,last", 2, {"first name", "last"}},
	{"--fields", "x", 1, {"x"}},
	{"--fields", "qty ,price", 2, {"qty", "price"}},
	{"--fields", "A,a", 2, {"A", "a"}}, /* case matters */
	{"--fields", "ab,a", 2, {"ab", "a"}},
};

START_TEST(name_lists)
{
	struct args a;
	struct options o;
	char err[ERRLEN];
	ck_assert_int_eq(parse(&a, ARGS(list_cases[_i].opt, list_cases[_i].arg), NULL, &o, err),
	    OPTIONS_RUN);
	const struct namelist *l = strcmp(list_cases[_i].opt, "--id") == 0 ? &o.ids : &o.fields;
	const struct namelist *other = l == &o.ids ? &o.fields : &o.ids;
	assert_names(l, list_cases[_i].want, list_cases[_i].n);
	ck_assert_uint_eq(other->n, 0);
	options_free(&o);
}
END_TEST

START_TEST(ids_and_fields_together)
{
	struct args a;
	struct options o;
	char err[ERRLEN];
	ck_assert_int_eq(parse(&a, ARGS("--id", "tenant,id", "--fields", "qty,price"), NULL, &o, err),
	    OPTIONS_RUN);
	assert_names(&o.ids, ARGS("tenant", "id"), 2);
	assert_names(&o.fields, ARGS("qty", "price"), 2);
	options_free(&o);
}
END_TEST

static const struct {
	const char *arg;
	size_t want;
} size_cases[] = {
	{"1", 1},
	{"100", 100},
	{"1K", 1024},
	{"1k", 1024},
	{"10K", 10240},
	{"2M", 2097152},
	{"64m", 67108864},
	{"1G", 1073741824},
	{"3g", 3221225472u},
};

START_TEST(max_line_sizes)
{
	struct args a;
	struct options o;
	char err[ERRLEN];
	ck_assert_int_eq(parse(&a, ARGS("--max-line-bytes", size_cases[_i].arg), NULL, &o, err),
	    OPTIONS_RUN);
	ck_assert_uint_eq(o.max_line_bytes, size_cases[_i].want);
	options_free(&o);
}
END_TEST

static const struct {
	const char *args[6];
	enum options_action want;
} action_cases[] = {
	{{"-h"}, OPTIONS_HELP},
	{{"--help"}, OPTIONS_HELP},
	{{"-q", "-h", "file"}, OPTIONS_HELP},
	{{"-V"}, OPTIONS_VERSION},
	{{"--version"}, OPTIONS_VERSION},
	{{"--id", "a", "-V"}, OPTIONS_VERSION},
};

START_TEST(help_and_version)
{
	struct args a;
	struct options o;
	char err[ERRLEN];
	ck_assert_int_eq(parse(&a, action_cases[_i].args, NULL, &o, err), action_cases[_i].want);
	options_free(&o);
}
END_TEST

/* ---- operands ---- */

static const struct {
	const char *name;
	const char *args[10];
	int nfiles;
	const char *files[5];
	size_t nids;
} operand_cases[] = {
	{"only operands", {"a.jsonl", "b.jsonl"}, 2, {"a.jsonl", "b.jsonl"}, 0},
	{"after options", {"--id", "k", "-q", "a.jsonl"}, 1, {"a.jsonl"}, 1},
	{"GNU permutation", {"a.jsonl", "--id", "k", "b.jsonl", "-q"}, 2, {"a.jsonl", "b.jsonl"}, 1},
	{"stdin as '-'", {"-", "--id", "k"}, 1, {"-"}, 1},
	{"after --", {"-q", "--", "-h", "--id", "x"}, 3, {"-h", "--id", "x"}, 0},
	{"around --", {"a", "--id", "k", "--", "--format", "b"}, 3, {"a", "--format", "b"}, 1},
	{"only --", {"--"}, 0, {NULL}, 0},
};

START_TEST(operands)
{
	struct args a;
	struct options o;
	char err[ERRLEN];
	ck_assert_msg(parse(&a, operand_cases[_i].args, NULL, &o, err) == OPTIONS_RUN, "%s: %s",
	    operand_cases[_i].name, err);
	ck_assert_int_eq(o.nfiles, operand_cases[_i].nfiles);
	for (int k = 0; k < o.nfiles; k++)
		ck_assert_str_eq(o.files[k], operand_cases[_i].files[k]);
	ck_assert_ptr_null(o.files[o.nfiles]); /* files stays NULL-terminated */
	ck_assert_uint_eq(o.ids.n, operand_cases[_i].nids);
	if (operand_cases[_i].nids > 0)
		ck_assert_str_eq(o.ids.names[0], "k");
	options_free(&o);
}
END_TEST

/* options_parse may be called again: getopt state is reset each time. */
START_TEST(parse_twice)
{
	struct args a1, a2;
	struct options o;
	char err[ERRLEN];
	ck_assert_int_eq(parse(&a1, ARGS("--id", "k", "x", "y", "z"), NULL, &o, err), OPTIONS_RUN);
	ck_assert_int_eq(o.nfiles, 3);
	options_free(&o);
	ck_assert_int_eq(parse(&a2, ARGS("--format", "jsonl", "in"), NULL, &o, err), OPTIONS_RUN);
	ck_assert_int_eq(o.format, FORMAT_JSONL);
	ck_assert_uint_eq(o.ids.n, 0);
	ck_assert_int_eq(o.nfiles, 1);
	ck_assert_str_eq(o.files[0], "in");
	options_free(&o);
	ck_assert_int_eq(parse(&a1, ARGS("-x"), NULL, &o, err), OPTIONS_USAGE_ERROR);
	options_free(&o);
	ck_assert_int_eq(parse(&a2, ARGS("-q", "f"), NULL, &o, err), OPTIONS_RUN);
	ck_assert_int_eq(o.quiet, 1);
	ck_assert_int_eq(o.nfiles, 1);
	options_free(&o);
}
END_TEST

/* ---- SOURCE_DATE_EPOCH ---- */

static const struct {
	const char *env;
	int64_t ms;
} epoch_cases[] = {
	{"0", 0},
	{"1", 1000},
	{"1600300000", INT64_C(1600300000000)},
	{"4102444800", INT64_C(4102444800000)},
};

/* An empty SOURCE_DATE_EPOCH counts as unset: the clock is used. */
START_TEST(source_date_epoch_empty)
{
	struct args a;
	struct options o;
	char err[ERRLEN];
	ck_assert_int_eq(parse(&a, NULL, "", &o, err), OPTIONS_RUN);
	ck_assert_int_eq(o.inserted_fixed, 0);
	options_free(&o);
}
END_TEST

START_TEST(source_date_epoch)
{
	struct args a;
	struct options o;
	char err[ERRLEN];
	ck_assert_int_eq(parse(&a, NULL, epoch_cases[_i].env, &o, err), OPTIONS_RUN);
	ck_assert_int_eq(o.inserted_fixed, 1);
	ck_assert_int_eq(o.inserted_ms, epoch_cases[_i].ms);
	options_free(&o);
}
END_TEST

/* ---- usage errors ---- */

static const struct {
	const char *args[6];
	const char *sde;
	const char *snippets[3]; /* each must be in the message */
} error_cases[] = {
	/* name lists */
	{{"--id", "a,,b"}, NULL, {"--id", "empty"}},
	{{"--fields", "a,,b"}, NULL, {"--fields", "empty"}},
	{{"--id", ""}, NULL, {"--id", "empty"}},
	{{"--id", ",a"}, NULL, {"--id", "empty"}},
	{{"--id", "a,"}, NULL, {"--id", "empty"}},
	{{"--fields", "a, ,b"}, NULL, {"--fields", "empty"}},
	{{"--id", "a,b,a"}, NULL, {"--id", "'a'", "twice"}},
	{{"--fields", "x, x"}, NULL, {"--fields", "'x'", "twice"}},
	{{"--id", "k", "--fields", "a,k"}, NULL, {"'k'", "--id", "--fields"}},
	{{"--fields", "a,k", "--id", "b,k"}, NULL, {"'k'", "--id", "--fields"}},
	/* format and header */
	{{"--format", "xml"}, NULL, {"--format", "'xml'"}},
	{{"--format", ""}, NULL, {"--format"}},
	{{"--format", "csv,tsv"}, NULL, {"--format"}},
	{{"--header", "--format", "jsonl"}, NULL, {"--header"}},
	{{"--format", "sql", "--header"}, NULL, {"--header"}},
	{{"--sql-table", ""}, NULL, {"--sql-table"}},
	/* sizes */
	{{"--max-line-bytes", "0"}, NULL, {"--max-line-bytes", "'0'"}},
	{{"--max-line-bytes", "0K"}, NULL, {"--max-line-bytes"}},
	{{"--max-line-bytes", "abc"}, NULL, {"--max-line-bytes", "'abc'"}},
	{{"--max-line-bytes", ""}, NULL, {"--max-line-bytes"}},
	{{"--max-line-bytes", "-1"}, NULL, {"--max-line-bytes"}},
	{{"--max-line-bytes", "+5"}, NULL, {"--max-line-bytes"}},
	{{"--max-line-bytes", " 5"}, NULL, {"--max-line-bytes"}},
	{{"--max-line-bytes", "5 "}, NULL, {"--max-line-bytes"}},
	{{"--max-line-bytes", "1T"}, NULL, {"--max-line-bytes"}},
	{{"--max-line-bytes", "1KB"}, NULL, {"--max-line-bytes"}},
	{{"--max-line-bytes", "1.5M"}, NULL, {"--max-line-bytes"}},
	{{"--max-line-bytes", "99999999999999999999"}, NULL, {"--max-line-bytes"}},
	{{"--max-line-bytes", "99999999999G"}, NULL, {"--max-line-bytes"}},
	/* unknown options and missing arguments */
	{{"--bogus"}, NULL, {"unknown option", "--bogus"}},
	{{"-x"}, NULL, {"unknown option", "-x"}},
	{{"-qz"}, NULL, {"unknown option", "-z"}},
	{{"--id"}, NULL, {"--id", "requires an argument"}},
	{{"--fields"}, NULL, {"--fields", "requires an argument"}},
	{{"--format"}, NULL, {"--format", "requires an argument"}},
	{{"-q", "--max-line-bytes"}, NULL, {"--max-line-bytes", "requires an argument"}},
	{{"--dead-letter"}, NULL, {"--dead-letter", "requires an argument"}},
	{{"--header=yes"}, NULL, {"--header"}},
	/* output columns with one name twice (header, JSON, CREATE TABLE) */
	{{"--id", "change_field"}, NULL, {"--id", "'change_field'", "a column cdcpivot adds"}},
	{{"--id", "a,crud_type"}, NULL, {"--id", "'crud_type'"}},
	{{"--id", "lsn", "--meta", "lsn"}, NULL, {"--id", "'lsn'", "--meta"}},
	{{"--with-table", "--id", "table"}, NULL, {"--id", "'table'", "--with-table"}},
	{{"--unavailable-value", ""}, NULL, {"--unavailable-value", "empty"}},
	{{"--table", ""}, NULL, {"--table", "empty pattern"}},
	/* --upsert needs a position that tells two changes of a field apart */
	{{"--format", "sql", "--upsert"}, NULL, {"--upsert", "--meta", "lsn"}},
	{{"--format", "sql", "--upsert", "--meta", "ts,txid"}, NULL, {"--upsert", "topic,partition,offset"}},
	{{"--format", "sql", "--upsert", "--meta", "topic,offset"}, NULL, {"--upsert"}},
	/* reading Kafka itself */
	{{"--brokers", "h:1"}, NULL, {"--brokers needs --topic"}},
	{{"--topic", "t"}, NULL, {"--topic needs --brokers"}},
	{{"--group", "g"}, NULL, {"--group needs --brokers"}},
	{{"--exit-at-end"}, NULL, {"--exit-at-end needs --brokers"}},
	{{"-X", "a=b"}, NULL, {"-X needs --brokers"}},
	{{"--brokers", "h:1", "--topic", "t", "-X", "novalue"}, NULL, {"-X", "key=value", "'novalue'"}},
	{{"--brokers", "h:1", "--topic", "t", "-X", "=v"}, NULL, {"-X", "'=v'"}},
	{{"--brokers", "h:1", "--topic", "t", "file.jsonl"}, NULL, {"--brokers", "'file.jsonl'"}},
	{{"--brokers", "", "--topic", "t"}, NULL, {"--brokers", "empty"}},
	{{"--brokers", "h:1", "--topic", "t", "--group", ""}, NULL, {"--group", "empty"}},
	{{"--brokers", "h:1", "--topic", "t,t"}, NULL, {"--topic", "given twice"}},
	{{"--brokers", "h:1", "--topic"}, NULL, {"--topic", "requires an argument"}},
	/* SOURCE_DATE_EPOCH */
	{{NULL}, "abc", {"SOURCE_DATE_EPOCH", "'abc'"}},
	{{NULL}, "12abc", {"SOURCE_DATE_EPOCH", "'12abc'"}},
	{{NULL}, "1.5", {"SOURCE_DATE_EPOCH"}},
	{{NULL}, "99999999999999999999", {"SOURCE_DATE_EPOCH"}},
	{{"--id", "k"}, "x", {"SOURCE_DATE_EPOCH"}},
};

START_TEST(usage_errors)
{
	struct args a;
	struct options o;
	char err[ERRLEN];
	enum options_action act = parse(&a, error_cases[_i].args, error_cases[_i].sde, &o, err);
	ck_assert_msg(act == OPTIONS_USAGE_ERROR, "case %d (%s ...): action %d, want usage error",
	    _i, error_cases[_i].args[0] ? error_cases[_i].args[0] : "SOURCE_DATE_EPOCH", (int)act);
	ck_assert_msg(err[0] != '\0', "no message");
	ck_assert_msg(strchr(err, '\n') == NULL, "message is not one line: '%s'", err);
	ck_assert_msg(strncmp(err, "cdcpivot", 8) != 0, "message has the program name: '%s'", err);
	for (int k = 0; k < 3 && error_cases[_i].snippets[k] != NULL; k++)
		ck_assert_msg(strstr(err, error_cases[_i].snippets[k]) != NULL,
		    "message '%s' lacks '%s'", err, error_cases[_i].snippets[k]);
	options_free(&o); /* safe after an error, and frees what was parsed */
}
END_TEST

START_TEST(kafka_options)
{
	struct args a;
	struct options o;
	char err[ERRLEN];
	ck_assert_int_eq(parse(&a, ARGS("--brokers", "h:1,h:2", "--group", "g", "--topic", "a,b",
	                     "--topic", "c", "-X", "fetch.wait.max.ms=10", "-Xclient.id=x",
	                     "--exit-at-end", "--id", "k"),
	                     NULL, &o, err),
	    OPTIONS_RUN);
	ck_assert_str_eq(o.kafka.brokers, "h:1,h:2");
	ck_assert_str_eq(o.kafka.group, "g");
	assert_names(&o.kafka.topics, (const char *const[]){"a", "b", "c"}, 3);
	ck_assert_uint_eq(o.kafka.nprops, 2);
	ck_assert_str_eq(o.kafka.props[0], "fetch.wait.max.ms=10");
	ck_assert_str_eq(o.kafka.props[1], "client.id=x");
	ck_assert(o.kafka.exit_at_end);
	ck_assert_int_eq(o.nfiles, 0);
	options_free(&o);
	/* Not given: lines from stdin, as before. */
	ck_assert_int_eq(parse(&a, ARGS("--id", "k"), NULL, &o, err), OPTIONS_RUN);
	ck_assert_ptr_null(o.kafka.brokers);
	ck_assert_uint_eq(o.kafka.topics.n, 0);
	options_free(&o);
	/* --upsert takes the Kafka position. */
	ck_assert_int_eq(parse(&a, ARGS("--brokers", "h:1", "--topic", "t", "--format", "sql", "--upsert",
	                     "--meta", "topic,partition,offset"),
	                     NULL, &o, err),
	    OPTIONS_RUN);
	options_free(&o);
}
END_TEST

/* A short err buffer is truncated, not overrun. */
START_TEST(error_message_truncated)
{
	struct args a;
	struct options o;
	char err[16];
	memset(err, 'E', sizeof err);
	args_build(&a, ARGS("--format", "a-very-long-unknown-format-name"));
	ck_assert_int_eq(options_parse(a.argc, a.argv, NULL, &o, err, 8), OPTIONS_USAGE_ERROR);
	ck_assert_uint_eq(strlen(err), 7);
	for (size_t k = 8; k < sizeof err; k++)
		ck_assert_int_eq(err[k], 'E');
	options_free(&o);
}
END_TEST

START_TEST(help_text_matches_synopsis)
{
	/* The synopsis starts with the usage line and ends in a newline; the
	 * help text names every long option. */
	ck_assert_int_eq(strncmp(options_synopsis, "usage: cdcpivot ", 16), 0);
	size_t n = strlen(options_synopsis);
	ck_assert_int_eq(options_synopsis[n - 1], '\n');
	static const char *const longs[] = {"--id", "--fields", "--format", "--header",
	    "--sql-table", "--unchanged", "--unavailable-value", "--strict", "--dead-letter",
	    "--max-line-bytes", "--unbuffered", "--stats", "--quiet", "--help", "--version"};
	for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++)
		ck_assert_msg(strstr(options_help, longs[i]) != NULL, "--help lacks %s", longs[i]);
}
END_TEST

Suite *
options_suite(void)
{
	Suite *s = suite_create("options");

	TCase *tc = tcase_create("core");
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, flags_and_values);
	tcase_add_test(tc, long_flags_and_bundles);
	tcase_add_loop_test(tc, format_names, 0, (int)(sizeof format_cases / sizeof format_cases[0]));
	tcase_add_test(tc, header_with_csv_and_tsv);
	tcase_add_loop_test(tc, name_lists, 0, (int)(sizeof list_cases / sizeof list_cases[0]));
	tcase_add_test(tc, ids_and_fields_together);
	tcase_add_loop_test(tc, max_line_sizes, 0, (int)(sizeof size_cases / sizeof size_cases[0]));
	tcase_add_loop_test(tc, help_and_version, 0,
	    (int)(sizeof action_cases / sizeof action_cases[0]));
	tcase_add_test(tc, help_text_matches_synopsis);
	suite_add_tcase(s, tc);

	tc = tcase_create("operands");
	tcase_add_loop_test(tc, operands, 0, (int)(sizeof operand_cases / sizeof operand_cases[0]));
	tcase_add_test(tc, parse_twice);
	suite_add_tcase(s, tc);

	tc = tcase_create("environment");
	tcase_add_test(tc, source_date_epoch_empty);
	tcase_add_loop_test(tc, source_date_epoch, 0,
	    (int)(sizeof epoch_cases / sizeof epoch_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("usage_errors");
	tcase_add_loop_test(tc, usage_errors, 0, (int)(sizeof error_cases / sizeof error_cases[0]));
	tcase_add_test(tc, kafka_options);
	tcase_add_test(tc, error_message_truncated);
	suite_add_tcase(s, tc);
	return s;
}
