#ifndef CDCPIVOT_TALLY_H
#define CDCPIVOT_TALLY_H

#include "classified.h"

/* The counters behind the summary line, kept by the pipeline: each
 * counter is incremented where its outcome is decided, and diag_summary()
 * only prints them. Every record read is counted exactly once, as an
 * event, a rejected line or a skip of one kind. */
struct tally {
	unsigned long long events;   /* change events that were pivoted */
	unsigned long long rows;     /* rows that reached the output */
	unsigned long long rejected; /* lines reported on stderr as rejected */
	unsigned long long skipped[SKIP_KINDS]; /* by enum envelope_skip */
	unsigned long long other_table; /* not a --table the user asked for */
	unsigned long long duplicate;   /* seen within the --dedup window, or
	                                   a change --state already holds */
};

/* All skips, of every kind. */
unsigned long long tally_skipped(const struct tally *t);

/* Every record counted so far: events, rejected lines and skips. */
unsigned long long tally_seen(const struct tally *t);

#endif
