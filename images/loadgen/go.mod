module sysctl-bench/loadgen

go 1.22
