# The pod sandbox image: containerd starts it with its entrypoint.
FROM scratch
COPY pause /pause
ENTRYPOINT ["/pause"]
