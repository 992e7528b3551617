/**
 * The kernel's own accounts of what happened, as /proc shows them for one namespace. Pure: text in,
 * numbers out, so that a reading taken through a node, a pod or a test container parses the same.
 */

/**
 * /proc/net/netstat and /proc/net/snmp: pairs of lines, the first naming the fields of a group
 * ("TcpExt: SyncookiesSent ListenOverflows ..."), the second their values. Keys are
 * "<Group>.<Field>" (TcpExt.ListenOverflows, Tcp.RetransSegs). Values are unsigned 64-bit
 * counters (a few are signed gauges, Tcp.MaxConn is -1): kept exact as bigint.
 */
export function parseProcNet(text: string): Map<string, bigint> {
  const values = new Map<string, bigint>();
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const header = splitGroup(lines[i] as string);
    const data = splitGroup(lines[i + 1] as string);
    if (!header || !data || header.group !== data.group) {
      throw new Error(`not a /proc/net counter table: line ${i + 1} and ${i + 2} do not pair (${(lines[i] ?? '').slice(0, 40)} / ${(lines[i + 1] ?? '').slice(0, 40)})`);
    }
    if (header.fields.length !== data.fields.length) throw new Error(`${header.group}: ${header.fields.length} names but ${data.fields.length} values`);
    header.fields.forEach((name, index) => {
      const raw = data.fields[index] as string;
      if (!/^-?\d+$/.test(raw)) throw new Error(`${header.group}.${name}: "${raw}" is not a number`);
      values.set(`${header.group}.${name}`, BigInt(raw));
    });
  }
  return values;
}

function splitGroup(line: string): { group: string; fields: string[] } | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  return { group: line.slice(0, colon), fields: line.slice(colon + 1).trim().split(/\s+/).filter(Boolean) };
}

/**
 * What moved between two readings of the same namespace. A counter that went down was reset (the
 * namespace was made anew, e.g. a pod sandbox replaced): its delta is its count since the reset.
 */
export function counterDeltas(before: ReadonlyMap<string, bigint>, after: ReadonlyMap<string, bigint>): Map<string, number> {
  const deltas = new Map<string, number>();
  for (const [key, value] of after) {
    const previous = before.get(key) ?? 0n;
    deltas.set(key, Number(value >= previous ? value - previous : value));
  }
  return deltas;
}

/** The System V IPC objects of one IPC namespace, from /proc/sysvipc/{msg,sem,shm}. */
export interface SysvIpcState {
  msgQueues: number;
  /** Bytes and messages waiting in those queues. */
  msgBytes: number;
  messages: number;
  semSets: number;
  semaphores: number;
  shmSegments: number;
  shmBytes: number;
}

/**
 * A /proc/sysvipc table: a header of column names, then one row per object. Only the columns named
 * are read, by name, so that a kernel adding a column (shm gained rss and swap) changes nothing.
 */
export function parseSysvTable(text: string): Array<Record<string, number>> {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  const header = lines[0]?.split(/\s+/) ?? [];
  if (header[0] !== 'key') throw new Error(`not a /proc/sysvipc table: ${(lines[0] ?? '(empty)').slice(0, 40)}`);
  return lines.slice(1).map((line) => {
    const cells = line.split(/\s+/);
    const row: Record<string, number> = {};
    header.forEach((name, index) => {
      const cell = cells[index];
      if (cell !== undefined && /^-?\d+$/.test(cell)) row[name] = Number(cell);
    });
    return row;
  });
}

export function sysvIpcState(tables: { msg: string; sem: string; shm: string }): SysvIpcState {
  const msg = parseSysvTable(tables.msg);
  const sem = parseSysvTable(tables.sem);
  const shm = parseSysvTable(tables.shm);
  const sum = (rows: Array<Record<string, number>>, column: string) => rows.reduce((total, row) => total + (row[column] ?? 0), 0);
  return {
    msgQueues: msg.length,
    msgBytes: sum(msg, 'cbytes'),
    messages: sum(msg, 'qnum'),
    semSets: sem.length,
    semaphores: sum(sem, 'nsems'),
    shmSegments: shm.length,
    shmBytes: sum(shm, 'size'),
  };
}
