#!/usr/bin/env bash
# Makes sure a headless-capable Chromium is at /usr/bin/chromium for the report's browser tests
# (the `browser` entries of scripts/host-programs.txt). Idempotent: a machine that has it returns at once.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -x /usr/bin/chromium ]] && /usr/bin/chromium --version >/dev/null 2>&1; then
  exit 0
fi
bash scripts/host-packages.sh browser
/usr/bin/chromium --version
