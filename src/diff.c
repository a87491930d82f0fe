#include "diff.h"

#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "jsonval.h"

void
diff_init(struct diff *d, const char *placeholder)
{
	memset(d, 0, sizeof *d);
	buf_init(&d->placeholder_b64);
	base64_encode(&d->placeholder_b64, (const unsigned char *)placeholder, strlen(placeholder));
	buf_cstr(&d->placeholder_b64);
}

void
diff_free(struct diff *d)
{
	free(d->id_names);
	free(d->id_values);
	free(d->changes);
	free(d->missing);
	free(d->unavailable);
	free(d->missing_ids);
	free(d->old_unknown);
	buf_free(&d->placeholder_b64);
	member_index_free(&d->before);
	member_index_free(&d->after);
	memset(d, 0, sizeof *d);
}

int
diff_is_unavailable(const struct diff *d, const cJSON *v, const char *placeholder)
{
	if (v == NULL)
		return 0;
	if (jsonval_is_string(v)) {
		/* The first byte rules out almost every value without a call. */
		const char *s = v->valuestring;
		return (s[0] == placeholder[0] && strcmp(s, placeholder) == 0) ||
		    (s[0] == d->placeholder_b64.p[0] && strcmp(s, d->placeholder_b64.p) == 0);
	}
	if (jsonval_is_array(v) && v->child != NULL) {
		for (const cJSON *e = v->child; e != NULL; e = e->next)
			if (!diff_is_unavailable(d, e, placeholder) || jsonval_is_array(e))
				return 0;
		return 1;
	}
	return 0;
}

static size_t
count_members(const cJSON *obj)
{
	size_t n = 0;
	for (const cJSON *c = obj ? obj->child : NULL; c != NULL; c = c->next)
		n++;
	return n;
}

/* Grows every per-event array to hold n entries. */
static void
reserve(struct diff *d, size_t n)
{
	if (n <= d->cap)
		return;
	size_t cap = d->cap ? d->cap : 16;
	while (cap < n)
		cap *= 2;
	d->id_names = xrealloc(d->id_names, cap * sizeof *d->id_names);
	d->id_values = xrealloc(d->id_values, cap * sizeof *d->id_values);
	d->changes = xrealloc(d->changes, cap * sizeof *d->changes);
	d->missing = xrealloc(d->missing, cap * sizeof *d->missing);
	d->unavailable = xrealloc(d->unavailable, cap * sizeof *d->unavailable);
	d->missing_ids = xrealloc(d->missing_ids, cap * sizeof *d->missing_ids);
	d->old_unknown = xrealloc(d->old_unknown, cap * sizeof *d->old_unknown);
	d->cap = cap;
}

static int
is_id(const struct diff *d, const char *name)
{
	for (size_t i = 0; i < d->nids; i++)
		if (strcmp(d->id_names[i], name) == 0)
			return 1;
	return 0;
}

static int is_id(const struct diff *d, const char *name);

/* Whether every column of the image is an id column. */
static int
only_ids(const struct diff *d, const cJSON *image)
{
	for (const cJSON *c = image ? image->child : NULL; c != NULL; c = c->next)
		if (!is_id(d, c->string))
			return 0;
	return 1;
}

static const cJSON *
member(const cJSON *obj, const char *name)
{
	return jsonval_member(obj, name);
}

/* A column of the event's before or after through its index, any other
 * object's member by a walk. */
static const cJSON *
column(const struct diff *d, const cJSON *obj, const char *name)
{
	if (obj != NULL && obj == d->before.obj)
		return member_index_get(&d->before, name);
	if (obj != NULL && obj == d->after.obj)
		return member_index_get(&d->after, name);
	return member(obj, name);
}

/* Whether path ("a" or "a.b.c") is inside the top-level field name. */
static int
path_in(const char *path, const char *name)
{
	size_t n = strlen(name);
	return path != NULL && strncmp(path, name, n) == 0 && (path[n] == '\0' || path[n] == '.');
}

/* A MongoDB update without a before image whose updateDescription names
 * what changed: only those top-level fields are changes. */
static int
mongo_partial(const struct envelope *env)
{
	return env->op == 'u' && env->before == NULL && env->mongo_update;
}

static int
mongo_changed(const struct envelope *env, const char *name)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, env->updated)
		if (path_in(c->string, name))
			return 1;
	cJSON_ArrayForEach(c, env->removed)
		if (path_in(jsonval_string(c), name))
			return 1;
	cJSON_ArrayForEach(c, env->truncated)
		if (path_in(jsonval_string(member(c, "field")), name))
			return 1;
	return 0;
}

/* A top-level field the update removed from the document. */
static int
mongo_removed(const struct envelope *env, const char *name)
{
	const cJSON *c;
	cJSON_ArrayForEach(c, env->removed) {
		const char *p = jsonval_string(c);
		if (p != NULL && strcmp(p, name) == 0)
			return 1;
	}
	return 0;
}

/* Decides the row for one tracked field. */
static void
track(struct diff *d, const struct envelope *env, const struct options *o, const char *name)
{
	const cJSON *b = column(d, env->before, name);
	const cJSON *a = column(d, env->after, name);
	const cJSON *old = NULL, *new = NULL;
	if (env->op == 'd') {
		old = b;
	} else {
		new = a;
		if (env->op == 'u')
			old = b;
	}
	if (mongo_partial(env) && !mongo_changed(env, name)) {
		/* Not in the update description: unchanged, so its old value is
		 * its new one, printed only with --unchanged. */
		if (!o->unchanged && a != NULL)
			return;
		old = a;
	}
	if (a == NULL && b == NULL) {
		/* A field a MongoDB update removed is a change to NULL. */
		if (!(d->notes & DIFF_NOTE_KEY_ONLY) && !(mongo_partial(env) && mongo_removed(env, name))) {
			d->missing[d->nmissing++] = name;
			return;
		}
		/* A delete that carries only the key: the row is gone and its
		 * old value unknown, which is still a row of the change log. */
	}
	if (diff_is_unavailable(d, new, o->unavailable)) {
		/* Unchanged and not sent (TOASTed): no change to report. */
		d->notes |= DIFF_NOTE_UNAVAILABLE;
		d->unavailable[d->nunavailable++] = name;
		return;
	}
	if (diff_is_unavailable(d, old, o->unavailable)) {
		/* A change whose old value was not sent: a row, old unknown. */
		d->notes |= DIFF_NOTE_UNAVAILABLE;
		d->old_unknown[d->nold_unknown++] = name;
		old = NULL;
	} else if (env->op == 'u' && env->before != NULL && !o->unchanged && jsonval_equal(old, new)) {
		return;
	}
	struct field_change *fc = &d->changes[d->n++];
	fc->name = name;
	fc->old = old;
	fc->new = new;
}

/* An update that changes an id column: one row for that column. */
static void
track_id_changes(struct diff *d, const struct envelope *env)
{
	for (size_t i = 0; i < d->nids; i++) {
		const cJSON *b = column(d, env->before, d->id_names[i]);
		const cJSON *a = column(d, env->after, d->id_names[i]);
		if (b == NULL || a == NULL || jsonval_equal(b, a))
			continue;
		struct field_change *fc = &d->changes[d->n++];
		fc->name = d->id_names[i];
		fc->old = b;
		fc->new = a;
	}
}

/* The id columns and their values: --id, else the record key's fields,
 * else the row's first column; from the row image, else from the key. */
static void
find_ids(struct diff *d, const struct envelope *env, const struct options *o, const cJSON *image)
{
	if (o->ids.n > 0) {
		for (size_t i = 0; i < o->ids.n; i++)
			d->id_names[d->nids++] = o->ids.names[i];
	} else if (env->key != NULL && env->key->child != NULL) {
		for (const cJSON *c = env->key->child; c != NULL; c = c->next)
			d->id_names[d->nids++] = c->string;
	} else if (image->child != NULL) {
		d->id_names[d->nids++] = image->child->string;
	}
	for (size_t i = 0; i < d->nids; i++) {
		const cJSON *v = column(d, image, d->id_names[i]);
		if (v == NULL)
			v = member(env->key, d->id_names[i]);
		if (v == NULL && o->ids.n > 0 && column(d, env->before, d->id_names[i]) == NULL)
			d->missing_ids[d->nmissing_ids++] = d->id_names[i];
		d->id_values[i] = v;
	}
}

/* Without --fields: every column of the image but the ids, the fields a
 * MongoDB update removed, and columns only in an update's before. */
static void
track_all(struct diff *d, const struct envelope *env, const struct options *o, const cJSON *image)
{
	for (const cJSON *c = image->child; c != NULL; c = c->next)
		if (!is_id(d, c->string))
			track(d, env, o, c->string);
	if (mongo_partial(env)) {
		const cJSON *c;
		cJSON_ArrayForEach(c, env->removed) {
			const char *name = jsonval_string(c);
			if (name != NULL && strchr(name, '.') == NULL && !is_id(d, name) &&
			    column(d, env->after, name) == NULL)
				track(d, env, o, name);
		}
	}
	if (env->op == 'u') {
		/* Columns only in before: dropped while the event was in flight. */
		for (const cJSON *c = env->before ? env->before->child : NULL; c != NULL; c = c->next)
			if (!is_id(d, c->string) && column(d, env->after, c->string) == NULL)
				track(d, env, o, c->string);
	}
}

void
diff_event(struct diff *d, const struct envelope *env, const struct options *o)
{
	const cJSON *image = env->op == 'd' ? env->before : env->after;
	size_t nb = count_members(env->before), na = count_members(env->after);
	reserve(d, o->ids.n + o->fields.n + nb + na + count_members(env->key) +
	    count_members(env->removed) + 1);
	d->nids = d->n = d->nmissing = d->nunavailable = d->nmissing_ids = d->nold_unknown = 0;
	d->notes = 0;
	member_index_build(&d->before, env->before);
	member_index_build(&d->after, env->after);

	find_ids(d, env, o, image);
	if (env->op == 'u' && env->before != NULL)
		track_id_changes(d, env);
	if (env->op == 'u' && env->before == NULL)
		d->notes |= DIFF_NOTE_NO_BEFORE;
	if (env->op == 'd' && (env->key_only || only_ids(d, env->before)))
		d->notes |= DIFF_NOTE_KEY_ONLY; /* REPLICA IDENTITY DEFAULT, MongoDB */

	if (o->fields.n > 0) {
		for (size_t i = 0; i < o->fields.n; i++)
			track(d, env, o, o->fields.names[i]);
	} else if (!env->key_only) { /* an image made from the key holds no values */
		track_all(d, env, o, image);
	}
}
