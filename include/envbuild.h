#ifndef CDCPIVOT_ENVBUILD_H
#define CDCPIVOT_ENVBUILD_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "classified.h"

/* The pieces that the envelope's parsers (envelope.c: the line's framing,
 * changeevent.c: the Debezium event, mongodb.c: MongoDB's forms) share to
 * record what they find on a struct envelope. Not for other stages. */

/* The line is rejected: env->kind = ENVELOPE_REJECT, reason formatted
 * into env->reason (cut to fit). */
void envbuild_reject(struct envelope *env, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The line is skipped and counted as why. */
void envbuild_skip(struct envelope *env, enum envelope_skip why);

/* Hands tree to env, which deletes it at envelope_clear(); returns tree.
 * At most ten trees per line (more cannot happen: the tree is deleted and
 * NULL returned). */
cJSON *envbuild_keep(struct envelope *env, cJSON *tree);

/* "a boolean", "null", "a number", "a string", "an array", "an object". */
const char *envbuild_type_name(const cJSON *v);

/* The 1-based column of a \u0000 escape in line[0..len), or 0. An odd run
 * of backslashes before "u0000" makes it an escape; an even one is an
 * escaped backslash followed by text. */
size_t envbuild_escaped_nul(const char *line, size_t len);

/* Rejects text (JSON held in a string of the line: a kcat -J payload or
 * key, a MongoDB row image) when it holds an escaped NUL, which cJSON
 * would cut the value at. The line-level check cannot see these: in the
 * line the escape is itself escaped ("\\u0000"). what prefixes the
 * message. Returns 1 if rejected. */
int envbuild_reject_escaped_nul(struct envelope *env, const char *what, const char *text);

#endif
