#!/bin/sh
# Build step, run by the node-image artefact as
#   unshare --mount --pid --fork --propagation private chroot <rootfs> /bin/sh /preload-images.sh
# It starts the node's own containerd on the image's /var/lib/containerd, imports (and unpacks)
# /kind/images/*.tar into the k8s.io namespace, and stops it; the node image then ships with the
# images in place, so a node does not spend its first seconds importing them. The private mount
# and PID namespaces make sure no mount and no process outlives this script.
set -eu
mount -t proc proc /proc
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
cat > /tmp/containerd-preload.toml <<'TOML'
version = 2
# only the content store, the metadata and the overlayfs snapshotter are needed here
disabled_plugins = ["io.containerd.grpc.v1.cri"]
TOML
containerd --config /tmp/containerd-preload.toml --address /run/preload.sock --log-level warn &
pid=$!
for _ in $(seq 1 100); do ctr --address /run/preload.sock version >/dev/null 2>&1 && break; sleep 0.2; done
for tar in /kind/images/*.tar; do
  [ -e "$tar" ] || continue
  ctr --address /run/preload.sock --namespace=k8s.io images import --all-platforms --snapshotter=overlayfs "$tar"
done
ctr --address /run/preload.sock --namespace=k8s.io images list -q
kill "$pid"
wait "$pid" || true
