# kubeadm's CoreDNS Deployment gives only args ("-conf /etc/coredns/Corefile"): the entrypoint
# must be the binary.
FROM scratch
COPY coredns /coredns
EXPOSE 53 53/udp
ENTRYPOINT ["/coredns"]
