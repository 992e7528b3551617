import type { ProcSysSnapshot } from './procsys.js';
import { interfaceOf, volatileEntry, VOLATILE_ENTRIES, type VolatileEntry } from './volatile.js';

/** One entry that reads otherwise after than before; undefined: the entry was not there. */
export interface HostDifference {
  name: string;
  before: string | undefined;
  after: string | undefined;
}

export interface HostComparison {
  differences: HostDifference[];
  /** Entries compared (in both snapshots or in one, less those left out). */
  compared: number;
  /** Counters that move by themselves, left out. */
  volatile: number;
  /** Interfaces there in only one snapshot, whose entries were left out. */
  transientInterfaces: string[];
}

function interfaces(snapshot: ProcSysSnapshot): Set<string> {
  const found = new Set<string>();
  for (const name of Object.keys(snapshot)) {
    const iface = interfaceOf(name);
    if (iface !== undefined) found.add(iface);
  }
  return found;
}

/**
 * Compares two whole-/proc/sys snapshots: every entry, less the counters of VOLATILE_ENTRIES and
 * the entries of interfaces that came or went between them. An entry there only once is a
 * difference too (a module loaded, a setting gone).
 */
export function compareHost(before: ProcSysSnapshot, after: ProcSysSnapshot, volatile: readonly VolatileEntry[] = VOLATILE_ENTRIES): HostComparison {
  const beforeInterfaces = interfaces(before);
  const afterInterfaces = interfaces(after);
  const transient = new Set<string>();
  let volatileCount = 0;
  let compared = 0;
  const differences: HostDifference[] = [];
  for (const name of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if (volatileEntry(name, volatile)) {
      volatileCount += 1;
      continue;
    }
    const iface = interfaceOf(name);
    if (iface !== undefined && !(beforeInterfaces.has(iface) && afterInterfaces.has(iface))) {
      transient.add(iface);
      continue;
    }
    compared += 1;
    if (before[name] !== after[name]) differences.push({ name, before: before[name], after: after[name] });
  }
  return { differences, compared, volatile: volatileCount, transientInterfaces: [...transient].sort() };
}

export function describeDifference(difference: HostDifference): string {
  return `${difference.name} ${difference.before ?? '(absent)'} -> ${difference.after ?? '(absent)'}`;
}
