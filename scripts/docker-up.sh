#!/usr/bin/env bash
# Brings up a Docker engine that can run kind's privileged nodes, on Debian, as root. Idempotent.
#
# - No engine answering: installs Debian's docker.io when dockerd is missing, then starts dockerd.
# - A process capability bounding set without CAP_SYS_RESOURCE (as on the CI VMs) makes every
#   `--privileged` container fail in runc ("unable to apply caps"). There we register a runtime
#   wrapper as the default runtime that removes CAP_SYS_RESOURCE from what runc is asked to grant.
# - A machine whose engine answers and whose bounding set is complete is left exactly as it is.
set -euo pipefail

log() { printf 'docker-up: %s\n' "$*" >&2; }
state_dir=/usr/local/lib/sysctl-bench
wrapper="$state_dir/runc-without-sys-resource"
daemon_json=/etc/docker/daemon.json
dockerd_log=/var/log/sysctl-bench-dockerd.log

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

# Bit 24 of CapBnd is CAP_SYS_RESOURCE.
bounding_set_lacks_sys_resource() {
  local hex
  hex=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
  (( (16#$hex & (1 << 24)) == 0 ))
}

wrapper_registered() {
  [[ -f $daemon_json ]] && jq -e '."default-runtime" == "sysctl-bench-runc"' "$daemon_json" >/dev/null 2>&1 \
    && cmp -s <(wrapper_source) "$wrapper"
}

need_root() {
  if [[ $(id -u) -ne 0 ]]; then
    log "this step needs root: $1"
    log "fix: run 'sudo bash scripts/docker-up.sh', or start Docker yourself"
    exit 2
  fi
}

install_engine() {
  need_root "install Debian's docker.io"
  log "installing docker.io, jq (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io jq >/dev/null
}

wrapper_source() {
  cat <<'WRAP'
#!/bin/sh
# runc, minus CAP_SYS_RESOURCE: this host cannot grant it, and runc refuses to start a container
# that asks for a capability outside the bounding set. Privileged containers ask for all of them.
set -e
drop='def drop: map(select(. != "CAP_SYS_RESOURCE")); if . == null then . else with_entries(.value |= (if type == "array" then drop else . end)) end'
strip() { # file, jq path of the capabilities object
  [ -f "$1" ] || return 0
  tmp="$1.sysctl-bench.$$"
  jq "$2 |= ($drop)" "$1" >"$tmp" && mv "$tmp" "$1"
}
cmd=""; bundle="."; process=""; prev=""
for a in "$@"; do
  case "$prev" in
    --bundle|-b) bundle="$a" ;;
    --process|-p) process="$a" ;;
  esac
  case "$a" in
    --bundle=*) bundle="${a#--bundle=}" ;;
    --process=*) process="${a#--process=}" ;;
    create|run|exec) [ -z "$cmd" ] && cmd="$a" ;;
  esac
  prev="$a"
done
case "$cmd" in
  create|run) strip "$bundle/config.json" '.process.capabilities' ;;
  exec) [ -n "$process" ] && strip "$process" '.capabilities' ;;
esac
exec /usr/sbin/runc "$@"
WRAP
}

install_wrapper() {
  need_root "register the runc wrapper"
  log "registering $wrapper as Docker's default runtime (CAP_SYS_RESOURCE is not in this machine's bounding set)"
  command -v jq >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null; }
  mkdir -p "$state_dir" /etc/docker
  wrapper_source >"$wrapper"
  chmod 0755 "$wrapper"
  local current='{}'
  [[ -s $daemon_json ]] && current=$(cat "$daemon_json")
  jq --arg path "$wrapper" '.runtimes["sysctl-bench-runc"] = {path: $path} | ."default-runtime" = "sysctl-bench-runc"' \
    <<<"$current" >"$daemon_json.tmp"
  mv "$daemon_json.tmp" "$daemon_json"
}

start_daemon() {
  need_root "start dockerd"
  if pgrep -x dockerd >/dev/null; then
    log "restarting dockerd to load $daemon_json"
    pkill -x dockerd || true
    for _ in $(seq 1 30); do pgrep -x dockerd >/dev/null || break; sleep 1; done
  fi
  if [[ -d /run/systemd/system ]]; then
    systemctl restart docker
  else
    log "starting dockerd (log: $dockerd_log)"
    nohup dockerd >>"$dockerd_log" 2>&1 &
  fi
  for _ in $(seq 1 60); do
    engine_answers && return 0
    sleep 1
  done
  log "dockerd did not answer within 60 s; see $dockerd_log"
  exit 2
}

changed=0
if ! command -v dockerd >/dev/null 2>&1 && ! engine_answers; then
  install_engine
  changed=1
fi
if bounding_set_lacks_sys_resource && ! wrapper_registered; then
  install_wrapper
  changed=1
fi
if ! engine_answers || (( changed )); then
  start_daemon
fi
log "engine $(docker version --format '{{.Server.Version}}' 2>/dev/null) answers; privileged containers: $(bounding_set_lacks_sys_resource && echo 'via runc wrapper' || echo 'native')"
