#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "optrules.h"

const char options_synopsis[] =
    "usage: cdcpivot [-hquV] [--bytes hex|base64] [--dead-letter file] [--ddl]\n"
    "                [--dedup n] [--fields list] [--format fmt] [--fsync] [--header]\n"
    "                [--id list] [--max-line-bytes n] [--meta list] [--output file]\n"
    "                [--sql-table name] [--state dir] [--stats] [--strict]\n"
    "                [--table pattern] [--unavailable-value text] [--unchanged]\n"
    "                [--upsert] [--with-table] [file ...]\n"
    "       cdcpivot --brokers host:port[,...] --topic name [--topic name ...]\n"
    "                [--group id] [--exit-at-end] [-X key=value ...] [option ...]\n";

const char *const options_meta_names[] = {"lsn", "txid", "ts", "topic", "partition", "offset",
	"old_source", NULL};

const char options_help[] =
    "cdcpivot - pivot Debezium change events into a field-level change log\n"
    "\n"
    "Reads one Kafka record value per line (Debezium JSON, schemas on or off,\n"
    "key<TAB>value lines, kcat -J envelopes) from the files or stdin and writes\n"
    "one row per changed column to stdout.\n"
    "\n"
    "  --id LIST              columns copied into every row (default: the record\n"
    "                         key's fields, else the first column of the row)\n"
    "  --fields LIST          tracked columns (default: every column not in --id)\n"
    "  --format FMT           csv (default), tsv (PostgreSQL COPY text), jsonl, sql\n"
    "  --header               print a header line first (csv, tsv)\n"
    "  --table PATTERN        only events of matching schema.table (glob; repeatable,\n"
    "                         or comma-separated)\n"
    "  --with-table           add a leading \"table\" column\n"
    "  --meta LIST            append provenance columns:\n"
    "                         lsn,txid,ts,topic,partition,offset,old_source\n"
    "                         (old_source: where old_value came from, before,\n"
    "                         state or unknown)\n"
    "  --bytes hex|base64     bytes columns as PostgreSQL's \\x00ff (default) or base64\n"
    "  --upsert               sql: INSERT ... ON CONFLICT DO NOTHING on ids,\n"
    "                         change_field and the change's position (needs\n"
    "                         --meta lsn, or --meta topic,partition,offset)\n"
    "  --ddl                  sql: CREATE TABLE IF NOT EXISTS first (needs --id; the\n"
    "                         unique key only with --upsert)\n"
    "  --dedup N              drop events already seen among the last N distinct ones\n"
    "                         (at most 40 bytes of memory each)\n"
    "  --output FILE          append rows to FILE instead of stdout (part of a row\n"
    "                         left at its end by a killed run is cut off first)\n"
    "  --fsync                fsync FILE after every write (with --output)\n"
    "  --sql-table NAME       table for --format sql (default: holding_pivot)\n"
    "  --state DIR            keep the last image of every row in DIR (SQLite): old\n"
    "                         values for tables without REPLICA IDENTITY FULL, TOAST\n"
    "                         placeholders filled in, replayed changes skipped\n"
    "  --unchanged            on updates, also print fields that did not change\n"
    "  --unavailable-value T  Debezium's unavailable.value.placeholder\n"
    "                         (default: __debezium_unavailable_value)\n"
    "  --strict               stop at the first rejected line\n"
    "  --dead-letter FILE     append every rejected line to FILE\n"
    "  --max-line-bytes N     reject longer lines unread (default: 67108864)\n"
    "  -u, --unbuffered       flush after every event\n"
    "\n"
    "Reading Kafka itself (instead of files or stdin):\n"
    "  --brokers LIST         bootstrap servers, host:port[,...]\n"
    "  --topic NAME           topic to read (repeatable)\n"
    "  --group ID             join consumer group ID; an offset is committed only\n"
    "                         after every row of its record is written (with\n"
    "                         --fsync, on disk). Without --group: every partition\n"
    "                         from the beginning, nothing committed\n"
    "  --exit-at-end          stop once every assigned partition is read to its end\n"
    "  -X KEY=VALUE           a librdkafka property (repeatable)\n"
    "  With --output FILE, FILE.offsets records the position of every partition\n"
    "  in FILE: a restart resumes there, each row exactly once in FILE.\n"
    "\n"
    "  --stats                also print the summary when input pauses (at most 1/s)\n"
    "  -q, --quiet            no summary line at exit, nor (--brokers) lines naming\n"
    "                         partitions as they are assigned, revoked or lost\n"
    "  -h, --help             this text\n"
    "  -V, --version          version of cdcpivot and cJSON\n"
    "\n"
    "Exit status: 0 all lines handled, 1 some lines rejected, 2 usage error, I/O\n"
    "error or out of memory, 128+N stopped by signal N (SIGINT, SIGTERM), 141 the\n"
    "reader of the output went away (SIGPIPE).\n"
    "See cdcpivot(1).\n";

static void
namelist_free(struct namelist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	l->names = NULL;
	l->n = 0;
}

/* Splits "a,b , c" into names and appends them to l (a repeated --table
 * accumulates; callers that replace free l first); rejects empty names and
 * duplicates. what names an entry in messages ("column", "pattern"). */
static int
namelist_parse(struct namelist *l, const char *arg, const char *opt, const char *what, char *err,
    size_t errlen)
{
	const char *p = arg;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 0) {
			snprintf(err, errlen, "%s: empty %s in '%s'", opt, what, arg);
			return -1;
		}
		for (size_t i = 0; i < l->n; i++) {
			if (strlen(l->names[i]) == n && memcmp(l->names[i], p, n) == 0) {
				snprintf(err, errlen, "%s: '%.*s' given twice", opt, (int)n, p);
				return -1;
			}
		}
		l->names = xrealloc(l->names, (l->n + 1) * sizeof *l->names);
		l->names[l->n++] = xstrndup(p, n);
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static int
parse_size(const char *s, size_t *out)
{
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || v == 0)
		return -1;
	unsigned long long mul = 1;
	if (*end == 'K' || *end == 'k')
		mul = 1024ULL, end++;
	else if (*end == 'M' || *end == 'm')
		mul = 1024ULL * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mul = 1024ULL * 1024 * 1024, end++;
	if (*end != '\0' || v > ((size_t)-1 / 2) / mul)
		return -1;
	*out = (size_t)(v * mul);
	return 0;
}

/* ---- one setter per option ---- */

typedef int option_setter(struct options *o, const char *arg, char *err, size_t errlen);

static int
set_bytes(struct options *o, const char *arg, char *err, size_t errlen)
{
	if (strcmp(arg, "hex") == 0 || strcmp(arg, "base64") == 0) {
		o->bytes_hex = arg[0] == 'h';
		return 0;
	}
	snprintf(err, errlen, "--bytes: unknown encoding '%s' (hex, base64)", arg);
	return -1;
}

static int
set_dedup(struct options *o, const char *arg, char *err, size_t errlen)
{
	if (parse_size(arg, &o->dedup) == 0 && o->dedup <= 100000000)
		return 0;
	snprintf(err, errlen, "--dedup: not a window size from 1 to 100000000: '%s'", arg);
	return -1;
}

static int
set_meta(struct options *o, const char *arg, char *err, size_t errlen)
{
	namelist_free(&o->meta); /* the last --meta wins */
	if (namelist_parse(&o->meta, arg, "--meta", "column name", err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < o->meta.n; i++) {
		size_t k = 0;
		while (options_meta_names[k] && strcmp(options_meta_names[k], o->meta.names[i]))
			k++;
		if (options_meta_names[k] == NULL) {
			snprintf(err, errlen,
			    "--meta: unknown column '%s' (lsn, txid, ts, topic, partition, offset, old_source)",
			    o->meta.names[i]);
			return -1;
		}
	}
	return 0;
}

static int
set_tables(struct options *o, const char *arg, char *err, size_t errlen)
{
	return namelist_parse(&o->tables, arg, "--table", "pattern", err, errlen);
}

static int
set_fields(struct options *o, const char *arg, char *err, size_t errlen)
{
	namelist_free(&o->fields); /* the last --fields wins */
	return namelist_parse(&o->fields, arg, "--fields", "column name", err, errlen);
}

static int
set_ids(struct options *o, const char *arg, char *err, size_t errlen)
{
	namelist_free(&o->ids); /* the last --id wins */
	return namelist_parse(&o->ids, arg, "--id", "column name", err, errlen);
}

static int
set_format(struct options *o, const char *arg, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		enum format format;
	} formats[] = {{"csv", FORMAT_CSV}, {"tsv", FORMAT_TSV}, {"jsonl", FORMAT_JSONL}, {"sql", FORMAT_SQL}};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(arg, formats[i].name) == 0) {
			o->format = formats[i].format;
			return 0;
		}
	snprintf(err, errlen, "--format: unknown format '%s' (csv, tsv, jsonl, sql)", arg);
	return -1;
}

static int
set_max_line(struct options *o, const char *arg, char *err, size_t errlen)
{
	if (parse_size(arg, &o->max_line_bytes) == 0)
		return 0;
	snprintf(err, errlen, "--max-line-bytes: not a positive size: '%s'", arg);
	return -1;
}

static int
set_sql_table(struct options *o, const char *arg, char *err, size_t errlen)
{
	if (arg[0] == '\0') {
		snprintf(err, errlen, "--sql-table: empty table name");
		return -1;
	}
	o->sql_table = arg;
	return 0;
}

static int
set_unavailable(struct options *o, const char *arg, char *err, size_t errlen)
{
	if (arg[0] == '\0') {
		/* Every change to an empty string would look TOASTed. */
		snprintf(err, errlen, "--unavailable-value: empty placeholder");
		return -1;
	}
	o->unavailable = arg;
	return 0;
}

static int
set_state(struct options *o, const char *arg, char *err, size_t errlen)
{
	if (arg[0] == '\0') {
		snprintf(err, errlen, "--state: empty directory name");
		return -1;
	}
	o->state_dir = arg;
	return 0;
}

static int
set_string(const char **field, const char *arg)
{
	*field = arg;
	return 0;
}

static int
set_output(struct options *o, const char *arg, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	return set_string(&o->output, arg);
}

static int
set_dead_letter(struct options *o, const char *arg, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	return set_string(&o->dead_letter, arg);
}

/* The Kafka input's options (struct kafka_options). */
static int
set_brokers(struct options *o, const char *arg, char *err, size_t errlen)
{
	if (arg[0] == '\0') {
		snprintf(err, errlen, "--brokers: empty list");
		return -1;
	}
	o->kafka.brokers = arg;
	return 0;
}

static int
set_group(struct options *o, const char *arg, char *err, size_t errlen)
{
	if (arg[0] == '\0') {
		snprintf(err, errlen, "--group: empty group id");
		return -1;
	}
	o->kafka.group = arg;
	return 0;
}

static int
set_topics(struct options *o, const char *arg, char *err, size_t errlen)
{
	return namelist_parse(&o->kafka.topics, arg, "--topic", "topic", err, errlen);
}

static int
set_property(struct options *o, const char *arg, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	if (eq == NULL || eq == arg) {
		snprintf(err, errlen, "-X: not key=value: '%s'", arg);
		return -1;
	}
	struct kafka_options *k = &o->kafka;
	k->props = xrealloc(k->props, (k->nprops + 1) * sizeof *k->props);
	k->props[k->nprops++] = arg;
	return 0;
}

/* Every option: its long name, short letter (0: none), and either a setter
 * for its argument or the flag it sets (by offset into struct options), or
 * the action it ends parsing with. */
static const struct option_spec {
	const char *name;
	char letter;
	option_setter *set;          /* takes an argument */
	size_t flag;                 /* offsetof the int it sets to 1 */
	enum options_action action;  /* OPTIONS_RUN: go on */
} specs[] = {
	{"brokers", 0, set_brokers, 0, OPTIONS_RUN},
	{"bytes", 0, set_bytes, 0, OPTIONS_RUN},
	{"ddl", 0, NULL, offsetof(struct options, ddl), OPTIONS_RUN},
	{"dead-letter", 0, set_dead_letter, 0, OPTIONS_RUN},
	{"dedup", 0, set_dedup, 0, OPTIONS_RUN},
	{"exit-at-end", 0, NULL, offsetof(struct options, kafka.exit_at_end), OPTIONS_RUN},
	{"fields", 0, set_fields, 0, OPTIONS_RUN},
	{"format", 0, set_format, 0, OPTIONS_RUN},
	{"fsync", 0, NULL, offsetof(struct options, fsync), OPTIONS_RUN},
	{"group", 0, set_group, 0, OPTIONS_RUN},
	{"header", 0, NULL, offsetof(struct options, header), OPTIONS_RUN},
	{"help", 'h', NULL, 0, OPTIONS_HELP},
	{"id", 0, set_ids, 0, OPTIONS_RUN},
	{"max-line-bytes", 0, set_max_line, 0, OPTIONS_RUN},
	{"meta", 0, set_meta, 0, OPTIONS_RUN},
	{"output", 0, set_output, 0, OPTIONS_RUN},
	{"quiet", 'q', NULL, offsetof(struct options, quiet), OPTIONS_RUN},
	{"sql-table", 0, set_sql_table, 0, OPTIONS_RUN},
	{"state", 0, set_state, 0, OPTIONS_RUN},
	{"stats", 0, NULL, offsetof(struct options, stats), OPTIONS_RUN},
	{"strict", 0, NULL, offsetof(struct options, strict), OPTIONS_RUN},
	{"table", 0, set_tables, 0, OPTIONS_RUN},
	{"topic", 0, set_topics, 0, OPTIONS_RUN},
	{"unavailable-value", 0, set_unavailable, 0, OPTIONS_RUN},
	{"unbuffered", 'u', NULL, offsetof(struct options, unbuffered), OPTIONS_RUN},
	{"unchanged", 0, NULL, offsetof(struct options, unchanged), OPTIONS_RUN},
	{"upsert", 0, NULL, offsetof(struct options, upsert), OPTIONS_RUN},
	{"version", 'V', NULL, 0, OPTIONS_VERSION},
	{"with-table", 0, NULL, offsetof(struct options, with_table), OPTIONS_RUN},
	{NULL, 'X', set_property, 0, OPTIONS_RUN}, /* short only */
};
enum { NSPECS = sizeof specs / sizeof specs[0], SPEC_BASE = 256 };

/* getopt_long's tables, from specs: a long option returns SPEC_BASE + its
 * index, a short one its letter. */
static void
getopt_tables(struct option *longopts, char *shortopts)
{
	size_t k = 0, nl = 0;
	for (size_t i = 0; i < NSPECS; i++) {
		if (specs[i].name != NULL)
			longopts[nl++] = (struct option){specs[i].name,
			    specs[i].set ? required_argument : no_argument, NULL, SPEC_BASE + (int)i};
		if (specs[i].letter) {
			shortopts[k++] = specs[i].letter;
			if (specs[i].set)
				shortopts[k++] = ':';
		}
	}
	longopts[nl] = (struct option){NULL, 0, NULL, 0};
	shortopts[k] = '\0';
}

static const struct option_spec *
spec_of(int c)
{
	if (c >= SPEC_BASE && c < SPEC_BASE + NSPECS)
		return &specs[c - SPEC_BASE];
	for (size_t i = 0; i < NSPECS; i++)
		if (specs[i].letter && specs[i].letter == c)
			return &specs[i];
	return NULL;
}

/* What getopt_long's '?' or ':' means, in words. */
static void
explain_bad_option(int c, char **argv, char *err, size_t errlen)
{
	const char *arg = argv[optind - 1];
	const char *eq = strchr(arg, '=');
	if (c == ':' || (optopt >= SPEC_BASE && eq == NULL) || (optopt > 0 && spec_of(optopt) != NULL))
		snprintf(err, errlen, "option '%s' requires an argument", arg);
	else if (optopt != 0 && optopt < 256)
		snprintf(err, errlen, "unknown option '-%c'", optopt);
	else if (optopt != 0)
		snprintf(err, errlen, "option '%.*s' takes no argument", (int)(eq - arg), arg);
	else
		snprintf(err, errlen, "unknown option '%s'", arg);
}

static void
set_defaults(struct options *o)
{
	memset(o, 0, sizeof *o);
	o->format = FORMAT_CSV;
	o->sql_table = "holding_pivot";
	o->unavailable = "__debezium_unavailable_value";
	o->max_line_bytes = 64 * 1024 * 1024;
	o->bytes_hex = 1; /* PostgreSQL's bytea text, "\x00ff" */
}

static int
set_source_date_epoch(struct options *o, const char *sde, char *err, size_t errlen)
{
	if (sde == NULL || sde[0] == '\0') /* empty: unset */
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(sde, &end, 10);
	if (errno != 0 || end == sde || *end != '\0' || v < -9000000000000LL || v > 9000000000000LL) {
		snprintf(err, errlen, "SOURCE_DATE_EPOCH: not a number of seconds: '%s'", sde);
		return -1;
	}
	o->inserted_fixed = 1;
	o->inserted_ms = (int64_t)v * 1000;
	return 0;
}

enum options_action
options_parse(int argc, char **argv, const char *source_date_epoch, struct options *o,
    char *err, size_t errlen)
{
	set_defaults(o);
	err[0] = '\0';
	if (set_source_date_epoch(o, source_date_epoch, err, errlen) < 0)
		return OPTIONS_USAGE_ERROR;
	struct option longopts[NSPECS + 1];
	char shortopts[2 * NSPECS + 1];
	getopt_tables(longopts, shortopts);
	optind = 0; /* glibc: full reinitialisation, so tests can parse twice */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct option_spec *sp = spec_of(c);
		if (sp == NULL) {
			explain_bad_option(c, argv, err, errlen);
			return OPTIONS_USAGE_ERROR;
		}
		if (sp->action != OPTIONS_RUN)
			return sp->action;
		if (sp->set != NULL && sp->set(o, optarg, err, errlen) < 0)
			return OPTIONS_USAGE_ERROR;
		if (sp->set == NULL)
			*(int *)((char *)o + sp->flag) = 1;
	}
	o->files = argv + optind;
	o->nfiles = argc - optind;
	if (optrules_check(o, err, errlen) < 0)
		return OPTIONS_USAGE_ERROR;
	return OPTIONS_RUN;
}

void
options_free(struct options *o)
{
	namelist_free(&o->ids);
	namelist_free(&o->fields);
	namelist_free(&o->tables);
	namelist_free(&o->meta);
	namelist_free(&o->kafka.topics);
	free(o->kafka.props);
	o->kafka.props = NULL;
	o->kafka.nprops = 0;
}
