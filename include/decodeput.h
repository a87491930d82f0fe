#ifndef CDCPIVOT_DECODEPUT_H
#define CDCPIVOT_DECODEPUT_H

#include <cjson/cJSON.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "jsonval.h"

/* The few ways a decoded value is appended, shared by decode.c (values by
 * their schema) and decodetime.c (dates, times, durations): generated
 * text, a string from the input, raw for a column or as a JSON string
 * literal inside a JSON value. */

/* Appends generated ASCII text (no character needs escaping), quoted as a
 * JSON string when json is set. */
static inline void
put_ascii(struct buf *out, const char *s, size_t n, int json)
{
	if (json)
		buf_putc(out, '"');
	buf_append(out, s, n);
	if (json)
		buf_putc(out, '"');
}

/* Appends a string from the input: raw, or as a JSON string literal. */
static inline void
put_string(struct buf *out, const char *s, int json)
{
	if (json)
		jsonval_write_string(out, s, strlen(s));
	else
		buf_puts(out, s);
}

/* The integer of a JSON number node (not a string of digits). */
static inline int
get_int(const cJSON *v, int64_t *x)
{
	return cJSON_IsNumber(v) ? jsonval_int64(v, x) : -1;
}

#endif
