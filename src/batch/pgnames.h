/*
 * pgnames.h - the names PostgreSQL 15 gives unnamed constraints, so one migration's
 * `DROP CONSTRAINT posts_title_key` finds the same constraint on both backends (SPEC §6).
 *
 * The derivation is PostgreSQL's: <table>_<columns>_<label>, labels key (UNIQUE), pkey
 * (PRIMARY KEY, no column part), fkey (FOREIGN KEY), check (CHECK: the column part is the one
 * column the expression uses, none when it uses zero or several); column parts joined with
 * '_'; the table and column parts shortened alternately, the longer first, until the whole
 * fits in 63 bytes (never splitting a UTF-8 character); on a collision the label gets a
 * number (key1, key2, …). Identifiers are folded as PostgreSQL folds them: unquoted ones to
 * lower case.
 *
 * Collisions are looked for among the table's own constraint names (named or derived
 * earlier) and, for key/pkey (which are index names in PostgreSQL), the names of the
 * schema's tables, indexes and views given by the caller. PostgreSQL searches its whole
 * schema; names that only collide across tables differ here (documented in batch-mode.md).
 */
#ifndef CMIG_BATCH_PGNAMES_H
#define CMIG_BATCH_PGNAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "table.h"

#define CMIG_PGNAMES_MAX 63 /* NAMEDATALEN - 1 */

/* PostgreSQL's makeObjectName(name1, name2, label): name2 and label may be NULL. New string
 * (free()), NULL on out-of-memory. */
char *cmig_pgnames_make(const char *name1, const char *name2, const char *label);
/* The column part for several columns: names joined with '_', stopping once 64 bytes are
 * reached (PostgreSQL's ChooseIndexNameAddition). */
char *cmig_pgnames_join(char *const *names, size_t n);
/* An identifier as PostgreSQL stores it: quoted ones as written, others lower-cased. */
char *cmig_pgnames_fold(const char *name, bool quoted);

/* One nameable constraint of a table model. */
struct cmig_pgname {
	long col;          /* the column whose constraint it is, -1 for a table constraint */
	size_t idx;        /* index in that column's cons[] or in the table's tcons[] */
	cmig_cons_kind kind;
	char *name;        /* its name: as written when named, else PostgreSQL's default */
	bool named;        /* named in the CREATE TABLE text */
};

/* Every PRIMARY KEY, UNIQUE, CHECK and FOREIGN KEY constraint of t with its name. relnames:
 * the schema's table, index and view names (for key/pkey collisions). *out is yours:
 * cmig_pgnames_free(). CMIG_OK or CMIG_ENOMEM. */
int cmig_pgnames_assign(struct cmig_pgname **out, size_t *n_out, const struct cmig_table *t,
                        const char *const *relnames, size_t nrel);
void cmig_pgnames_free(struct cmig_pgname *names, size_t n);

#endif
