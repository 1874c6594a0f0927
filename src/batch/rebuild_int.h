/*
 * rebuild_int.h - what the files of the rebuild planner share (rebuild.c: decide, native
 * spelling, the plan's life cycle; rebuild_edit.c: the model edit, action by action;
 * rebuild_refs.c: the foreign keys a drop would leave dangling; rebuild_names.c: constraint
 * names; rebuild_emit.c: the statements and probes). Not for use outside src/batch/rebuild*.c.
 */
#ifndef CMIG_BATCH_REBUILD_INT_H
#define CMIG_BATCH_REBUILD_INT_H

/* Defined for batch/rebuild.c and batch/rebuild_*.c alone (src/CMakeLists.txt). */
#ifndef CMIG_PRIVATE_REBUILD
#error "rebuild_int.h is private to batch/rebuild*.c: use the layer's public header instead"
#endif

#include "pgnames.h"
#include "rebuild.h"
#include "table.h"

/* A table being edited: the model, and where each of its columns' values come from. */
struct cmig_rebuild_state {
	struct cmig_table t;
	char **src;                /* parallel to t.cols: the SELECT expression, NULL for new */
	char **dropped;            /* columns dropped */
	size_t ndropped;
	bool cascade;              /* a DROP COLUMN … CASCADE */
	bool changed;
	const struct cmig_schema *s;
	const struct cmig_rebuild_where *w;
	cmig_diags *d;
};

/* rebuild.c */
int cmig_rebuild_fail(cmig_diags *d, const struct cmig_rebuild_where *w, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const struct cmig_schema_obj *cmig_rebuild_find(const struct cmig_schema *s, const char *type,
                                                const char *name);
bool cmig_rebuild_has_name(const struct cmig_schema *s, const char *name);
/* Whether an index's sql mentions name after its first '(' (its columns and WHERE clause). */
bool cmig_rebuild_index_mentions(const char *sql, const char *name);

/* rebuild_edit.c */
void cmig_rebuild_edit_release(struct cmig_rebuild_state *st);
/* Apply one action to st->t (and st->src); an error names the table. */
int cmig_rebuild_edit_apply(struct cmig_rebuild_state *st, const struct cmig_alter_action *x);
/* The table's constraint names: an unnamed one's as it stood before the rebuild's first edit
 * (its ->pgname), else PostgreSQL's default derived from the current model. */
int cmig_rebuild_edit_names(struct cmig_rebuild_state *st, struct cmig_pgname **out, size_t *n);
/* The names derivation gives the current model (no ->pgname). */
int cmig_rebuild_edit_derived(struct cmig_rebuild_state *st, struct cmig_pgname **out, size_t *n);

/* rebuild_names.c */
/* Before the first edit: remember each unnamed constraint's derived name in ->pgname. */
int cmig_rebuild_names_stash(struct cmig_rebuild_state *st);
/* After the edits: write CONSTRAINT <pgname> into each one whose derived name would change. */
int cmig_rebuild_names_pin(struct cmig_rebuild_state *st);
const char *cmig_rebuild_kind_name(cmig_cons_kind k);

/* rebuild_refs.c */
/* Refuse (an error naming both tables and the foreign key) to drop the column, or the key
 * (a PRIMARY KEY or UNIQUE cons of st->t called name), when another table's foreign key
 * needs it; CMIG_OK when none does. */
int cmig_rebuild_refs_column(struct cmig_rebuild_state *st, const char *column);
int cmig_rebuild_refs_key(struct cmig_rebuild_state *st, const struct cmig_cons *key, const char *name);

/* rebuild_emit.c */
/* _cmig_new_<t>, numbered while the schema has that name. */
char *cmig_rebuild_emit_temp_name(const struct cmig_schema *s, const char *table);
/* Fill p's steps, probes and count_sql for the edited st from the old table. */
int cmig_rebuild_emit_plan(struct cmig_rebuild_plan *p, struct cmig_rebuild_state *st,
                           const struct cmig_table *old, const struct cmig_schema *s,
                           cmig_diags *d);

#endif
