#include "decimal.h"

#include <stdlib.h>
#include <string.h>

#include "base64.h"

int
decimal_is_text(const char *s)
{
	if (strcmp(s, "NaN") == 0 || strcmp(s, "Infinity") == 0 || strcmp(s, "-Infinity") == 0)
		return 1;
	if (*s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* Writes the decimal digits of chunk (below 10^9) into dst, zero-padded to
 * 9 digits when pad is set, and returns how many. */
static size_t
chunk_digits(char *dst, uint32_t chunk, int pad)
{
	char tmp[9];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + chunk % 10);
		chunk /= 10;
	} while (chunk != 0);
	if (pad)
		while (n < 9)
			tmp[n++] = '0';
	for (size_t i = 0; i < n; i++)
		dst[i] = tmp[n - 1 - i];
	return n;
}

static void
put_zeros(struct buf *out, size_t n)
{
	static const char zeros[] = "0000000000000000000000000000000000000000000000000000000000000000";
	while (n > 0) {
		size_t k = n < sizeof zeros - 1 ? n : sizeof zeros - 1;
		buf_append(out, zeros, k);
		n -= k;
	}
}

/* The magnitude of the big-endian two's-complement integer b[0..nb) as
 * little-endian 32-bit limbs l[0..(nb+3)/4); returns whether it is
 * negative. A negative value is negated as ~x + 1 over its nb bytes; the
 * carry cannot leave them because x (top bit set) is not zero. */
static int
to_limbs(const unsigned char *b, size_t nb, uint32_t *l)
{
	int neg = (b[0] & 0x80) != 0;
	size_t nl = (nb + 3) / 4;
	memset(l, 0, nl * sizeof *l);
	for (size_t k = 0; k < nb; k++) {
		unsigned byte = b[nb - 1 - k];
		if (neg)
			byte = ~byte & 0xffu;
		l[k / 4] |= (uint32_t)byte << (8 * (k % 4));
	}
	if (neg)
		for (size_t i = 0; i < nl && ++l[i] == 0; i++)
			;
	return neg;
}

/* Base 10^9 chunks of l[0..nl) (destroyed), least significant first, by
 * repeated division; returns how many (0 for zero). */
static size_t
to_chunks(uint32_t *l, size_t nl, uint32_t *ch)
{
	size_t nc = 0, top = nl;
	while (top > 0 && l[top - 1] == 0)
		top--;
	while (top > 0) {
		uint64_t rem = 0;
		for (size_t i = top; i-- > 0;) {
			uint64_t cur = rem << 32 | l[i];
			l[i] = (uint32_t)(cur / 1000000000u);
			rem = cur % 1000000000u;
		}
		ch[nc++] = (uint32_t)rem;
		while (top > 0 && l[top - 1] == 0)
			top--;
	}
	return nc;
}

/* The digits of chunks ch[0..nc), most significant first; returns how
 * many. */
static size_t
to_digits(const uint32_t *ch, size_t nc, char *dig)
{
	if (nc == 0) {
		dig[0] = '0';
		return 1;
	}
	size_t nd = chunk_digits(dig, ch[nc - 1], 0);
	for (size_t i = nc - 1; i-- > 0;)
		nd += chunk_digits(dig + nd, ch[i], 1);
	return nd;
}

/* dig[0..nd) divided by 10^scale, in plain notation. */
static void
put_scaled(struct buf *out, const char *dig, size_t nd, int64_t scale, int zero)
{
	if (scale <= 0) {
		buf_append(out, dig, nd);
		if (!zero)
			put_zeros(out, (size_t)-scale);
	} else if ((uint64_t)scale >= nd) {
		buf_append(out, "0.", 2);
		put_zeros(out, (size_t)scale - nd);
		buf_append(out, dig, nd);
	} else {
		size_t ip = nd - (size_t)scale;
		buf_append(out, dig, ip);
		buf_putc(out, '.');
		buf_append(out, dig + ip, nd - ip);
	}
}

int
decimal_write_base64(struct buf *out, const char *s, int64_t scale, int json)
{
	size_t start = out->len;
	if (base64_decode(out, s, strlen(s)) != 0)
		return -2;
	size_t nb = out->len - start;
	if (nb == 0)
		return -1; /* no bytes is no number (Java's BigInteger refuses it too) */

	/* A chunk holds more than 29 bits, so nb*8/29 + 2 chunks are enough. */
	size_t nl = (nb + 3) / 4, cmax = nb * 8 / 29 + 2;
	uint32_t lstack[16], cstack[16];
	char dstack[160];
	uint32_t *l = nl <= 16 ? lstack : xmalloc(nl * sizeof *l);
	uint32_t *ch = cmax <= 16 ? cstack : xmalloc(cmax * sizeof *ch);
	int neg = to_limbs((const unsigned char *)out->p + start, nb, l);
	out->len = start;
	size_t nc = to_chunks(l, nl, ch);
	char *dig = 9 * nc + 1 <= sizeof dstack ? dstack : xmalloc(9 * nc + 1);
	size_t nd = to_digits(ch, nc, dig);

	if (json)
		buf_putc(out, '"');
	if (neg)
		buf_putc(out, '-');
	put_scaled(out, dig, nd, scale, nc == 0);
	if (json)
		buf_putc(out, '"');

	if (l != lstack)
		free(l);
	if (ch != cstack)
		free(ch);
	if (dig != dstack)
		free(dig);
	return 0;
}
