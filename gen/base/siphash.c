/*
 * siphash.c — see siphash.h. Written from the algorithm's description:
 * four 64-bit state words, two rounds per 8-byte word of input, the
 * length in the top byte of the last word, four rounds to finish.
 */
#include "base/siphash.h"

static uint64_t rotate(uint64_t value, int bits)
{
	return value << bits | value >> (64 - bits);
}

static uint64_t read_le64(const uint8_t *bytes)
{
	uint64_t value = 0;

	for (int i = 7; i >= 0; i--)
		value = value << 8 | bytes[i];
	return value;
}

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static void sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = rotate(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = rotate(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotate(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = rotate(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = rotate(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = rotate(s->v2, 32);
}

static void sip_word(struct sip_state *s, uint64_t word)
{
	s->v3 ^= word;
	sip_round(s);
	sip_round(s);
	s->v0 ^= word;
}

uint64_t siphash24(const uint8_t key[SIPHASH_KEY_SIZE], const void *data,
		   size_t length)
{
	const uint8_t *bytes = data;
	uint64_t k0 = read_le64(key), k1 = read_le64(key + 8);
	struct sip_state s = {
		k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
		k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL,
	};
	size_t whole = length - length % 8;
	uint64_t last = (uint64_t)(length & 0xff) << 56;

	for (size_t i = 0; i < whole; i += 8)
		sip_word(&s, read_le64(bytes + i));
	for (size_t i = whole; i < length; i++)
		last |= (uint64_t)bytes[i] << (8 * (i - whole));
	sip_word(&s, last);
	s.v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
