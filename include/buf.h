#ifndef CDCPIVOT_BUF_H
#define CDCPIVOT_BUF_H

#include <stddef.h>
#include <string.h>

/* A growable byte buffer. The bytes live in p[0..len); p is not
 * NUL-terminated unless buf_cstr() is called. Any append may move p, so
 * pointers into the buffer are invalid after the next append; keep offsets
 * instead. Allocation failure is fatal (the process exits with status 2
 * after a message on stderr): a filter that cannot allocate a few bytes has
 * no sensible way to go on. */
struct buf {
	char *p;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
/* Makes room for extra more bytes (and a NUL for buf_cstr). The appends
 * are inline, every output byte goes through them; only growing is not. */
void buf_grow(struct buf *b, size_t extra);

static inline void
buf_reserve(struct buf *b, size_t extra)
{
	if (extra >= b->cap - b->len)
		buf_grow(b, extra);
}

static inline void
buf_append(struct buf *b, const void *data, size_t n)
{
	if (n == 0)
		return;
	buf_reserve(b, n);
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static inline void
buf_putc(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->p[b->len++] = c;
}

void buf_puts(struct buf *b, const char *s);
/* Appends a NUL (not counted in len) and returns p. */
const char *buf_cstr(struct buf *b);

/* Allocation helpers with the same fatal-on-failure policy. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrndup(const char *s, size_t n);

#endif
