#ifndef CDCPIVOT_DEDUP_H
#define CDCPIVOT_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "envelope.h"

/* --dedup N: Kafka and Debezium deliver at least once, so after a restart
 * the same events arrive again. An event is identified by a 64-bit hash of
 * its source position (LSN, transaction, commit time, binlog position...),
 * its key and its op; the last N distinct identities are remembered in a
 * ring with a hash index, so memory and time per event are constant:
 * 8 bytes in the ring plus 16 to 32 in the index per remembered event, at
 * most 40 bytes (--dedup 1000000: at most 40 MB). */

struct dedup;

struct dedup *dedup_new(size_t window);
void dedup_free(struct dedup *d);

/* Returns 1 if the identity was among the last N distinct ones (a
 * duplicate), else remembers it, forgetting the oldest, and returns 0. */
int dedup_seen(struct dedup *d, uint64_t identity);

/* The identity of a change event: source position, key (the record key,
 * else the row image that holds it) and op; when the source carries no
 * position that names one change (an lsn, a binlog file and position, a
 * change and commit LSN), also the whole event (row images, envelope
 * ts_ms, transaction block) and the Kafka topic, partition and offset of a
 * kcat -J record. */
uint64_t dedup_identity(struct dedup *d, const struct envelope *env);

#endif
