#!/usr/bin/env bash
# tests/fuzz/run.sh - build the libFuzzer targets with clang and run each from its seed corpus
# (tests/fuzz/corpus/<target>/, one case per SPEC §6 form for alter and table) for SECONDS
# (default 60), printing libFuzzer's exec count. Exit 1 on any crash, leak, timeout or OOM.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]      targets: alter table sqlsplit revfile lint convert
#
# Environment: CC (default clang), OUT (build dir, default a mktemp -d). New inputs found are
# written to OUT/new-<target>/, never into the seed corpus.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../src" && pwd)
inc=$(cd "$here/../../include" && pwd)
secs=${1:-60}
shift || true
targets=${*:-alter table sqlsplit revfile lint convert}
CC=${CC:-clang}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/cmig-fuzz.XXXXXX")}
mkdir -p "$OUT"
command -v "$CC" >/dev/null || { echo "run.sh: $CC not found (libFuzzer needs clang)" >&2; exit 1; }

flags="-std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I$src/util -I$src/model -I$src/batch -I$inc"
# every file of the pure layers the targets use (util/ whole, so a new util file needs no edit)
lib_src="$src/util/*.c $src/model/sqllex.c $src/model/sqlsplit.c $src/model/revfile.c $src/model/lint*.c $src/model/convert*.c
         $src/batch/*.c"
# the private-header guard (src/CMakeLists.txt) is the normal build's check; this one-command
# build of the pure layers defines every module's flag so their own *_int.h compile
for h in "$src"/model/*_int.h "$src"/batch/*_int.h; do
	m=$(basename "$h" _int.h)
	flags="$flags -DCMIG_PRIVATE_$(printf '%s' "$m" | tr '[:lower:]' '[:upper:]')"
done
status=0
for t in $targets; do
	# shellcheck disable=SC2086
	$CC $flags -o "$OUT/fuzz_$t" "$here/fuzz_$t.c" $lib_src
	mkdir -p "$OUT/new-$t"
	echo "== fuzz_$t: $secs s from $(ls "$here/corpus/$t" | wc -l) seeds"
	if ASAN_OPTIONS=detect_leaks=1 "$OUT/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=4096 -print_final_stats=1 "$OUT/new-$t" "$here/corpus/$t" >"$OUT/$t.log" 2>&1; then
		grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$OUT/$t.log" | tail -2
	else
		status=1
		echo "fuzz_$t FAILED:" >&2
		grep -E "ERROR|SUMMARY|Test unit written" "$OUT/$t.log" >&2 || tail -30 "$OUT/$t.log" >&2
	fi
done
exit $status
