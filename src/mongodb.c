#include "mongodb.h"

#include <string.h>

#include "buf.h"
#include "envbuild.h"
#include "jsonval.h"

static const cJSON *
member(const cJSON *obj, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(obj, name);
}

/* The JSON document held in the string s, or NULL. */
static cJSON *
parse_text(const char *s)
{
	size_t off;
	int trailing;
	return jsonval_parse(s, strlen(s), &off, &trailing);
}

/* The document id of a MongoDB record key, {"id": "<extended JSON>"}
 * (or "_id"), as a JSON value: the text parsed when it is JSON, else the
 * string itself. NULL when the key has no id. */
static cJSON *
mongo_key_id(struct envelope *env)
{
	const cJSON *id = member(env->key, "_id");
	if (id == NULL)
		id = member(env->key, "id");
	if (id == NULL || jsonval_is_null(id))
		return NULL;
	if (jsonval_is_string(id) && id == member(env->key, "id")) {
		cJSON *v = parse_text(id->valuestring);
		if (v != NULL)
			return v;
	}
	if (jsonval_is_string(id))
		return cJSON_CreateString(id->valuestring);
	/* Not cJSON_Duplicate: number nodes hold their literal as a pointer
	 * into the line, without a NUL, which it would copy with strlen. The
	 * id's JSON text prints the same in every format. */
	struct buf text;
	buf_init(&text);
	jsonval_write_json(&text, id);
	cJSON *v = cJSON_CreateString(buf_cstr(&text));
	buf_free(&text);
	return v;
}

/* {"_id": <the record key's id>}, or NULL when the key has none. */
static cJSON *
id_object(struct envelope *env)
{
	cJSON *id = mongo_key_id(env);
	cJSON *o = id != NULL ? cJSON_CreateObject() : NULL;
	if (o == NULL) {
		cJSON_Delete(id);
		return NULL;
	}
	cJSON_AddItemToObject(o, "_id", id);
	return o;
}

/* A delete without a before image: the key's id, else Debezium 1.x's
 * selection ("filter", {"_id": ...}), is all that is known of the row. */
static int
key_only_delete(struct envelope *env)
{
	cJSON *image = id_object(env);
	if (image != NULL) {
		env->before = envbuild_keep(env, image);
	} else {
		const cJSON *filter = member(env->payload, "filter");
		if (jsonval_is_string(filter)) {
			if (envbuild_reject_escaped_nul(env, "\"filter\": ", filter->valuestring))
				return -1;
			cJSON *f = parse_text(filter->valuestring);
			if (jsonval_is_object(f) && member(f, "_id") != NULL)
				env->before = envbuild_keep(env, f);
			else
				cJSON_Delete(f);
		}
	}
	env->key_only = env->before != NULL;
	return 0;
}

/* An update's updateDescription (2.x): which top-level fields changed. */
static int
update_description(struct envelope *env)
{
	const cJSON *desc = member(env->payload, "updateDescription");
	if (env->op != 'u' || !jsonval_is_object(desc))
		return 0;
	const cJSON *upd = member(desc, "updatedFields");
	if (jsonval_is_string(upd)) {
		if (envbuild_reject_escaped_nul(env, "\"updatedFields\": ", upd->valuestring))
			return -1;
		cJSON *u = parse_text(upd->valuestring);
		if (!jsonval_is_object(u)) {
			cJSON_Delete(u);
			envbuild_reject(env, "\"updatedFields\" is a string that does not hold a JSON document");
			return -1;
		}
		env->updated = envbuild_keep(env, u);
	} else if (jsonval_is_object(upd)) {
		env->updated = upd;
	}
	const cJSON *rem = member(desc, "removedFields"), *trunc = member(desc, "truncatedArrays");
	env->removed = jsonval_is_array(rem) ? rem : NULL;
	env->truncated = jsonval_is_array(trunc) ? trunc : NULL;
	env->mongo_update = env->updated != NULL || env->removed != NULL || env->truncated != NULL;
	return 0;
}

int
mongodb_forms(struct envelope *env)
{
	if (env->key != NULL && member(env->key, "_id") == NULL) {
		/* Debezium names the key's field "id" and writes the document's
		 * _id into it as extended JSON text; as {"_id": <value>} the key
		 * names the column the documents have, so ids agree between
		 * inserts, updates and key-only deletes. */
		cJSON *k = id_object(env);
		if (k != NULL)
			env->key = envbuild_keep(env, k);
	}
	if (env->op == 'd' && env->before == NULL)
		return key_only_delete(env);
	return update_description(env);
}
