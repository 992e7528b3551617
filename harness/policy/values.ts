/**
 * Sysctl values as the kernel parses them when the runtime writes /proc/sys (Linux 6.1,
 * kernel/sysctl.c and the tables of ipc/, net/ipv4/, net/core/, mm/, security/keys/). The API
 * server never looks at values: a value the kernel refuses passes admission and then fails the
 * write (EINVAL, or ERANGE for kernel.sem's SEMMNI), so the pod sandbox is never created.
 *
 * The kernel's integer reader (proc_get_long) takes an optional "-", then digits in C notation
 * (0x.. hex, 0.. octal: "010" is 8, "08" is refused), at most 20 characters, each number followed
 * by a space, tab, newline or the end. Vector sysctls take up to their length of numbers; fewer
 * write only the first ones, extra ones are ignored.
 */

const INT_MAX = 2n ** 31n - 1n;
const INT_MIN = -(2n ** 31n);
const UINT_MAX = 2n ** 32n - 1n;
const ULONG_MAX = 2n ** 64n - 1n;
const LONG_MAX = 2n ** 63n - 1n;
/** include/linux/ipc.h IPCMNI (1 << 15); 16M with the ipcmni_extend boot option. */
const IPCMNI = 32768n;
/** include/net/ping.h GID_T_MAX. */
const GID_T_MAX = 2n ** 32n - 2n;
/** proc_dointvec_jiffies refuses seconds above INT_MAX / HZ; HZ is 1000 on most distribution kernels (250 on Debian's). */
const JIFFIES_MAX_HZ_1000 = INT_MAX / 1000n;

export type Errno = 'EINVAL' | 'ERANGE';

export interface ValueRefusal {
  /** Why, for people: "must be at most 2147483647 (an int)". */
  readonly problem: string;
  readonly errno: Errno;
}

/** strerror text as runc and containerd print it. */
export function errnoText(errno: Errno): string {
  switch (errno) {
    case 'EINVAL': return 'invalid argument';
    case 'ERANGE': return 'numerical result out of range';
    default: {
      const never: never = errno;
      return never;
    }
  }
}

type Parsed = { readonly values: bigint[] } | { readonly refusal: ValueRefusal };

/** What the kernel does with the written text for one table entry. */
interface Handler {
  /** proc_dointvec-style (signed int), proc_douintvec (uint), proc_dou8vec (u8), proc_doulongvec (ulong), jiffies, or the reserved-ports bitmap. */
  readonly kind: 'int' | 'uint' | 'u8' | 'ulong' | 'jiffies' | 'bitmap' | 'string';
  /** Vector length (maxlen / element size). */
  readonly count?: number;
  readonly min?: bigint;
  readonly max?: bigint;
  /** What the numbers are, for messages ("SEMMSL SEMMNS SEMOPM SEMMNI"). */
  readonly what?: string;
  /** The handler's own check after parsing (ipv4_local_port_range, proc_ipc_sem_dointvec, ...). */
  readonly after?: (values: bigint[], pod: ReadonlyMap<string, string>) => ValueRefusal | undefined;
}

const einval = (problem: string): ValueRefusal => ({ problem, errno: 'EINVAL' });

const int = (min?: bigint, max?: bigint, extra: Partial<Handler> = {}): Handler => ({ kind: 'int', count: 1, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}), ...extra });
const u8 = (min = 0n, max = 255n): Handler => ({ kind: 'u8', min, max });

/** ipv4_local_port_range: 1..65535 each, high >= low, and low not below ip_unprivileged_port_start. */
const localPortRange: Handler = {
  kind: 'int', count: 2, min: 1n, max: 65535n, what: 'low high',
  after: ([low, high = DEFAULT_LOCAL_PORT_HIGH], pod) => {
    if (low === undefined) return undefined;
    if (high < low) return einval(`low (${low}) must not be greater than high (${high})`);
    return portPairRefusal(low, readFirst(pod.get(UNPRIVILEGED_PORT_START)), 'range');
  },
};

/** ipv4_privileged_ports: 0..65535, and not above the low end of the local port range. */
const unprivilegedPortStart: Handler = {
  kind: 'int', count: 1, min: 0n, max: 65535n,
  after: ([start], pod) => (start === undefined ? undefined : portPairRefusal(readFirst(pod.get(LOCAL_PORT_RANGE)), start, 'start')),
};

const LOCAL_PORT_RANGE = 'net.ipv4.ip_local_port_range';
const UNPRIVILEGED_PORT_START = 'net.ipv4.ip_unprivileged_port_start';
/** A new network namespace's values (inet_init_net, PROT_SOCK). */
const DEFAULT_LOCAL_PORT_LOW = 32768n;
const DEFAULT_LOCAL_PORT_HIGH = 60999n;
const DEFAULT_UNPRIVILEGED_PORT_START = 1024n;

/**
 * Each of the two handlers checks the other's current value in the pod's network namespace. A pod
 * that sets both is written in Go map order, which is random: a pair that works in one order only
 * fails some of the time, so it is refused here. The pair's verdict is given on the range.
 */
function portPairRefusal(podLow: bigint | undefined, podStart: bigint | undefined, judging: 'range' | 'start'): ValueRefusal | undefined {
  if (podStart === undefined) {
    if (podLow === undefined || podLow >= DEFAULT_UNPRIVILEGED_PORT_START) return undefined;
    return einval(`low (${podLow}) must not be below net.ipv4.ip_unprivileged_port_start (${DEFAULT_UNPRIVILEGED_PORT_START} unless the pod lowers it)`);
  }
  if (podLow === undefined) {
    if (podStart <= DEFAULT_LOCAL_PORT_LOW) return undefined;
    return einval(`must not be above the low end of net.ipv4.ip_local_port_range (${DEFAULT_LOCAL_PORT_LOW} unless the pod sets it)`);
  }
  if (judging === 'start') return undefined;
  const rangeFirst = podLow >= DEFAULT_UNPRIVILEGED_PORT_START && podStart <= podLow;
  const startFirst = podStart <= DEFAULT_LOCAL_PORT_LOW && podLow >= podStart;
  if (rangeFirst && startFirst) return undefined;
  if (!rangeFirst && !startFirst) return einval(`low (${podLow}) must not be below net.ipv4.ip_unprivileged_port_start (${podStart})`);
  return einval(`with net.ipv4.ip_unprivileged_port_start=${podStart} this works in one write order only, and the runtime writes a pod's sysctls in random (Go map) order; `
    + `keep the low end at or above ${DEFAULT_UNPRIVILEGED_PORT_START} (the default start) and ${podStart}`);
}

function readFirst(value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  const parsed = parseNumbers(value, { kind: 'int', count: 1 });
  return 'values' in parsed ? parsed.values[0] : undefined;
}

/** proc_ipc_sem_dointvec: four ints, then SEMMNI must be within 0..IPCMNI, else ERANGE. */
const sem: Handler = {
  kind: 'int', count: 4, what: 'SEMMSL SEMMNS SEMOPM SEMMNI',
  after: (values) => {
    const semmni = values[3];
    if (semmni !== undefined && (semmni < 0n || semmni > IPCMNI)) {
      return { problem: `SEMMNI (the fourth number, ${semmni}) must be within 0..${IPCMNI}`, errno: 'ERANGE' };
    }
    return undefined;
  },
};

const HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  // ipc/ipc_sysctl.c
  ['kernel.sem', sem],
  ['kernel.msgmax', int(0n, INT_MAX)],
  ['kernel.msgmnb', int(0n, INT_MAX)],
  ['kernel.msgmni', int(0n, IPCMNI)],
  ['kernel.shmmax', { kind: 'ulong', count: 1 }],
  ['kernel.shmall', { kind: 'ulong', count: 1 }],
  ['kernel.shmmni', int(0n, IPCMNI)],
  ['kernel.shm_rmid_forced', int(0n, 1n)],
  // ipc/mq_sysctl.c, include/linux/ipc_namespace.h
  ['fs.mqueue.queues_max', int()],
  ['fs.mqueue.msg_max', int(1n, 65536n)],
  ['fs.mqueue.msg_default', int(1n, 65536n)],
  ['fs.mqueue.msgsize_max', int(128n, 16777216n)],
  ['fs.mqueue.msgsize_default', int(128n, 16777216n)],
  // net/core/sysctl_net_core.c
  ['net.core.somaxconn', int(0n)],
  ['net.core.netdev_max_backlog', int()],
  // net/ipv4/sysctl_net_ipv4.c
  [LOCAL_PORT_RANGE, localPortRange],
  [UNPRIVILEGED_PORT_START, unprivilegedPortStart],
  // ipv4_ping_group_range: two gids; high < low is accepted and disables ping sockets.
  ['net.ipv4.ping_group_range', { kind: 'ulong', count: 2, min: 0n, max: GID_T_MAX, what: 'a group range "low high"' }],
  ['net.ipv4.ip_local_reserved_ports', { kind: 'bitmap' }],
  ['net.ipv4.tcp_syncookies', u8()],
  ['net.ipv4.tcp_keepalive_time', { kind: 'jiffies' }],
  ['net.ipv4.tcp_keepalive_intvl', { kind: 'jiffies' }],
  ['net.ipv4.tcp_fin_timeout', { kind: 'jiffies' }],
  ['net.ipv4.tcp_keepalive_probes', u8()],
  ['net.ipv4.tcp_rmem', { kind: 'int', count: 3, min: 4096n, what: 'min default max' }],
  ['net.ipv4.tcp_wmem', { kind: 'int', count: 3, min: 1n, what: 'min default max' }],
  ['net.ipv4.tcp_slow_start_after_idle', u8()],
  ['net.ipv4.tcp_notsent_lowat', { kind: 'uint' }],
  ['net.ipv4.tcp_max_syn_backlog', int()],
  ['net.ipv4.tcp_tw_reuse', u8(0n, 2n)],
  // kernel/utsname_sysctl.c: a string (truncated to 64 bytes), kernel/ucount.c: user.max_*
  ['kernel.domainname', { kind: 'string' }],
  // Node-level ones that node tuning proposals (sysctl.d) touch, kubelet-enforced first.
  ['vm.overcommit_memory', int(0n, 2n)],
  ['vm.panic_on_oom', int(0n, 2n)],
  ['kernel.panic', int()],
  ['kernel.panic_on_oops', int()],
  ['kernel.keys.root_maxkeys', int(1n, INT_MAX)],
  ['kernel.keys.root_maxbytes', int(1n, INT_MAX)],
  ['vm.swappiness', int(0n, 200n)],
  ['vm.max_map_count', int(0n)],
  ['fs.file-max', { kind: 'ulong', count: 1, min: 0n, max: LONG_MAX }],
]);

function handlerFor(dotName: string): Handler | undefined {
  const known = HANDLERS.get(dotName);
  if (known) return known;
  if (dotName.startsWith('user.max_')) return int(0n, INT_MAX);
  return undefined;
}

const NO_VALUES: ReadonlyMap<string, string> = new Map();
// Manifests repeat the same few values thousands of times; the verdict on one depends on the
// sysctl and the text alone (the port pair aside, which is never cached).
const verdicts = new Map<string, ValueRefusal | null>();

/** Undefined when the kernel takes the value (or the sysctl's handler is not modelled), else why not. */
export function valueRefusal(dotName: string, value: string, pod: ReadonlyMap<string, string> = NO_VALUES): ValueRefusal | undefined {
  const handler = handlerFor(dotName);
  if (!handler) return undefined;
  const cacheable = handler.after === undefined || handler === sem;
  const key = cacheable ? `${dotName}\u0000${value}` : undefined;
  if (key !== undefined) {
    const known = verdicts.get(key);
    if (known !== undefined) return known ?? undefined;
  }
  const parsed = parseNumbers(value, handler);
  const refusal = 'refusal' in parsed ? parsed.refusal : handler.after?.(parsed.values, pod);
  if (key !== undefined) {
    if (verdicts.size > 4096) verdicts.clear();
    verdicts.set(key, refusal ?? null);
  }
  return refusal;
}

/** The problem text alone, for schema messages. */
export function valueProblem(dotName: string, value: string, pod?: ReadonlyMap<string, string>): string | undefined {
  return valueRefusal(dotName, value, pod)?.problem;
}

/** Whether the verdict on this sysctl's value depends on the pod's other sysctls (the port pair). */
export function valueDependsOnPod(dotName: string): boolean {
  return dotName === LOCAL_PORT_RANGE || dotName === UNPRIVILEGED_PORT_START;
}

export function hasKnownShape(dotName: string): boolean {
  return handlerFor(dotName) !== undefined;
}

const KERNEL_SPACE = new Set([' ', '\t', '\n', '\v', '\f', '\r']);
const SEPARATORS = new Set([' ', '\t', '\n']);
/** TMPBUFLEN - 1: proc_get_long reads at most this many characters and refuses a number that long. */
const MAX_NUMBER_CHARS = 21;
/** PAGE_SIZE - 1: a longer write is cut there. */
const MAX_WRITE = 4095;

function parseNumbers(value: string, handler: Handler): Parsed {
  switch (handler.kind) {
    case 'string': return { values: [] };
    case 'bitmap': return parseBitmap(value);
    case 'int': case 'uint': case 'u8': case 'ulong': case 'jiffies': return parseVector(value, handler);
    default: {
      const never: never = handler.kind;
      return never;
    }
  }
}

/** __do_proc_dointvec / __do_proc_doulongvec_minmax / do_proc_douintvec_w. */
function parseVector(value: string, handler: Handler): Parsed {
  const text = value.slice(0, MAX_WRITE);
  const count = handler.count ?? 1;
  const values: bigint[] = [];
  let pos = 0;
  while (values.length < count) {
    while (pos < text.length && KERNEL_SPACE.has(text[pos]!)) pos++;
    if (pos >= text.length) break;
    const token = readLong(text, pos, SEPARATORS);
    if ('refusal' in token) return token;
    const { magnitude, negative } = token;
    const refusal = rangeRefusal(handler, magnitude, negative, values.length);
    if (refusal) return { refusal };
    values.push(negative ? -magnitude : magnitude);
    pos = token.end;
  }
  if (values.length === 0) return { refusal: einval(handler.kind === 'int' && count > 1 ? `must be ${count} integers (${handler.what ?? 'a vector'})` : 'must be an integer') };
  return { values };
}

function rangeRefusal(handler: Handler, magnitude: bigint, negative: boolean, index: number): ValueRefusal | undefined {
  const which = (handler.count ?? 1) > 1 ? `number ${index + 1} (${handler.what?.split(' ')[index] ?? `of ${handler.what}`}) ` : '';
  switch (handler.kind) {
    case 'int': {
      const number = negative ? -magnitude : magnitude;
      if (number > INT_MAX || number < INT_MIN) return einval(`${which}must fit an int (${INT_MIN}..${INT_MAX})`);
      return bounds(handler, number, which);
    }
    case 'jiffies':
      // do_proc_dointvec_jiffies_conv checks the magnitude only; negative values are taken.
      if (magnitude > JIFFIES_MAX_HZ_1000) {
        return einval(`must be at most ${JIFFIES_MAX_HZ_1000} seconds: the kernel stores it in jiffies and refuses more than INT_MAX/HZ (HZ=1000; ${INT_MAX / 250n} with Debian's HZ=250)`);
      }
      return undefined;
    case 'uint': case 'u8': case 'ulong': {
      if (negative) return einval(`${which}must not be negative (an unsigned ${handler.kind === 'ulong' ? 'long' : 'int'})`);
      const limit = handler.kind === 'ulong' ? ULONG_MAX : handler.kind === 'u8' ? 255n : UINT_MAX;
      if (magnitude > limit) return einval(`${which}must be at most ${limit}`);
      return bounds(handler, magnitude, which);
    }
    case 'bitmap': case 'string': return undefined;
    default: {
      const never: never = handler.kind;
      return never;
    }
  }
}

function bounds(handler: Handler, number: bigint, which: string): ValueRefusal | undefined {
  if (handler.min !== undefined && handler.max !== undefined && (number < handler.min || number > handler.max)) {
    return einval(`${which}must be within ${handler.min}..${handler.max}`);
  }
  if (handler.min !== undefined && number < handler.min) return einval(`${which}must be at least ${handler.min}`);
  if (handler.max !== undefined && number > handler.max) return einval(`${which}must be at most ${handler.max}`);
  return undefined;
}

type Token = { readonly magnitude: bigint; readonly negative: boolean; readonly end: number; readonly next?: string };

/** proc_get_long: one number at `pos`, which must be followed by one of `allowedAfter` or the end. */
function readLong(text: string, pos: number, allowedAfter: ReadonlySet<string>): Token | { readonly refusal: ValueRefusal } {
  const size = text.length - pos;
  const window = text.slice(pos, pos + Math.min(size, MAX_NUMBER_CHARS));
  let at = 0;
  let negative = false;
  if (window[0] === '-' && size > 1) {
    negative = true;
    at = 1;
  }
  if (!isDigit(window[at])) return { refusal: einval(`"${shorten(text.slice(pos))}" is not a number the kernel reads (digits, optionally 0x hex or 0 octal)`) };
  // Fast path: a short decimal number (no 0 prefix) fits a double exactly.
  if (window[at] !== '0') {
    let end = at;
    let number = 0;
    while (end < window.length && end - at < 15) {
      const code = window.charCodeAt(end);
      if (code < 48 || code > 57) break;
      number = number * 10 + (code - 48);
      end++;
    }
    const next = text[pos + end];
    if (end - at < 15 && (next === undefined || allowedAfter.has(next))) {
      return { magnitude: BigInt(number), negative, end: pos + end, ...(next !== undefined ? { next } : {}) };
    }
  }
  let base = 10n;
  if (window[at] === '0') {
    if ((window[at + 1] === 'x' || window[at + 1] === 'X') && isHexDigit(window[at + 2])) {
      base = 16n;
      at += 2;
    } else {
      base = 8n;
    }
  }
  let magnitude = 0n;
  while (at < window.length) {
    const digit = digitValue(window[at]!);
    if (digit === undefined || BigInt(digit) >= base) break;
    magnitude = magnitude * base + BigInt(digit);
    at++;
  }
  if (magnitude > ULONG_MAX) return { refusal: einval(`${shorten(text.slice(pos))} is larger than the kernel's unsigned long`) };
  if (at === MAX_NUMBER_CHARS) return { refusal: einval('a number may have at most 20 characters') };
  const next = text[pos + at];
  if (next !== undefined && !allowedAfter.has(next)) {
    const why = base === 8n && isDigit(next) ? ` (a leading 0 makes it octal, where ${next} is not a digit)` : '';
    return { refusal: einval(`"${shorten(text.slice(pos))}" is not a number the kernel reads${why}`) };
  }
  return { magnitude, negative, end: pos + at, ...(next !== undefined ? { next } : {}) };
}

/** proc_do_large_bitmap: "port", "low-high", separated by commas (no spaces), each below 65536. */
function parseBitmap(value: string): Parsed {
  let text = value.slice(0, MAX_WRITE);
  let pos = 0;
  while (text[pos] === '\n') pos++;
  text = text.slice(pos);
  pos = 0;
  const afterLow = new Set(['-', ',', '\n']);
  const afterHigh = new Set([',', '\n']);
  while (pos < text.length) {
    const low = readLong(text, pos, afterLow);
    if ('refusal' in low) return { refusal: einval(`must be a comma-separated list of ports or port ranges, e.g. "8080,9000-9100": ${low.refusal.problem}`) };
    if (low.negative || low.magnitude >= 65536n) return { refusal: einval(`port ${low.negative ? '-' : ''}${low.magnitude} is outside 0..65535`) };
    pos = low.end;
    let separator = low.next;
    if (separator !== undefined) pos++;
    if (separator === '-') {
      const high = readLong(text, pos, afterHigh);
      if ('refusal' in high) return { refusal: einval(`must be a comma-separated list of ports or port ranges, e.g. "8080,9000-9100": ${high.refusal.problem}`) };
      if (high.negative || high.magnitude >= 65536n) return { refusal: einval(`port ${high.magnitude} is outside 0..65535`) };
      if (low.magnitude > high.magnitude) return { refusal: einval(`range ${low.magnitude}-${high.magnitude} runs backwards`) };
      pos = high.end;
      separator = high.next;
      if (separator !== undefined) pos++;
    }
    while (text[pos] === '\n') pos++;
  }
  return { values: [] };
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function isHexDigit(ch: string | undefined): boolean {
  return ch !== undefined && /^[0-9a-fA-F]$/.test(ch);
}

function digitValue(ch: string): number | undefined {
  if (ch >= '0' && ch <= '9') return ch.charCodeAt(0) - 48;
  const lower = ch.toLowerCase();
  if (lower >= 'a' && lower <= 'f' && ch.length === 1) return lower.charCodeAt(0) - 87;
  return undefined;
}

function shorten(text: string): string {
  const token = text.split(/[\s,]/)[0] ?? text;
  return token.length > 32 ? `${token.slice(0, 32)}...` : token;
}
