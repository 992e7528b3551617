#!/usr/bin/env bash
# Compiles harness/ to dist/ (tsconfig.build.json) unless dist/ is newer than every source. The
# stamp is written after a successful compile only; a lock serialises parallel builds.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist
exec 9>dist/.build-lock
flock 9
stale() { [[ ! -f dist/.build-stamp || -n "$(find harness tsconfig.json tsconfig.build.json -newer dist/.build-stamp -print -quit)" ]]; }
if [[ "${1:-}" == "--force" ]] || stale; then
  # Sources touched during the compile must count as newer than the stamp: take its time first.
  touch dist/.build-stamp.next
  rm -rf dist/harness
  node_modules/.bin/tsc -p tsconfig.build.json
  mv dist/.build-stamp.next dist/.build-stamp
  echo "built dist/ from harness/" >&2
fi
