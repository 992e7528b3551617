import type { Scenario } from './schema.js';

/** The images the scenario names itself (workloads of app: image), each once. */
export function ownImages(scenario: Pick<Scenario, 'spec'>): string[] {
  return [...new Set(scenario.spec.workloads.flatMap((workload) => (workload.image ? [workload.image.reference] : [])))];
}
