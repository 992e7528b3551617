/**
 * Value shapes for sysctls whose format is known. The API server never looks at values; a value of
 * the wrong shape passes admission and then fails when the runtime writes it under /proc/sys
 * (EINVAL), so the pod never starts. Checking here catches that before a cluster sees it.
 */
type ValueCheck = (value: string) => string | undefined;

const INTEGER = /^-?\d+$/;

function integers(count: number, what: string): ValueCheck {
  return (value) => {
    const parts = value.trim().split(/\s+/).filter((part) => part !== '');
    if (parts.length !== count || !parts.every((part) => INTEGER.test(part))) {
      return `must be ${what} (${count} integers separated by whitespace)`;
    }
    return undefined;
  };
}

function integer(min?: number, max?: number): ValueCheck {
  return (value) => {
    const text = value.trim();
    if (!INTEGER.test(text)) return 'must be an integer';
    const number = Number(text);
    if (min !== undefined && number < min) return `must be at least ${min}`;
    if (max !== undefined && number > max) return `must be at most ${max}`;
    return undefined;
  };
}

const portRange: ValueCheck = (value) => {
  const shape = integers(2, 'a port range "low high"')(value);
  if (shape) return shape;
  const [low, high] = value.trim().split(/\s+/).map(Number) as [number, number];
  if (low < 0 || high > 65535) return 'ports must be within 0..65535';
  // The kernel refuses high < low with EINVAL; equal bounds are accepted.
  if (high < low) return `low (${low}) must not be greater than high (${high})`;
  return undefined;
};

const reservedPorts: ValueCheck = (value) => {
  const text = value.trim();
  if (text === '') return undefined;
  for (const item of text.split(',')) {
    if (!/^\d+(-\d+)?$/.test(item.trim())) return 'must be a comma-separated list of ports or port ranges (e.g. "8080,9000-9100")';
  }
  return undefined;
};

const CHECKS: ReadonlyMap<string, ValueCheck> = new Map<string, ValueCheck>([
  ['kernel.sem', integers(4, 'SEMMSL SEMMNS SEMOPM SEMMNI')],
  ['kernel.msgmax', integer(0)],
  ['kernel.msgmnb', integer(0)],
  ['kernel.msgmni', integer(0)],
  ['kernel.shmmax', integer(0)],
  ['kernel.shmall', integer(0)],
  ['kernel.shmmni', integer(0)],
  ['kernel.shm_rmid_forced', integer(0, 1)],
  ['fs.mqueue.msg_max', integer(0)],
  ['fs.mqueue.msgsize_max', integer(0)],
  ['fs.mqueue.queues_max', integer(0)],
  ['fs.mqueue.msg_default', integer(0)],
  ['fs.mqueue.msgsize_default', integer(0)],
  ['net.core.somaxconn', integer(0)],
  ['net.ipv4.ip_local_port_range', portRange],
  ['net.ipv4.ping_group_range', integers(2, 'a group range "low high"')],
  ['net.ipv4.ip_local_reserved_ports', reservedPorts],
  ['net.ipv4.ip_unprivileged_port_start', integer(0, 65536)],
  ['net.ipv4.tcp_syncookies', integer(0, 2)],
  ['net.ipv4.tcp_keepalive_time', integer(1)],
  ['net.ipv4.tcp_keepalive_intvl', integer(1)],
  ['net.ipv4.tcp_keepalive_probes', integer(1)],
  ['net.ipv4.tcp_fin_timeout', integer(0)],
  ['net.ipv4.tcp_rmem', integers(3, 'min default max')],
  ['net.ipv4.tcp_wmem', integers(3, 'min default max')],
  ['net.ipv4.tcp_max_syn_backlog', integer(0)],
  ['net.ipv4.tcp_tw_reuse', integer(0, 2)],
  ['net.core.netdev_max_backlog', integer(0)],
]);

/** Undefined when the value fits the sysctl's known shape (or the shape is unknown), else why not. */
export function valueProblem(dotName: string, value: string): string | undefined {
  return CHECKS.get(dotName)?.(value);
}

export function hasKnownShape(dotName: string): boolean {
  return CHECKS.has(dotName);
}
