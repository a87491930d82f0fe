#include "jsonunescape.h"

/* cJSON 1.7's parse_string, escape for escape, where its result is
 * certain; where cJSON would produce a NUL or fail, NULL. */

static int
hex4(const unsigned char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned char c = p[i];
		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v * 16 + (unsigned)((c | 0x20) - 'a' + 10);
		else
			return -1; /* cJSON would read it as 0: a NUL */
	}
	*out = v;
	return 0;
}

/* The code point of the \u escape at p[0..n) (p[0] is the 'u'), and how
 * many bytes it took (5, or 11 for a surrogate pair). 0 when cJSON would
 * fail or produce a NUL. */
static size_t
unicode_escape(const unsigned char *p, size_t n, unsigned long *cp)
{
	unsigned hi, lo;
	if (n < 5 || hex4(p + 1, &hi) < 0 || hi == 0 || (hi >= 0xDC00 && hi <= 0xDFFF))
		return 0;
	if (hi < 0xD800 || hi > 0xDBFF) {
		*cp = hi;
		return 5;
	}
	if (n < 11 || p[5] != '\\' || p[6] != 'u' || hex4(p + 7, &lo) < 0 || lo < 0xDC00 ||
	    lo > 0xDFFF)
		return 0;
	*cp = 0x10000 + (((unsigned long)(hi & 0x3FF) << 10) | (lo & 0x3FF));
	return 11;
}

static char *
put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xC0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	return o;
}

static char
simple_escape(unsigned char c)
{
	switch (c) {
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case '"': case '\\': case '/': return (char)c;
	default: return 0;
	}
}

char *
jsonunescape(char *o, const unsigned char *a, size_t n)
{
	const unsigned char *e = a + n;
	while (a < e) {
		if (*a != '\\') {
			*o++ = (char)*a++;
			continue;
		}
		if (e - a < 2)
			return NULL;
		if (a[1] == 'u') {
			unsigned long cp;
			size_t k = unicode_escape(a + 1, (size_t)(e - a - 1), &cp);
			if (k == 0)
				return NULL;
			o = put_utf8(o, cp);
			a += 1 + k;
			continue;
		}
		char c = simple_escape(a[1]);
		if (c == 0)
			return NULL;
		*o++ = c;
		a += 2;
	}
	*o = '\0';
	return o;
}
