#ifndef CDCPIVOT_SWAR_H
#define CDCPIVOT_SWAR_H

#include <stdint.h>
#include <string.h>

/* Eight bytes at a time: whether a word of text holds a given byte, and
 * where the first one is, so that scanners step over runs of ordinary
 * bytes a word at a time. */

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

#endif
