/*
 * copy.h - `cmig copy` (SPEC §9): the plan (copy_plan.c: which tables, which columns, in
 * which order, what to drop and re-add) and the run (copy.c: one snapshot of the source,
 * one transaction on the target, conversion, sequences, counts).
 *
 * The plan is made from the two schema models (SPEC §8, src/schema/) before any row moves:
 * every refusal that the schemas alone can decide (a missing table or column, two
 * candidates, a foreign-key cycle cmig cannot order, an outside table referencing a
 * --truncate target) happens there, all reported at once.
 */
#ifndef CMIG_RUNTIME_COPY_H
#define CMIG_RUNTIME_COPY_H

#include <stdbool.h>
#include <stddef.h>

#include "convert.h"
#include "diag.h"
#include "migrate.h"
#include "schema.h"
#include "cmig/cmig.h"

/* One column copied: source and target names and types. */
struct cmig_copy_col {
	const char *src, *dst;
	cmig_ctype src_type, dst_type;
	bool track;                   /* a sequence feeds the target column: track min/max */
	bool seen;
	long long min, max;
};

struct cmig_copy_tab {
	const struct cmig_sch_table *src, *dst;
	CMIG_VEC(struct cmig_copy_col) cols;
	bool rowid;                   /* SQLite source with a rowid: label rows by it */
	CMIG_VEC(size_t) pk;          /* indexes into cols of the source primary key, when all
	                               * of it is copied (row labels) */
	int scc;                      /* strongly connected component (foreign-key cycles) */
	unsigned long long rows;       /* read from the source's snapshot */
	unsigned long long written;    /* stored, as the target reports it */
	double seconds;
};

/* A foreign key or index the copy drops and re-adds (same name, same definition). */
struct cmig_copy_ddl {
	const struct cmig_sch_table *table;
	const char *name;
	const char *definition;       /* FK: pg_get_constraintdef; index: pg_get_indexdef */
	const char *comment;          /* index comment to restore */
	bool is_index;
};

struct cmig_copy_plan {
	CMIG_VEC(struct cmig_copy_tab) tabs;   /* in copy order: parents before children */
	CMIG_VEC(const struct cmig_sch_constraint *) deferred; /* SET CONSTRAINTS … DEFERRED */
	CMIG_VEC(const struct cmig_sch_table *) deferred_tab;  /* … their tables (for schema) */
	CMIG_VEC(struct cmig_copy_ddl) dropped;
	bool target_pg, source_pg;
};

/* Make the plan from the source and target models. flags: CMIG_COPY_*. */
int cmig_copy_plan_make(struct cmig_copy_plan *out, const struct cmig_schema *src,
                        const struct cmig_schema *dst, const char *tables, const char *exclude,
                        unsigned flags, cmig_diags *d);
void cmig_copy_plan_release(struct cmig_copy_plan *p);

/* The run (copy.c). */
int cmig_copy_run(const struct cmig_runtime *rt, const cmig_copy_options *o, cmig_diags *d);

#endif
