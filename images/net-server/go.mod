module sysctl-bench/net-server

go 1.22
