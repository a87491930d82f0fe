#ifndef CDCPIVOT_DECIMAL_H
#define CDCPIVOT_DECIMAL_H

#include <stdint.h>

#include "buf.h"

/* Kafka Connect's Decimal on the wire: a big-endian two's-complement
 * integer of any length, base64 in JSON, and a scale. Printed exactly, as
 * PostgreSQL prints numeric, without going through a double. */

/* Appends the exact value of the integer that base64 s stands for, divided
 * by 10^scale, in plain notation (like Java's BigDecimal.toPlainString),
 * between double quotes when json is set. Returns 0; -2 (out unchanged)
 * if s is not base64; -1 if it stands for no bytes at all. Memory and time
 * are in proportion to the digits and |scale|, which the caller bounds. */
int decimal_write_base64(struct buf *out, const char *s, int64_t scale, int json);

/* Whether s is a plain decimal literal (-12.5e3), or one of the strings
 * Debezium uses for the values a double cannot write as a number (NaN,
 * Infinity, -Infinity). */
int decimal_is_text(const char *s);

#endif
