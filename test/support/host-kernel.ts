import { compareHost, describeDifference } from '../../harness/host/compare.js';
import { snapshotProcSys, type ProcSysSnapshot } from '../../harness/host/procsys.js';

/**
 * What reads otherwise now than in `before`, every entry but the counters that move by themselves
 * and the interfaces that came or went (the harness's own comparison), as "name before -> after".
 */
export function hostDifferences(before: ProcSysSnapshot): string[] {
  return compareHost(before, snapshotProcSys()).differences.map(describeDifference);
}
