import type { WorkloadApp } from './types.js';

/**
 * System V message queues and semaphores (images/ipc-bench). The program is run with exec, once per
 * repetition; between runs the pod idles so that its IPC namespace (and its sysctls) stay observable.
 */
export const ipcBench: WorkloadApp<'ipc-bench', 'built-in'> = {
  name: 'ipc-bench',
  summary: 'System V message queue and semaphore tests, run inside the pod; measured by ipc',
  measuredBy: 'ipc',
  image: 'built-in',
  container: () => ({ command: ['sleep', '86400'] }),
};
