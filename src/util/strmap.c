/*
 * strmap.c - string hash map (see strmap.h). FNV-1a hash; the table stays at most half full.
 */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "cmig/cmig.h"

static size_t hash(const char *s, size_t n)
{
	size_t h = (size_t)14695981039346656037ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= (size_t)1099511628211ULL;
	}
	return h;
}

void cmig_strmap_release(cmig_strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}

static cmig_strmap_slot *find(cmig_strmap_slot *slots, size_t cap, const char *key, size_t klen)
{
	size_t i = hash(key, klen) & (cap - 1);
	for (;; i = (i + 1) & (cap - 1)) {
		cmig_strmap_slot *s = &slots[i];
		if (!s->key || (s->klen == klen && !memcmp(s->key, key, klen)))
			return s;
	}
}

static int grow_to(cmig_strmap *m, size_t cap)
{
	cmig_strmap_slot *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return CMIG_ENOMEM;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			*find(slots, cap, m->slots[i].key, m->slots[i].klen) = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return CMIG_OK;
}

static int grow(cmig_strmap *m)
{
	return grow_to(m, m->cap ? m->cap * 2 : 64);
}

int cmig_strmap_reserve(cmig_strmap *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 64;
	while ((n + 1) * 2 > cap)
		cap *= 2;
	return cap == m->cap ? CMIG_OK : grow_to(m, cap);
}

int cmig_strmap_put(cmig_strmap *m, const char *key, size_t klen, void *value, void **existing)
{
	cmig_strmap_slot *s;
	if ((m->n + 1) * 2 > m->cap && grow(m) != CMIG_OK)
		return CMIG_ENOMEM;
	s = find(m->slots, m->cap, key, klen);
	if (s->key) {
		if (existing)
			*existing = s->value;
		return 1;
	}
	s->key = key;
	s->klen = klen;
	s->value = value;
	m->n++;
	return 0;
}

void *cmig_strmap_get(const cmig_strmap *m, const char *key, size_t klen)
{
	if (!m->cap)
		return NULL;
	cmig_strmap_slot *s = find(m->slots, m->cap, key, klen);
	return s->key ? s->value : NULL;
}
