/*
 * keymap.h — inside db: a hash map from byte strings to a count and an
 * optional value, for the writer's side tables (readings.c, champions.c),
 * which count per key what the rows added and removed change.
 */
#ifndef KB_KEYMAP_H
#define KB_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct keymap_entry {
	char *key;       /* NUL-terminated copy; NULL for an empty slot */
	size_t length;
	uint64_t hash;
	void *value;     /* the user's, freed (free) with the map; may stay
			  * NULL */
	long delta;
	size_t stamp;    /* the user's: e.g. the last row that counted it */
};

/* Zero-initialised, a map is empty; slots has capacity entries, the
 * used ones those whose key is not NULL. */
struct keymap {
	struct keymap_entry *slots;
	size_t capacity, used; /* capacity a power of two, or 0 */
};

/* The entry of key (length bytes), added zeroed but for its key when
 * missing (*added says which). The entry stays valid until the next
 * keymap_get or keymap_free. */
struct keymap_entry *keymap_get(struct keymap *map, const char *key,
				size_t length, bool *added);

/* A cheaper hash than hash64 for the short keys of the writer's maps
 * (tokens, runs of kanji and kana), computed for every token and run the
 * writer counts: a multiply and shift per eight bytes spreads them well
 * enough for linear probing. */
static inline uint64_t keymap_hash(const char *key, size_t length)
{
	uint64_t hash = (uint64_t)length * 0x9E3779B97F4A7C15u, word = 0;
	uint32_t low, high;

	if (length >= 8) { /* whole words, the last one overlapping */
		const char *last = key + length - 8;

		for (; key < last; key += 8) {
			memcpy(&word, key, 8);
			hash = (hash ^ word) * 0xBF58476D1CE4E5B9u;
			hash ^= hash >> 29;
		}
		memcpy(&word, last, 8);
	} else if (length >= 4) { /* two halves, overlapping */
		memcpy(&low, key, 4);
		memcpy(&high, key + length - 4, 4);
		word = (uint64_t)high << 32 | low;
	} else if (length > 0) {
		word = (uint64_t)(unsigned char)key[0] << 16 |
		       (uint64_t)(unsigned char)key[length / 2] << 8 |
		       (unsigned char)key[length - 1];
	}
	hash = (hash ^ word) * 0x94D049BB133111EBu;
	return hash ^ hash >> 31;
}

/* keymap_get for a key whose hash the caller has already: hash64 (seed
 * 0), or keymap_hash when every key of the map is given that. */
struct keymap_entry *keymap_get_hashed(struct keymap *map, const char *key,
				       size_t length, uint64_t hash,
				       bool *added);

/* Frees every key and value and empties the map. */
void keymap_free(struct keymap *map);

#endif
