#!/usr/bin/env bash
# Install what cmig needs to build, run and be tested on a Debian machine, only what is
# missing. Run as root (or with sudo available). Idempotent.
#   scripts/install-deps.sh          build + run deps (compiler, cmake, sqlite3, libpq, libyaml)
#   scripts/install-deps.sh --test   ... plus what the tests use (cmocka, PostgreSQL server,
#                                    valgrind, clang for the fuzzers, the sqlite3 and psql CLIs)
set -euo pipefail

pkgs=(build-essential cmake pkg-config libsqlite3-dev libpq-dev libyaml-dev libcmocka-dev sqlite3)
if [ "${1:-}" = "--test" ]; then
  pkgs+=(postgresql postgresql-client valgrind clang libclang-rt-dev hyperfine python3 procps man-db jq)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
