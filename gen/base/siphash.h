/*
 * siphash.h — SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed hash
 * whose output cannot be predicted or inverted without the key. The
 * feedback store names a client by the SipHash of its address under a
 * key that changes every day, so no address is ever stored and a day's
 * names cannot be linked to the next day's once the key is gone.
 */
#ifndef KB_SIPHASH_H
#define KB_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_SIZE 16

/* The SipHash-2-4 of length bytes of data under the 16-byte key. */
uint64_t siphash24(const uint8_t key[SIPHASH_KEY_SIZE], const void *data,
		   size_t length);

#endif
