#ifndef CDCPIVOT_OPTIONS_H
#define CDCPIVOT_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

enum format { FORMAT_CSV, FORMAT_TSV, FORMAT_JSONL, FORMAT_SQL };

/* A comma-separated name list from the command line. */
struct namelist {
	char **names;
	size_t n;
};

/* --brokers: records read from Kafka itself (see kafkainput.h) instead of
 * lines from files or stdin. */
struct kafka_options {
	const char *brokers;     /* --brokers HOST:PORT[,...]; NULL: read lines */
	const char *group;       /* --group ID; NULL: every partition from the start */
	struct namelist topics;  /* --topic NAME (repeatable) */
	const char **props;      /* -X key=value, in order (point into argv) */
	size_t nprops;
	int exit_at_end;         /* --exit-at-end: stop when every partition is read */
};

/* Everything the command line and environment decide. Filled by
 * options_parse(); the strings it holds point into argv or are owned by the
 * struct and released by options_free(). */
struct options {
	struct namelist ids;     /* --id; n == 0 means "derive per event" */
	struct namelist fields;  /* --fields; n == 0 means "all but the ids" */
	enum format format;      /* --format */
	int header;              /* --header */
	int unchanged;           /* --unchanged */
	int strict;              /* --strict */
	int unbuffered;          /* -u, --unbuffered */
	int quiet;               /* -q, --quiet: no summary line at exit */
	int stats;               /* --stats: summary also when input pauses */
	const char *dead_letter; /* --dead-letter FILE */
	const char *sql_table;   /* --sql-table NAME */
	const char *unavailable; /* --unavailable-value TEXT */
	size_t max_line_bytes;   /* --max-line-bytes N */
	struct namelist tables;  /* --table PATTERN (repeatable, fnmatch globs) */
	int with_table;          /* --with-table: a leading "table" column */
	struct namelist meta;    /* --meta: provenance columns, in order */
	int upsert;              /* --upsert: ON CONFLICT DO NOTHING (sql) */
	int ddl;                 /* --ddl: CREATE TABLE first (sql) */
	size_t dedup;            /* --dedup N: window of distinct events */
	int bytes_hex;           /* --bytes hex */
	const char *output;      /* --output FILE (append), else stdout */
	int fsync;               /* --fsync: fsync(2) the output after writes */
	const char *state_dir;   /* --state DIR, or NULL */
	int inserted_fixed;      /* SOURCE_DATE_EPOCH was set */
	int64_t inserted_ms;     /* its value, in milliseconds */
	struct kafka_options kafka; /* --brokers, --group, --topic, -X, --exit-at-end */
	char **files;            /* operands; none means stdin */
	int nfiles;
};

/* The provenance columns --meta accepts, in documentation order. */
extern const char *const options_meta_names[];

enum options_action {
	OPTIONS_RUN,
	OPTIONS_HELP,
	OPTIONS_VERSION,
	OPTIONS_USAGE_ERROR /* message in err */
};

/* Parses argv. source_date_epoch is the environment's SOURCE_DATE_EPOCH or
 * NULL. On OPTIONS_USAGE_ERROR, err holds a one-line reason without the
 * program name. Always call options_free() afterwards. */
enum options_action options_parse(int argc, char **argv, const char *source_date_epoch,
    struct options *o, char *err, size_t errlen);
void options_free(struct options *o);

/* The synopsis line, identical to the man page's. */
extern const char options_synopsis[];
/* The --help text. */
extern const char options_help[];

#endif
