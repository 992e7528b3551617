import type { WorkloadApp } from './types.js';

export const netServerPort = 8080;

/** An HTTP server with a set listen backlog and accept rate (images/net-server): the target of load. */
export const netServer: WorkloadApp<'net-server', 'built-in'> = {
  name: 'net-server',
  summary: 'HTTP server with a set listen backlog and accept rate; measured by load',
  measuredBy: 'load',
  image: 'built-in',
  container: () => ({
    port: netServerPort,
    readiness: { httpGet: { path: '/healthz', port: netServerPort }, periodSeconds: 2, failureThreshold: 30 },
  }),
};
