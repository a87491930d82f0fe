#ifndef CDCPIVOT_SWAR_H
#define CDCPIVOT_SWAR_H

#include <stdint.h>
#include <string.h>

/* Eight bytes at a time: whether a word of text holds a given byte, and
 * where the first one is, so that scanners step over runs of ordinary
 * bytes a word at a time; and eight digits read as one number. */

static inline uint64_t
swar_load(const void *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

/* Nonzero when one of the eight bytes of w is c. */
static inline uint64_t
swar_has(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (UINT64_C(0x0101010101010101) * c);
	return (x - UINT64_C(0x0101010101010101)) & ~x & UINT64_C(0x8080808080808080);
}

/* The offset (0..7) of the first byte flagged in m, a nonzero result of
 * swar_has (or of several, or'ed). swar_has can flag a byte above a
 * match that is not one (a borrow), never one below it: the lowest flag
 * is always a true match. */
static inline unsigned
swar_first(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (unsigned)__builtin_clzll(m) / 8;
#else
	return (unsigned)__builtin_ctzll(m) / 8;
#endif
}

/* Whether the eight bytes of w are all decimal digits: each high nibble
 * is 3 (0x30..0x3f), and adding 6 leaves it 3 (so the low one is at most
 * 9). No byte carries into the next. */
static inline int
swar_eight_digits(uint64_t w)
{
	const uint64_t hi = UINT64_C(0xF0F0F0F0F0F0F0F0), threes = UINT64_C(0x3030303030303030);
	return (w & hi) == threes && ((w + UINT64_C(0x0606060606060606)) & hi) == threes;
}

/* The value of eight digits (swar_eight_digits), the first at the lowest
 * address: digits are paired into 16-bit lanes (10a + b), the pairs into
 * 32-bit lanes (100ab + cd), and those into one number. No lane overflows
 * (99, 9999, 99999999). The first digit is the low byte only on a
 * little-endian machine: callers test SWAR_LITTLE_ENDIAN. */
static inline uint32_t
swar_eight_value(uint64_t w)
{
	uint64_t d = w - UINT64_C(0x3030303030303030);
	d = (d * 10 + (d >> 8)) & UINT64_C(0x00FF00FF00FF00FF);
	d = (d * 100 + (d >> 16)) & UINT64_C(0x0000FFFF0000FFFF);
	return (uint32_t)(d * 10000 + (d >> 32));
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR_LITTLE_ENDIAN 1
#else
#define SWAR_LITTLE_ENDIAN 0
#endif

#endif
