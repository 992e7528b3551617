#!/usr/bin/env bash
# Installs the Go toolchain sysctl-bench compiles with (Debian 12's golang is 1.19, too old for
# Kubernetes 1.37), from the one place these machines can reach: the Go module proxy, which serves
# every Go release as the module golang.org/toolchain (the same zip `GOTOOLCHAIN=auto` fetches).
# The zip's SHA-256 is pinned below (checked against sum.golang.org by `go mod download`).
# Usage: bash scripts/install-go.sh [DEST]   (default /usr/local/go; idempotent)
set -euo pipefail

version=go1.26.8
sha256=30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7
dest=${1:-/usr/local/go}
proxy=${GOPROXY:-https://proxy.golang.org}
proxy=${proxy%%[,|]*}
[[ $proxy == direct || $proxy == off ]] && proxy=https://proxy.golang.org
module=golang.org/toolchain@v0.0.1-${version}.linux-amd64

log() { printf 'install-go: %s\n' "$*" >&2; }

if [[ -x $dest/bin/go ]] && [[ $("$dest/bin/go" env GOVERSION 2>/dev/null) == "$version" ]]; then
  log "$version already in $dest"
  exit 0
fi
[[ $(uname -m) == x86_64 ]] || { log "only linux-amd64 is pinned here; install Go >= 1.26 from https://go.dev/dl"; exit 2; }
for tool in unzip sha256sum; do
  command -v "$tool" >/dev/null || { log "\`$tool\` is not installed — fix: \`apt-get install ${tool/sha256sum/coreutils}\`"; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
url="$proxy/golang.org/toolchain/@v/v0.0.1-${version}.linux-amd64.zip"
log "downloading $url"
if command -v curl >/dev/null; then curl -fsSLo "$work/go.zip" "$url"
elif command -v wget >/dev/null; then wget -qO "$work/go.zip" "$url"
else log "\`curl\` is not installed — fix: \`apt-get install curl\`"; exit 2; fi
echo "$sha256  $work/go.zip" | sha256sum -c --quiet - || { log "checksum mismatch for $url"; exit 2; }
unzip -q "$work/go.zip" -d "$work/unpacked"
root="$work/unpacked/$module"
# Module zips carry no file modes; the go command marks these executable when it unpacks a toolchain.
chmod 0755 "$root"/bin/* "$root"/pkg/tool/*/*
rm -rf "$dest.new"
mkdir -p "$(dirname "$dest")"
mv "$root" "$dest.new"
rm -rf "$dest"
mv "$dest.new" "$dest"
log "$("$dest/bin/go" version) in $dest (put $dest/bin on PATH)"
