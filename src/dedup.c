#include "dedup.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "jsonval.h"

struct dedup {
	uint64_t *ring;    /* identities in arrival order */
	size_t window, n, next;
	uint64_t *slots;   /* open addressing; 0 marks an empty slot */
	size_t mask;
	struct buf scratch;
};

struct dedup *
dedup_new(size_t window)
{
	struct dedup *d = xmalloc(sizeof *d);
	memset(d, 0, sizeof *d);
	d->window = window;
	d->ring = xmalloc(window * sizeof *d->ring);
	size_t cap = 16;
	while (cap < window * 2)
		cap *= 2;
	d->slots = xmalloc(cap * sizeof *d->slots);
	memset(d->slots, 0, cap * sizeof *d->slots);
	d->mask = cap - 1;
	buf_init(&d->scratch);
	return d;
}

void
dedup_free(struct dedup *d)
{
	if (d == NULL)
		return;
	free(d->ring);
	free(d->slots);
	buf_free(&d->scratch);
	free(d);
}

static size_t
find(const struct dedup *d, uint64_t h)
{
	size_t i = (size_t)(h ^ (h >> 29)) & d->mask;
	while (d->slots[i] != 0 && d->slots[i] != h)
		i = (i + 1) & d->mask;
	return i;
}

/* Deletion by backward shift keeps probe chains intact without tombstones. */
static void
erase(struct dedup *d, uint64_t h)
{
	size_t i = find(d, h);
	if (d->slots[i] == 0)
		return;
	d->slots[i] = 0;
	for (size_t j = (i + 1) & d->mask; d->slots[j] != 0; j = (j + 1) & d->mask) {
		uint64_t v = d->slots[j];
		size_t home = (size_t)(v ^ (v >> 29)) & d->mask;
		/* Move v into the hole if the hole lies on its probe path. */
		if (((j - home) & d->mask) >= ((j - i) & d->mask)) {
			d->slots[i] = v;
			d->slots[j] = 0;
			i = j;
		}
	}
}

int
dedup_seen(struct dedup *d, uint64_t h)
{
	if (h == 0)
		h = 1; /* 0 marks empty slots */
	size_t i = find(d, h);
	if (d->slots[i] == h)
		return 1;
	if (d->n == d->window) {
		erase(d, d->ring[d->next]);
		d->n--;
		i = find(d, h);
	}
	d->slots[i] = h;
	d->ring[d->next] = h;
	d->next = (d->next + 1) % d->window;
	d->n++;
	return 0;
}

static uint64_t
hash_json(struct dedup *d, uint64_t h, const char *tag, const cJSON *v)
{
	struct buf *tmp = &d->scratch;
	tmp->len = 0;
	if (v != NULL)
		jsonval_write_json(tmp, v);
	h = hash_fnv1a(h, tag, strlen(tag) + 1);
	return hash_fnv1a(h, tmp->p, tmp->len);
}

/* Whether the source block names one change uniquely: PostgreSQL's lsn,
 * MySQL's binlog file and position, SQL Server's change and commit LSNs.
 * Commit times and transaction ids are shared by every change of a
 * transaction, so they do not. */
static int
has_unique_position(const cJSON *src)
{
	static const char *const unique[][2] = {
		{"lsn", NULL}, {"file", "pos"}, {"change_lsn", "commit_lsn"},
	};
	for (size_t i = 0; i < sizeof unique / sizeof unique[0]; i++)
		if (cJSON_GetObjectItemCaseSensitive(src, unique[i][0]) != NULL &&
		    (unique[i][1] == NULL || cJSON_GetObjectItemCaseSensitive(src, unique[i][1]) != NULL))
			return 1;
	return 0;
}

uint64_t
dedup_identity(struct dedup *d, const struct envelope *env)
{
	/* Position fields of the Debezium source blocks (PostgreSQL, MySQL,
	 * SQL Server, Oracle, MongoDB); absent ones are skipped. */
	static const char *const position[] = {
		"lsn", "txId", "sequence", "ts_ms", "ts_us", "ts_ns", "ts_usec", "file", "pos", "row",
		"gtid", "change_lsn", "commit_lsn", "event_serial_no", "scn", "ord", "xmin", NULL,
	};
	uint64_t h = HASH_FNV1A_INIT;
	h = hash_fnv1a(h, &env->op, 1);
	for (size_t i = 0; position[i] != NULL; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(env->source, position[i]);
		if (v != NULL)
			h = hash_json(d, h, position[i], v);
	}
	/* The key: the record key, else the row image, which holds it. */
	const cJSON *key = env->key;
	if (key == NULL)
		key = env->op == 'd' ? env->before : env->after;
	h = hash_json(d, h, "\1key", key);
	if (has_unique_position(env->source))
		return h;
	/* Without a position that names one change, two changes of a row in
	 * one transaction (10 -> 100, 100 -> 10, 10 -> 100) may differ only in
	 * the envelope (its ts_ms, the transaction block) and in where Kafka
	 * put them: all of that is the identity. */
	h = hash_json(d, h, "\1event", env->payload);
	static const char *const kafka[] = {"topic", "partition", "offset"};
	for (size_t i = 0; env->record != NULL && i < 3; i++)
		h = hash_json(d, h, kafka[i], cJSON_GetObjectItemCaseSensitive(env->record, kafka[i]));
	return h;
}
