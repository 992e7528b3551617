# kube-proxy programs iptables, so it sits on the local base image (iptables, conntrack, and the
# wrapper that picks the node's iptables backend). BASE is a local image: nothing is pulled.
ARG BASE
FROM ${BASE}
COPY kube-proxy /usr/local/bin/kube-proxy
