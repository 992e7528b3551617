/** The Docker labels of what sysctl-bench starts on this machine (no import of testcontainers, so `clean` starts at once). */
export const runLabel = 'io.sysctl-bench.run';
export const roleLabel = 'io.sysctl-bench.role';
/** Unique per container the driver starts, so a start that failed half way can still be cleaned up. */
export const invocationLabel = 'io.sysctl-bench.invocation';
