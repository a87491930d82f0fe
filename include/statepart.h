#ifndef CDCPIVOT_STATEPART_H
#define CDCPIVOT_STATEPART_H

#include <stddef.h>
#include <stdint.h>

/* The Kafka partitions a --state store follows (state.h): which ones the
 * consumer holds now, and for each the progress not yet in the store: the
 * next offset after each handled record, tagged with the number of the
 * output event it ends with, so that the store records a partition's
 * progress in the same transaction as the images of those records, never
 * ahead of the output. Memory: the partitions, and one entry per record
 * handled since the store was last written. */

struct statepart;

struct statepart *statepart_new(void);
void statepart_free(struct statepart *p);

/* The record before next on (topic, partition) ended with output event seq
 * (sequence numbers never decrease). */
void statepart_progress(struct statepart *p, unsigned long long seq, const char *topic,
    int32_t partition, int64_t next);

/* Whether the consumer holds (topic, partition) now; partitions are held
 * from statepart_hold() (which forgets progress not yet in the store: it
 * belongs to an earlier holding) to statepart_release(). */
void statepart_hold(struct statepart *p, const char *topic, int32_t partition);
void statepart_release(struct statepart *p, const char *topic, int32_t partition);
int statepart_held(const struct statepart *p, const char *topic, int32_t partition);

/* The i-th partition ever seen (0..), or NULL past the last: with the
 * latest progress of events <= written in *next (-1: none since the last
 * statepart_forget()). */
const char *statepart_ready(const struct statepart *p, size_t i, unsigned long long written,
    int32_t *partition, int64_t *next);

/* Forgets the progress of events <= written (it is in the store now). */
void statepart_forget(struct statepart *p, unsigned long long written);

/* Progress entries waiting, for bounding memory. */
size_t statepart_pending(const struct statepart *p);

#endif
