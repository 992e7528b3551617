import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { compareHost, type HostDifference } from './compare.js';
import { readProcSys, snapshotProcSys, writeProcSys, type ProcSysSnapshot } from './procsys.js';
import { attribute, explainedByClusters, type Attribution } from './writers.js';

/**
 * The host kernel as it was before the first sysctl-bench cluster, kept on disk for as long as any
 * run or cluster of sysctl-bench is on the machine, and put back when the last one is gone.
 *
 * State, machine-wide (under the cache, one lock for all runs):
 *   baseline.json      every readable /proc/sys entry, taken by the first run when no cluster
 *                      existed; written before that run changes anything
 *   holders/<run>.json the runs between their host-before and host-after (pid and its start
 *                      time, so a SIGKILLed run or a reused pid is told from a live one)
 * A run killed anywhere leaves its holder file and perhaps its clusters; the next run sees the
 * process gone, removes the clusters (leftovers) and, being the last, restores the host.
 */
export interface Holder {
  runId: string;
  pid: number;
  /** /proc/<pid>/stat starttime: a pid reused by another process is not the holder. */
  processStart: string | undefined;
  startedAt: string;
  /** The node-level sysctls the run's proofs write (and put back), with a description. */
  proofWrites: Record<string, string>;
}

export interface Baseline {
  takenAt: string;
  runId: string;
  /** Why this baseline may not be the host as it was (taken while clusters were already there). */
  note?: string;
  values: ProcSysSnapshot;
}

export interface BaselineInfo {
  takenAt: string;
  runId: string;
  note?: string;
  entries: number;
}

export interface HostKernelDeps {
  /** /proc/sys, or a fake tree in tests. */
  procRoot: string;
  /** Where baseline.json and holders/ live (<cache>/host). */
  stateDir: string;
  /** sysctl-bench's clusters on this machine now: any run's, kept ones too. */
  clusters(): Promise<string[]>;
  alive(holder: Holder): boolean;
  now?(): Date;
  /** proper-lockfile timings; tests shorten them. */
  lock?: { stale: number; update: number; retries: number };
}

/** One entry that differed from the baseline: who likely wrote it, and whether it reads as before now. */
export interface HostChange {
  name: string;
  before: string | undefined;
  /** What the entry read when the difference was found. */
  found: string | undefined;
  who: string;
  source: Attribution['source'];
  /** The entry reads as before again (put back, or back by itself). */
  restored: boolean;
  /** What it reads after putting back (when it was tried). */
  after?: string;
  /** Why it was not put back, or the write's error. */
  error?: string;
}

export interface HostBegin {
  baseline: BaselineInfo;
  /** What runs before this one left on the host (killed, or their kept clusters deleted by hand): put back first. */
  earlier: HostChange[];
  /** Runs and clusters of sysctl-bench already on the machine: the baseline is the one they keep. */
  sharedWith: string[];
}

export interface HostEnd {
  /** restored: no run or cluster was left, the host was put back and compared; deferred: some are still there. */
  status: 'restored' | 'deferred';
  baseline: BaselineInfo;
  /** deferred: the runs and clusters the restoration waits for. */
  waitingFor: string[];
  /** Every entry that differed from the baseline at the end of the run. */
  changes: HostChange[];
  /**
   * What counts against the run. restored: what still differs after putting back; deferred: the
   * differences no cluster or proof of sysctl-bench explains. Either way less `foreign`.
   */
  remaining: HostDifference[];
  /**
   * Differences a named program outside sysctl-bench makes (dockerd's IPv6 forwarding, for a
   * network with IPv6 some other program created: sysctl-bench's networks are IPv4 only). Listed,
   * never put back, not counted against the run.
   */
  foreign: HostDifference[];
  compared: number;
  volatile: number;
  transientInterfaces: string[];
}

const BASELINE = 'baseline.json';
const HOLDERS = 'holders';

/** The start time of a process (field 22 of /proc/<pid>/stat), or undefined when it is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function processIsHolder(holder: Pick<Holder, 'pid' | 'processStart'>): boolean {
  const start = processStartTime(holder.pid);
  return start !== undefined && (holder.processStart === undefined || holder.processStart === start);
}

async function withLock<T>(deps: HostKernelDeps, body: () => Promise<T>): Promise<T> {
  mkdirSync(join(deps.stateDir, HOLDERS), { recursive: true });
  const timing = deps.lock ?? { stale: 30_000, update: 5_000, retries: 600 };
  // mkdir-based, with the lock's mtime refreshed while held: a SIGKILLed holder's lock goes stale and is taken over.
  const release = await lockfile.lock(deps.stateDir, {
    lockfilePath: join(deps.stateDir, 'lock'), realpath: false, stale: timing.stale, update: timing.update,
    retries: { retries: timing.retries, minTimeout: 50, maxTimeout: 1_000 },
    onCompromised: () => undefined,
  });
  try {
    return await body();
  } finally {
    await release().catch(() => undefined);
  }
}

function writeAtomically(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value)}\n`);
  renameSync(temporary, file);
}

export function readBaseline(stateDir: string): Baseline | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(stateDir, BASELINE), 'utf8')) as Baseline;
    return typeof parsed.values === 'object' && parsed.values !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function readHolders(stateDir: string): Holder[] {
  const dir = join(stateDir, HOLDERS);
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  const holders: Holder[] = [];
  for (const file of files) {
    try {
      holders.push(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Holder);
    } catch {
      rmSync(join(dir, file), { force: true });
    }
  }
  return holders;
}

/** Live holders other than `self`; dead ones' files are removed (their clusters are counted on their own). */
function liveHolders(deps: HostKernelDeps, self?: string): Holder[] {
  const live: Holder[] = [];
  for (const holder of readHolders(deps.stateDir)) {
    if (holder.runId === self) continue;
    if (deps.alive(holder)) live.push(holder);
    else rmSync(join(deps.stateDir, HOLDERS, `${holder.runId}.json`), { force: true });
  }
  return live;
}

function info(baseline: Baseline): BaselineInfo {
  return { takenAt: baseline.takenAt, runId: baseline.runId, ...(baseline.note ? { note: baseline.note } : {}), entries: Object.keys(baseline.values).length };
}

function proofWritesOf(holders: readonly Holder[]): Map<string, string> {
  const writes = new Map<string, string>();
  for (const holder of holders) for (const [name, what] of Object.entries(holder.proofWrites)) writes.set(name, `${what} (run ${holder.runId})`);
  return writes;
}

/**
 * Puts every entry that differs from the baseline back to its value, where it can: an entry that
 * came or went has no value to write, and a writer that still needs its value (Docker's IPv6
 * forwarding) is named, not undone. Written twice over, for values the kernel takes only after another.
 */
function restore(deps: HostKernelDeps, baseline: Baseline, proofWrites: ReadonlyMap<string, string>) {
  const found = snapshotProcSys(deps.procRoot);
  const comparison = compareHost(baseline.values, found);
  const changes: HostChange[] = comparison.differences.map((difference) => {
    const attribution = attribute(difference.name, difference.after, proofWrites);
    return {
      name: difference.name, before: difference.before, found: difference.after, who: attribution.who, source: attribution.source, restored: false,
      ...(difference.before === undefined ? { error: 'the entry was not there before (a kernel module loaded?): nothing to put back' }
        : difference.after === undefined ? { error: 'the entry is gone (a kernel module unloaded?): nothing to write' }
          : attribution.restore ? {} : { error: `not put back: ${attribution.why ?? 'its writer still needs it'}` }),
    };
  });
  const pending = changes.filter((change) => change.error === undefined && change.before !== undefined);
  for (let pass = 0; pass < 2 && pending.length > 0; pass += 1) {
    for (const change of [...pending]) {
      try {
        writeProcSys(change.name, change.before ?? '', deps.procRoot);
      } catch (error) {
        change.after = readProcSys(change.name, deps.procRoot);
        if (pass === 1) change.error = writeError(change.name, change.before ?? '', error);
        continue;
      }
      const now = readProcSys(change.name, deps.procRoot);
      if (now === change.before) pending.splice(pending.indexOf(change), 1);
    }
  }
  const after = snapshotProcSys(deps.procRoot);
  const final = compareHost(baseline.values, after);
  for (const change of changes) {
    change.after = after[change.name];
    change.restored = change.after === change.before;
    if (change.restored) delete change.error;
    else change.error ??= `wrote ${change.before ?? ''}, reads ${change.after ?? '(absent)'}`;
  }
  return { changes, final };
}

function writeError(name: string, value: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if ((code === 'EACCES' || code === 'EPERM') && process.getuid?.() === 0) return `the kernel takes no write to it (${code}, as root): it cannot be put back`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `cannot write it (${code}): run sysctl-bench as root, or put it back with: sysctl -w ${name}="${value}"`;
  return `writing it failed: ${error instanceof Error ? error.message : String(error)}`;
}

/** Who the restoration waits for: live runs other than `self`, and any sysctl-bench cluster still there. */
async function others(deps: HostKernelDeps, self?: string): Promise<{ runs: Holder[]; clusters: string[] }> {
  return { runs: liveHolders(deps, self), clusters: await deps.clusters() };
}

function describeOthers(found: { runs: Holder[]; clusters: string[] }): string[] {
  return [...found.runs.map((run) => `run ${run.runId} (pid ${run.pid})`), ...found.clusters.map((cluster) => `cluster ${cluster}`)];
}

/**
 * Before the run changes anything: when no sysctl-bench run or cluster is on the machine, what
 * earlier runs left is put back and a fresh baseline is written; otherwise the baseline they keep
 * is the run's too. The run is registered as a holder either way.
 */
export async function beginHostRun(deps: HostKernelDeps, runId: string, proofWrites: Record<string, string>): Promise<HostBegin> {
  const now = deps.now ?? (() => new Date());
  return withLock(deps, async () => {
    const found = await others(deps, runId);
    const alone = found.runs.length === 0 && found.clusters.length === 0;
    let baseline = readBaseline(deps.stateDir);
    let earlier: HostChange[] = [];
    if (alone && baseline) {
      earlier = restore(deps, baseline, new Map()).changes;
      baseline = undefined;
    }
    if (!baseline) {
      baseline = {
        takenAt: now().toISOString(), runId, values: snapshotProcSys(deps.procRoot),
        ...(alone ? {} : { note: `taken while ${describeOthers(found).join(', ')} ${found.runs.length + found.clusters.length === 1 ? 'was' : 'were'} on the machine: what they changed before is not seen` }),
      };
      writeAtomically(join(deps.stateDir, BASELINE), baseline);
    }
    const holder: Holder = { runId, pid: process.pid, processStart: processStartTime(process.pid), startedAt: now().toISOString(), proofWrites };
    writeAtomically(join(deps.stateDir, HOLDERS, `${runId}.json`), holder);
    return { baseline: info(baseline), earlier, sharedWith: describeOthers(found) };
  });
}

/**
 * After the run's clusters are gone (or kept): the run stops holding the baseline. If it was the
 * last run and no sysctl-bench cluster is left, the host is put back to the baseline, read again
 * in full and compared, and the baseline is dropped; otherwise the restoration is left to the last
 * one, and what differs now is told apart: made by the clusters still there, or not.
 */
export async function endHostRun(deps: HostKernelDeps, runId: string): Promise<HostEnd> {
  return withLock(deps, async () => {
    const mine = readHolders(deps.stateDir).find((holder) => holder.runId === runId);
    const found = await others(deps, runId);
    const writes = proofWritesOf([...(mine ? [mine] : []), ...found.runs]);
    rmSync(join(deps.stateDir, HOLDERS, `${runId}.json`), { force: true });
    const baseline = readBaseline(deps.stateDir);
    if (!baseline) throw new Error(`the host baseline (${join(deps.stateDir, BASELINE)}) is gone: it was removed while run ${runId} held it`);
    if (found.runs.length === 0 && found.clusters.length === 0) {
      const { changes, final } = restore(deps, baseline, writes);
      rmSync(join(deps.stateDir, BASELINE), { force: true });
      const [foreign, remaining] = splitForeign(final.differences, writes);
      return { status: 'restored', baseline: info(baseline), waitingFor: [], changes, remaining, foreign, compared: final.compared, volatile: final.volatile, transientInterfaces: final.transientInterfaces };
    }
    const comparison = compareHost(baseline.values, snapshotProcSys(deps.procRoot));
    const changes: HostChange[] = comparison.differences.map((difference) => {
      const attribution = attribute(difference.name, difference.after, writes);
      return { name: difference.name, before: difference.before, found: difference.after, who: attribution.who, source: attribution.source, restored: false, error: 'deferred: put back when the last run or cluster is gone' };
    });
    const [foreign, ours] = splitForeign(comparison.differences, writes);
    const unexplained = ours.filter((difference) => !explainedByClusters(attribute(difference.name, difference.after, writes)));
    return { status: 'deferred', baseline: info(baseline), waitingFor: describeOthers(found), changes, remaining: unexplained, foreign, compared: comparison.compared, volatile: comparison.volatile, transientInterfaces: comparison.transientInterfaces };
  });
}

/** [made by a named program outside sysctl-bench, the rest]. */
function splitForeign(differences: readonly HostDifference[], writes: ReadonlyMap<string, string>): [HostDifference[], HostDifference[]] {
  const foreign = differences.filter((difference) => attribute(difference.name, difference.after, writes).source === 'other');
  return [foreign, differences.filter((difference) => !foreign.includes(difference))];
}

/** For `sysctl-bench clean`: once nothing of sysctl-bench is left, put the host back and drop the baseline. */
export async function restoreIfUnused(deps: HostKernelDeps): Promise<{ restored: HostChange[]; remaining: HostDifference[] } | { waitingFor: string[] } | undefined> {
  return withLock(deps, async () => {
    const baseline = readBaseline(deps.stateDir);
    if (!baseline) return undefined;
    const found = await others(deps);
    if (found.runs.length > 0 || found.clusters.length > 0) return { waitingFor: describeOthers(found) };
    const { changes, final } = restore(deps, baseline, new Map());
    rmSync(join(deps.stateDir, BASELINE), { force: true });
    return { restored: changes, remaining: final.differences };
  });
}

/** What `clean --dry-run` says of the host: the baseline kept, who still holds it, and what differs from it now. */
export async function hostKernelStatus(deps: HostKernelDeps): Promise<{ baseline: BaselineInfo; waitingFor: string[]; changes: HostChange[] } | undefined> {
  const baseline = readBaseline(deps.stateDir);
  if (!baseline) return undefined;
  const waitingFor = describeOthers({ runs: readHolders(deps.stateDir).filter((holder) => deps.alive(holder)), clusters: await deps.clusters() });
  const changes = compareHost(baseline.values, snapshotProcSys(deps.procRoot)).differences.map((difference): HostChange => {
    const attribution = attribute(difference.name, difference.after);
    return { name: difference.name, before: difference.before, found: difference.after, who: attribution.who, source: attribution.source, restored: false };
  });
  return { baseline: info(baseline), waitingFor, changes };
}
