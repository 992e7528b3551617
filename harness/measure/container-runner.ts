import type { LoadDriver } from '../load/driver.js';
import type { LoadOutcome, LoadRequest, LoadRunner } from '../provider/types.js';

/**
 * One load generator container beside the cluster, on the nodes' own network (testcontainers),
 * sending to a node's address and the workload's NodePort. Given by a provider that has such a
 * network (kind); the run never names it.
 */
export class ContainerLoadRunner implements LoadRunner {
  readonly where = 'container' as const;

  constructor(private readonly driver: LoadDriver, private readonly signal: AbortSignal) {}

  async run(request: LoadRequest): Promise<LoadOutcome> {
    const target = await request.cluster.objects.serviceAddress(request.deployment, 'node-port');
    const result = await this.driver.run(request.spec(target), { sysctls: request.clientSysctls, labels: { 'io.sysctl-bench.workload': request.workload, 'io.sysctl-bench.variant': request.variant }, signal: this.signal });
    return {
      metrics: result.metrics,
      samples: result.samples,
      series: result.series,
      generator: result.generator,
      generators: [{ name: 'container', saturated: result.summary.saturated, reasons: result.summary.saturation_reasons, cpuPercent: result.generator.cpuPercent }],
    };
  }

  async cleanup(): Promise<void> {
    await this.driver.cleanup();
  }
}
