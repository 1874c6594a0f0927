#!/bin/bash
# t240: `cmig linearize [--dry-run]` (SPEC §7) on both backends. The branch whose first
# revision sorts first by `created` (then file name) stays; each other branch's first revision
# is re-pointed onto the head of the branch before it by rewriting only its `down_revision`
# line (every other byte stays, CRLF files included). It prints `path: down_revision A -> B`
# per change; --dry-run writes nothing. The result passes check and upgrades cleanly.
# Refusals (exit 1, nothing written): a moved revision applied in the configured database; a
# cycle, a missing parent or a duplicate beside the branch.
. "$(dirname "$0")/lib.sh"

# rev ID DOWN CREATED : a revision file with a created header (line 4)
rev() {
	write_rev "$1" "$2"
	sed -i "3a -- created: $3" "versions/$1_x.sql"
}
snap() { # DIR : copy versions/ for a later comparison
	rm -rf "$1" && cp -a versions "$1"
}
tree_sum() { (cd versions && for f in *; do printf '%s %s\n' "$f" "$(sha256sum <"$f" | cut -d' ' -f1)"; done; stat -c '%n %Y' ./*) }
# only_down_changed SNAPDIR FILE... : FILE differs from its snapshot only in its down_revision
# line (same line count, the same bytes elsewhere), and every other file is byte-identical
only_down_changed() {
	local snapdir=$1 f n moved=" ${*:2} "
	for f in versions/*; do
		n=$(basename "$f")
		if [[ "$moved" == *" $n "* ]]; then
			local d
			d=$(diff "$snapdir/$n" "$f" | grep -E '^[<>]' || true)
			assert_eq 2 "$(printf '%s\n' "$d" | wc -l)" "$n: exactly one line replaced"
			assert_match "$d" '^< -- down_revision:' "$n: the old line was the down_revision line"
			assert_match "$d" '^> -- down_revision:' "$n: the new line is the down_revision line"
			assert_eq "$(wc -l <"$snapdir/$n")" "$(wc -l <"$f")" "$n: same number of lines"
			# diff's line-level verdict: nothing else changed
			assert_eq "" "$(diff <(grep -v '^-- down_revision:' "$snapdir/$n") <(grep -v '^-- down_revision:' "$f"))" "$n: all other lines identical"
		else
			assert_true "$n unchanged" cmp -s "$snapdir/$n" "$f"
		fi
	done
	assert_eq "$(ls "$snapdir")" "$(ls versions)" "no file added or removed"
}
down_of() { sed -n 's/^-- down_revision:[ \t]*//p' "versions/$1_x.sql" | tr -d '\r' | sed 's/[ \t]*$//'; }
sorted() { printf '%s\n' "$1" | grep -v '^$' | sort; }

# ======================= two-way branch ==========================================================
new_db
new_project "$TEST_DIR/two"
rev a1 "" 2026-11-01T00:00:00Z
rev b2 a1 2026-11-02T00:00:00Z
assert_exit 0 upgrade b2         # the shared part is applied: nothing that moves is
rev c3 b2 2026-11-05T00:00:00Z   # branch 1: c3 -> d4 (created later)
rev d4 c3 2026-11-06T00:00:00Z
rev c9 b2 2026-11-03T00:00:00Z   # branch 2: c9 (created first: it stays)
assert_exit 1 check
assert_contains "$ERR" "versions/c3_x.sql:2: error: branch:" "the branch before linearize"
snap "$TEST_DIR/two.before"
T0=$(tree_sum)
sleep 1

# --dry-run: prints the change, writes nothing
assert_exit 0 linearize --dry-run
assert_eq "versions/c3_x.sql: down_revision b2 -> c9" "$(sorted "$OUT"$'\n'"$ERR" | grep 'down_revision')" "dry-run prints the change"
assert_eq "$T0" "$(tree_sum)" "dry-run wrote nothing (bytes and mtimes)"
assert_contains "$ERR" "cmig: dry run: nothing written (1 change shown)" "a dry run says it is one (issue 10)"
assert_exit 1 check
assert_contains "$ERR" "hint: Run 'cmig linearize'" "the branch error names cmig linearize"
assert_exit 1 upgrade
assert_contains "$ERR" "not one linear chain" "upgrade refuses the branched chain"
assert_contains "$ERR" "hint: Run 'cmig linearize'" "the refusal names cmig linearize"

assert_exit 0 linearize
assert_eq "versions/c3_x.sql: down_revision b2 -> c9" "$(sorted "$OUT"$'\n'"$ERR" | grep 'down_revision')" "linearize prints the change"
assert_contains "$ERR" "cmig: rewrote 1 file" "a real run says what it wrote"
assert_not_contains "$ERR" "dry run" "a real run is not a dry run"
assert_eq c9 "$(down_of c3)" "c3 now follows c9"
only_down_changed "$TEST_DIR/two.before" c3_x.sql
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "linearized chain checks clean"
assert_exit 0 heads
assert_eq d4 "${OUT%% *}" "head after linearize"
assert_exit 0 upgrade head
assert_db_version d4
for t in t_a1 t_b2 t_c9 t_c3 t_d4; do assert_true "$t created" db_has_table "$t"; done
assert_exit 0 check
# a linear chain: linearize changes nothing, prints no change
T1=$(tree_sum)
assert_exit 0 linearize
assert_eq "" "$(printf '%s\n' "$OUT"$'\n'"$ERR" | grep 'down_revision' || true)" "nothing to do on a linear chain"
assert_eq "$T1" "$(tree_sum)" "linear chain: nothing written"

# ======================= three-way branch, CRLF, odd header layout ===============================
new_db
new_project "$TEST_DIR/three"
rev a1 "" 2026-11-01T00:00:00Z
rev b2 a1 2026-11-02T00:00:00Z
assert_exit 0 upgrade b2
rev f1 b2 2026-11-02T12:00:00Z   # sorts first: stays
rev f2 f1 2026-11-09T00:00:00Z
rev e1 b2 2026-11-05T00:00:00Z   # ties with g1 on created; e1_x.sql sorts before g1_x.sql
rev g1 b2 2026-11-05T00:00:00Z
rev g2 g1 2026-11-06T00:00:00Z
# e1 as a CRLF file with a BOM; g1 with a comment before a down_revision line with extra blanks
sed -i 's/$/\r/' versions/e1_x.sql
printf '\357\273\277' | cat - versions/e1_x.sql >versions/e1.tmp && mv versions/e1.tmp versions/e1_x.sql
{
	printf -- '-- revision: g1\n-- a comment among the headers\n-- down_revision:   b2  \n'
	printf -- '-- message: add g1\n-- created: 2026-11-05T00:00:00Z\n\n-- migrate:up\n'
	printf 'CREATE TABLE t_g1 (id INTEGER PRIMARY KEY, v TEXT);\n\n-- migrate:down\nDROP TABLE t_g1;\n'
} >versions/g1_x.sql
snap "$TEST_DIR/three.before"
T0=$(tree_sum)
sleep 1
want="versions/e1_x.sql: down_revision b2 -> f2
versions/g1_x.sql: down_revision b2 -> e1"
assert_exit 0 linearize --dry-run
assert_eq "$want" "$(sorted "$OUT"$'\n'"$ERR" | grep 'down_revision')" "three-way dry-run"
assert_eq "$T0" "$(tree_sum)" "three-way dry-run wrote nothing"
assert_exit 0 linearize
assert_eq "$want" "$(sorted "$OUT"$'\n'"$ERR" | grep 'down_revision')" "three-way changes"
assert_eq f2 "$(down_of e1)" "e1 follows f2"
assert_eq e1 "$(down_of g1)" "g1 follows e1"
only_down_changed "$TEST_DIR/three.before" e1_x.sql g1_x.sql
# the CRLF file keeps its CRLF on the rewritten line and its BOM
assert_eq "$(printf -- '-- down_revision: f2\r')" "$(sed -n 2p versions/e1_x.sql)" "e1: the rewritten line keeps its CRLF"
assert_eq "efbbbf" "$(head -c 3 versions/e1_x.sql | od -An -tx1 | tr -d ' \n')" "e1: BOM kept"
assert_eq 3 "$(grep -n '^-- down_revision:' versions/g1_x.sql | cut -d: -f1)" "g1: still on line 3"
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(printf '%s\n' "$ERR" | tail -n 1)" "three-way: linearized chain checks clean"
assert_exit 0 upgrade head
assert_db_version g2
assert_exit 0 history
assert_eq "g1 -> g2 (head), add g2
e1 -> g1, add g1
f2 -> e1, add e1
f1 -> f2, add f2
b2 -> f1, add f1
a1 -> b2, add b2
<base> -> a1, add a1" "$OUT" "three-way: the linear order"
assert_exit 0 downgrade base
assert_exit 0 upgrade head
assert_exit 0 check

# ======================= nested branches ==========================================================
new_db
new_project "$TEST_DIR/nested"
rev a1 "" 2026-11-01T00:00:00Z
rev c3 a1 2026-11-02T00:00:00Z
rev d4 c3 2026-11-03T00:00:00Z
rev d5 c3 2026-11-04T00:00:00Z
rev c9 a1 2026-11-05T00:00:00Z
snap "$TEST_DIR/nested.before"
assert_exit 0 linearize
assert_eq 2 "$(printf '%s\n' "$OUT"$'\n'"$ERR" | grep -c 'down_revision')" "nested: two files moved"
only_down_changed "$TEST_DIR/nested.before" d5_x.sql c9_x.sql
assert_exit 0 check
assert_exit 0 upgrade head
assert_exit 0 heads
assert_db_version "${OUT%% *}"

# ======================= undated revisions (docs/decisions.md: they sort after dated ones) =======
new_db
new_project "$TEST_DIR/undated"
rev a1 "" 2026-11-01T00:00:00Z
write_rev b0 a1                      # no created header, and b0_x.sql sorts first by name
rev b5 a1 2026-11-20T00:00:00Z
assert_exit 0 linearize
assert_eq "versions/b0_x.sql: down_revision a1 -> b5" "$(sorted "$OUT"$'\n'"$ERR" | grep 'down_revision')" "an undated branch moves after a dated one"
assert_exit 0 check

# ======================= no database configured: nothing is created =============================
mkdir -p "$TEST_DIR/nodb/versions"
cd "$TEST_DIR/nodb" || _die cd
printf 'versions_dir: versions\n' >cmig.yaml
rev a1 "" 2026-11-01T00:00:00Z
rev c3 a1 2026-11-05T00:00:00Z
rev c9 a1 2026-11-03T00:00:00Z
assert_exit 0 linearize
assert_eq "versions/c3_x.sql: down_revision a1 -> c9" "$(sorted "$OUT"$'\n'"$ERR" | grep 'down_revision')" "no database: c3 moves"
assert_false "linearize created no database file" test -e cmig.db
assert_exit 0 check
assert_false "check created no database file" test -e cmig.db

# ======================= refusals ================================================================
# (1) the revision that would move is applied in the configured database
new_db
new_project "$TEST_DIR/applied"
rev a1 "" 2026-11-01T00:00:00Z
rev b2 a1 2026-11-02T00:00:00Z
rev c3 b2 2026-11-05T00:00:00Z
assert_exit 0 upgrade head       # c3 applied
rev c9 b2 2026-11-03T00:00:00Z   # sorts first: c3 would move
T0=$(tree_sum)
START=$(db_state)
sleep 1
assert_exit 1 linearize
assert_contains "$ERR" "c3" "refusal names the applied revision c3"
assert_match "$ERR" "versions/c3_x.sql:1: error: revision c3 would move, but it is applied in the database \\(current revision c3\\)" "refusal: the applied revision and the database's current one"
assert_match "$ERR" "hint: .*'cmig linearize --keep c3'" "refusal: the hint names the --keep that keeps the applied branch"
assert_eq "$T0" "$(tree_sum)" "refused: nothing written"
assert_exit 1 linearize --dry-run
assert_eq "$T0" "$(tree_sum)" "refused dry-run: nothing written"
assert_eq "$START" "$(db_state)" "refused: database untouched"
# when the applied branch is the one that stays, the other moves
sed -i 's/^-- created: 2026-11-03.*/-- created: 2026-11-09T00:00:00Z/' versions/c9_x.sql
assert_exit 0 linearize
assert_eq "versions/c9_x.sql: down_revision b2 -> c3" "$(sorted "$OUT"$'\n'"$ERR" | grep 'down_revision')" "the unapplied branch moves"
assert_exit 0 check
assert_exit 0 upgrade head
assert_db_version c9

# (2) an applied ancestor further down the moving branch: every revision of a moved branch
# moves, so a database at c3's child d4 refuses too
new_db
new_project "$TEST_DIR/applied2"
rev a1 "" 2026-11-01T00:00:00Z
rev c3 a1 2026-11-05T00:00:00Z
rev d4 c3 2026-11-06T00:00:00Z
assert_exit 0 upgrade head
rev c9 a1 2026-11-03T00:00:00Z
T0=$(tree_sum)
assert_exit 1 linearize
assert_eq "$T0" "$(tree_sum)" "applied branch (at d4): nothing written"
assert_match "$ERR" "hint: .*'cmig linearize --keep d4'" "the hint names --keep d4 (the database's current revision)"
# --keep REV (issue 10): the branch holding REV stays, the other moves onto its head
assert_exit 1 linearize --keep nosuch
assert_match "$ERR" "--keep nosuch: no file declares that revision" "--keep of an unknown revision"
assert_exit 0 linearize --keep d4 --dry-run
assert_eq "versions/c9_x.sql: down_revision a1 -> d4" "$(sorted "$OUT"$'\n'"$ERR" | grep 'down_revision')" "--keep d4 --dry-run: c9 would move"
assert_eq "$T0" "$(tree_sum)" "--keep --dry-run: nothing written"
snap "$TEST_DIR/applied2.snap"
assert_exit 0 linearize --keep c3    # the branch's first revision works as well
assert_eq "versions/c9_x.sql: down_revision a1 -> d4" "$(sorted "$OUT"$'\n'"$ERR" | grep 'down_revision')" "--keep c3: c9 moves onto d4"
only_down_changed "$TEST_DIR/applied2.snap" c9_x.sql
assert_exit 0 check
assert_exit 0 upgrade head
assert_db_version c9
# back to the branched files for the case below
assert_exit 0 downgrade d4
cp "$TEST_DIR/applied2.snap/c9_x.sql" versions/c9_x.sql
# ...and a database at the branch point (a1) does not refuse
mv versions/c9_x.sql "$TEST_DIR/c9.saved"
assert_exit 0 downgrade a1
mv "$TEST_DIR/c9.saved" versions/c9_x.sql
T0=$(tree_sum)
assert_exit 0 linearize --dry-run
assert_eq "versions/c3_x.sql: down_revision a1 -> c9" "$(sorted "$OUT"$'\n'"$ERR" | grep 'down_revision')" "db at the branch point: c3 may move"
assert_eq "$T0" "$(tree_sum)" "dry-run: still nothing written"

# (3) problems that are not a branch, beside a branch: cycle, missing parent, duplicate
new_db
new_project "$TEST_DIR/other"
rev a1 "" 2026-11-01T00:00:00Z
rev b2 a1 2026-11-02T00:00:00Z
rev c3 b2 2026-11-05T00:00:00Z
rev c9 b2 2026-11-03T00:00:00Z
refuse() { # WHAT
	local t0
	t0=$(tree_sum)
	assert_exit 1 linearize
	assert_eq "$t0" "$(tree_sum)" "$1: nothing written"
	assert_eq "" "$(printf '%s\n' "$OUT" | grep 'down_revision' || true)" "$1: no change printed"
	assert_exit 1 linearize --dry-run
	assert_eq "$t0" "$(tree_sum)" "$1 (dry-run): nothing written"
}
write_rev y1 y2
write_rev y2 y1
refuse cycle
assert_match "$ERR" 'cycle' "cycle named"
rm versions/y1_x.sql versions/y2_x.sql
write_rev m1 nothere
refuse missing-parent
assert_contains "$ERR" "nothere" "missing parent named"
rm versions/m1_x.sql
cp versions/c3_x.sql versions/c3_again.sql
refuse duplicate
rm versions/c3_again.sql
# the cycle alone (no branch) is refused as well
rm versions/c9_x.sql
write_rev y1 y2
write_rev y2 y1
refuse "cycle without a branch"
rm versions/y1_x.sql versions/y2_x.sql
# and the branch alone goes through
rev c9 b2 2026-11-03T00:00:00Z
assert_exit 0 linearize
assert_exit 0 check
finish
