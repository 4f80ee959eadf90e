/*
 * hash.h — a fast 64-bit hash for change detection (the build cache):
 * not cryptographic, but every input bit affects every output bit, so an
 * accidental collision between two versions of a file is out of reach in
 * practice.
 */
#ifndef KB_HASH_H
#define KB_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Hashes length bytes of data, continuing from seed (0 to start; pass a
 * previous result to chain several pieces). */
uint64_t hash64(const void *data, size_t length, uint64_t seed);

/* hash64 of a NUL-terminated string, NULL hashing differently from "". */
uint64_t hash64_string(const char *text, uint64_t seed);

/* Mixes one 64-bit value into seed. */
uint64_t hash64_u64(uint64_t value, uint64_t seed);

#endif
