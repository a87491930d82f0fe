#ifndef CDCPIVOT_CHANGEEVENT_H
#define CDCPIVOT_CHANGEEVENT_H

#include <cjson/cJSON.h>

#include "classified.h"

/* A record value that is a JSON object -> its classification on env (see
 * envelope.h): a change event with its row images, source, commit time
 * and table name; a record that is skipped (transaction metadata,
 * heartbeats, schema changes, truncate and message events, tombstones);
 * or a rejection with its reason. The object is the JsonConverter
 * wrapper {"schema":...,"payload":...}, the bare payload, or Debezium's
 * CloudEvents form; it must stay alive until envelope_clear(). */
void changeevent_classify(struct envelope *env, const cJSON *doc);

/* The same for the payload alone (the event object itself), when the
 * caller has found the schema already (env->schema). */
void changeevent_classify_payload(struct envelope *env, const cJSON *payload);

#endif
