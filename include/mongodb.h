#ifndef CDCPIVOT_MONGODB_H
#define CDCPIVOT_MONGODB_H

#include "classified.h"

/* MongoDB's own event forms (source.connector "mongodb", see the MongoDB
 * part of struct envelope), applied to a classified change event: the
 * record key as {"_id": <the id>}; the before image of a delete built
 * from the key, else from the 1.x "filter" (env->key_only set); the
 * update description (env->mongo_update, updated, removed, truncated).
 * Trees it builds are handed to env. Returns 0, or -1 after rejecting
 * the line (a document held in a string that is not JSON, or holds an
 * escaped NUL). */
int mongodb_forms(struct envelope *env);

#endif
