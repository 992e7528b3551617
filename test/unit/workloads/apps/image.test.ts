import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../../harness/plan/plan.js';
import { atPath } from '../../../../harness/run/phases/load.js';
import { checkScenario, parseScenario } from '../../../../harness/scenario/load.js';
import { ownImages } from '../../../../harness/scenario/own-images.js';
import { WORKLOAD_APPS, workloadApp } from '../../../../harness/workloads/apps/index.js';
import { podTemplate, serviceObject } from '../../../../harness/workloads/manifest.js';

const scenario = (workload: string) => [
  'apiVersion: sysctl-bench/v1',
  'kind: Scenario',
  'metadata: { name: own }',
  'spec:',
  '  pools: [{ name: p, allowedUnsafeSysctls: ["net.*"] }]',
  '  workloads:',
  workload,
  '  load:',
  '    - { workload: api, mode: burst, connections: 100, duration: 10s }',
  '',
].join('\n');

const ownWorkload = [
  '    - name: api',
  '      kind: Deployment',
  '      app: image',
  '      pool: p',
  '      image:',
  '        reference: registry.example.com/team/api:1.4',
  '        command: [/usr/local/bin/api]',
  '        args: [--listen, ":9000"]',
  '        port: 9000',
  '        readinessPath: /ready',
  '        loadPath: /v1/ping',
  '      settings: { workers: 4 }',
  '      variants: [{ name: baseline }, { name: tuned, sysctls: { net.core.somaxconn: "4096" } }]',
].join('\n');

const plan = (text: string) => buildPlan(parseScenario(text, 's.yaml'), {
  images: { 'net-server': 'sb/net-server:1', 'ipc-bench': 'sb/ipc-bench:1', gateway: 'sb/gateway:1', pullPolicy: 'Never' }, clusterName: () => 'c', serviceType: 'NodePort',
});

describe('app image: the team\'s own workload', () => {
  it('is an entry of the apps registry, so the scenario schema offers it', () => {
    expect(WORKLOAD_APPS).toContain('image');
    expect(workloadApp('image')).toMatchObject({ measuredBy: 'load', image: 'scenario' });
  });

  it('runs the scenario\'s image with its command, arguments, port, readiness path and settings, behind a Service', () => {
    const deployment = plan(scenario(ownWorkload)).deployments.find((entry) => entry.variant === 'tuned');
    if (!deployment) throw new Error('no deployment');
    expect(deployment.image).toBe('registry.example.com/team/api:1.4');
    const container = podTemplate(deployment).spec?.containers[0];
    expect(container).toMatchObject({
      image: 'registry.example.com/team/api:1.4', imagePullPolicy: 'Never', command: ['/usr/local/bin/api'], args: ['--listen', ':9000'],
      ports: [{ containerPort: 9000 }], readinessProbe: { httpGet: { path: '/ready', port: 9000 } }, env: [{ name: 'WORKERS', value: '4' }],
    });
    expect(podTemplate(deployment).spec?.securityContext?.sysctls).toEqual([{ name: 'net.core.somaxconn', value: '4096' }]);
    expect(serviceObject(deployment, 'ns')?.spec?.ports).toEqual([{ name: 'http', port: 9000, targetPort: 9000 }]);
    expect(atPath('http://10.0.0.1:30080/', workloadApp('image').container(deployment.own).loadPath)).toBe('http://10.0.0.1:30080/v1/ping');
  });

  it('is ready once its port takes connections when it has no readiness path, keeps the image\'s entrypoint, and is loaded at /', () => {
    const minimal = ownWorkload.split('\n').filter((line) => !/command|args|readinessPath|loadPath/.test(line)).join('\n');
    const deployment = plan(scenario(minimal)).deployments[0];
    if (!deployment) throw new Error('no deployment');
    const container = podTemplate(deployment).spec?.containers[0];
    expect(container?.command).toBeUndefined();
    expect(container?.args).toBeUndefined();
    expect(container?.readinessProbe).toMatchObject({ tcpSocket: { port: 9000 } });
    expect(atPath('http://10.0.0.1:30080/', workloadApp('image').container(deployment.own).loadPath)).toBe('http://10.0.0.1:30080/');
  });

  it('lists each image the scenario names once, for kind to load into its nodes', () => {
    const two = scenario(`${ownWorkload}\n${ownWorkload.replace('name: api', 'name: api2')}`);
    expect(ownImages(parseScenario(two, 's.yaml'))).toEqual(['registry.example.com/team/api:1.4']);
  });

  it('needs its image block, and a built-in app refuses one, each with the fix', () => {
    const missing = checkScenario(scenario(ownWorkload.split('\n').filter((line) => !/^ {6}image:|^ {8}/.test(line)).join('\n')), 's.yaml');
    expect(missing.ok).toBe(false);
    expect(JSON.stringify(missing)).toContain('give image: { reference: <image>, port: <port> }');
    const extra = checkScenario(scenario(ownWorkload.replace('app: image', 'app: net-server')), 's.yaml');
    expect(JSON.stringify(extra)).toContain('remove image, or set app: image');
  });

  it('passes its settings as they are, strings too, each a distinct variable, none the harness sets', () => {
    expect(checkScenario(scenario(ownWorkload.replace('settings: { workers: 4 }', 'settings: { workers: 4, logLevel: debug }')), 's.yaml').ok).toBe(true);
    const clash = checkScenario(scenario(ownWorkload.replace('settings: { workers: 4 }', 'settings: { logLevel: debug, log_level: info, upstream: x }')), 's.yaml');
    expect(JSON.stringify(clash)).toContain('both become LOG_LEVEL');
    expect(JSON.stringify(clash)).toContain('UPSTREAM is set by the harness');
  });

  it('refuses a reference, port or path that is not one, naming the field', () => {
    for (const [from, to, field] of [
      ['registry.example.com/team/api:1.4', '"Team API:latest"', 'reference'],
      ['port: 9000', 'port: 70000', 'port'],
      ['readinessPath: /ready', 'readinessPath: ready', 'readinessPath'],
    ] as const) {
      const result = checkScenario(scenario(ownWorkload.replace(from, to)), 's.yaml');
      expect(result.ok, `${field}`).toBe(false);
      expect(JSON.stringify(result)).toContain(field);
    }
  });
});
