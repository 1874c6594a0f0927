/*
 * sha256.h - SHA-256 (FIPS 180-4) for migration checksums (SPEC §4). Our own small
 * implementation: the only other source on a minimal machine would be OpenSSL, a heavy
 * dependency for one hash over files of a few kilobytes.
 */
#ifndef CMIG_UTIL_SHA256_H
#define CMIG_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint32_t h[8];
	uint64_t total;
	unsigned char block[64];
	size_t used;
} cmig_sha256;

void cmig_sha256_init(cmig_sha256 *c);
void cmig_sha256_update(cmig_sha256 *c, const void *data, size_t len);
/* The 32-byte digest; c is used up. */
void cmig_sha256_final(cmig_sha256 *c, unsigned char out[32]);
/* Lowercase hex digest, 64 chars + NUL. */
void cmig_sha256_hex(cmig_sha256 *c, char out[65]);
/* A digest in lowercase hex, 64 chars + NUL. */
void cmig_sha256_to_hex(char out[65], const unsigned char sum[32]);
/* SPEC §4 checksum of a section: SHA-256 with every CRLF taken as LF (hex, or the 32 bytes). */
void cmig_sha256_section(char out[65], const char *text, size_t len);
void cmig_sha256_section_raw(unsigned char out[32], const char *text, size_t len);

#endif
