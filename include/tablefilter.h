#ifndef CDCPIVOT_TABLEFILTER_H
#define CDCPIVOT_TABLEFILTER_H

#include <stddef.h>

#include "classified.h"
#include "options.h"

/* --table PATTERN: which change events are wanted, by their schema.table
 * (envelope.h) matched against fnmatch(3) globs. Counts the matches
 * of each pattern, so that one that matched nothing (a topic name given
 * for a table name, say) can be pointed out at the end. */
struct tablefilter {
	const struct namelist *patterns; /* none: every event is wanted */
	unsigned long long *hits;        /* events matched, per pattern */
};

/* patterns must outlive f. */
void tablefilter_init(struct tablefilter *f, const struct namelist *patterns);
void tablefilter_free(struct tablefilter *f);

/* Whether env is wanted; an event that names no table is not, when there
 * are patterns. */
int tablefilter_wanted(struct tablefilter *f, const struct envelope *env);

/* The first pattern from i on that matched no event, or patterns->n. */
size_t tablefilter_unmatched(const struct tablefilter *f, size_t i);

#endif
