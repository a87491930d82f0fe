#ifndef CDCPIVOT_STATE_H
#define CDCPIVOT_STATE_H

#include <stddef.h>
#include <stdint.h>

/* --state DIR: the last known row image per (table, key), on local disk.
 *
 * One SQLite database, DIR/state.sqlite, one row per (table, key): the
 * image as compact JSON text (numbers as written), or a tombstone for a
 * deleted key, and the source position of the change that left it there.
 *
 * Changes are staged, tagged with the sequence number of the output event
 * whose rows they belong to, and kept in memory in front of the store
 * (state_get sees them) until state_apply() is told that the output holds
 * every event up to some number: then the staged changes of those events
 * are written in one transaction. So the state never runs ahead of the
 * output: a crash loses at most changes whose rows a replay gives again.
 * Memory is the staged changes plus SQLite's page cache (STATE_CACHE_KIB),
 * whatever the number of keys. */

enum { STATE_CACHE_KIB = 8192, STATE_TOPIC_MAX = 255 };

/* Where a change came from. LSN for PostgreSQL; the Kafka coordinates
 * when the input carries them (kcat -J). Either may be absent. */
struct state_pos {
	int has_lsn;
	int64_t lsn;
	int has_offset;
	int32_t partition;
	int64_t offset;
	char topic[STATE_TOPIC_MAX + 1];
};

/* Whether a change at pos is the change at stored, or an earlier one of the
 * same key: by LSN when both have one (a connector restart sends the same
 * change again with the same LSN but a new offset), else by offset within
 * the same topic and partition. Positions that cannot be compared are not
 * a replay. */
int state_pos_replay(const struct state_pos *pos, const struct state_pos *stored);

/* What state_get found. image points into the store's buffer and stays
 * valid until the next call on the store. */
struct state_entry {
	int deleted; /* a tombstone: the key was deleted at pos */
	struct state_pos pos;
	const char *image; /* JSON object text; NULL for a tombstone without */
	size_t image_len;
};

struct state;

/* Opens (creating DIR and the database if needed). durable: every
 * state_apply() ends with fsync (SQLite synchronous=FULL), as --fsync does
 * for the output; otherwise the state survives the process being killed
 * but not the machine crashing. Returns NULL with a reason in err. */
struct state *state_open(const char *dir, int durable, char *err, size_t errlen);

/* Applies what is staged for events up to written, then closes. Returns 0,
 * or -1 with the reason in err (the handle is freed either way). */
int state_close(struct state *s, unsigned long long written, char *err, size_t errlen);

/* Looks up (table, key[0..klen)). Returns 1 found, 0 not, -1 on error. */
int state_get(struct state *s, const char *table, const void *key, size_t klen,
    struct state_entry *e);

/* Stage a new image, or a tombstone, for the output event seq. Sequence
 * numbers never decrease from one call to the next. A tombstone keeps an
 * image only when given one (image NULL: none): the row's last image when
 * its key changed, for the row under its new key. */
void state_put(struct state *s, unsigned long long seq, const char *table, const void *key,
    size_t klen, const struct state_pos *pos, const char *image, size_t len);
void state_delete(struct state *s, unsigned long long seq, const char *table, const void *key,
    size_t klen, const struct state_pos *pos, const char *image, size_t len);

/* Writes, in one transaction, every staged change of events <= written,
 * and forgets them. Returns 0, or -1 with state_error() set; the staged
 * changes are then kept, and nothing of the transaction is applied. */
int state_apply(struct state *s, unsigned long long written);

/* Staged changes not yet applied, and the bytes they hold: the caller
 * flushes the output when they grow, to keep memory bounded. */
size_t state_staged(const struct state *s);
size_t state_staged_bytes(const struct state *s);

/* Reading Kafka itself (kafkainput.h), in a consumer group or not.
 *
 * The store records per (topic, partition) the next offset whose changes
 * its images hold: state_progress() stages it for every record handled
 * (seq: the record's output event), and state_apply() writes it in the
 * same transaction as the images of those events. When a partition comes
 * to the consumer, state_claim() compares the offset it starts at (start;
 * -1 unknown) with that: equal, the images are the partition's as of that
 * offset and are kept; otherwise another member has read the partition
 * since, or this consumer reads it again from elsewhere, and its images
 * and tombstones are dropped (the partition's rows fall back to unknown
 * old values until the next image). Returns 1 kept, 0 dropped (*dropped
 * of them; *was: the store's offset, -1 none), -1 on error.
 *
 * Once a partition has been claimed, state_get() sees no image of a
 * partition not held (claimed and not yet released): another member may
 * hold a newer one. */
void state_progress(struct state *s, unsigned long long seq, const char *topic, int32_t partition,
    int64_t next);
int state_claim(struct state *s, const char *topic, int32_t partition, int64_t start, int64_t *was,
    long long *dropped);
void state_release(struct state *s, const char *topic, int32_t partition);
size_t state_progress_pending(const struct state *s);

/* Keys (live and tombstones) in the store, not counting staged changes;
 * -1 on error. */
long long state_count(struct state *s);

/* The reason of the last failure. */
const char *state_error(const struct state *s);

#endif
