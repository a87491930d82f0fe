#ifndef CDCPIVOT_WARNINGS_H
#define CDCPIVOT_WARNINGS_H

#include "diag.h"
#include "classified.h"
#include "pivot.h"

/* The warnings about what an event lacks (REPLICA IDENTITY, TOAST, fields
 * not in the row, values that do not fit their schema, --state gaps),
 * each given once per run per field or per table, so that a stream of a
 * million events does not repeat them a million times. At most
 * WARNINGS_MAX distinct warnings are remembered; past that, new ones are
 * not given (bounded memory rather than a flood). */
enum { WARNINGS_MAX = 256 };

struct warnings_config {
	const char *unavailable; /* --unavailable-value, quoted in messages */
	int with_fields;         /* --fields given: key-only deletes give rows */
	const char *state_dir;   /* --state DIR, quoted in messages */
};

/* Messages go through d, which must outlive w. */
struct warnings *warnings_new(struct diag *d, const struct warnings_config *cfg);
void warnings_free(struct warnings *w);

/* What pivot_event() reported about the event on line lineno. */
void warnings_event(struct warnings *w, const struct envelope *env, unsigned long lineno,
    const struct pivot_report *rep);

/* --state: the event has no position, so a replay cannot be told apart. */
void warnings_state_position(struct warnings *w, const struct envelope *env, unsigned long lineno);

/* --state: the event's row was not in the store and its old values are
 * unknown. */
void warnings_state_miss(struct warnings *w, const struct envelope *env, unsigned long lineno);

#endif
