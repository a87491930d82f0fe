#ifndef CDCPIVOT_BASE64_H
#define CDCPIVOT_BASE64_H

#include <stddef.h>

#include "buf.h"

/* Standard base64 (RFC 4648 section 4, with padding), as Kafka Connect's
 * JsonConverter writes bytes. */

void base64_encode(struct buf *out, const unsigned char *in, size_t n);

/* Decodes s[0..n) and appends the bytes. Returns 0, or -1 (with out
 * unchanged) if s is not valid padded base64. */
int base64_decode(struct buf *out, const char *s, size_t n);

#endif
