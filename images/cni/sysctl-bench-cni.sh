#!/bin/sh
# sysctl-bench CNI agent: one per node (hostNetwork DaemonSet), every few seconds
#  1. writes /etc/cni/net.d/10-sysctl-bench.conflist for this node's podCIDR
#     (bridge + host-local IPAM, portmap, loopback; containerd runs the plugins from /usr/lib/cni),
#  2. routes every other node's podCIDR via that node's InternalIP (all nodes share one docker network),
#  3. keeps pod egress on this machine: pod traffic to the node network is masqueraded to the node
#     address (containers there do not know the pod routes), traffic to other pods is left alone,
#     and pod traffic to anything else is dropped, so nothing from a pod can route off the machine.
# Inputs (env): NODE_NAME (downward API), POD_SUBNET (cluster pod CIDR), CONTROL_PLANE_ENDPOINT
# (host:port, patched in by kind; else the in-cluster service address).
set -eu

: "${NODE_NAME:?NODE_NAME must be set}"
POD_SUBNET=${POD_SUBNET:-10.244.0.0/16}
INTERVAL=${INTERVAL:-5}
CONF_DIR=${CONF_DIR:-/etc/cni/net.d}
SA=/var/run/secrets/kubernetes.io/serviceaccount
API=${CONTROL_PLANE_ENDPOINT:-${KUBERNETES_SERVICE_HOST:-}:${KUBERNETES_SERVICE_PORT:-443}}

# kubectl reads the projected token file on every call, so token rotation needs nothing here.
export KUBECONFIG=/tmp/kubeconfig
cat > "$KUBECONFIG" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters: [{name: cluster, cluster: {server: "https://${API}", certificate-authority: ${SA}/ca.crt}}]
users: [{name: cni, user: {tokenFile: ${SA}/token}}]
contexts: [{name: cni, context: {cluster: cluster, user: cni}}]
current-context: cni
KUBECONFIG

log() { echo "$(date -u +%FT%TZ) $*"; }

write_conflist() { # $1 = this node's podCIDR
  tmp="$CONF_DIR/.10-sysctl-bench.conflist.tmp"
  cat > "$tmp" <<CONF
{
  "cniVersion": "0.4.0",
  "name": "sysctl-bench",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "sb0",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "$1" }]], "routes": [{ "dst": "0.0.0.0/0" }] }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } },
    { "type": "loopback" }
  ]
}
CONF
  if ! cmp -s "$tmp" "$CONF_DIR/10-sysctl-bench.conflist"; then
    mv "$tmp" "$CONF_DIR/10-sysctl-bench.conflist"   # rename: containerd never reads half a file
    log "wrote $CONF_DIR/10-sysctl-bench.conflist for $1"
  else
    rm -f "$tmp"
  fi
}

ensure_rule() { # $1 = table, $2 = chain, rest = rule; appended once
  table=$1 chain=$2
  shift 2
  iptables -t "$table" -C "$chain" "$@" 2>/dev/null || iptables -t "$table" -A "$chain" "$@"
}

ensure_egress() { # $1 = the node network (e.g. 172.18.0.0/16)
  iptables -t nat -N SB-POD-EGRESS 2>/dev/null || true
  iptables -t filter -N SB-POD-EGRESS 2>/dev/null || true
  # nat: pods -> other pods: no NAT; pods -> node network: masquerade to the node address
  ensure_rule nat SB-POD-EGRESS -d "$POD_SUBNET" -j RETURN
  ensure_rule nat SB-POD-EGRESS -d "$1" -j MASQUERADE
  ensure_rule nat POSTROUTING -s "$POD_SUBNET" -j SB-POD-EGRESS
  # filter: forwarded pod traffic may go to pods and to the node network only
  ensure_rule filter SB-POD-EGRESS -d "$POD_SUBNET" -j RETURN
  ensure_rule filter SB-POD-EGRESS -d "$1" -j RETURN
  ensure_rule filter SB-POD-EGRESS -j DROP
  iptables -t filter -C FORWARD -s "$POD_SUBNET" -j SB-POD-EGRESS 2>/dev/null \
    || iptables -t filter -I FORWARD 1 -s "$POD_SUBNET" -j SB-POD-EGRESS
}

log "sysctl-bench CNI on $NODE_NAME, pod subnet $POD_SUBNET, API $API"
while true; do
  # the node network: the on-link route of the interface that holds this node's InternalIP
  node_net=$(ip -o -4 route show proto kernel scope link | awk '$3 != "sb0" {print $1; exit}')
  [ -n "$node_net" ] && ensure_egress "$node_net"

  # one line per node: name podCIDR InternalIP
  if nodes=$(kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name} {.spec.podCIDR} {.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}'); then
    echo "$nodes" | while read -r name cidr address; do
      [ -n "$name" ] && [ -n "${cidr:-}" ] && [ -n "${address:-}" ] || continue
      if [ "$name" = "$NODE_NAME" ]; then
        write_conflist "$cidr"
      else
        ip route replace "$cidr" via "$address"
      fi
    done
  else
    log "kubectl get nodes failed; retrying"
  fi
  sleep "$INTERVAL"
done
