/*
 * hash64.c - 8 bytes a step, multiply and rotate, then a final avalanche (see hash64.h).
 * Every byte and the length go into the result, so any edit of a file changes it except with
 * probability about 2^-64.
 */
#include "hash64.h"

#include <string.h>

#define M1 0x9E3779B97F4A7C15ull
#define M2 0xC2B2AE3D27D4EB4Full

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t mix(uint64_t h, uint64_t w)
{
	return rotl(h ^ (w * M2), 31) * M1;
}

uint64_t cmig_hash64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = M1 ^ ((uint64_t)len * M2), w;
	size_t n = len;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = mix(h, w);
	}
	if (n) {
		w = 0;
		memcpy(&w, p, n);
		h = mix(h, w ^ ((uint64_t)n << 56));
	}
	h ^= h >> 33;
	h *= M2;
	h ^= h >> 29;
	h *= M1;
	h ^= h >> 32;
	return h;
}
