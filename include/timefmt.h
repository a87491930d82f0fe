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

/* Writes "YYYY-MM-DD HH:MM:SS.fff" for ms milliseconds since the epoch into
 * out (at least TIMEFMT_MAX bytes) and returns its length. Years outside
 * 0..9999 are printed with as many digits as they need, and a minus sign. */
size_t timefmt_ms(int64_t ms, char *out);

#endif
