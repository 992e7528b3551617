module sysctl-bench/gateway

go 1.22
