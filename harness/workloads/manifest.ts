import type { V1Affinity, V1DaemonSet, V1Deployment, V1PodTemplateSpec, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { workloadApp } from './apps/index.js';
import { envName, labels, managedBy, type WorkloadDeployment } from './spec.js';

export type WorkloadObject =
  | { kind: 'Deployment'; body: V1Deployment }
  | { kind: 'StatefulSet'; body: V1StatefulSet }
  | { kind: 'DaemonSet'; body: V1DaemonSet };

function selectorLabels(deployment: WorkloadDeployment): Record<string, string> {
  return { [labels.deployment]: deployment.name };
}

function allLabels(deployment: WorkloadDeployment): Record<string, string> {
  return {
    ...selectorLabels(deployment),
    [labels.managed]: managedBy,
    [labels.workload]: deployment.workload,
    [labels.variant]: deployment.variant,
    [labels.pool]: deployment.pool,
  };
}

/** Only the nodes the prediction was made for, when a pool's nodes disagree. */
export function pinning(nodes: readonly string[] | undefined): V1Affinity | undefined {
  if (!nodes || nodes.length === 0) return undefined;
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [...nodes] }] }],
      },
    },
  };
}

/**
 * The pod template every kind shares. With imagePullPolicy Never (kind) the images were loaded
 * into the nodes, and a pull attempt would only fail and muddy the admission observation.
 */
export function podTemplate(deployment: WorkloadDeployment): V1PodTemplateSpec {
  const app = workloadApp(deployment.app).container(deployment.own);
  const sysctls = Object.entries(deployment.sysctls).map(([name, value]) => ({ name, value }));
  const affinity = pinning(deployment.pinnedNodes);
  return {
    metadata: { labels: allLabels(deployment) },
    spec: {
      nodeSelector: { ...deployment.nodeSelector },
      ...(affinity ? { affinity } : {}),
      securityContext: sysctls.length > 0 ? { sysctls } : {},
      hostNetwork: deployment.hostNetwork,
      hostIPC: deployment.hostIPC,
      terminationGracePeriodSeconds: 2,
      enableServiceLinks: false,
      automountServiceAccountToken: false,
      containers: [{
        name: 'app',
        image: deployment.image,
        imagePullPolicy: deployment.imagePullPolicy,
        command: app.command ? [...app.command] : undefined,
        args: app.args ? [...app.args] : undefined,
        env: [
          ...Object.entries(deployment.settings).map(([key, value]) => ({ name: envName(key), value })),
          ...(deployment.upstream ? [{ name: 'UPSTREAM', value: deployment.upstream }] : []),
        ],
        ports: app.port !== undefined ? [{ name: 'http', containerPort: app.port }] : undefined,
        readinessProbe: app.readiness,
        securityContext: deployment.privileged ? { privileged: true } : undefined,
      }],
    },
  };
}

export function workloadObject(deployment: WorkloadDeployment, namespace: string): WorkloadObject {
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
 * A Service in front of an app that serves a port. NodePort on kind, where the load generator may
 * run beside the cluster on the nodes' network; ClusterIP where load comes from pods.
 */
export function serviceObject(deployment: WorkloadDeployment, namespace: string): V1Service | undefined {
  const port = workloadApp(deployment.app).container(deployment.own).port;
  if (port === undefined) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: deployment.name, namespace, labels: allLabels(deployment) },
    spec: { type: deployment.serviceType, selector: selectorLabels(deployment), ports: [{ name: 'http', port, targetPort: port }] },
  };
}
