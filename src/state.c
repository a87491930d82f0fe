#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "hash.h"
#include "statepart.h"

enum { FORMAT_VERSION = 1 };

/* One staged change: table, NUL, key, image in one allocation. */
struct staged {
	unsigned long long seq;
	uint64_t hash;
	char *tbl;
	size_t tlen;
	const unsigned char *key;
	size_t klen;
	int deleted;
	struct state_pos pos;
	const char *image;
	size_t ilen;
};

struct state {
	sqlite3 *db;
	sqlite3_stmt *get, *put;
	int lock_fd;
	struct staged *staged;
	size_t nstaged, capstaged, staged_bytes;
	size_t *slots; /* open addressing over staged: index + 1 of the key's
	                  latest entry, 0 empty; 2 * capstaged of them */
	size_t mask;
	struct buf image; /* the last image read from the database */
	struct statepart *parts; /* the Kafka input's partitions, or NULL */
	char err[256];
};

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS row_image("
    " tbl TEXT NOT NULL, k BLOB NOT NULL, deleted INTEGER NOT NULL,"
    " lsn INTEGER, topic TEXT, part INTEGER, off INTEGER, image BLOB,"
    " PRIMARY KEY (tbl, k)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS part_pos("
    " topic TEXT NOT NULL, part INTEGER NOT NULL, next INTEGER NOT NULL,"
    " PRIMARY KEY (topic, part)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS state_format(version INTEGER NOT NULL);";

int
state_pos_replay(const struct state_pos *pos, const struct state_pos *stored)
{
	if (pos->has_lsn && stored->has_lsn)
		return pos->lsn <= stored->lsn;
	if (pos->has_offset && stored->has_offset && pos->partition == stored->partition &&
	    strcmp(pos->topic, stored->topic) == 0)
		return pos->offset <= stored->offset;
	return 0;
}

static void
set_err(struct state *s, const char *what)
{
	const char *why = s->db ? sqlite3_errmsg(s->db) : "out of memory";
	snprintf(s->err, sizeof s->err, "%.120s: %.120s", what, why);
}

const char *
state_error(const struct state *s)
{
	return s->err;
}

static int
exec(struct state *s, const char *sql)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	set_err(s, "state");
	return -1;
}

/* The format row: written once, checked on every open, so that a store of
 * a later, incompatible version is refused instead of misread. */
static int
check_format(struct state *s)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT version FROM state_format", -1, &st, NULL) != SQLITE_OK) {
		set_err(s, "state");
		return -1;
	}
	int rc = sqlite3_step(st), version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		char sql[64];
		snprintf(sql, sizeof sql, "INSERT INTO state_format VALUES(%d)", FORMAT_VERSION);
		return exec(s, sql);
	}
	if (rc != SQLITE_ROW) {
		set_err(s, "state");
		return -1;
	}
	if (version != FORMAT_VERSION) {
		snprintf(s->err, sizeof s->err, "state format %d, this cdcpivot reads format %d", version,
		    FORMAT_VERSION);
		return -1;
	}
	return 0;
}

/* One writer per directory: two runs sharing a state would each apply
 * changes the other's output does not hold. */
static int
lock_dir(struct state *s, const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/lock", dir);
	s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (s->lock_fd < 0) {
		snprintf(s->err, sizeof s->err, "%.200s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		snprintf(s->err, sizeof s->err, "%.200s is in use by another cdcpivot", dir);
		return -1;
	}
	return 0;
}

static int
open_db(struct state *s, const char *dir, int durable)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/state.sqlite", dir);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		set_err(s, path);
		return -1;
	}
	char pragmas[160];
	snprintf(pragmas, sizeof pragmas,
	    "PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; PRAGMA synchronous=%s;"
	    " PRAGMA cache_size=-%d;"
	    " PRAGMA wal_autocheckpoint=8192;",
	    durable ? "FULL" : "NORMAL", STATE_CACHE_KIB);
	if (exec(s, pragmas) < 0 || exec(s, schema_sql) < 0 || check_format(s) < 0)
		return -1;
	if (sqlite3_prepare_v2(s->db,
	        "SELECT deleted, lsn, topic, part, off, image FROM row_image WHERE tbl=? AND k=?", -1,
	        &s->get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO row_image VALUES(?,?,?,?,?,?,?,?)", -1,
	        &s->put, NULL) != SQLITE_OK) {
		set_err(s, "state");
		return -1;
	}
	return 0;
}

static void
release(struct state *s)
{
	for (size_t i = 0; i < s->nstaged; i++)
		free(s->staged[i].tbl);
	free(s->staged);
	free(s->slots);
	statepart_free(s->parts);
	sqlite3_finalize(s->get);
	sqlite3_finalize(s->put);
	sqlite3_close(s->db);
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* releases the lock */
	buf_free(&s->image);
	free(s);
}

struct state *
state_open(const char *dir, int durable, char *err, size_t errlen)
{
	struct state *s = xmalloc(sizeof *s);
	memset(s, 0, sizeof *s);
	s->lock_fd = -1;
	buf_init(&s->image);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		release(s);
		return NULL;
	}
	if (lock_dir(s, dir) < 0 || open_db(s, dir, durable) < 0) {
		snprintf(err, errlen, "--state %s", s->err);
		release(s);
		return NULL;
	}
	return s;
}

int
state_close(struct state *s, unsigned long long written, char *err, size_t errlen)
{
	int rc = state_apply(s, written);
	if (rc < 0)
		snprintf(err, errlen, "%s", s->err);
	release(s);
	return rc;
}

/* FNV-1a over table and key, for the index of staged entries. */
static uint64_t
hash_of(const char *table, const void *key, size_t klen)
{
	uint64_t h = hash_fnv1a(HASH_FNV1A_INIT, table, strlen(table) + 1); /* NUL: a separator */
	return hash_fnv1a(h, key, klen);
}

static int
same_key(const struct staged *g, uint64_t h, const char *table, const void *key, size_t klen)
{
	return g->hash == h && g->klen == klen && strcmp(g->tbl, table) == 0 &&
	    memcmp(g->key, key, klen) == 0;
}

/* The slot of (table, key), or the empty slot where it would go. */
static size_t
slot_of(const struct state *s, uint64_t h, const char *table, const void *key, size_t klen)
{
	size_t i = (size_t)(h ^ (h >> 31)) & s->mask;
	while (s->slots[i] != 0 && !same_key(&s->staged[s->slots[i] - 1], h, table, key, klen))
		i = (i + 1) & s->mask;
	return i;
}

/* Rebuilds the index over staged[0..nstaged), later entries winning. */
static void
reindex(struct state *s)
{
	size_t cap = 16;
	while (cap < 2 * s->capstaged)
		cap *= 2;
	if (cap != s->mask + 1 || s->slots == NULL) {
		free(s->slots);
		s->slots = xmalloc(cap * sizeof *s->slots);
		s->mask = cap - 1;
	}
	memset(s->slots, 0, cap * sizeof *s->slots);
	for (size_t k = 0; k < s->nstaged; k++) {
		const struct staged *g = &s->staged[k];
		s->slots[slot_of(s, g->hash, g->tbl, g->key, g->klen)] = k + 1;
	}
}

static const struct staged *
find_staged(const struct state *s, const char *table, const void *key, size_t klen)
{
	if (s->nstaged == 0)
		return NULL;
	uint64_t h = hash_of(table, key, klen);
	size_t i = slot_of(s, h, table, key, klen);
	return s->slots[i] != 0 ? &s->staged[s->slots[i] - 1] : NULL;
}

static void
read_pos(sqlite3_stmt *st, struct state_pos *pos)
{
	memset(pos, 0, sizeof *pos);
	if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
		pos->has_lsn = 1;
		pos->lsn = sqlite3_column_int64(st, 1);
	}
	if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
		pos->has_offset = 1;
		const unsigned char *t = sqlite3_column_text(st, 2);
		snprintf(pos->topic, sizeof pos->topic, "%s", t ? (const char *)t : "");
		pos->partition = sqlite3_column_int(st, 3);
		pos->offset = sqlite3_column_int64(st, 4);
	}
}

/* Reading Kafka itself, an image of a partition the consumer does not hold
 * is another member's business: it may be older than that member's. */
static int
hidden(const struct state *s, const struct state_pos *pos)
{
	return s->parts != NULL && pos->has_offset && !statepart_held(s->parts, pos->topic, pos->partition);
}

int
state_get(struct state *s, const char *table, const void *key, size_t klen, struct state_entry *e)
{
	const struct staged *g = find_staged(s, table, key, klen);
	if (g != NULL) {
		*e = (struct state_entry){g->deleted, g->pos, g->image, g->ilen};
		return !hidden(s, &g->pos);
	}
	sqlite3_bind_text(s->get, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s->get, 2, klen ? key : "", (int)klen, SQLITE_STATIC);
	int rc = sqlite3_step(s->get), found = rc == SQLITE_ROW;
	if (found) {
		e->deleted = sqlite3_column_int(s->get, 0) != 0;
		read_pos(s->get, &e->pos);
		s->image.len = 0;
		int has_image = sqlite3_column_type(s->get, 5) != SQLITE_NULL;
		const void *img = sqlite3_column_blob(s->get, 5);
		buf_append(&s->image, img, (size_t)sqlite3_column_bytes(s->get, 5));
		buf_cstr(&s->image);
		e->image = has_image ? s->image.p : NULL;
		e->image_len = has_image ? s->image.len : 0;
	} else if (rc != SQLITE_DONE) {
		set_err(s, "state read");
	}
	sqlite3_reset(s->get);
	sqlite3_clear_bindings(s->get);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? found && !hidden(s, &e->pos) : -1;
}

static void
stage(struct state *s, unsigned long long seq, const char *table, const void *key, size_t klen,
    const struct state_pos *pos, int deleted, const char *image, size_t ilen)
{
	if (s->nstaged == s->capstaged) {
		s->capstaged = s->capstaged ? s->capstaged * 2 : 64;
		s->staged = xrealloc(s->staged, s->capstaged * sizeof *s->staged);
		reindex(s);
	}
	size_t tlen = strlen(table), size = tlen + 1 + klen + ilen + 1;
	char *block = xmalloc(size);
	memcpy(block, table, tlen + 1);
	memcpy(block + tlen + 1, key, klen);
	if (ilen > 0)
		memcpy(block + tlen + 1 + klen, image, ilen);
	block[size - 1] = '\0';
	struct staged *g = &s->staged[s->nstaged++];
	*g = (struct staged){seq, hash_of(table, key, klen), block, tlen,
	    (const unsigned char *)block + tlen + 1, klen, deleted, *pos,
	    image != NULL ? block + tlen + 1 + klen : NULL, ilen};
	s->staged_bytes += size;
	s->slots[slot_of(s, g->hash, table, key, klen)] = s->nstaged;
}

void
state_put(struct state *s, unsigned long long seq, const char *table, const void *key, size_t klen,
    const struct state_pos *pos, const char *image, size_t len)
{
	stage(s, seq, table, key, klen, pos, 0, image, len);
}

void
state_delete(struct state *s, unsigned long long seq, const char *table, const void *key,
    size_t klen, const struct state_pos *pos, const char *image, size_t len)
{
	stage(s, seq, table, key, klen, pos, 1, image, image != NULL ? len : 0);
}

static int
write_staged(struct state *s, const struct staged *g)
{
	sqlite3_stmt *st = s->put;
	sqlite3_bind_text(st, 1, g->tbl, (int)g->tlen, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, g->klen ? (const void *)g->key : "", (int)g->klen, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, g->deleted);
	if (g->pos.has_lsn)
		sqlite3_bind_int64(st, 4, g->pos.lsn);
	else
		sqlite3_bind_null(st, 4);
	if (g->pos.has_offset) {
		sqlite3_bind_text(st, 5, g->pos.topic, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 6, g->pos.partition);
		sqlite3_bind_int64(st, 7, g->pos.offset);
	} else {
		sqlite3_bind_null(st, 5);
		sqlite3_bind_null(st, 6);
		sqlite3_bind_null(st, 7);
	}
	if (g->image == NULL)
		sqlite3_bind_null(st, 8);
	else
		sqlite3_bind_blob(st, 8, g->ilen ? g->image : "", (int)g->ilen, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE)
		return 0;
	set_err(s, "state write");
	return -1;
}

/* ------------------------------------------------- Kafka partitions */

/* One statement on (topic, partition) and maybe a number; returns the rows
 * it changed, or -1. For the rare statements of partitions coming and
 * going, prepared each time. */
static long long
on_partition(struct state *s, const char *sql, const char *topic, int32_t part, int64_t n)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		set_err(s, "state");
		return -1;
	}
	sqlite3_bind_text(st, 1, topic, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, part);
	if (sqlite3_bind_parameter_count(st) > 2)
		sqlite3_bind_int64(st, 3, n);
	int rc = sqlite3_step(st);
	long long r = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : sqlite3_changes(s->db);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		set_err(s, "state partition");
		return -1;
	}
	return rc == SQLITE_DONE && strncmp(sql, "SELECT", 6) == 0 ? -2 : r;
}

static int
set_progress(struct state *s, const char *topic, int32_t part, int64_t next)
{
	return on_partition(s, "INSERT OR REPLACE INTO part_pos VALUES(?,?,?)", topic, part, next) < 0 ? -1 : 0;
}

void
state_progress(struct state *s, unsigned long long seq, const char *topic, int32_t partition, int64_t next)
{
	if (s->parts == NULL)
		s->parts = statepart_new();
	statepart_progress(s->parts, seq, topic, partition, next);
}

size_t
state_progress_pending(const struct state *s)
{
	return s->parts != NULL ? statepart_pending(s->parts) : 0;
}

/* Staged changes of the partition are another holding's: forgotten. */
static void
unstage_partition(struct state *s, const char *topic, int32_t part)
{
	size_t k = 0;
	for (size_t i = 0; i < s->nstaged; i++) {
		struct staged *g = &s->staged[i];
		if (g->pos.has_offset && g->pos.partition == part && strcmp(g->pos.topic, topic) == 0) {
			s->staged_bytes -= g->tlen + 1 + g->klen + g->ilen + 1;
			free(g->tbl);
		} else {
			s->staged[k++] = *g;
		}
	}
	if (k != s->nstaged) {
		s->nstaged = k;
		reindex(s);
	}
}

/* The partition's images and tombstones go, and its progress is start. */
static long long
drop_partition(struct state *s, const char *topic, int32_t part, int64_t start)
{
	if (exec(s, "BEGIN") < 0)
		return -1;
	long long n = on_partition(s, "DELETE FROM row_image WHERE topic=? AND part=?", topic, part, 0);
	long long r = n < 0 ? -1 :
	    start >= 0 ? on_partition(s, "INSERT OR REPLACE INTO part_pos VALUES(?,?,?)", topic, part, start) :
	                 on_partition(s, "DELETE FROM part_pos WHERE topic=? AND part=?", topic, part, 0);
	if (r < 0 || exec(s, "COMMIT") < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return n;
}

int
state_claim(struct state *s, const char *topic, int32_t partition, int64_t start, int64_t *was,
    long long *dropped)
{
	if (s->parts == NULL)
		s->parts = statepart_new();
	*dropped = 0;
	long long next = on_partition(s, "SELECT next FROM part_pos WHERE topic=? AND part=?", topic, partition, 0);
	if (next == -1)
		return -1;
	*was = next >= 0 ? next : -1;
	statepart_hold(s->parts, topic, partition);
	if (next >= 0 && next == start)
		return 1;
	unstage_partition(s, topic, partition);
	*dropped = drop_partition(s, topic, partition, start);
	return *dropped < 0 ? -1 : 0;
}

void
state_release(struct state *s, const char *topic, int32_t partition)
{
	if (s->parts != NULL)
		statepart_release(s->parts, topic, partition);
}

/* The progress of the partitions, with the images of the same events. */
static int
write_progress(struct state *s, unsigned long long written)
{
	int32_t part;
	int64_t next;
	const char *topic;
	for (size_t i = 0; s->parts != NULL && (topic = statepart_ready(s->parts, i, written, &part, &next)); i++)
		if (next >= 0 && set_progress(s, topic, part, next) < 0)
			return -1;
	return 0;
}

static int
progress_ready(const struct state *s, unsigned long long written)
{
	int32_t part;
	int64_t next;
	const char *topic;
	for (size_t i = 0; s->parts != NULL && (topic = statepart_ready(s->parts, i, written, &part, &next)); i++)
		if (next >= 0)
			return 1;
	return 0;
}

int
state_apply(struct state *s, unsigned long long written)
{
	size_t n = 0;
	while (n < s->nstaged && s->staged[n].seq <= written)
		n++;
	if (n == 0 && !progress_ready(s, written))
		return 0;
	if (exec(s, "BEGIN") < 0)
		return -1;
	int failed = write_progress(s, written) < 0;
	for (size_t i = 0; i < n && !failed; i++)
		failed = write_staged(s, &s->staged[i]) < 0;
	if (failed || exec(s, "COMMIT") < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (s->parts != NULL)
		statepart_forget(s->parts, written);
	for (size_t i = 0; i < n; i++) {
		s->staged_bytes -= s->staged[i].tlen + 1 + s->staged[i].klen + s->staged[i].ilen + 1;
		free(s->staged[i].tbl);
	}
	if (n == 0)
		return 0; /* progress only (staged may be NULL) */
	memmove(s->staged, s->staged + n, (s->nstaged - n) * sizeof *s->staged);
	s->nstaged -= n;
	reindex(s);
	return 0;
}

size_t
state_staged(const struct state *s)
{
	return s->nstaged;
}

size_t
state_staged_bytes(const struct state *s)
{
	return s->staged_bytes;
}

long long
state_count(struct state *s)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM row_image", -1, &st, NULL) != SQLITE_OK) {
		set_err(s, "state");
		return -1;
	}
	long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return n;
}
