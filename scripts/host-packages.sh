#!/usr/bin/env bash
# Installs the Debian packages sysctl-bench needs on the host, as listed in scripts/host-programs.txt
# (one declared list: `doctor` and the "not installed" messages read the same file), and Go when no
# Go >= 1.26 is found. Only what is missing is installed; a prepared machine returns at once.
# Usage: bash scripts/host-packages.sh [--list] PURPOSE...   (run, browser)
#   --list: print the Debian packages it provides for these purposes, one a line, and install nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
list_only=0
[[ ${1:-} == --list ]] && { list_only=1; shift; }
[[ $# -gt 0 ]] || set -- run

log() { printf 'host-packages: %s\n' "$*" >&2; }
wanted() { local p; for p in "$@"; do [[ " ${purposes} " == *" $p "* ]] && return 0; done; return 1; }
# Where Go is looked for beside PATH and installed (SYSCTL_BENCH_GO_ROOT: another place, or a test's).
go_root=${SYSCTL_BENCH_GO_ROOT:-/usr/local/go}
present() { if [[ $1 == /* ]]; then [[ -e $1 ]]; else command -v "$1" >/dev/null 2>&1 || [[ $1 == go && -x $go_root/bin/go ]]; fi; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 99; fi; }

purposes=" $* "
packages=()
need_go=0
while read -r program source package purpose _; do
  [[ -z $program || $program == \#* ]] && continue
  wanted "$purpose" || continue
  if (( list_only )); then [[ $source == apt ]] && echo "$package"; continue; fi
  case $source in
    apt) present "$program" || packages+=("$package") ;;
    go)
      go_bin=$(command -v go || echo "$go_root/bin/go")
      # No Go at all is the cold machine's case: its "not found" must not end the script (pipefail).
      minor=$({ "$go_bin" env GOVERSION 2>/dev/null || true; } | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
      [[ -n $minor && $minor -ge 26 ]] || need_go=1 ;;
    docker-up | essential | toolchain) ;;
    *) log "scripts/host-programs.txt: unknown source '$source' for $program"; exit 2 ;;
  esac
done < scripts/host-programs.txt
(( list_only )) && exit 0

if [[ ${#packages[@]} -gt 0 ]]; then
  log "installing Debian packages: ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A lock held by another apt run (a parallel job) is waited for, not fought over.
  as_root apt-get -o DPkg::Lock::Timeout=300 update -qq || { rc=$?; [[ $rc -eq 99 ]] && { log "not root and no sudo — fix: \`apt-get install ${packages[*]}\` as root"; exit 2; }; exit $rc; }
  as_root apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
if (( need_go )); then
  as_root bash scripts/install-go.sh "$go_root" || { log "no Go >= 1.26 — fix: \`bash scripts/install-go.sh\` as root"; exit 2; }
fi
