#!/usr/bin/env bash
# What `npm start` and `npm test` need before they run, on a fresh machine: a Docker engine that
# runs privileged containers, and the toolchain (kind, node image, workload and load images),
# built once and cached in ~/.cache/sysctl-bench. Idempotent; a warm machine takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x node_modules/.bin/node ]] || npm ci --no-audit --no-fund
if [[ $(id -u) -eq 0 ]]; then bash scripts/docker-up.sh; else sudo bash scripts/docker-up.sh; fi
node_modules/.bin/node --import tsx harness/cli.ts doctor --fix
