#ifndef CDCPIVOT_UTF8_H
#define CDCPIVOT_UTF8_H

#include <stddef.h>

/* Debezium writes JSON from Java strings, so its text is always valid
 * UTF-8; invalid bytes mean a corrupted or foreign record, and passing them
 * on would make the jsonl output invalid JSON and PostgreSQL's COPY fail.
 * Returns the 1-based position of the first byte of the first invalid
 * sequence in s[0..n) (overlong forms, surrogates and code points above
 * U+10FFFF are invalid, RFC 3629), or 0 when all of it is valid. Runs a
 * word at a time over ASCII. */
size_t utf8_invalid_at(const char *s, size_t n);

#endif
