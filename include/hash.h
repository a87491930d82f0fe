#ifndef CDCPIVOT_HASH_H
#define CDCPIVOT_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Hashes of byte strings, shared so that each exists once.
 *
 * hash_fnv1a: FNV-1a, 64 bits, a byte at a time; chainable (pass the
 * previous result as h, HASH_FNV1A_INIT to start). Used where the hash is
 * the identity itself (dedup), so it must mix every byte well.
 *
 * hash_words: 8 bytes at a time, for hash tables whose hits are verified
 * with memcmp anyway (the schema cache), where speed on kilobytes of text
 * matters more. */

#define HASH_FNV1A_INIT 14695981039346656037ULL

static inline uint64_t
hash_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static inline uint64_t
hash_words(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
	for (; n >= 8; s += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
	}
	uint64_t w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 32);
}

#endif
