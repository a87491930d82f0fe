#ifndef CDCPIVOT_JSONUNESCAPE_H
#define CDCPIVOT_JSONUNESCAPE_H

#include <stddef.h>

/* A JSON string's escapes as cJSON decodes them, for fastjson (fastjson.h).
 *
 * jsonunescape writes a[0..n) (a string's contents between its quotes,
 * escapes included) unescaped into o, which has room for n + 1 bytes (no
 * escape is shorter than its UTF-8), NUL-terminated, and returns the end
 * (the NUL). It returns NULL for anything whose result is cJSON's to
 * decide: an unknown escape, a \u escape with a bad hex digit (cJSON
 * reads it as 0) or of U+0000, a lone or broken surrogate, a backslash at
 * the end. Kept out of the parser's loop: most strings have no escape. */
char *jsonunescape(char *o, const unsigned char *a, size_t n);

#endif
