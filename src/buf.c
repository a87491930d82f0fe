#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"

static void
oom(void)
{
	/* Plain fputs: the diag module may itself need memory. */
	fputs("cdcpivot: out of memory\n", stderr);
	exit(EXIT_FATAL);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		oom();
	return q;
}

char *
xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void
buf_init(struct buf *b)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->p);
	buf_init(b);
}

void
buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1; /* +1 keeps room for buf_cstr */
	if (need < extra)
		oom();
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need) {
		if (cap > ((size_t)-1) / 2)
			oom();
		cap *= 2;
	}
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

const char *
buf_cstr(struct buf *b)
{
	buf_reserve(b, 0);
	b->p[b->len] = '\0';
	return b->p;
}
