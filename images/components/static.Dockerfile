# One static binary on an empty root, for the images that kubeadm's manifests start with an
# explicit command found on PATH ("kube-apiserver ...", "etcd ..."). BINARY is the file name in
# the build context.
FROM scratch
ARG BINARY
COPY ${BINARY} /usr/local/bin/${BINARY}
ENV PATH=/usr/local/bin:/usr/bin:/bin
