#ifndef CDCPIVOT_PAYLOADSHAPE_H
#define CDCPIVOT_PAYLOADSHAPE_H

#include <cjson/cJSON.h>

#include "fastjson.h"

/* The shape of the payloads a Connect schema describes, for fastjson
 * (fastjson.h): Kafka Connect's JsonConverter writes a struct's fields in
 * the schema's order, every one of them (null or not), so a cached
 * schema says which member names each object of the payload has, in
 * order, and which of them hold structs of their own.
 *
 * payloadshape_new returns the shape of a schema of type "struct", or
 * NULL for any other schema (or none). A struct's shape stops before the
 * first field it cannot expect by its bytes (no "field" name, or one
 * holding a quote or a backslash, which JSON would escape); the parser
 * reads the rest as it reads any object. A payload that differs from its
 * schema only costs the speed-up, never a different tree.
 *
 * The shape is owned by the caller, holds no pointer into the schema,
 * and takes about as many bytes as the schema's text does, less the
 * text's types and options. */

struct fastjson_shape *payloadshape_new(const cJSON *schema);
void payloadshape_free(struct fastjson_shape *shape);

#endif
