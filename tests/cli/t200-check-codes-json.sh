#!/bin/bash
# t200: `cmig check` (SPEC §7) — every file and chain diagnostic code in BOTH formats: the text
# lines `path:line: error|warning: message` on stderr with the summary `N error(s), M
# warning(s)`, and the JSON object on stdout (ok, errors, warnings, diagnostics with severity,
# code, path, line — null where no place — and message), parsed with python3. --strict turns
# every warning into an error (exit 1, JSON severity "error"); exit statuses 0/1/2; several
# problems at once are all reported. check never changes the (configured) database.
# Expected values are written by hand from SPEC §2, §3 and §7.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || _die "python3 is needed to parse check's JSON"

# json_top, json_diags [CODE], summary, T: tests/cli/lib.sh

# json_one CODE SEVERITY PATH LINE [WHAT] : exactly one diagnostic of CODE, with those fields
# (LINE "int" = any line number, "null" = JSON null)
json_one() {
	local code=$1 sev=$2 path=$3 line=$4 what=${5:-$1} rows
	rows=$(json_diags "$code")
	if [ -z "$rows" ] || [ "$(printf '%s\n' "$rows" | wc -l)" != 1 ]; then
		_fail "$what: want exactly one JSON diagnostic with code $code"
		printf '%s\n' "$OUT" | head -20 | sed 's/^/    | /' >&2
		return 1
	fi
	local s p l m
	IFS=$T read -r s _ p l m <<<"$rows"
	assert_eq "$sev" "$s" "$what: JSON severity"
	assert_eq "$path" "$p" "$what: JSON path"
	if [ "$line" = int ]; then
		assert_match "$l" '^[1-9][0-9]*$' "$what: JSON line is a line number"
	else
		assert_eq "$line" "$l" "$what: JSON line"
	fi
	assert_ne "" "$m" "$what: JSON message not empty"
	JMSG=$m
	JLINE=$l
}

# both CODE SEVERITY PATH LINE WANT_EXIT SUMMARY [MSG_WORD] : run check in text and JSON form
# and assert the one diagnostic of CODE in both, the summary line, the counts and exit status.
both() {
	local code=$1 sev=$2 path=$3 line=$4 want=$5 sum=$6 word=${7:-}
	local nerr=${sum%% error*} nwarn
	nwarn=${sum#*, }
	nwarn=${nwarn%% warning*}
	# text
	assert_exit "$want" check
	local text_err=$ERR
	assert_eq "" "$OUT" "$code: text format writes nothing on stdout"
	assert_eq "$sum" "$(summary)" "$code: summary line"
	if [ "$line" = int ]; then
		assert_match "$ERR" "^${path//./\\.}:[1-9][0-9]*: $sev: " "$code: text line at $path"
	else
		assert_match "$ERR" "^${path//./\\.}:$line: $sev: " "$code: text line at $path:$line"
	fi
	[ -n "$word" ] && assert_match "$ERR" "^${path//./\\.}:[0-9]+: $sev: .*$word" "$code: text message names $word"
	# json
	assert_exit "$want" check --format json
	local okv=true
	[ "$want" = 0 ] || okv=false
	assert_eq "ok=$okv errors=$nerr warnings=$nwarn n=$((nerr + nwarn))" "$(json_top n)" "$code: JSON ok/errors/warnings"
	json_one "$code" "$sev" "$path" "$line" "$code (json)"
	[ -n "$word" ] && assert_contains "${JMSG:-}" "$word" "$code: JSON message names $word"
	# the text line and the JSON entry describe the same place
	if [ "$line" = int ] && [ -n "${JLINE:-}" ]; then
		assert_match "$text_err" "^${path//./\\.}:$JLINE: $sev: " "$code: text and JSON give the same line"
	fi
}

# parse_error PATH LINE TEXT : PATH holding TEXT (printf format) is the one parse error, at
# LINE, in both forms; the file is removed afterwards
parse_error() {
	# shellcheck disable=SC2059 # TEXT is a printf format, as the cases write it
	printf -- "$3" >"$1"
	both parse error "$1" "$2" 1 "1 error, 0 warnings"
	rm "$1"
}

new_db
new_project
chain a1 b2
assert_exit 0 upgrade head
START=$(db_state)

# ---- clean -------------------------------------------------------------------------------
assert_exit 0 check
assert_eq "0 errors, 0 warnings" "$(summary)" "clean: summary"
assert_eq "" "$OUT" "clean: nothing on stdout"
assert_exit 0 check --format json
assert_eq "ok=true errors=0 warnings=0 n=0" "$(json_top n)" "clean: JSON"
assert_exit 0 check --strict --format json
assert_eq "ok=true errors=0 warnings=0 n=0" "$(json_top n)" "clean --strict: JSON"
# --format given as --format=json is the same option
assert_exit 0 check --format=json
assert_eq "ok=true errors=0 warnings=0 n=0" "$(json_top n)" "--format=json"

# ---- usage errors: exit 2 ------------------------------------------------------------------
assert_exit 2 check --format xml
assert_exit 2 check --format
assert_exit 2 check --no-such-option
assert_exit 2 check extra-argument

# ---- parse ----------------------------------------------------------------------------------
# each bad file is a new leaf after b2, alone in the project with a1 <- b2
# missing revision header
printf -- '-- down_revision: b2\n\n-- migrate:up\nSELECT 1;\n\n-- migrate:down\nSELECT 1;\n' >versions/p1_x.sql
assert_exit 1 check --format json
assert_eq "ok=false errors=1 warnings=0 n=1" "$(json_top n)" "parse (no revision): JSON counts"
rows=$(json_diags parse)
assert_match "$rows" "^error${T}parse${T}versions/p1_x\.sql${T}(null|[1-9][0-9]*)${T}." "parse (no revision): JSON entry"
assert_exit 1 check
assert_eq "1 error, 0 warnings" "$(summary)" "parse (no revision): summary"
assert_match "$ERR" '^versions/p1_x\.sql(:[0-9]+)?: error: .*revision' "parse (no revision): text"
rm versions/p1_x.sql
# a bad revision id: reported at its header line (line 1)
parse_error versions/head_x.sql 1 '-- revision: head\n-- down_revision: b2\n\n-- migrate:up\nSELECT 1;\n\n-- migrate:down\nSELECT 1;\n'
parse_error versions/bad-id_x.sql 1 '-- revision: bad-id\n-- down_revision: b2\n\n-- migrate:up\nSELECT 1;\n\n-- migrate:down\nSELECT 1;\n'
# no -- migrate:up (a file that is only headers): a parse error at the file; a no-down
# warning beside it is tolerated (the file has no down section either)
printf -- '-- revision: p2\n-- down_revision: b2\n' >versions/p2_x.sql
assert_exit 1 check --format json
assert_match "$(json_top n)" "^ok=false errors=1 warnings=[01] n=[12]$" "parse (no up marker): JSON counts"
assert_match "$(json_diags parse)" "^error${T}parse${T}versions/p2_x\.sql${T}(null|[1-9][0-9]*)${T}." "parse (no up marker): JSON entry"
assert_eq "" "$(json_diags | cut -f2 | grep -vxE 'parse|no-down')" "parse (no up marker): no other code"
assert_exit 1 check
assert_match "$(summary)" "^1 error, [01] warnings?$" "parse (no up marker): summary"
assert_match "$ERR" '^versions/p2_x\.sql(:[0-9]+)?: error: ' "parse (no up marker): text"
rm versions/p2_x.sql
# a repeated section: at the second marker, line 7
parse_error versions/p3_x.sql 7 '-- revision: p3\n-- down_revision: b2\n\n-- migrate:up\nSELECT 1;\n\n-- migrate:up\nSELECT 2;\n\n-- migrate:down\nSELECT 1;\n'
# an invalid marker line is an error naming the line (line 8), never a comment
parse_error versions/p4_x.sql 8 '-- revision: p4\n-- down_revision: b2\n\n-- migrate:up\nSELECT 1;\n\n-- migrate:down\n-- migrate: up\nSELECT 1;\n'
# an unknown marker option (line 4)
parse_error versions/p5_x.sql 4 '-- revision: p5\n-- down_revision: b2\n\n-- migrate:up transaction:maybe\nSELECT 1;\n\n-- migrate:down\nSELECT 1;\n'
# a COMMIT inside a transactional section: an error naming its line (line 6)
parse_error versions/p6_x.sql 6 '-- revision: p6\n-- down_revision: b2\n\n-- migrate:up\nSELECT 1;\nCOMMIT;\n\n-- migrate:down\nSELECT 1;\n'
# only dialect sections for the other backend: `check` reports it as parse
case $CMIG_TEST_BACKEND in
sqlite) other=postgresql ;;
postgresql) other=sqlite ;;
esac
printf -- '-- revision: p7\n-- down_revision: b2\n\n-- migrate:up dialect:%s\nSELECT 1;\n\n-- migrate:down\nSELECT 1;\n' "$other" >versions/p7_x.sql
assert_exit 1 check --format json
assert_eq "ok=false errors=1 warnings=0 n=1" "$(json_top n)" "parse (dialect): JSON counts"
assert_match "$(json_diags parse)" "^error${T}parse${T}versions/p7_x\.sql${T}(null|[1-9][0-9]*)${T}." "parse (dialect): JSON entry"
assert_exit 1 check
assert_eq "1 error, 0 warnings" "$(summary)" "parse (dialect): summary"
assert_match "$ERR" '^versions/p7_x\.sql(:[0-9]+)?: error: ' "parse (dialect): text"
rm versions/p7_x.sql
assert_eq "$START" "$(db_state)" "parse cases: database untouched"

# ---- duplicate -----------------------------------------------------------------------------
write_rev b2 a1
cp versions/b2_x.sql versions/b2_y.sql
assert_exit 1 check --format json
assert_eq "ok=false errors=1 warnings=0 n=1" "$(json_top n)" "duplicate: JSON counts"
assert_match "$(json_diags duplicate)" "^error${T}duplicate${T}versions/b2_[xy]\.sql${T}[1-9][0-9]*${T}.*b2" "duplicate: JSON entry"
assert_exit 1 check
assert_eq "1 error, 0 warnings" "$(summary)" "duplicate: summary"
assert_match "$ERR" '^versions/b2_[xy]\.sql:[1-9][0-9]*: error: .*b2' "duplicate: text"
rm versions/b2_y.sql

# ---- missing-parent --------------------------------------------------------------------------
write_rev c3 nothere
both missing-parent error versions/c3_x.sql int 1 "1 error, 0 warnings" nothere
rm versions/c3_x.sql

# ---- branch: the exact SPEC line, at the first file in file-name order, line 2 ---------------
write_rev c3 b2
write_rev c9 b2
both branch error versions/c3_x.sql 2 1 "1 error, 0 warnings"
assert_exit 1 check
assert_contains "$ERR" "versions/c3_x.sql:2: error: branch: both c3 (versions/c3_x.sql) and c9 (versions/c9_x.sql) follow b2" "branch: SPEC text line"
assert_exit 1 check --format json
assert_eq "error${T}branch${T}versions/c3_x.sql${T}2${T}branch: both c3 (versions/c3_x.sql) and c9 (versions/c9_x.sql) follow b2" \
	"$(json_diags branch)" "branch: SPEC JSON entry"
# a three-way branch: reported at the first file, and every follower is named
write_rev c5 b2
assert_exit 1 check --format json
assert_match "$(json_diags branch)" "^error${T}branch${T}versions/c3_x\.sql${T}2${T}" "3-way branch: reported at the first file"
all=$(json_diags branch)
for r in c3 c5 c9; do assert_contains "$all" "$r" "3-way branch names $r"; done
rm versions/c3_x.sql versions/c5_x.sql versions/c9_x.sql

# ---- cycle -----------------------------------------------------------------------------------
write_rev y1 y2
write_rev y2 y1
assert_exit 1 check --format json
assert_match "$(json_top n)" '^ok=false errors=[1-9][0-9]* warnings=0 ' "cycle: JSON counts"
rows=$(json_diags cycle)
assert_match "$rows" "^error${T}cycle${T}versions/y[12]_x\.sql${T}[1-9][0-9]*${T}" "cycle: JSON entry"
assert_no_match "$(json_diags)" "${T}(branch|roots|missing-parent)${T}" "cycle: not mistaken for another code"
assert_exit 1 check
assert_match "$ERR" '^versions/y[12]_x\.sql:[1-9][0-9]*: error: .*cycle' "cycle: text"
rm versions/y1_x.sql versions/y2_x.sql

# ---- roots: two roots; no root at all ---------------------------------------------------------
write_rev z1 ""
assert_exit 1 check --format json
assert_eq "ok=false errors=1 warnings=0 n=1" "$(json_top n)" "roots (two): JSON counts"
assert_match "$(json_diags roots)" "^error${T}roots${T}" "roots (two): JSON entry"
assert_exit 1 check
assert_eq "1 error, 0 warnings" "$(summary)" "roots (two): summary"
assert_match "$ERR" 'error: .*root' "roots (two): text"
rm versions/z1_x.sql
# no root at all: a project whose only revision follows itself (a cycle too)
mkdir -p "$TEST_DIR/noroot/versions"
cp cmig.yaml "$TEST_DIR/noroot/"
(
	cd "$TEST_DIR/noroot" || exit 1
	write_rev s1 s1
)
cd "$TEST_DIR/noroot" || _die cd
assert_exit 1 check --format json
assert_match "$(json_diags roots)" "^error${T}roots${T}null${T}null${T}roots: no root" "no root (s1 follows itself): roots"
assert_match "$(json_diags cycle)" "^error${T}cycle${T}versions/s1_[a-z0-9_]*\.sql${T}2${T}cycle: s1 -> s1" "s1 follows itself: cycle"
cd "$PROJ" || _die cd

# ---- filename ----------------------------------------------------------------------------------
write_rev c3 b2
mv versions/c3_x.sql versions/cc3_x.sql
both filename error versions/cc3_x.sql int 1 "1 error, 0 warnings"
mv versions/cc3_x.sql versions/c3.sql
assert_exit 0 check --format json
assert_eq "ok=true errors=0 warnings=0 n=0" "$(json_top n)" "filename: <revision>.sql is fine"
rm versions/c3.sql

# ---- warnings: no-down, unknown-header, created -------------------------------------------------
write_rev c3 b2 "SELECT 1;" "@none"
both no-down warning versions/c3_x.sql int 0 "0 errors, 1 warning" c3
# --strict: exit 1, JSON severity error, counted as an error, text says error
assert_exit 1 check --strict
assert_eq "1 error, 0 warnings" "$(summary)" "no-down --strict: summary"
assert_match "$ERR" '^versions/c3_x\.sql:[0-9]+: error: ' "no-down --strict: text says error"
assert_no_match "$ERR" ': warning: ' "no-down --strict: no warning line"
assert_exit 1 check --strict --format json
assert_eq "ok=false errors=1 warnings=0 n=1" "$(json_top n)" "no-down --strict: JSON counts"
json_one no-down error versions/c3_x.sql int "no-down --strict (json)"
# options in any order
assert_exit 1 check --format json --strict
assert_eq "ok=false errors=1 warnings=0 n=1" "$(json_top n)" "--format before --strict"
rm versions/c3_x.sql
# an empty down section is not no-down
write_rev c3 b2 "SELECT 1;" ""
assert_exit 0 check --strict --format json
assert_eq "ok=true errors=0 warnings=0 n=0" "$(json_top n)" "an empty down section is allowed"
rm versions/c3_x.sql

# unknown-header at its own line (4), created at its own line (5)
{
	printf -- '-- revision: c3\n-- down_revision: b2\n-- message: add c3\n'
	printf -- '-- author: somebody\n-- created: last tuesday\n\n-- migrate:up\nSELECT 1;\n\n-- migrate:down\nSELECT 1;\n'
} >versions/c3_x.sql
both unknown-header warning versions/c3_x.sql 4 0 "0 errors, 2 warnings" author
both created warning versions/c3_x.sql 5 0 "0 errors, 2 warnings" "last tuesday"
assert_exit 1 check --strict --format json
assert_eq "ok=false errors=2 warnings=0 n=2" "$(json_top n)" "two warnings --strict: JSON counts"
json_one unknown-header error versions/c3_x.sql 4 "unknown-header --strict"
json_one created error versions/c3_x.sql 5 "created --strict"
assert_exit 1 check --strict
assert_eq "2 errors, 0 warnings" "$(summary)" "two warnings --strict: summary"
# ISO-8601 forms are fine: a date, a date-time with Z, with an offset
for v in 2026-11-22 2026-11-22T10:15:00Z 2026-11-22T10:15:00+02:00; do
	printf -- '-- revision: c3\n-- down_revision: b2\n-- created: %s\n\n-- migrate:up\nSELECT 1;\n\n-- migrate:down\nSELECT 1;\n' "$v" >versions/c3_x.sql
	assert_exit 0 check --strict --format json
	assert_eq "ok=true errors=0 warnings=0 n=0" "$(json_top n)" "created $v is ISO-8601"
done
rm versions/c3_x.sql

# ---- several problems at once: all reported, counted, both formats ---------------------------------
# errors: branch (c3/c9 after b2), missing-parent (m1), filename (ff1 declares f1, after c9)
# warnings: unknown-header (c3 line 4), created (c9 line 4), no-down (w1, after c3)
write_rev c3 b2
sed -i '3a -- ticket: 42' versions/c3_x.sql
write_rev c9 b2
sed -i '3a -- created: soon' versions/c9_x.sql
write_rev m1 missing_one
write_rev f1 c9
mv versions/f1_x.sql versions/ff1_x.sql
write_rev w1 c3 "SELECT 1;" "@none"
assert_exit 1 check
assert_eq "3 errors, 3 warnings" "$(summary)" "all at once: summary"
assert_contains "$ERR" "versions/c3_x.sql:2: error: branch: both c3 (versions/c3_x.sql) and c9 (versions/c9_x.sql) follow b2" "all at once: branch"
assert_match "$ERR" '^versions/m1_x\.sql:[0-9]+: error: .*missing_one' "all at once: missing-parent"
assert_match "$ERR" '^versions/ff1_x\.sql:[0-9]+: error: ' "all at once: filename"
assert_match "$ERR" '^versions/c3_x\.sql:4: warning: .*ticket' "all at once: unknown-header"
assert_match "$ERR" '^versions/c9_x\.sql:4: warning: .*soon' "all at once: created"
assert_match "$ERR" '^versions/w1_x\.sql:[0-9]+: warning: ' "all at once: no-down"
assert_eq 7 "$(printf '%s\n' "$ERR" | grep -vc '^  hint: ')" "all at once: six diagnostic lines and the summary (hint lines aside)"
assert_contains "$ERR" "  hint: Run 'cmig linearize'" "all at once: the branch names cmig linearize"
assert_exit 1 check --format json
assert_eq "ok=false errors=3 warnings=3 n=6" "$(json_top n)" "all at once: JSON counts"
codes=$(json_diags | cut -f1,2 | sort | tr '\n' ' ')
assert_eq "error${T}branch error${T}filename error${T}missing-parent warning${T}created warning${T}no-down warning${T}unknown-header " \
	"$codes" "all at once: JSON codes and severities"
assert_exit 1 check --strict
assert_eq "6 errors, 0 warnings" "$(summary)" "all at once --strict: summary"
assert_exit 1 check --strict --format json
assert_eq "ok=false errors=6 warnings=0 n=6" "$(json_top n)" "all at once --strict: JSON counts"
assert_eq "" "$(json_diags | cut -f1 | grep -v '^error$')" "all at once --strict: every severity is error"

# JSON escapes: a message quoting a header value with a quote and a backslash stays valid JSON
rm versions/*.sql
chain a1 b2
write_rev c3 b2
sed -i '3a -- created: "q\\uote\t' versions/c3_x.sql
assert_exit 0 check --format json
assert_match "$(json_top n)" '^ok=true errors=0 warnings=1 n=1$' "JSON stays valid with quotes, backslashes and tabs in a message"
rm versions/c3_x.sql
# bytes that are not UTF-8 (a header value, a file name) still give strictly valid UTF-8 JSON
write_rev c3 b2
sed -i "3a -- created: $(printf '\377\376')bad" versions/c3_x.sql
write_rev c4 c3
mv versions/c4_x.sql "versions/$(printf '\377')c4_x.sql"
assert_exit 1 check --format json
strict=$(printf '%s' "$OUT" | python3 -c '
import json, sys
try:
    d = json.loads(sys.stdin.buffer.read().decode("utf-8", "strict"))
    print("codes=" + ",".join(sorted(x["code"] for x in d["diagnostics"])))
except Exception as e:
    print("invalid: %s" % e)')
assert_eq "codes=created,filename" "$strict" "JSON is valid UTF-8 despite non-UTF-8 bytes in the files"
rm versions/c3_x.sql versions/*c4_x.sql

assert_eq "$START" "$(db_state)" "check never changed the database"
finish
