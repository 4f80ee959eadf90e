/*
 * hash.c — see hash.h. Eight bytes at a time: each word is multiplied by
 * an odd constant, folded in, rotated and multiplied again; the length
 * goes into the start and a final avalanche spreads the last word.
 */
#include "base/hash.h"

#include <string.h>

#define K1 0x9e3779b97f4a7c15ULL
#define K2 0xc2b2ae3d27d4eb4fULL
#define K3 0x165667b19e3779f9ULL

static uint64_t rotate(uint64_t value, int bits)
{
	return value << bits | value >> (64 - bits);
}

static uint64_t avalanche(uint64_t h)
{
	h ^= h >> 33;
	h *= K2;
	h ^= h >> 29;
	h *= K3;
	h ^= h >> 32;
	return h;
}

uint64_t hash64(const void *data, size_t length, uint64_t seed)
{
	const unsigned char *bytes = data;
	uint64_t h = seed ^ ((uint64_t)length * K1);
	uint64_t word;

	while (length >= 8) {
		memcpy(&word, bytes, 8);
		h ^= word * K2;
		h = rotate(h, 31) * K1;
		bytes += 8;
		length -= 8;
	}
	word = 0;
	memcpy(&word, bytes, length);
	h ^= (word ^ (uint64_t)length << 56) * K2;
	h = rotate(h, 27) * K1;
	return avalanche(h);
}

uint64_t hash64_string(const char *text, uint64_t seed)
{
	if (text == NULL)
		return hash64_u64(K3, seed);
	return hash64(text, strlen(text), seed);
}

uint64_t hash64_u64(uint64_t value, uint64_t seed)
{
	return hash64(&value, sizeof value, seed);
}
