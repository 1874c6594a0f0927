#!/usr/bin/env bash
# t-manpage.sh - docs/cmig.1 and `cmig --help` are one source (STYLE §8, issue 7):
#  - docs/cmig.1 is exactly what `cmig --man-page` prints from the command table;
#  - `MANWIDTH=80 man --warnings -l docs/cmig.1` prints no warning;
#  - every command's usage line, summary, help text and options, and every global option,
#    as `cmig COMMAND --help` prints them, appear in the rendered page.
. "$(dirname "$0")/lib.sh"

command -v man >/dev/null || die "man (man-db) is needed"
page=$CMIG_SOURCE_DIR/docs/cmig.1

"$CMIG" --man-page >"$TMP/cmig.1" || fail "cmig --man-page exits 0"
if diff -u "$page" "$TMP/cmig.1" >"$TMP/diff"; then
	ok
else
	cat "$TMP/diff" >&2
	fail "docs/cmig.1 differs from 'cmig --man-page': regenerate it with: build/src/cmig --man-page > docs/cmig.1"
fi

MANWIDTH=80 man --warnings -l "$page" >/dev/null 2>"$TMP/warnings"
check "man renders docs/cmig.1" test $? -eq 0
check_eq "man --warnings is silent" "" "$(cat "$TMP/warnings")"

# The page as text, whitespace squeezed (groff refills paragraphs).
squeeze() { tr '\n' ' ' | tr -s ' '; }
MANWIDTH=1000 man -l "$page" 2>/dev/null | squeeze >"$TMP/page.txt"
in_page() { grep -qF -- "$(printf '%s' "$1" | squeeze)" "$TMP/page.txt"; }

commands=$("$CMIG" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
check "cmig --help lists commands" test -n "$commands"
for c in $commands; do
	"$CMIG" "$c" --help >"$TMP/help" 2>&1 || fail "cmig $c --help exits 0"
	usage=$(sed -n '1s/^usage: //p' "$TMP/help")
	check "man page has '$usage'" in_page "$usage"
	# summary and help text: the lines between the usage line and Options/Global options
	sed -n '2,/^\(Options\|Global options\):$/p' "$TMP/help" | sed '$d' >"$TMP/text"
	check "man page has the help text of $c" in_page "$(cat "$TMP/text")"
	# options: "  -m, --message MSG   what ..." -> "-m, --message MSG" and "what ..."
	sed -n -E 's/^  +((-[A-Za-z], )?--[a-z][a-z-]*( [A-Z|]+)?)  +(.*)$/\1\t\4/p' "$TMP/help" >"$TMP/opts"
	check "cmig $c --help has options" test -s "$TMP/opts"
	while IFS=$'\t' read -r left text; do
		check "man page has option '$left' (cmig $c)" in_page "$left"
		check "man page has the help of '$left' (cmig $c)" in_page "$text"
	done <"$TMP/opts"
done

finish
