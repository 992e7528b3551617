#!/usr/bin/env bash
# Makes sure a headless-capable Chromium is at /usr/bin/chromium for the report's browser tests.
# Idempotent: a machine that already has it returns at once; CI machines start fresh and install it.
set -euo pipefail

if [[ -x /usr/bin/chromium ]] && /usr/bin/chromium --version >/dev/null 2>&1; then
  exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
  sudo=sudo
else
  sudo=
fi

export DEBIAN_FRONTEND=noninteractive
# A lock held by another apt run (a parallel test worker) is waited for, not fought over.
$sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
$sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium >/dev/null

/usr/bin/chromium --version
