#!/usr/bin/env bash
# t-install.sh - `cmake --install` into a temporary prefix gives a usable package (issue 7):
# bin/cmig, libcmig.a, libcmig.so.0 (SONAME, only the CMIG_EXTERN functions exported),
# include/cmig/cmig.h, cmig.pc, the CMake package, the man page and bash completion; then
# examples/embed is built against it twice over, through `pkg-config cmig` (Makefile) and
# through find_package(cmig) (CMakeLists.txt), and each program migrates its database at
# start-up, a second run being a no-op.
. "$(dirname "$0")/lib.sh"

for tool in cmake make cc pkg-config sqlite3 readelf nm; do
	command -v $tool >/dev/null || die "$tool is needed"
done
[ -f "$CMIG_BUILD_DIR/CMakeCache.txt" ] || die "no build directory at $CMIG_BUILD_DIR"

# A sanitizer build's libcmig needs its programs built with the same flags.
sanitize=$(sed -n 's/^CMIG_SANITIZE:[A-Z]*=//p' "$CMIG_BUILD_DIR/CMakeCache.txt")
san_flags=${sanitize:+-fsanitize=$sanitize}

prefix=$TMP/prefix
cmake --install "$CMIG_BUILD_DIR" --prefix "$prefix" >"$TMP/install.log" 2>&1 ||
	{ cat "$TMP/install.log" >&2; die "cmake --install failed"; }

# Where GNUInstallDirs put the libraries (lib, or lib64 on some systems).
libdir=$(dirname "$(find "$prefix" -name libcmig.a | head -1)")
[ -n "$libdir" ] && [ "$libdir" != . ] || die "no libcmig.a installed"

# ---- the files ------------------------------------------------------------------------------
for f in bin/cmig include/cmig/cmig.h share/man/man1/cmig.1 share/bash-completion/completions/cmig; do
	check "installed $f" test -s "$prefix/$f"
done
for f in libcmig.a libcmig.so libcmig.so.0 pkgconfig/cmig.pc cmake/cmig/cmigConfig.cmake \
	cmake/cmig/cmigConfigVersion.cmake cmake/cmig/CmigEmbed.cmake cmake/cmig/CmigEmbedGenerate.cmake; do
	check "installed $f" test -e "$libdir/$f"
done
check "bin/cmig runs" bash -c "'$prefix/bin/cmig' --version >/dev/null"
check_eq "installed man page is docs/cmig.1" "$(cat "$CMIG_SOURCE_DIR/docs/cmig.1")" \
	"$(cat "$prefix/share/man/man1/cmig.1")"

# ---- the shared library: SONAME and exports -------------------------------------------------
soname=$(readelf -d "$libdir/libcmig.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
check_eq "SONAME" "libcmig.so.0" "$soname"
nm -D --defined-only "$libdir/libcmig.so" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' | sort >"$TMP/exported"
grep -E '^CMIG_EXTERN' "$CMIG_SOURCE_DIR/include/cmig/cmig.h" |
	sed -E 's/\(.*//; s/.*[ *]([a-z_0-9]+)$/\1/' | sort >"$TMP/declared"
check_eq "exported symbols = CMIG_EXTERN functions of cmig.h" "$(cat "$TMP/declared")" "$(cat "$TMP/exported")"
check "the header parse found the public functions" test "$(wc -l <"$TMP/declared")" -ge 20
# issue 7: cmocka tests for every public function (tests/sqlite/test_api*.c call each one)
while read -r fn; do
	check "$fn is called by tests/sqlite/test_api*.c" \
		grep -q "\b$fn(" "$CMIG_SOURCE_DIR"/tests/sqlite/test_api*.c
done <"$TMP/declared"

# ---- pkg-config ---------------------------------------------------------------------------
export PKG_CONFIG_PATH=$libdir/pkgconfig
check_eq "pkg-config version" "$(sed -n 's/^project(cmig VERSION \([0-9.]*\).*/\1/p' "$CMIG_SOURCE_DIR/CMakeLists.txt")" \
	"$(pkg-config --modversion cmig)"
check "Requires.private names sqlite3 yaml-0.1 (libpq is loaded with dlopen)" \
	bash -c 'pkg-config --print-requires-private cmig | tr -d " " | sort | tr "\n" " " | grep -qx "sqlite3 yaml-0.1 "'

check "the cmig program does not link libpq (loaded with dlopen for PostgreSQL URLs only)" \
	bash -c "! ldd '$CMIG' | grep -q libpq"

# links_installed_so BINARY: the dynamic loader resolves libcmig.so.0 to the installed file
links_installed_so() {
	local p
	p=$(ldd "$1" | sed -n 's/.*libcmig\.so\.0 => \([^ ]*\) .*/\1/p')
	[ -n "$p" ] && [ "$p" -ef "$libdir/libcmig.so.0" ]
}

# run_twice LABEL BINARY DBFILE: first run migrates base -> head, the second does nothing
run_twice() {
	local label=$1 bin=$2 db=$3 out1 out2
	(cd "$TMP" && "$bin" "sqlite:///$db" >"$TMP/$label.out1" 2>"$TMP/$label.err1")
	check "$label: first run exits 0" test $? -eq 0
	(cd "$TMP" && "$bin" "sqlite:///$db" >"$TMP/$label.out2" 2>"$TMP/$label.err2")
	check "$label: second run exits 0" test $? -eq 0
	check_eq "$label: first run migrates" \
		"embed: running upgrade base -> 3f9a1c2b7d01, create notes
embed: running upgrade 3f9a1c2b7d01 -> 8b4e6d0a5c02, pin notes" "$(cat "$TMP/$label.err1")"
	check_eq "$label: second run is a no-op" "" "$(cat "$TMP/$label.err2")"
	check_eq "$label: prints the notes" "schema at 8b4e6d0a5c02
note 1 (pinned): hello from a migration compiled into the program" "$(cat "$TMP/$label.out2")"
	check_eq "$label: version row" "8b4e6d0a5c02" "$(sqlite3 "$db" 'SELECT version_num FROM cmig_version')"
	check_eq "$label: one history row per migration" "2" "$(sqlite3 "$db" "SELECT count(*) FROM cmig_history WHERE direction = 'up'")"
}

# ---- examples/embed through pkg-config (its Makefile) ---------------------------------------
mkdir -p "$TMP/pc"
if make -C "$TMP/pc" -f "$CMIG_SOURCE_DIR/examples/embed/Makefile" SRCDIR="$CMIG_SOURCE_DIR/examples/embed" \
	CFLAGS="-O2 -Wall -Wextra -Werror $san_flags" >"$TMP/pc.log" 2>&1; then
	ok
	check "pkg-config build links the installed libcmig.so" links_installed_so "$TMP/pc/embed"
	run_twice pkgconfig "$TMP/pc/embed" "$TMP/pc/notes.db"
else
	cat "$TMP/pc.log" >&2
	fail "make with pkg-config cmig"
fi

# ---- examples/embed through find_package(cmig) ----------------------------------------------
unset PKG_CONFIG_PATH
# cmake_build LABEL SRCDIR EXTRA-CMAKE-ARGS...
cmake_build() {
	local label=$1 src=$2
	shift 2
	cmake -S "$src" -B "$TMP/$label" -DCMAKE_PREFIX_PATH="$prefix" \
		-DCMAKE_C_FLAGS="-Wall -Wextra -Werror $san_flags" "$@" >"$TMP/$label.log" 2>&1 &&
		cmake --build "$TMP/$label" >>"$TMP/$label.log" 2>&1 && return 0
	cat "$TMP/$label.log" >&2
	return 1
}
if cmake_build cm "$CMIG_SOURCE_DIR/examples/embed"; then
	ok
	check "find_package build links the installed libcmig.so" links_installed_so "$TMP/cm/embed"
	run_twice cmake "$TMP/cm/embed" "$TMP/cm/notes.db"
else
	fail "cmake build with find_package(cmig)"
fi

# CMIG_USE_STATIC_LIBS: cmig::cmig is libcmig.a (its dependencies through pkg-config).
if cmake_build cms "$CMIG_SOURCE_DIR/examples/embed" -DCMIG_USE_STATIC_LIBS=ON; then
	ok
	check "static build does not need libcmig.so" bash -c "! ldd '$TMP/cms/embed' | grep -q libcmig"
	run_twice static "$TMP/cms/embed" "$TMP/cms/notes.db"
else
	fail "cmake build with CMIG_USE_STATIC_LIBS=ON"
fi

# cmig_embed_migrations() follows the directory: a new file appears in the program after a
# plain rebuild, and an edited one is re-embedded.
cp -r "$CMIG_SOURCE_DIR/examples/embed" "$TMP/copy"
rm -f "$TMP/copy/Makefile"
if cmake_build copy "$TMP/copy"; then
	ok
	(cd "$TMP" && "$TMP/copy/embed" "sqlite:///$TMP/copy.db" >/dev/null 2>&1)
	cat >"$TMP/copy/versions/c7d2e9f1a003_note_titles.sql" <<'SQL'
-- revision: c7d2e9f1a003
-- down_revision: 8b4e6d0a5c02
-- message: note titles

-- migrate:up
ALTER TABLE notes ADD COLUMN title TEXT NOT NULL DEFAULT 'untitled';

-- migrate:down
ALTER TABLE notes DROP COLUMN title;
SQL
	if cmake --build "$TMP/copy" >>"$TMP/copy.log" 2>&1; then
		err=$(cd "$TMP" && "$TMP/copy/embed" "sqlite:///$TMP/copy.db" 2>&1 >/dev/null)
		check_eq "a new migration file is embedded on rebuild" \
			"embed: running upgrade 8b4e6d0a5c02 -> c7d2e9f1a003, note titles" "$err"
		check_eq "version row after the new file" "c7d2e9f1a003" \
			"$(sqlite3 "$TMP/copy.db" 'SELECT version_num FROM cmig_version')"
	else
		fail "rebuild after adding a migration"
	fi
	# an edit: the message header changes, the rebuilt program reports the new text
	sed -i 's/^-- message: note titles$/-- message: note titles, edited/' \
		"$TMP/copy/versions/c7d2e9f1a003_note_titles.sql"
	sleep 1
	touch "$TMP/copy/versions/c7d2e9f1a003_note_titles.sql"
	cmake --build "$TMP/copy" >>"$TMP/copy.log" 2>&1
	check "an edited migration is re-embedded" \
		grep -q 'note titles, edited' "$TMP/copy/embed"
else
	fail "cmake build of a copy of examples/embed"
fi

finish
