#ifndef CDCPIVOT_TIMEFMT_H
#define CDCPIVOT_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* UTC calendar formatting without the C library's time zone machinery:
 * output must not depend on TZ or the locale, and must work for any int64
 * instant, before 1970 included. */

enum { TIMEFMT_MAX = 40 };

/* Splits days since 1970-01-01 into a proleptic Gregorian date. */
void timefmt_civil(int64_t days, int64_t *year, unsigned *month, unsigned *day);

/* Writes the astronomical year y (0 is 1 BC, -1 is 2 BC) as PostgreSQL's
 * DateStyle ISO prints it: at least four digits, and for y <= 0 the year
 * 1 - y with *bc set, so that the caller ends the value with " BC" as
 * PostgreSQL does ("0001-12-31 23:59:59.999 BC"), the form it reads back.
 * out has room for 24 bytes; returns the length. */
size_t timefmt_year(int64_t y, char *out, int *bc);

/* Writes "YYYY-MM-DD HH:MM:SS.fff" for ms milliseconds since the epoch into
 * out (at least TIMEFMT_MAX bytes) and returns its length. Years beyond
 * 9999 are printed with as many digits as they need; years before 1 as
 * timefmt_year prints them, with " BC" at the end. */
size_t timefmt_ms(int64_t ms, char *out);

#endif
