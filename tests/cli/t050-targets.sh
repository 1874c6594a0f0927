#!/bin/bash
# t050-targets: every TARGET form of SPEC §5 — head, base, id, unique prefix, exact id before
# prefix, ambiguous, unknown, +N / -N, past head or base, wrong side; errors exit 1 and change
# nothing.
. "$(dirname "$0")/lib.sh"
new_db
new_project
# ids: abc is also a prefix of abcd and abce
chain abc abcd abce f00d

expect_at() { # TARGET-VERSION WHAT
	assert_db_version "$1" "$2"
}
refused() { # WHAT CMD...  : exit 1, database unchanged
	local what=$1
	shift
	local before
	before=$(db_state)
	assert_exit 1 "$@"
	assert_ne "" "$ERR" "$what: message on stderr"
	assert_eq "$before" "$(db_state)" "$what: nothing changed"
}

# exact id wins over a prefix
assert_exit 0 upgrade abc
assert_backend_db
expect_at abc "exact id 'abc' (also a prefix of abcd, abce)"
# ambiguous prefix
refused "ambiguous 'abc' prefix? no: exact; 'ab' is ambiguous" upgrade ab
# unknown
refused "unknown target" upgrade zzz
refused "unknown target (hex-like)" upgrade 0123456789ab
# unique prefix
assert_exit 0 upgrade abcd
expect_at abcd "exact id abcd"
assert_exit 0 upgrade f0
expect_at f00d "unique prefix f0 -> f00d"
assert_exit 0 downgrade abc
expect_at abc "downgrade to exact id abc"
assert_exit 0 downgrade base
expect_at "" "downgrade base"

# relative steps
assert_exit 0 upgrade +2
expect_at abcd "+2 from base"
assert_exit 0 upgrade +1
expect_at abce "+1"
refused "+2 past head" upgrade +2
assert_exit 0 downgrade -2
expect_at abc "-2"
refused "-2 past base" downgrade -2
assert_exit 0 downgrade -1
expect_at "" "-1 to base"
refused "-1 at base" downgrade -1
refused "+5 past head from base" upgrade +5

# head / base
assert_exit 0 upgrade head
expect_at f00d "head"
assert_exit 0 upgrade head
expect_at f00d "head at head: no-op"
assert_exit 0 upgrade f00d
expect_at f00d "upgrade to the current revision: no-op"

# wrong side
refused "upgrade to an older revision" upgrade abcd
refused "upgrade to an older revision whose id is also a prefix" upgrade abc
refused "upgrade base from head" upgrade base
assert_exit 0 downgrade abcd
refused "downgrade to a newer revision" downgrade f00d
refused "downgrade to ambiguous prefix" downgrade ab
refused "downgrade to unknown" downgrade zzz

# reserved words are not prefixes: 'current' is not a target of upgrade
refused "upgrade to a prefix of nothing" upgrade abcde

# stamp takes targets too
assert_exit 0 stamp f0
expect_at f00d "stamp by prefix"
refused "stamp ambiguous" stamp ab
refused "stamp unknown" stamp zzz
assert_exit 0 stamp base
expect_at "" "stamp base"
