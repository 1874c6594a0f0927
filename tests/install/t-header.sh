#!/usr/bin/env bash
# t-header.sh - include/cmig/cmig.h is a self-contained public header (issue 11, API 1.0):
# it compiles alone, first thing in a file, as C99 and C11 with -pedantic and every warning
# fatal, and as C++11 (where callers fill options with cmig_*_options_init()) and C++20
# (where the designated-initializer _INIT macros work too). A C++ program linked against the
# build's libcmig.so checks at run time that each _init() function gives exactly its _INIT
# macro and that a version the library does not know is refused. (The exported symbol list
# is compared with the header by t-install.sh, on the installed library.)
. "$(dirname "$0")/lib.sh"

CC=${CC:-cc}
CXX=${CXX:-c++}
command -v "$CC" >/dev/null || die "$CC is needed"
command -v "$CXX" >/dev/null || die "$CXX is needed"
inc=$CMIG_SOURCE_DIR/include
so=$(find "$CMIG_BUILD_DIR/src" -maxdepth 1 -name 'libcmig.so' | head -1)
[ -n "$so" ] || die "no libcmig.so in $CMIG_BUILD_DIR/src (build first)"
sanitize=$(sed -n 's/^CMIG_SANITIZE:[A-Z]*=//p' "$CMIG_BUILD_DIR/CMakeCache.txt")
san_flags=${sanitize:+-fsanitize=$sanitize}

# ---- C: alone, with the _INIT macros -----------------------------------------------------------
cat >"$TMP/alone.c" <<'C'
#include <cmig/cmig.h>
int use(void);
int use(void)
{
	cmig_open_options oo = CMIG_OPEN_OPTIONS_INIT;
	cmig_run_options ro = CMIG_RUN_OPTIONS_INIT;
	cmig_check_options co = CMIG_CHECK_OPTIONS_INIT;
	cmig_revision_options vo = CMIG_REVISION_OPTIONS_INIT;
	cmig_copy_options po = CMIG_COPY_OPTIONS_INIT;
	return (int)(oo.version + ro.version + co.version + vo.version + po.version);
}
C
for std in c99 c11; do
	check "cmig.h compiles alone as $std -pedantic -Werror" \
		"$CC" -std=$std -pedantic -Wall -Wextra -Werror -I"$inc" -c "$TMP/alone.c" -o "$TMP/alone.o"
done

# ---- C++11: the _init() functions --------------------------------------------------------------
cat >"$TMP/alone11.cpp" <<'CXX'
#include <cmig/cmig.h>
int use();
int use()
{
	cmig_open_options oo;
	cmig_run_options ro;
	return cmig_open_options_init(&oo, CMIG_OPEN_OPTIONS_VERSION) +
	       cmig_run_options_init(&ro, CMIG_RUN_OPTIONS_VERSION);
}
CXX
check "cmig.h compiles alone as C++11 -pedantic -Werror" \
	"$CXX" -std=c++11 -pedantic -Wall -Wextra -Werror -I"$inc" -c "$TMP/alone11.cpp" -o "$TMP/alone11.o"

# ---- C++20: the macros, and _init() == _INIT at run time ---------------------------------------
cat >"$TMP/init20.cpp" <<'CXX'
#include <cmig/cmig.h>
#include <cstdio>
#include <cstring>

static int fails;
#define EXPECT(c) do { if (!(c)) { std::printf("FAIL: %s\n", #c); fails++; } } while (0)

template <typename T> static bool same(const T &a, const T &b)
{
	return std::memcmp(&a, &b, sizeof(T)) == 0;
}

template <typename T> static void zero(T *t) { std::memset(static_cast<void *>(t), 0, sizeof(T)); }

int main()
{
	/* memset first so padding compares equal */
	cmig_open_options o1, o2; zero(&o1); zero(&o2);
	cmig_run_options r1, r2; zero(&r1); zero(&r2);
	cmig_check_options c1, c2; zero(&c1); zero(&c2);
	cmig_revision_options v1, v2; zero(&v1); zero(&v2);
	cmig_copy_options p1, p2; zero(&p1); zero(&p2);
	p1 = CMIG_COPY_OPTIONS_INIT;
	EXPECT(cmig_copy_options_init(&p2, CMIG_COPY_OPTIONS_VERSION) == CMIG_OK && same(p1, p2));
	o1 = CMIG_OPEN_OPTIONS_INIT; r1 = CMIG_RUN_OPTIONS_INIT;
	c1 = CMIG_CHECK_OPTIONS_INIT; v1 = CMIG_REVISION_OPTIONS_INIT;
	EXPECT(cmig_open_options_init(&o2, CMIG_OPEN_OPTIONS_VERSION) == CMIG_OK && same(o1, o2));
	EXPECT(cmig_run_options_init(&r2, CMIG_RUN_OPTIONS_VERSION) == CMIG_OK && same(r1, r2));
	EXPECT(cmig_check_options_init(&c2, CMIG_CHECK_OPTIONS_VERSION) == CMIG_OK && same(c1, c2));
	EXPECT(cmig_revision_options_init(&v2, CMIG_REVISION_OPTIONS_VERSION) == CMIG_OK &&
	       same(v1, v2));
	EXPECT(r1.lock_timeout == 300.0);
	/* a version this library does not know: refused, the struct untouched */
	EXPECT(cmig_open_options_init(&o2, 0) == CMIG_EUSAGE);
	EXPECT(cmig_run_options_init(&r2, CMIG_RUN_OPTIONS_VERSION + 1) == CMIG_EUSAGE);
	EXPECT(cmig_check_options_init(nullptr, CMIG_CHECK_OPTIONS_VERSION) == CMIG_EUSAGE);
	cmig_project *p = nullptr;
	o1.version = CMIG_OPEN_OPTIONS_VERSION + 1;
	EXPECT(cmig_project_open(&p, &o1) == CMIG_EUSAGE && p == nullptr);
	return fails != 0;
}
CXX
if "$CXX" -std=c++20 -pedantic -Wall -Wextra -Werror $san_flags -I"$inc" "$TMP/init20.cpp" \
	"$so" -Wl,-rpath,"$(dirname "$so")" -o "$TMP/init20" 2>"$TMP/cxx20.log"; then
	ok
	check "C++20: each _init() equals its _INIT macro; unknown versions refused" "$TMP/init20"
else
	cat "$TMP/cxx20.log" >&2
	fail "cmig.h compiles as C++20 with the _INIT macros"
fi
finish
