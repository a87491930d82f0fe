#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "columns.h"

const char options_synopsis[] =
    "usage: cdcpivot [-hquV] [--bytes base64|hex] [--dead-letter file] [--ddl]\n"
    "                [--dedup n] [--fields list] [--format fmt] [--fsync] [--header]\n"
    "                [--id list] [--max-line-bytes n] [--meta list] [--output file]\n"
    "                [--sql-table name] [--stats] [--strict] [--table pattern]\n"
    "                [--unavailable-value text] [--unchanged] [--upsert]\n"
    "                [--with-table] [file ...]\n"
    "       cdcpivot --brokers host:port[,...] --topic name [--topic name ...]\n"
    "                [--group id] [--exit-at-end] [-X key=value ...] [option ...]\n";

const char *const options_meta_names[] = {"lsn", "txid", "ts", "topic", "partition", "offset", NULL};

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
    "                         lsn,txid,ts,topic,partition,offset\n"
    "  --bytes base64|hex     how bytes columns are printed (default: base64)\n"
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
    "  -q, --quiet            no summary line at exit\n"
    "  -h, --help             this text\n"
    "  -V, --version          version of cdcpivot and cJSON\n"
    "\n"
    "Exit status: 0 all lines handled, 1 some lines rejected, 2 usage error, I/O\n"
    "error or out of memory, 128+N stopped by signal N (SIGINT, SIGTERM), 141 the\n"
    "reader of the output went away (SIGPIPE).\n"
    "See cdcpivot(1).\n";

enum {
	OPT_BYTES = 256,
	OPT_DDL,
	OPT_DEAD_LETTER,
	OPT_DEDUP,
	OPT_FSYNC,
	OPT_META,
	OPT_OUTPUT,
	OPT_TABLE,
	OPT_UPSERT,
	OPT_WITH_TABLE,
	OPT_FIELDS,
	OPT_FORMAT,
	OPT_HEADER,
	OPT_ID,
	OPT_MAX_LINE,
	OPT_SQL_TABLE,
	OPT_STATS,
	OPT_STRICT,
	OPT_UNAVAILABLE,
	OPT_UNCHANGED,
	OPT_BROKERS,
	OPT_GROUP,
	OPT_TOPIC,
	OPT_EXIT_AT_END
};

static const struct option longopts[] = {
	{"brokers", required_argument, NULL, OPT_BROKERS},
	{"bytes", required_argument, NULL, OPT_BYTES},
	{"ddl", no_argument, NULL, OPT_DDL},
	{"dead-letter", required_argument, NULL, OPT_DEAD_LETTER},
	{"dedup", required_argument, NULL, OPT_DEDUP},
	{"exit-at-end", no_argument, NULL, OPT_EXIT_AT_END},
	{"fields", required_argument, NULL, OPT_FIELDS},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"fsync", no_argument, NULL, OPT_FSYNC},
	{"group", required_argument, NULL, OPT_GROUP},
	{"header", no_argument, NULL, OPT_HEADER},
	{"help", no_argument, NULL, 'h'},
	{"id", required_argument, NULL, OPT_ID},
	{"max-line-bytes", required_argument, NULL, OPT_MAX_LINE},
	{"meta", required_argument, NULL, OPT_META},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"quiet", no_argument, NULL, 'q'},
	{"sql-table", required_argument, NULL, OPT_SQL_TABLE},
	{"stats", no_argument, NULL, OPT_STATS},
	{"strict", no_argument, NULL, OPT_STRICT},
	{"table", required_argument, NULL, OPT_TABLE},
	{"topic", required_argument, NULL, OPT_TOPIC},
	{"unavailable-value", required_argument, NULL, OPT_UNAVAILABLE},
	{"unbuffered", no_argument, NULL, 'u'},
	{"unchanged", no_argument, NULL, OPT_UNCHANGED},
	{"upsert", no_argument, NULL, OPT_UPSERT},
	{"version", no_argument, NULL, 'V'},
	{"with-table", no_argument, NULL, OPT_WITH_TABLE},
	{NULL, 0, NULL, 0},
};

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

static int check_combinations(const struct options *o, char *err, size_t errlen);

/* The Kafka input's options (struct kafka_options). Returns 1 when c was
 * one of them, 0 when not, -1 on a usage error. */
static int
parse_kafka_option(struct kafka_options *k, int c, const char *arg, char *err, size_t errlen)
{
	switch (c) {
	case OPT_BROKERS:
		if (arg[0] == '\0') {
			snprintf(err, errlen, "--brokers: empty list");
			return -1;
		}
		k->brokers = arg;
		return 1;
	case OPT_GROUP:
		if (arg[0] == '\0') {
			snprintf(err, errlen, "--group: empty group id");
			return -1;
		}
		k->group = arg;
		return 1;
	case OPT_TOPIC:
		return namelist_parse(&k->topics, arg, "--topic", "topic", err, errlen) < 0 ? -1 : 1;
	case OPT_EXIT_AT_END:
		k->exit_at_end = 1;
		return 1;
	case 'X': {
		const char *eq = strchr(arg, '=');
		if (eq == NULL || eq == arg) {
			snprintf(err, errlen, "-X: not key=value: '%s'", arg);
			return -1;
		}
		k->props = xrealloc(k->props, (k->nprops + 1) * sizeof *k->props);
		k->props[k->nprops++] = arg;
		return 1;
	}
	default:
		return 0;
	}
}

enum options_action
options_parse(int argc, char **argv, const char *source_date_epoch, struct options *o,
    char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	o->format = FORMAT_CSV;
	o->sql_table = "holding_pivot";
	o->unavailable = "__debezium_unavailable_value";
	o->max_line_bytes = 64 * 1024 * 1024;
	err[0] = '\0';

	if (source_date_epoch != NULL && source_date_epoch[0] != '\0') { /* empty: unset */
		char *end;
		errno = 0;
		long long v = strtoll(source_date_epoch, &end, 10);
		if (errno != 0 || end == source_date_epoch || *end != '\0' || v < -9000000000000LL ||
		    v > 9000000000000LL) {
			snprintf(err, errlen, "SOURCE_DATE_EPOCH: not a number of seconds: '%s'",
			    source_date_epoch);
			return OPTIONS_USAGE_ERROR;
		}
		o->inserted_fixed = 1;
		o->inserted_ms = (int64_t)v * 1000;
	}

	optind = 0; /* glibc: full reinitialisation, so tests can parse twice */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "hquVX:", longopts, NULL)) != -1) {
		int kafka = parse_kafka_option(&o->kafka, c, optarg, err, errlen);
		if (kafka < 0)
			return OPTIONS_USAGE_ERROR;
		if (kafka > 0)
			continue;
		switch (c) {
		case OPT_BYTES:
			if (strcmp(optarg, "hex") == 0 || strcmp(optarg, "base64") == 0) {
				o->bytes_hex = optarg[0] == 'h';
				break;
			}
			snprintf(err, errlen, "--bytes: unknown encoding '%s' (base64, hex)", optarg);
			return OPTIONS_USAGE_ERROR;
		case OPT_DDL:
			o->ddl = 1;
			break;
		case OPT_DEDUP:
			if (parse_size(optarg, &o->dedup) < 0 || o->dedup > 100000000) {
				snprintf(err, errlen, "--dedup: not a window size from 1 to 100000000: '%s'", optarg);
				return OPTIONS_USAGE_ERROR;
			}
			break;
		case OPT_FSYNC:
			o->fsync = 1;
			break;
		case OPT_META:
			namelist_free(&o->meta); /* the last --meta wins */
			if (namelist_parse(&o->meta, optarg, "--meta", "column name", err, errlen) < 0)
				return OPTIONS_USAGE_ERROR;
			for (size_t i = 0; i < o->meta.n; i++) {
				size_t k = 0;
				while (options_meta_names[k] && strcmp(options_meta_names[k], o->meta.names[i]))
					k++;
				if (options_meta_names[k] == NULL) {
					snprintf(err, errlen,
					    "--meta: unknown column '%s' (lsn, txid, ts, topic, partition, offset)",
					    o->meta.names[i]);
					return OPTIONS_USAGE_ERROR;
				}
			}
			break;
		case OPT_OUTPUT:
			o->output = optarg;
			break;
		case OPT_TABLE:
			if (namelist_parse(&o->tables, optarg, "--table", "pattern", err, errlen) < 0)
				return OPTIONS_USAGE_ERROR;
			break;
		case OPT_UPSERT:
			o->upsert = 1;
			break;
		case OPT_WITH_TABLE:
			o->with_table = 1;
			break;
		case OPT_DEAD_LETTER:
			o->dead_letter = optarg;
			break;
		case OPT_FIELDS:
			namelist_free(&o->fields); /* the last --fields wins */
			if (namelist_parse(&o->fields, optarg, "--fields", "column name", err, errlen) < 0)
				return OPTIONS_USAGE_ERROR;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "csv") == 0)
				o->format = FORMAT_CSV;
			else if (strcmp(optarg, "tsv") == 0)
				o->format = FORMAT_TSV;
			else if (strcmp(optarg, "jsonl") == 0)
				o->format = FORMAT_JSONL;
			else if (strcmp(optarg, "sql") == 0)
				o->format = FORMAT_SQL;
			else {
				snprintf(err, errlen, "--format: unknown format '%s' (csv, tsv, jsonl, sql)",
				    optarg);
				return OPTIONS_USAGE_ERROR;
			}
			break;
		case OPT_HEADER:
			o->header = 1;
			break;
		case OPT_ID:
			namelist_free(&o->ids); /* the last --id wins */
			if (namelist_parse(&o->ids, optarg, "--id", "column name", err, errlen) < 0)
				return OPTIONS_USAGE_ERROR;
			break;
		case OPT_MAX_LINE:
			if (parse_size(optarg, &o->max_line_bytes) < 0) {
				snprintf(err, errlen, "--max-line-bytes: not a positive size: '%s'", optarg);
				return OPTIONS_USAGE_ERROR;
			}
			break;
		case OPT_SQL_TABLE:
			if (optarg[0] == '\0') {
				snprintf(err, errlen, "--sql-table: empty table name");
				return OPTIONS_USAGE_ERROR;
			}
			o->sql_table = optarg;
			break;
		case OPT_STATS:
			o->stats = 1;
			break;
		case OPT_STRICT:
			o->strict = 1;
			break;
		case OPT_UNAVAILABLE:
			if (optarg[0] == '\0') {
				/* Every change to an empty string would look TOASTed. */
				snprintf(err, errlen, "--unavailable-value: empty placeholder");
				return OPTIONS_USAGE_ERROR;
			}
			o->unavailable = optarg;
			break;
		case OPT_UNCHANGED:
			o->unchanged = 1;
			break;
		case 'h':
			return OPTIONS_HELP;
		case 'q':
			o->quiet = 1;
			break;
		case 'u':
			o->unbuffered = 1;
			break;
		case 'V':
			return OPTIONS_VERSION;
		case ':':
			snprintf(err, errlen, "option '%s' requires an argument", argv[optind - 1]);
			return OPTIONS_USAGE_ERROR;
		default:
			if (optopt != 0 && optopt < 256)
				snprintf(err, errlen, "unknown option '-%c'", optopt);
			else if (optopt != 0 && strchr(argv[optind - 1], '=') != NULL)
				snprintf(err, errlen, "option '%.*s' takes no argument",
				    (int)(strchr(argv[optind - 1], '=') - argv[optind - 1]), argv[optind - 1]);
			else if (optopt != 0)
				snprintf(err, errlen, "option '%s' requires an argument", argv[optind - 1]);
			else
				snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return OPTIONS_USAGE_ERROR;
		}
	}
	o->files = argv + optind;
	o->nfiles = argc - optind;
	if (check_combinations(o, err, errlen) < 0)
		return OPTIONS_USAGE_ERROR;
	return OPTIONS_RUN;
}

static int
in_list(const struct namelist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->names[i], name) == 0)
			return 1;
	return 0;
}

/* Output columns must have distinct names: a header, a JSON object or a
 * CREATE TABLE with one name twice cannot be read back. */
static int
check_column_names(const struct options *o, char *err, size_t errlen)
{
	for (size_t i = 0; i < o->ids.n; i++) {
		const char *id = o->ids.names[i];
		const char *clash = NULL;
		for (size_t k = 0; k < COLUMNS_TAIL && clash == NULL; k++)
			if (strcmp(id, columns_tail_names[k]) == 0)
				clash = "a column cdcpivot adds";
		if (clash == NULL && in_list(&o->meta, id))
			clash = "a --meta column";
		if (clash == NULL && o->with_table && strcmp(id, columns_table_name) == 0)
			clash = "the --with-table column";
		if (clash != NULL) {
			snprintf(err, errlen, "--id: column '%s' has the name of %s", id, clash);
			return -1;
		}
	}
	if (o->with_table && in_list(&o->meta, columns_table_name)) {
		snprintf(err, errlen, "--meta: column 'table' has the name of the --with-table column");
		return -1;
	}
	return 0;
}

/* --upsert's conflict key must identify one change of one field, so the
 * rows need the change's position: without it, a second change of a
 * field would be taken for a replay of the first and dropped. */
static int
check_upsert(const struct options *o, char *err, size_t errlen)
{
	if (!o->upsert || in_list(&o->meta, "lsn") ||
	    (in_list(&o->meta, "topic") && in_list(&o->meta, "partition") && in_list(&o->meta, "offset")))
		return 0;
	snprintf(err, errlen,
	    "--upsert needs the position of each change in --meta: lsn (PostgreSQL), or topic,partition,offset (--brokers, kcat -J)");
	return -1;
}

/* --brokers and --topic go together; the other Kafka options need them,
 * and files cannot be read at the same time. */
static int
check_kafka(const struct options *o, char *err, size_t errlen)
{
	const struct kafka_options *k = &o->kafka;
	const char *lone = k->group ? "--group" : k->exit_at_end ? "--exit-at-end" : k->nprops ? "-X" : NULL;
	if (k->brokers == NULL && (k->topics.n > 0 || lone != NULL)) {
		snprintf(err, errlen, "%s needs --brokers", k->topics.n > 0 ? "--topic" : lone);
		return -1;
	}
	if (k->brokers != NULL && k->topics.n == 0) {
		snprintf(err, errlen, "--brokers needs --topic");
		return -1;
	}
	if (k->brokers != NULL && o->nfiles > 0) {
		snprintf(err, errlen, "--brokers reads Kafka: no file operands ('%s')", o->files[0]);
		return -1;
	}
	return 0;
}

/* Rules between options, checked once every option is known. */
static int
check_combinations(const struct options *o, char *err, size_t errlen)
{
	if (check_kafka(o, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < o->fields.n; i++) {
		for (size_t j = 0; j < o->ids.n; j++) {
			if (strcmp(o->fields.names[i], o->ids.names[j]) == 0) {
				snprintf(err, errlen, "column '%s' is both in --id and in --fields",
				    o->fields.names[i]);
				return -1;
			}
		}
	}
	if (check_column_names(o, err, errlen) < 0)
		return -1;
	if ((o->upsert || o->ddl) && o->format != FORMAT_SQL) {
		snprintf(err, errlen, "%s applies to --format sql only", o->upsert ? "--upsert" : "--ddl");
		return -1;
	}
	if (o->ddl && o->ids.n == 0) {
		snprintf(err, errlen, "--ddl needs --id, so that the table's columns are known");
		return -1;
	}
	if (o->fsync && o->output == NULL) {
		snprintf(err, errlen, "--fsync needs --output");
		return -1;
	}
	if (o->header && (o->format == FORMAT_JSONL || o->format == FORMAT_SQL)) {
		snprintf(err, errlen, "--header applies to csv and tsv only");
		return -1;
	}
	return check_upsert(o, err, errlen);
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
