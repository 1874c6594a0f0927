#!/bin/bash
# t340: README.md's set-up leaves a `cmig` on PATH, and its two-minute tour, pasted line by
# line into a fresh shell, runs end to end. The commands are read from README.md itself, so
# this test breaks when the README drifts. The set-up's `cmake --install build` is stood in
# for by a bin/ directory holding the binary under test (installing it is t-install.sh's
# job); the fresh shell gets nothing else from this one: no DATABASE_URL, no functions, a
# plain PATH, a new HOME, and a directory of its own. On PostgreSQL the same tour runs with
# DATABASE_URL set, as a deploy environment would.
. "$(dirname "$0")/lib.sh"
README=$CMIG_SOURCE_DIR/README.md
[ -f "$README" ] || _die "no README.md at $README"

# the fenced sh blocks of a section (## HEADING), one command a line
block() { # HEADING
	awk -v h="## $1" '
		$0 == h { in_sec = 1; next }
		in_sec && /^## / { exit }
		in_sec && /^```sh$/ { in_code = 1; next }
		in_sec && in_code && /^```$/ { in_code = 0; print "@@END"; next }
		in_sec && in_code { print }
	' "$README"
}

# the set-up: exactly two commands; the first builds and installs cmig, then calls it by name
setup=$(block "Set-up on a fresh Debian machine")
assert_eq 2 "$(printf '%s\n' "$setup" | grep -c '^@@END$')" "README has exactly two set-up commands"
first=$(printf '%s\n' "$setup" | sed -n '1p')
assert_contains "$first" "cmake --build build" "the first set-up command builds"
assert_contains "$first" "cmake --install build" "the first set-up command installs cmig on PATH"
assert_not_contains "$first" "./build/src/cmig" "the set-up calls cmig by name, as the tour does"
# what the first command runs after installing, from the repository root (the bundled example)
after_install=${first#*cmake --install build && }
assert_ne "$first" "$after_install" "commands follow the install"

tour=$(block "A two-minute tour" | grep -v '^@@END$')
assert_ne "" "$tour" "README has a tour"
assert_eq "cmig init myapp && cd myapp" "$(printf '%s\n' "$tour" | head -1 | sed 's/ *#.*//')" "the tour starts with cmig init"

# the stand-in for /usr/local/bin after `cmake --install build`
mkdir -p "$TEST_DIR/bin" "$TEST_DIR/home" "$TEST_DIR/shell"
ln -s "$CMIG" "$TEST_DIR/bin/cmig"
fresh_env=(env -i "HOME=$TEST_DIR/home" "PATH=$TEST_DIR/bin:/usr/local/bin:/usr/bin:/bin" "LC_ALL=C")
case $CMIG_TEST_BACKEND in
postgresql)
	new_db
	fresh_env+=("DATABASE_URL=$DB_URL" "PGHOST=$PGHOST" "PGPORT=$PGPORT" "PGUSER=$PGUSER")
	;;
esac
# sanitizer builds need their runtime options in the fresh shell too
for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
	[ -n "${!v:-}" ] && fresh_env+=("$v=${!v}")
done

# pasted line by line: one interactive-like shell reading the lines in order; each line's
# status is recorded, and nothing stops on a failure (as a terminal would not)
script=$TEST_DIR/tour.sh
{
	printf '%s\n' "$tour" | while IFS= read -r line; do
		printf '%s\n' "$line"
		printf 'echo "@@STATUS $? %s" >&2\n' "$(printf '%s' "$line" | sed 's/ *#.*//; s/"/\\"/g')"
	done
} >"$script"
(cd "$TEST_DIR/shell" && "${fresh_env[@]}" bash --norc --noprofile <"$script" >"$TEST_DIR/tour.out" 2>"$TEST_DIR/tour.err")
statuses=$(grep '^@@STATUS' "$TEST_DIR/tour.err")
assert_eq "$(printf '%s\n' "$tour" | wc -l)" "$(printf '%s\n' "$statuses" | wc -l)" "every tour line ran"
bad=$(printf '%s\n' "$statuses" | grep -v '^@@STATUS 0 ' || true)
assert_eq "" "$bad" "every tour line succeeded"
[ -n "$bad" ] && sed 's/^/    | /' "$TEST_DIR/tour.err" >&2

# what the tour's comments promise
app=$TEST_DIR/shell/myapp
assert_true "cmig init myapp made the project" test -f "$app/cmig.yaml"
rev=$(cd "$app/versions" && ls)
assert_match "$rev" '^[0-9a-f]{12}_create_posts\.sql$' "cmig revision wrote versions/<id>_create_posts.sql"
id=${rev%%_*}
out=$(cat "$TEST_DIR/tour.out")
err=$(cat "$TEST_DIR/tour.err")
assert_contains "$out" "versions/${id}_create_posts.sql" "revision printed its path"
assert_contains "$err" "Running upgrade base -> $id, create posts" "upgrade head"
assert_match "$out" "^$id applied [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$" "status: applied with its time"
assert_contains "$out" "current: $id" "status: current"
assert_contains "$err" "Running downgrade $id -> base, create posts" "downgrade base"
assert_contains "$err" "0 errors, 0 warnings" "check"
assert_contains "$out" "CREATE TABLE IF NOT EXISTS cmig_version" "upgrade --sql printed the script"
case $CMIG_TEST_BACKEND in
sqlite) assert_true "the tour's database is myapp/cmig.db" test -f "$app/cmig.db" ;;
postgresql) assert_false "no SQLite file on PostgreSQL" test -e "$app/cmig.db" ;;
esac

# the set-up's commands after the install, in the repository's bundled example, on a copy
if [ "$CMIG_TEST_BACKEND" = sqlite ]; then
	mkdir -p "$TEST_DIR/repo"
	cp -r "$CMIG_SOURCE_DIR/cmig.yaml" "$CMIG_SOURCE_DIR/versions" "$TEST_DIR/repo/" 2>/dev/null ||
		_die "the repository has no bundled example (cmig.yaml, versions/)"
	[ -d "$CMIG_SOURCE_DIR/templates" ] && cp -r "$CMIG_SOURCE_DIR/templates" "$TEST_DIR/repo/"
	(cd "$TEST_DIR/repo" && "${fresh_env[@]}" bash --norc --noprofile -c "$after_install" >"$TEST_DIR/ex.out" 2>"$TEST_DIR/ex.err")
	assert_eq 0 "$?" "the set-up's '$after_install' runs"
	assert_match "$(cat "$TEST_DIR/ex.out")" '\(head\)$' "the example ends at its head"
fi
finish
