/*
 * keymap.c — open addressing with linear probing, grown at 3/4 full.
 */
#include "db/keymap.h"

#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/util.h"

void keymap_free(struct keymap *map)
{
	for (size_t i = 0; i < map->capacity; i++) {
		free(map->slots[i].key);
		free(map->slots[i].value);
	}
	free(map->slots);
	memset(map, 0, sizeof *map);
}

static struct keymap_entry *slot_of(struct keymap *map, const char *key,
				    size_t length, uint64_t hash)
{
	size_t mask = map->capacity - 1, i = (size_t)hash & mask;

	while (map->slots[i].key != NULL &&
	       !(map->slots[i].hash == hash && map->slots[i].length == length &&
		 memcmp(map->slots[i].key, key, length) == 0))
		i = (i + 1) & mask;
	return &map->slots[i];
}

static void grow(struct keymap *map)
{
	struct keymap bigger = {0};

	bigger.capacity = map->capacity ? map->capacity * 2 : 1024;
	bigger.slots = xcalloc(bigger.capacity, sizeof *bigger.slots);
	for (size_t i = 0; i < map->capacity; i++) {
		struct keymap_entry *old = &map->slots[i];

		if (old->key != NULL)
			*slot_of(&bigger, old->key, old->length, old->hash) =
				*old;
	}
	bigger.used = map->used;
	free(map->slots);
	*map = bigger;
}

struct keymap_entry *keymap_get(struct keymap *map, const char *key,
				size_t length, bool *added)
{
	return keymap_get_hashed(map, key, length, hash64(key, length, 0),
				 added);
}

struct keymap_entry *keymap_get_hashed(struct keymap *map, const char *key,
				       size_t length, uint64_t hash,
				       bool *added)
{
	struct keymap_entry *slot;

	if ((map->used + 1) * 4 > map->capacity * 3)
		grow(map);
	slot = slot_of(map, key, length, hash);
	*added = slot->key == NULL;
	if (*added) {
		slot->key = xstrndup(key, length);
		slot->length = length;
		slot->hash = hash;
		map->used++;
	}
	return slot;
}
