# etcd and etcdctl, static, on an empty root. kubeadm's static pod runs "etcd ..." from PATH.
FROM scratch
COPY etcd etcdctl /usr/local/bin/
ENV PATH=/usr/local/bin:/usr/bin:/bin
