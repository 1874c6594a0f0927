/*
 * hash64.h - a fast 64-bit fingerprint of a byte string, to tell whether a file read again
 * still holds the bytes read before (not cryptographic: the checksums of what runs are
 * SHA-256, sha256.h).
 */
#ifndef CMIG_UTIL_HASH64_H
#define CMIG_UTIL_HASH64_H

#include <stddef.h>
#include <stdint.h>

uint64_t cmig_hash64(const void *data, size_t len);

#endif
