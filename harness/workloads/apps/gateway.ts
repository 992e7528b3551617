import type { WorkloadApp } from './types.js';

export const gatewayPort = 8080;

/**
 * An HTTP service that calls its upstream (workloads[].upstream, another workload of the scenario)
 * on a new connection per request and closes that connection first (images/gateway): a service
 * without a connection pool. Its TIME-WAIT sockets hold local ports towards the upstream, which is
 * what net.ipv4.tcp_tw_reuse and net.ipv4.ip_local_port_range are about. Measured by load.
 */
export const gateway: WorkloadApp<'gateway', 'built-in'> = {
  name: 'gateway',
  summary: 'HTTP service calling its upstream (workloads[].upstream) on a new connection per request; measured by load',
  measuredBy: 'load',
  image: 'built-in',
  upstream: 'required',
  container: () => ({
    port: gatewayPort,
    readiness: { httpGet: { path: '/healthz', port: gatewayPort }, periodSeconds: 2, failureThreshold: 30 },
  }),
};
