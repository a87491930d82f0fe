#include "stateful.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonval.h"
#include "pivot.h"

/* A tree parsed from text that the tree points into (jsonval_parse). */
struct image {
	struct buf text;
	cJSON *tree;
};

enum { TABLES_MAX = 64 };

/* The columns of a table's last insert or update image, NUL-separated:
 * what a key-only delete's before may hold after a column was dropped.
 * Kept in memory for TABLES_MAX tables, and in the state. */
struct columns {
	char table[256];
	struct buf names;
	int known;
};

struct stateful {
	struct state *st;
	const struct options *o;
	struct diff probe; /* for diff_is_unavailable: the placeholder's forms */
	char table[256];
	struct buf key;
	struct buf staged; /* the new image's text */
	struct state_pos pos;
	struct image stored, after, before;
	int synth;     /* before is the stored image */
	int needed;    /* see stateful_needed() */
	struct columns tables[TABLES_MAX];
	struct columns from_schema; /* the event's schema's before columns */
	size_t ntables, next_table;
	struct buf moved; /* a key change's other key (Debezium's headers) */
	const char **filled; /* names whose before value came from the state */
	size_t nfilled, capfilled;
	char err[300];
};

static void
image_init(struct image *im)
{
	buf_init(&im->text);
	im->tree = NULL;
}

static void
image_clear(struct image *im)
{
	cJSON_Delete(im->tree);
	im->tree = NULL;
	im->text.len = 0;
}

/* Parses im->text into im->tree; 0 or -1. */
static int
image_parse(struct image *im)
{
	size_t off;
	int trailing;
	im->tree = jsonval_parse(im->text.p ? im->text.p : "", im->text.len, &off, &trailing);
	return im->tree != NULL && jsonval_is_object(im->tree) ? 0 : -1;
}

struct stateful *
stateful_new(struct state *st, const struct options *o)
{
	struct stateful *sf = xmalloc(sizeof *sf);
	memset(sf, 0, sizeof *sf);
	sf->st = st;
	sf->o = o;
	diff_init(&sf->probe, o->unavailable);
	buf_init(&sf->key);
	buf_init(&sf->staged);
	buf_init(&sf->moved);
	buf_init(&sf->from_schema.names);
	for (size_t i = 0; i < TABLES_MAX; i++)
		buf_init(&sf->tables[i].names);
	image_init(&sf->stored);
	image_init(&sf->after);
	image_init(&sf->before);
	return sf;
}

void
stateful_free(struct stateful *sf)
{
	if (sf == NULL)
		return;
	stateful_done(sf);
	diff_free(&sf->probe);
	buf_free(&sf->key);
	buf_free(&sf->staged);
	buf_free(&sf->moved);
	buf_free(&sf->from_schema.names);
	for (size_t i = 0; i < TABLES_MAX; i++)
		buf_free(&sf->tables[i].names);
	buf_free(&sf->stored.text);
	buf_free(&sf->after.text);
	buf_free(&sf->before.text);
	free(sf->filled);
	free(sf);
}

void
stateful_done(struct stateful *sf)
{
	image_clear(&sf->stored);
	image_clear(&sf->after);
	image_clear(&sf->before);
}

const char *
stateful_error(const struct stateful *sf)
{
	return sf->err;
}

int
stateful_has_position(const struct stateful *sf)
{
	return sf->pos.has_lsn || sf->pos.has_offset;
}

int
stateful_needed(const struct stateful *sf)
{
	return sf->needed;
}

static const cJSON *
member(const cJSON *obj, const char *name)
{
	return obj ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;
}

static int
unavailable(const struct stateful *sf, const cJSON *v)
{
	return diff_is_unavailable(&sf->probe, v, sf->o->unavailable);
}

/* The row's key as JSON text: the record key, else {"id":value,...} of
 * the --id columns or the image's first column. */
static void
make_key(struct stateful *sf, const struct envelope *env, const cJSON *image)
{
	struct buf *k = &sf->key;
	k->len = 0;
	if (env->key != NULL && env->key->child != NULL) {
		jsonval_write_json(k, env->key);
		return;
	}
	buf_putc(k, '{');
	const struct namelist *ids = &sf->o->ids;
	for (size_t i = 0; i < ids->n; i++) {
		if (i > 0)
			buf_putc(k, ',');
		jsonval_write_string(k, ids->names[i], strlen(ids->names[i]));
		buf_putc(k, ':');
		const cJSON *v = member(image, ids->names[i]);
		if (v == NULL)
			v = member(env->before, ids->names[i]);
		if (v == NULL)
			buf_puts(k, "null");
		else
			jsonval_write_json(k, v);
	}
	if (ids->n == 0 && image != NULL && image->child != NULL) {
		jsonval_write_string(k, image->child->string, strlen(image->child->string));
		buf_putc(k, ':');
		jsonval_write_json(k, image->child);
	}
	buf_putc(k, '}');
}

/* The value of the record header called name: kcat -J (and --brokers)
 * give headers as an array of names and values in turn, ["name",
 * "value", ...]; an object {"name": "value"} is taken too. The first
 * header of that name, or NULL. */
static const char *
header_value(const cJSON *headers, const char *name)
{
	if (!jsonval_is_array(headers))
		return jsonval_string(member(headers, name));
	for (const cJSON *h = headers->child; h != NULL && h->next != NULL; h = h->next->next)
		if (jsonval_is_string(h) && strcmp(h->valuestring, name) == 0)
			return jsonval_string(h->next);
	return NULL;
}

/* Debezium's __debezium.oldkey / __debezium.newkey record header: the
 * row's key before or after a key change, as key text like make_key's.
 * Returns 0, or -1 when absent. */
static int
header_key(struct stateful *sf, const struct envelope *env, const char *name)
{
	const char *text = header_value(member(env->record, "headers"), name);
	if (text == NULL)
		return -1;
	size_t off;
	int trailing;
	cJSON *k = jsonval_parse(text, strlen(text), &off, &trailing);
	const cJSON *obj = k;
	if (jsonval_is_object(member(k, "payload")) && member(k, "schema") != NULL)
		obj = member(k, "payload"); /* JsonConverter with schemas */
	int ok = jsonval_is_object(obj) && obj->child != NULL;
	sf->moved.len = 0;
	if (ok)
		jsonval_write_json(&sf->moved, obj);
	cJSON_Delete(k);
	return ok ? 0 : -1;
}

static void
event_pos(const struct envelope *env, struct state_pos *pos)
{
	memset(pos, 0, sizeof *pos);
	pos->has_lsn = jsonval_int64(member(env->source, "lsn"), &pos->lsn) == 0;
	const char *topic = jsonval_string(member(env->record, "topic"));
	int64_t part, off;
	if (topic != NULL && jsonval_int64(member(env->record, "partition"), &part) == 0 &&
	    jsonval_int64(member(env->record, "offset"), &off) == 0) {
		pos->has_offset = 1;
		snprintf(pos->topic, sizeof pos->topic, "%s", topic);
		pos->partition = (int32_t)part;
		pos->offset = off;
	}
}

/* Whether the image holds nothing but the key's columns (and nulls). The
 * envelope says so itself for images it made from a record key (MongoDB
 * deletes: env->key_only). */
static int
key_only(const struct stateful *sf, const struct envelope *env, const cJSON *image)
{
	for (const cJSON *c = image ? image->child : NULL; c != NULL; c = c->next) {
		int in_key = member(env->key, c->string) != NULL;
		for (size_t i = 0; !in_key && i < sf->o->ids.n; i++)
			in_key = strcmp(sf->o->ids.names[i], c->string) == 0;
		int first_as_key = env->key == NULL && sf->o->ids.n == 0 && c == image->child;
		/* Debezium may send the other columns as null */
		if (!in_key && !first_as_key && !jsonval_is_null(c))
			return 0;
	}
	return 1;
}

static int
has_placeholder(const struct stateful *sf, const cJSON *image)
{
	for (const cJSON *c = image ? image->child : NULL; c != NULL; c = c->next)
		if (unavailable(sf, c))
			return 1;
	return 0;
}

static void
note_filled(struct stateful *sf, const char *name)
{
	if (sf->nfilled == sf->capfilled) {
		sf->capfilled = sf->capfilled ? sf->capfilled * 2 : 16;
		sf->filled = xrealloc(sf->filled, sf->capfilled * sizeof *sf->filled);
	}
	sf->filled[sf->nfilled++] = name;
}

/* The entry under which the state keeps a table's columns, so that they
 * survive a restart (a replayed delete must see the columns its first run
 * saw). Row keys are JSON objects: they start with '{'. */
static const char columns_key[] = "#columns";

static struct columns *
columns_slot(struct stateful *sf)
{
	for (size_t i = 0; i < sf->ntables; i++)
		if (strcmp(sf->tables[i].table, sf->table) == 0)
			return &sf->tables[i];
	struct columns *c = &sf->tables[sf->next_table]; /* round robin past TABLES_MAX */
	sf->next_table = (sf->next_table + 1) % TABLES_MAX;
	if (sf->ntables < TABLES_MAX)
		sf->ntables++;
	snprintf(c->table, sizeof c->table, "%s", sf->table);
	c->names.len = 0;
	c->known = 0;
	struct state_entry e;
	if (state_get(sf->st, sf->table, columns_key, sizeof columns_key - 1, &e) == 1 &&
	    e.image != NULL) {
		size_t off;
		int trailing;
		cJSON *names = jsonval_parse(e.image, e.image_len, &off, &trailing);
		for (const cJSON *n = names ? names->child : NULL; n != NULL; n = n->next)
			if (jsonval_is_string(n))
				buf_append(&c->names, n->valuestring, strlen(n->valuestring) + 1);
		c->known = names != NULL;
		cJSON_Delete(names);
	}
	return c;
}

/* The columns of the table's last insert or update image, or NULL. */
static const struct columns *
table_columns(struct stateful *sf)
{
	const struct columns *c = columns_slot(sf);
	return c->known ? c : NULL;
}

/* With schemas.enable=true, the value schema's "before" struct names the
 * table's columns as the event was written: exact where the last image is
 * a guess. NULL without a schema. */
static const struct columns *
schema_columns(struct stateful *sf, const struct envelope *env)
{
	const cJSON *f;
	const cJSON *before = NULL;
	cJSON_ArrayForEach(f, member(env->schema, "fields")) {
		const char *name = jsonval_string(member(f, "field"));
		if (name != NULL && strcmp(name, "before") == 0)
			before = f;
	}
	const cJSON *fields = member(before, "fields");
	if (!jsonval_is_array(fields) || fields->child == NULL)
		return NULL;
	struct columns *c = &sf->from_schema;
	c->names.len = 0;
	cJSON_ArrayForEach(f, fields) {
		const char *name = jsonval_string(member(f, "field"));
		if (name == NULL)
			return NULL;
		buf_append(&c->names, name, strlen(name) + 1);
	}
	c->known = 1;
	return c;
}

/* Remembers the columns of an insert or update image of the table, and
 * stages them for the state when they changed. */
static void
note_columns(struct stateful *sf, const cJSON *image, unsigned long long seq)
{
	struct columns *c = columns_slot(sf);
	struct buf *b = &sf->staged;
	b->len = 0;
	for (const cJSON *m = image->child; m != NULL; m = m->next)
		buf_append(b, m->string, strlen(m->string) + 1);
	if (c->known && b->len == c->names.len && memcmp(b->p, c->names.p, b->len) == 0)
		return;
	c->names.len = 0;
	buf_append(&c->names, b->p, b->len);
	c->known = 1;
	b->len = 0;
	buf_putc(b, '[');
	for (const cJSON *m = image->child; m != NULL; m = m->next) {
		if (m != image->child)
			buf_putc(b, ',');
		jsonval_write_string(b, m->string, strlen(m->string));
	}
	buf_putc(b, ']');
	struct state_pos none;
	memset(&none, 0, sizeof none);
	state_put(sf->st, seq, sf->table, columns_key, sizeof columns_key - 1, &none, b->p, b->len);
}

/* Which columns of the stored image a made-up before keeps: those of the
 * update's after, or of the table's last image seen (a delete); all when
 * neither is known. */
struct keep {
	const cJSON *obj;
	const struct columns *cols;
};

static int
kept(const struct keep *k, const char *name)
{
	if (k == NULL)
		return 1;
	if (k->obj != NULL)
		return member(k->obj, name) != NULL;
	if (k->cols == NULL)
		return 1;
	for (size_t off = 0; off < k->cols->names.len;) {
		const char *n = k->cols->names.p + off;
		if (strcmp(n, name) == 0)
			return 1;
		off += strlen(n) + 1;
	}
	return 0;
}

/* out := src with every placeholder replaced by the stored value, when the
 * state has one that is not a placeholder itself, and only the columns
 * keep keeps. */
static int
fill(struct stateful *sf, struct image *out, const cJSON *src, const struct keep *keep, int note)
{
	const cJSON *stored = sf->stored.tree;
	struct buf *b = &out->text;
	b->len = 0;
	buf_putc(b, '{');
	int first = 1;
	for (const cJSON *c = src->child; c != NULL; c = c->next) {
		if (!kept(keep, c->string))
			continue;
		const cJSON *v = c, *s = member(stored, c->string);
		if (unavailable(sf, c) && s != NULL && !unavailable(sf, s))
			v = s;
		if (!first)
			buf_putc(b, ',');
		first = 0;
		jsonval_write_string(b, c->string, strlen(c->string));
		buf_putc(b, ':');
		jsonval_write_json(b, v);
	}
	/* A delete's columns added since the row was stored: null, as in the
	 * old rows of a column added without a default (old_source unknown). */
	for (size_t off = 0; keep != NULL && keep->obj == NULL && keep->cols != NULL &&
	     off < keep->cols->names.len;) {
		const char *n = keep->cols->names.p + off;
		off += strlen(n) + 1;
		if (member(src, n) != NULL)
			continue;
		if (!first)
			buf_putc(b, ',');
		first = 0;
		jsonval_write_string(b, n, strlen(n));
		buf_puts(b, ":null");
	}
	buf_putc(b, '}');
	if (image_parse(out) < 0)
		return -1;
	if (note)
		for (const cJSON *c = src->child, *n = out->tree->child; c != NULL && n != NULL; c = c->next)
			if (kept(keep, c->string)) {
				if (unavailable(sf, c) && !unavailable(sf, n))
					note_filled(sf, n->string);
				n = n->next;
			}
	return 0;
}

/* An update or delete whose before is absent or holds only the key
 * (REPLICA IDENTITY DEFAULT, or USING INDEX on the key's columns). */
static int
lacks_before(const struct stateful *sf, const struct envelope *env)
{
	return (env->op == 'u' || env->op == 'd') && (env->key_only || key_only(sf, env, env->before));
}

/* Completes before and after from the stored image. */
static int
complete(struct stateful *sf, struct envelope *env)
{
	if (env->after != NULL && has_placeholder(sf, env->after)) {
		if (fill(sf, &sf->after, env->after, NULL, 0) < 0)
			return -1;
		env->after = sf->after.tree;
	}
	int lacks = lacks_before(sf, env);
	if (lacks) {
		const struct columns *cols = schema_columns(sf, env);
		struct keep keep = {env->op == 'u' ? env->after : NULL, cols ? cols : table_columns(sf)};
		if (fill(sf, &sf->before, sf->stored.tree, &keep, 0) < 0)
			return -1;
		env->before = sf->before.tree;
		sf->synth = 1;
	} else if (env->before != NULL && has_placeholder(sf, env->before)) {
		if (fill(sf, &sf->before, env->before, NULL, 1) < 0)
			return -1;
		env->before = sf->before.tree;
	}
	return 0;
}

enum stateful_verdict
stateful_prepare(struct stateful *sf, struct envelope *env)
{
	const cJSON *image = env->op == 'd' ? env->before : env->after;
	sf->synth = 0;
	sf->nfilled = 0;
	sf->needed = lacks_before(sf, env) || has_placeholder(sf, env->after) ||
	    has_placeholder(sf, env->before);
	memcpy(sf->table, env->table, env->table_len + 1);
	make_key(sf, env, image);
	event_pos(env, &sf->pos);
	struct state_entry e;
	int found = state_get(sf->st, sf->table, sf->key.p, sf->key.len, &e);
	if (found < 0) {
		snprintf(sf->err, sizeof sf->err, "--state: %s", state_error(sf->st));
		return STATEFUL_ERROR;
	}
	if (found && state_pos_replay(&sf->pos, &e.pos))
		return STATEFUL_REPLAY;
	if ((!found || e.deleted) && env->op != 'd' && has_placeholder(sf, env->after) &&
	    header_key(sf, env, "__debezium.oldkey") == 0) {
		/* A key change: the row's image is under its old key. */
		found = state_get(sf->st, sf->table, sf->moved.p, sf->moved.len, &e);
		if (found < 0) {
			snprintf(sf->err, sizeof sf->err, "--state: %s", state_error(sf->st));
			return STATEFUL_ERROR;
		}
		found = found && e.image != NULL;
	} else if (found && e.deleted) {
		found = 0;
	}
	if (!found)
		return STATEFUL_MISS;
	sf->stored.text.len = 0;
	buf_append(&sf->stored.text, e.image, e.image_len);
	if (image_parse(&sf->stored) < 0 || complete(sf, env) < 0) {
		snprintf(sf->err, sizeof sf->err, "--state: the image of %.100s %.100s is not a JSON object",
		    sf->table, sf->key.p);
		return STATEFUL_ERROR;
	}
	return STATEFUL_HIT;
}

void
stateful_stage(struct stateful *sf, const struct envelope *env, unsigned long long seq)
{
	struct buf *b = &sf->staged;
	b->len = 0;
	if (env->op == 'd') {
		/* A key change keeps the last image for the row's new key. */
		int moved = env->before != NULL && header_key(sf, env, "__debezium.newkey") == 0;
		if (moved)
			jsonval_write_json(b, env->before);
		state_delete(sf->st, seq, sf->table, sf->key.p, sf->key.len, &sf->pos,
		    moved ? b->p : NULL, b->len);
		return;
	}
	if (env->after == NULL)
		return;
	note_columns(sf, env->after, seq);
	/* The completed after, as text with numbers as written. */
	b->len = 0;
	jsonval_write_json(b, env->after);
	state_put(sf->st, seq, sf->table, sf->key.p, sf->key.len, &sf->pos, b->p, b->len);
}

const char *
stateful_old_source(const void *ctx, const struct envelope *env, const struct field_change *fc,
    const char *dflt)
{
	const struct stateful *sf = ctx;
	if (dflt == NULL)
		return NULL;
	if (sf->synth) {
		const cJSON *s = member(sf->stored.tree, fc->name);
		return s != NULL && !unavailable(sf, s) ? "state" : "unknown";
	}
	for (size_t i = 0; i < sf->nfilled; i++)
		if (strcmp(sf->filled[i], fc->name) == 0)
			return "state";
	(void)env;
	return dflt;
}
