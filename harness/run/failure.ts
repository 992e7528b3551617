import { join } from 'node:path';
import { aggregate } from '../results/aggregate.js';
import { readRawResults } from '../results/raw-reader.js';
import { thresholdsFromScenario } from '../results/thresholds.js';
import { markKept } from './ownership.js';
import type { RunState } from './state.js';

/** Where a failed run's cluster logs go: <run dir>/logs/clusters/<cluster or namespace>/. */
export const CLUSTER_LOGS_DIR = join('logs', 'clusters');

/**
 * The expectations that failed on what the run recorded so far, judged as if it ended now: taken
 * before the clusters go, so that their logs can still be exported and --retain can keep them.
 */
export async function failedSoFar(runDir: string): Promise<string[]> {
  const { records } = await readRawResults(runDir);
  const started = records.find((record) => record.type === 'run-started');
  const { thresholds } = thresholdsFromScenario(started?.type === 'run-started' ? started.scenario.definition : undefined);
  const results = aggregate([...records, { type: 'run-finished', finishedAt: new Date().toISOString(), status: 'completed' }], thresholds);
  return results.expectations.filter((expectation) => expectation.status === 'failed').map((expectation) => expectation.id);
}

/**
 * After a failure, while the clusters are still there: their logs go into the run directory
 * (kind: `kind export logs`; an existing cluster: the run's pods' logs and events), and with
 * --retain the clean-up leaves them in place and the next runs leave them alone, until
 * `sysctl-bench clean`. Neither may hide the failure itself: their own errors are only said.
 */
export async function afterFailure(state: RunState, why: string): Promise<void> {
  const clusters = state.clusters ?? [];
  if (clusters.length === 0) return;
  if (state.provider.exportLogs) {
    const dir = join(state.run.runDir, CLUSTER_LOGS_DIR);
    try {
      const written = await state.provider.exportLogs(clusters, dir, state.run);
      state.run.say(`  cluster logs (${why}): ${dir} (${written.length} ${written.length === 1 ? 'entry' : 'entries'})`);
      await state.run.record({ type: 'note', at: new Date().toISOString(), message: `cluster logs exported after the failure (${why}): ${CLUSTER_LOGS_DIR}/` });
    } catch (error) {
      state.run.say(`  could not export the cluster logs: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  if (state.settings.retain) {
    const kept = state.run.retainClusters();
    markKept(state.run.runId);
    const message = `kept after the failure (--retain): ${kept.join(', ')}; kubeconfig in ${join(state.run.runDir, 'kube')}; remove with: sysctl-bench clean`;
    state.run.say(`  ${message}`);
    await state.run.record({ type: 'note', at: new Date().toISOString(), message });
  }
}
