#ifndef CDCPIVOT_STATEFUL_H
#define CDCPIVOT_STATEFUL_H

#include "diff.h"
#include "envelope.h"
#include "options.h"
#include "state.h"

/* --state between the envelope and the diff: completes a change event with
 * the last image the state holds for its row, so that the diff sees what a
 * REPLICA IDENTITY FULL table would have sent, and stages the event's new
 * image once its rows are in the output.
 *
 * The row's key is the record key (its JSON text), else the --id columns,
 * else the image's first column, with the table name ("schema.table").
 * - update without before: before := the stored image, less the columns
 *   the new image no longer has (dropped); columns it gained have no old
 *   value (old_source unknown);
 * - delete whose before holds only the key: before := the stored image;
 * - a TOAST placeholder in before or after := the stored value, when the
 *   stored value is not a placeholder itself;
 * - the event at or before the stored change of its key (see
 *   state_pos_replay): a replay, which must give no rows and change
 *   nothing, since the state only holds changes whose rows are written.
 * New image: the completed after of c, r and u; a tombstone for d. */

enum stateful_verdict {
	STATEFUL_HIT,    /* the state had a live image of the row */
	STATEFUL_MISS,   /* not in the state (or deleted there): as without it */
	STATEFUL_REPLAY, /* at or before the stored change: skip the event */
	STATEFUL_ERROR   /* the store failed: stateful_error() */
};

struct stateful;

struct stateful *stateful_new(struct state *st, const struct options *o);
void stateful_free(struct stateful *sf);

/* Looks the event's row up and completes env->before and env->after in
 * place. The trees put there belong to sf: call stateful_done() before
 * envelope_clear(), whatever the verdict. */
enum stateful_verdict stateful_prepare(struct stateful *sf, struct envelope *env);

/* Whether the event, as it arrived, lacked old values that the state
 * would have given (an update without before, a key-only delete, a TOAST
 * placeholder): with STATEFUL_MISS, its old values stay unknown. */
int stateful_needed(const struct stateful *sf);

/* Stages the event's new image for output event seq (the number
 * output_commit() will give it). */
void stateful_stage(struct stateful *sf, const struct envelope *env, unsigned long long seq);

/* Whether the event has a position (an lsn, or kcat -J coordinates):
 * without one, a replay of it cannot be recognised. */
int stateful_has_position(const struct stateful *sf);

void stateful_done(struct stateful *sf);

const char *stateful_error(const struct stateful *sf);

/* --meta old_source of one row: "state" where the old value came from the
 * state, else dflt (what the event alone says: "before", "unknown", or
 * NULL for an insert). For pivot's old_source hook; ctx is the stateful. */
const char *stateful_old_source(const void *ctx, const struct envelope *env,
    const struct field_change *fc, const char *dflt);

#endif
