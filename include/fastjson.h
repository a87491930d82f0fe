#ifndef CDCPIVOT_FASTJSON_H
#define CDCPIVOT_FASTJSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The hot path's JSON parser: builds, in the JSON arena in force
 * (jsonarena.h), exactly the tree that cJSON_ParseWithLengthOpts followed
 * by jsonval's number attachment builds (jsonval.h: number nodes point at
 * their literal, its length in valueint), in one pass over the text and
 * without what makes cJSON slow on Debezium payloads: strtod, localeconv
 * and a strncmp for every number and literal, and one allocation through
 * a function pointer per node and string.
 *
 * cJSON stays the parser of record. fastjson_parse() only answers for
 * text it is certain cJSON would accept and parse to that tree; for
 * anything else (a syntax error, a number outside RFC 8259's grammar or
 * longer than cJSON reads, a lone surrogate or \u0000, a UTF-8 byte order
 * mark, nesting deeper than FASTJSON_MAX_DEPTH, no arena in force, the
 * arena out of memory) it returns NULL, having built nothing the caller
 * must free, and the caller asks cJSON, which then decides and reports.
 *
 * On success *end_off is where cJSON_ParseWithLengthOpts (without
 * require_null_terminated) puts the parse end: just past the value, the
 * whitespace after it not skipped. The tree lives in the arena: it must not be
 * kept past the arena's reset, and the text must outlive it. */

#define FASTJSON_MAX_DEPTH 256

cJSON *fastjson_parse(const char *text, size_t len, size_t *end_off);

/* What a caller knows of the objects in its text: their members' names in
 * order, and the same for the members whose values are objects (a Connect
 * schema says so of every payload it describes: payloadshape.h). A member
 * whose name is the one expected next is recognised by comparing the
 * bytes "name": at once, instead of scanning for its closing quote, which
 * is most of what a member name costs; a name holding a quote or a
 * backslash cannot be expected. The first member of an object that is
 * not the one expected ends the shape's use in that object and in the
 * objects within it. The tree and the end are the same with any shape or
 * none: a shape only makes them faster to find. */
struct fastjson_shape;
struct fastjson_member {
	const char *quoted;                 /* "name": */
	size_t qlen;                        /* its length: the name's + 3 */
	const struct fastjson_shape *inner; /* of an object value, or NULL */
};
struct fastjson_shape {
	size_t n;
	const struct fastjson_member *member;
};

cJSON *fastjson_parse_shaped(const char *text, size_t len, size_t *end_off,
    const struct fastjson_shape *shape);

/* fastjson_parse_shaped, telling where the tree's strings are: every
 * member name and string value (not the number literals, which point into
 * text) lies in (*copy)[0..len), the parser's copy of the text in the
 * arena, so that a caller keeping the tree moves them with one memcpy.
 * *copy is set only on success. */
cJSON *fastjson_parse_copy(const char *text, size_t len, size_t *end_off,
    const struct fastjson_shape *shape, const char **copy);

#endif
