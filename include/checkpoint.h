#ifndef CDCPIVOT_CHECKPOINT_H
#define CDCPIVOT_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

/* The progress record of an output file that Kafka records are written to
 * (FILE.offsets beside FILE): the size of FILE after the last whole batch,
 * and for each (topic, partition) the offset of the next record to read,
 * that is one past the last record whose rows are in FILE[0..size).
 *
 * It is replaced as a whole (a temporary file renamed over it), so a
 * process killed at any moment leaves the old record or the new one,
 * never a mixture. The text form, one entry per line:
 *     cdcpivot-offsets 1
 *     size BYTES
 *     TOPIC<TAB>PARTITION<TAB>NEXT_OFFSET
 * (Kafka topic names cannot hold a TAB or a newline.) A second record may
 * follow, the same lines after "confirmed BYTES": the positions the
 * consumer group last accepted, when they are behind (see kafkaprogress.c). */

struct checkpoint_entry {
	char *topic;
	int32_t partition;
	int64_t next; /* offset of the next record to read */
};

struct checkpoint {
	long long size; /* bytes of the output that these positions cover */
	struct checkpoint_entry *e;
	size_t n, cap;
	size_t last; /* index of the last lookup: records come in runs */
};

void checkpoint_init(struct checkpoint *cp);

/* Whether a and b hold the same size and positions. */
int checkpoint_equal(struct checkpoint *a, struct checkpoint *b);
void checkpoint_free(struct checkpoint *cp);

/* Reads path into cp (emptied first). Returns 1 when read, 0 when there
 * is no such file (cp empty, size 0), -1 on a read error (errno) or a
 * malformed file (errno EINVAL; why says where). */
int checkpoint_load(struct checkpoint *cp, const char *path, char *why, size_t whylen);

/* The same, with the second record in *confirmed (a copy of cp when the
 * file has none). */
int checkpoint_load2(struct checkpoint *cp, struct checkpoint *confirmed, const char *path,
    char *why, size_t whylen);

/* Writes cp to path through path.tmp and rename(2). With sync, the
 * temporary file is fsync'ed before the rename and the directory after
 * it, so the new record survives a crash of the machine. Returns 0, or -1
 * (errno set; path still holds the previous record). */
int checkpoint_save(const struct checkpoint *cp, const char *path, int sync);

/* The same, with confirmed as the second record unless it equals cp. */
int checkpoint_save2(struct checkpoint *cp, struct checkpoint *confirmed, const char *path, int sync);

/* The next offset recorded for (topic, partition), or -1 if none. */
int64_t checkpoint_get(struct checkpoint *cp, const char *topic, int32_t partition);

/* Makes dst (initialised) a copy of src. */
void checkpoint_copy(struct checkpoint *dst, const struct checkpoint *src);

/* Records next as the offset to read next in (topic, partition). */
void checkpoint_set(struct checkpoint *cp, const char *topic, int32_t partition, int64_t next);

#endif
