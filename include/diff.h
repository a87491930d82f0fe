#ifndef CDCPIVOT_DIFF_H
#define CDCPIVOT_DIFF_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "memberindex.h"
#include "envelope.h"
#include "options.h"

/* A change event -> the columns that identify the row and the tracked
 * columns that changed. Values are compared by content (jsonval_equal), so
 * a JSON column re-serialised with the same content is unchanged. An id
 * column whose value an update changes is a change too (a holding moving
 * to another user): its row comes first, old value from before, and the
 * row's ids are taken from after. */

struct field_change {
	const char *name;
	const cJSON *old; /* NULL: SQL NULL (insert, absent, unknown) */
	const cJSON *new; /* NULL: SQL NULL (delete, absent) */
};

enum diff_note {
	DIFF_NOTE_NO_BEFORE = 1,   /* update without a before image */
	DIFF_NOTE_UNAVAILABLE = 2, /* a tracked value was the TOAST placeholder */
	DIFF_NOTE_KEY_ONLY = 4     /* delete whose before image holds only the key */
};

/* Reused from event to event; every pointer is into the envelope's trees
 * (or the options) and is valid until the envelope is cleared. */
struct diff {
	const char **id_names;
	const cJSON **id_values; /* NULL entries are SQL NULL */
	size_t nids;
	struct field_change *changes;
	size_t n;
	unsigned notes;             /* enum diff_note bits */
	const char **missing;       /* --fields names absent from both images */
	size_t nmissing;
	const char **unavailable;   /* tracked fields whose value was unavailable */
	size_t nunavailable;
	const char **missing_ids;   /* --id names in neither the row nor the key */
	size_t nmissing_ids;
	const char **old_unknown;   /* changed fields whose before held the
	                               placeholder: old value printed as NULL */
	size_t nold_unknown;
	size_t cap;
	struct buf placeholder_b64; /* the placeholder as bytea shows it */
	struct member_index before; /* the event's before and after, by name */
	struct member_index after;
};

void diff_init(struct diff *d, const char *placeholder);
void diff_free(struct diff *d);

/* Computes the rows of one ENVELOPE_CHANGE envelope. */
void diff_event(struct diff *d, const struct envelope *env, const struct options *o);

/* Whether v is Debezium's "unavailable value" placeholder in one of its
 * forms: the string, its base64 (bytea columns), or an array of them. */
int diff_is_unavailable(const struct diff *d, const cJSON *v, const char *placeholder);

#endif
