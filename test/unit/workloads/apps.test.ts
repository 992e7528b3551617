import { describe, expect, it } from 'vitest';
import { WORKLOAD_APPS, workloadApp } from '../../../harness/workloads/apps/index.js';
import { podTemplate, serviceObject } from '../../../harness/workloads/manifest.js';
import type { WorkloadDeployment } from '../../../harness/workloads/spec.js';

const deployment = (app: WorkloadDeployment['app']): WorkloadDeployment => ({
  name: `${app}-a`, workload: 'w', variant: 'a', pool: 'p', kind: 'Deployment', app, image: `x/${app}:1`, imagePullPolicy: 'IfNotPresent',
  replicas: 1, sysctls: {}, settings: {}, nodeSelector: { 'example.com/pool': 'p' }, serviceType: 'ClusterIP', pinnedNodes: ['node-b'],
});

describe('workload apps', () => {
  it('gives the scenario schema its names', () => {
    expect(WORKLOAD_APPS).toEqual(['net-server', 'ipc-bench', 'gateway', 'image']);
  });

  it('net-server serves a port behind a Service, ready when /healthz answers, measured by load', () => {
    expect(workloadApp('net-server').measuredBy).toBe('load');
    const service = serviceObject(deployment('net-server'), 'ns');
    expect(service?.spec).toMatchObject({ type: 'ClusterIP', ports: [{ port: 8080, targetPort: 8080 }] });
    expect(podTemplate(deployment('net-server')).spec?.containers[0]?.readinessProbe?.httpGet?.path).toBe('/healthz');
  });

  it('ipc-bench idles (its program runs by exec) and has no Service', () => {
    expect(workloadApp('ipc-bench').measuredBy).toBe('ipc');
    expect(serviceObject(deployment('ipc-bench'), 'ns')).toBeUndefined();
    expect(podTemplate(deployment('ipc-bench')).spec?.containers[0]?.command).toEqual(['sleep', '86400']);
  });

  it("selects the pool's nodes by its labels, pulls where the nodes pull, and pins to the nodes a prediction was made for", () => {
    const spec = podTemplate(deployment('net-server')).spec;
    expect(spec?.nodeSelector).toEqual({ 'example.com/pool': 'p' });
    expect(spec?.containers[0]?.imagePullPolicy).toBe('IfNotPresent');
    expect(spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchExpressions?.[0]).toEqual({ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-b'] });
  });
});
