#include "base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
base64_encode(struct buf *out, const unsigned char *in, size_t n)
{
	buf_reserve(out, (n + 2) / 3 * 4);
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		buf_putc(out, alphabet[v >> 18 & 63]);
		buf_putc(out, alphabet[v >> 12 & 63]);
		buf_putc(out, i + 1 < n ? alphabet[v >> 6 & 63] : '=');
		buf_putc(out, i + 2 < n ? alphabet[v & 63] : '=');
	}
}

static int
sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
base64_decode(struct buf *out, const char *s, size_t n)
{
	if (n % 4 != 0)
		return -1;
	size_t start = out->len;
	for (size_t i = 0; i < n; i += 4) {
		int a = sextet(s[i]), b = sextet(s[i + 1]);
		int c = s[i + 2] == '=' ? -2 : sextet(s[i + 2]);
		int d = s[i + 3] == '=' ? -2 : sextet(s[i + 3]);
		int last = i + 4 == n;
		if (a < 0 || b < 0 || c == -1 || d == -1 || (c == -2 && d != -2) ||
		    ((c == -2 || d == -2) && !last)) {
			out->len = start;
			return -1;
		}
		unsigned v = (unsigned)a << 18 | (unsigned)b << 12;
		buf_putc(out, (char)(v >> 16));
		if (c >= 0) {
			v |= (unsigned)c << 6;
			buf_putc(out, (char)(v >> 8 & 255));
			if (d >= 0)
				buf_putc(out, (char)((v | (unsigned)d) & 255));
		}
	}
	return 0;
}
