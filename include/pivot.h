#ifndef CDCPIVOT_PIVOT_H
#define CDCPIVOT_PIVOT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "decode.h"
#include "diff.h"
#include "classified.h"
#include "options.h"
#include "timefmt.h"
#include "writer.h"

/* A change event -> output rows: the id columns, change_field, old_value,
 * new_value, the three commit-time columns (only the one matching the op
 * is filled), datetime_inserted and crud_type. */

/* A value rendered into scratch, by offset because scratch may move. */
struct span {
	size_t off;
	size_t len;
	int null;
};

/* A column of the last event printed as it arrived, and why (enum
 * decode_mismatch). */
struct pivot_mismatch {
	const char *name;
	int why;
};

/* What pivot_event() found besides the rows, for the pipeline to turn
 * into messages. Every pointer is into the envelope's trees, the options
 * or the pivot, and is valid until the envelope is cleared or the next
 * pivot_event() call, whichever comes first. */
struct pivot_report {
	const char *refused;  /* why the event gave no rows although it
	                         should have (its line is rejected), or NULL */
	unsigned notes;       /* enum diff_note bits */
	const char *const *old_unknown; /* changed, old value not sent */
	size_t nold_unknown;
	const char *const *unavailable; /* not sent: not reported as changed */
	size_t nunavailable;
	const char *const *missing;     /* --fields names in neither image */
	size_t nmissing;
	const char *const *missing_ids; /* --id names in neither row nor key */
	size_t nmissing_ids;
	const struct pivot_mismatch *mismatch; /* printed as they arrived */
	size_t nmismatch;
};

struct pivot {
	const struct options *opts;
	struct writer writer;
	struct writer_template rows; /* the current event's shared cells */
	long old_source_meta;      /* old_source's place in --meta, or -1 */
	struct diff diff;
	struct buf scratch;        /* rendered values of the current event */
	struct cell *cells;
	const char **names;
	unsigned char *key;        /* conflict-key flag per column (--upsert) */
	size_t cap;
	const char **laid_ids;     /* the ids names and key were laid out for */
	size_t nlaid_ids, laid_cap, laid_cols; /* laid_cols: 0 before the first */
	struct span *spans;
	size_t nspans;
	int header_done;
	struct decode_opts decode;
	const struct decode_table *table; /* decoders of the current event */
	struct decode_table *own_table;   /* built for an uncached schema */
	struct pivot_mismatch *mismatch; /* the columns whose values did not
	                              fit their schema in the last event */
	size_t nmismatch, mismatch_cap;
	char **header_ids;         /* --header without --id: the id columns */
	size_t nheader_ids;        /* the header was written with */
	char header_table[256];    /* and the table they came from */
	char refused[384];         /* see pivot_report.refused, or "" */
	/* --meta old_source of one row, given what the event alone says
	 * (dflt); NULL: dflt. The --state hook (stateful_old_source). */
	const char *(*old_source)(const void *ctx, const struct envelope *env,
	    const struct field_change *fc, const char *dflt);
	const void *old_source_ctx;
	int64_t inserted_ms;       /* cached rendering of datetime_inserted */
	char inserted[40];
	size_t inserted_len;
	/* The texts of the current event's cells that are not values. */
	char commit[TIMEFMT_MAX];  /* its commit time */
	size_t commit_len;         /* of the text in commit, 0 before the first */
	int64_t commit_sec;        /* the second that text is in */
	char op[2];                /* crud_type */
};

void pivot_init(struct pivot *p, const struct options *o);
void pivot_free(struct pivot *p);

/* Writes what precedes the rows when the id columns are known before any
 * event (--id given): the CREATE TABLE of --ddl, then the --header line. */
void pivot_begin(struct pivot *p, struct buf *out);

/* Appends the rows of one ENVELOPE_CHANGE envelope to out and returns how
 * many. now_ms is the datetime_inserted instant. *rep is filled in
 * whatever the outcome. An event that cannot be written under the header
 * already written (--header without --id, and its id columns differ), or
 * that holds a decimal scale beyond any database's, gives no rows and
 * rep->refused says why. */
size_t pivot_event(struct pivot *p, const struct envelope *env, int64_t now_ms, struct buf *out,
    struct pivot_report *rep);

#endif
