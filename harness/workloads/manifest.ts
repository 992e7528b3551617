import type { V1DaemonSet, V1Deployment, V1PodTemplateSpec, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { envName, labels, namespace, type WorkloadDeployment } from './spec.js';

export type WorkloadObject =
  | { kind: 'Deployment'; body: V1Deployment }
  | { kind: 'StatefulSet'; body: V1StatefulSet }
  | { kind: 'DaemonSet'; body: V1DaemonSet };

export const appPort = 8080;

function selectorLabels(deployment: WorkloadDeployment): Record<string, string> {
  return { [labels.deployment]: deployment.name };
}

function allLabels(deployment: WorkloadDeployment): Record<string, string> {
  return {
    ...selectorLabels(deployment),
    [labels.managed]: 'sysctl-bench',
    [labels.workload]: deployment.workload,
    [labels.variant]: deployment.variant,
    [labels.pool]: deployment.pool,
  };
}

/**
 * The pod template every kind shares. imagePullPolicy Never: images are loaded into the nodes by
 * kind, and a pull attempt would only fail (no registry) and muddy the admission observation.
 */
export function podTemplate(deployment: WorkloadDeployment): V1PodTemplateSpec {
  const sysctls = Object.entries(deployment.sysctls).map(([name, value]) => ({ name, value }));
  // The ipc program is run with exec, once per repetition; between runs the pod idles so that
  // its IPC namespace (and its sysctls) stay observable.
  const command = deployment.app === 'ipc-bench' ? ['sleep', '86400'] : undefined;
  return {
    metadata: { labels: allLabels(deployment) },
    spec: {
      nodeSelector: { [labels.pool]: deployment.pool },
      securityContext: sysctls.length > 0 ? { sysctls } : {},
      hostNetwork: deployment.hostNetwork,
      hostIPC: deployment.hostIPC,
      terminationGracePeriodSeconds: 2,
      enableServiceLinks: false,
      containers: [{
        name: 'app',
        image: deployment.image,
        imagePullPolicy: 'Never',
        command,
        env: Object.entries(deployment.settings).map(([key, value]) => ({ name: envName(key), value })),
        ports: deployment.app === 'net-server' ? [{ name: 'http', containerPort: appPort }] : undefined,
        readinessProbe: deployment.app === 'net-server'
          ? { httpGet: { path: '/healthz', port: appPort }, periodSeconds: 2, failureThreshold: 30 }
          : undefined,
        securityContext: deployment.privileged ? { privileged: true } : undefined,
      }],
    },
  };
}

export function workloadObject(deployment: WorkloadDeployment): WorkloadObject {
  const metadata = { name: deployment.name, namespace, labels: allLabels(deployment) };
  const selector = { matchLabels: selectorLabels(deployment) };
  const template = podTemplate(deployment);
  switch (deployment.kind) {
    case 'Deployment':
      return { kind: 'Deployment', body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: { replicas: deployment.replicas, selector, template } } };
    case 'StatefulSet':
      return {
        kind: 'StatefulSet',
        body: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata, spec: { replicas: deployment.replicas, serviceName: deployment.name, selector, template, podManagementPolicy: 'Parallel' } },
      };
    case 'DaemonSet':
      return { kind: 'DaemonSet', body: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata, spec: { selector, template } } };
  }
}

/**
 * A NodePort service in front of a net-server workload: the load generator runs outside the
 * cluster, on the kind network, and reaches the pods through a node's address.
 */
export function serviceObject(deployment: WorkloadDeployment): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: deployment.name, namespace, labels: allLabels(deployment) },
    spec: { type: 'NodePort', selector: selectorLabels(deployment), ports: [{ name: 'http', port: appPort, targetPort: appPort }] },
  };
}
