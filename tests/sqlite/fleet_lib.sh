# tests/sqlite/fleet_lib.sh - the start the many-database tests share (t600, t601; SPEC §11):
# tests/cli/lib.sh on SQLite, and a project in $P (cwd) with versions/, tenants/ for the
# databases, and a cmig.yaml whose own database_url the tests never use (they pass --url).
CMIG_TEST_BACKEND=sqlite
. "${CMIG_TESTS_DIR:-$(dirname "${BASH_SOURCE[0]}")/..}/cli/lib.sh"

P=$TEST_DIR/proj
mkdir -p "$P/versions" "$P/tenants"
cd "$P" || _die "cd $P"
printf 'database_url: sqlite:///unused.db\n' >cmig.yaml
