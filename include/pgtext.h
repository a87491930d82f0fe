#ifndef CDCPIVOT_PGTEXT_H
#define CDCPIVOT_PGTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* PostgreSQL's own text forms, as `SELECT col::text` prints them with
 * DateStyle=ISO, IntervalStyle=postgres, extra_float_digits=1 and
 * bytea_output=hex, so that the text casts back to the value. decode.c
 * turns what Debezium sent into these; written here from PostgreSQL's
 * documented output rules (array_out, hstore_out, float8out, interval_out). */

/* Appends "\x" and the bytes p[0..n) as lowercase hex (bytea). */
void pgtext_bytea(struct buf *out, const unsigned char *p, size_t n);

/* Rewrites out->p[start..len), the text of one element of an array
 * literal, as array_out writes it: between double quotes, with '"' and
 * '\' escaped, when it is empty, reads NULL in any case, or holds a
 * brace, quote, backslash, comma or white space. */
void pgtext_array_quote(struct buf *out, size_t start);

/* Appends s[0..n) as a key or value of hstore_out: "s" with '"' and '\'
 * escaped. */
void pgtext_hstore_quote(struct buf *out, const char *s, size_t n);

/* The number literal lit[0..n) (as a JSON writer printed a float or
 * double) in float4out's (is_float4) or float8out's shortest exact form:
 * "0.1", "1e+15", "1.5e-05", "-0". Returns -1 (nothing appended) if lit
 * is not a finite number literal of that type's range. */
int pgtext_float(struct buf *out, const char *lit, size_t n, int is_float4);

/* Appends an interval of months, days and microseconds (plus nanos, the
 * nanoseconds beyond the last microsecond, 0..999 with micros' sign) as
 * interval_out writes it: "1 year 2 mons 3 days 04:05:06.789",
 * "-1 days +02:03:04", "00:00:00". */
void pgtext_interval(struct buf *out, int64_t months, int64_t days, int64_t micros, int nanos);

/* Reads an ISO 8601 duration as Debezium's Interval writes it
 * ("P1Y2M3DT4H5M6.789S", components signed) into months, days and
 * microseconds. Returns -1 if s is not one, has a fraction beyond the
 * microsecond, or overflows. */
int pgtext_parse_duration(const char *s, int64_t *months, int64_t *days, int64_t *micros);

#endif
