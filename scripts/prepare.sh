#!/usr/bin/env bash
# What `npm start` and `npm test` need before they run, on a fresh Debian machine: the host
# packages of scripts/host-programs.txt (debootstrap, compilers, busybox-static, jq, Go; Chromium
# for the browser tests), a Docker engine that runs privileged containers, and the toolchain
# (kind, node image, workload and load images), built once and cached in ~/.cache/sysctl-bench.
# Idempotent; a warm machine takes seconds.
# Usage: bash scripts/prepare.sh [PURPOSE...]   (run: `npm start`; run browser: `npm test`)
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -gt 0 ]] || set -- run
[[ -x node_modules/.bin/node ]] || npm ci --no-audit --no-fund
bash scripts/host-packages.sh "$@"
if [[ $(id -u) -eq 0 ]]; then bash scripts/docker-up.sh; else sudo bash scripts/docker-up.sh; fi
node_modules/.bin/node --import tsx harness/cli.ts doctor --fix
