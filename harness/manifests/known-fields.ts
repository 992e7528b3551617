/**
 * Field names Kubernetes accepts at each level on the way from a workload object to its sysctls
 * (core/v1, apps/v1, batch/v1 up to 1.37). `kubectl apply` refuses unknown fields (strict field
 * validation), so an unknown name here would be refused there too, or silently dropped by older
 * clients, which is worse.
 */
const set = (...names: string[]): ReadonlySet<string> => new Set(names);

export const OBJECT_FIELDS = set('apiVersion', 'kind', 'metadata', 'spec', 'status');
export const LIST_FIELDS = set('apiVersion', 'kind', 'metadata', 'items');
export const POD_TEMPLATE_OBJECT_FIELDS = set('apiVersion', 'kind', 'metadata', 'template');
export const TEMPLATE_FIELDS = set('metadata', 'spec');

export const METADATA_FIELDS = set(
  'name', 'generateName', 'namespace', 'labels', 'annotations', 'uid', 'resourceVersion', 'generation',
  'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'ownerReferences', 'finalizers',
  'managedFields', 'selfLink',
);

export const WORKLOAD_SPEC_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  Deployment: set('replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'),
  StatefulSet: set(
    'replicas', 'selector', 'template', 'volumeClaimTemplates', 'serviceName', 'podManagementPolicy', 'updateStrategy',
    'revisionHistoryLimit', 'minReadySeconds', 'persistentVolumeClaimRetentionPolicy', 'ordinals',
  ),
  DaemonSet: set('selector', 'template', 'updateStrategy', 'minReadySeconds', 'revisionHistoryLimit'),
  ReplicaSet: set('replicas', 'minReadySeconds', 'selector', 'template'),
  ReplicationController: set('replicas', 'minReadySeconds', 'selector', 'template'),
  Job: set(
    'parallelism', 'completions', 'activeDeadlineSeconds', 'podFailurePolicy', 'successPolicy', 'backoffLimit',
    'backoffLimitPerIndex', 'maxFailedIndexes', 'selector', 'manualSelector', 'template', 'ttlSecondsAfterFinished',
    'completionMode', 'suspend', 'podReplacementPolicy', 'managedBy',
  ),
  CronJob: set(
    'schedule', 'timeZone', 'startingDeadlineSeconds', 'concurrencyPolicy', 'suspend', 'jobTemplate',
    'successfulJobsHistoryLimit', 'failedJobsHistoryLimit',
  ),
};

export const POD_SPEC_FIELDS = set(
  'volumes', 'initContainers', 'containers', 'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds',
  'activeDeadlineSeconds', 'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'serviceAccount',
  'automountServiceAccountToken', 'nodeName', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace',
  'securityContext', 'imagePullSecrets', 'hostname', 'subdomain', 'affinity', 'schedulerName', 'tolerations',
  'hostAliases', 'priorityClassName', 'priority', 'dnsConfig', 'readinessGates', 'runtimeClassName',
  'enableServiceLinks', 'preemptionPolicy', 'overhead', 'topologySpreadConstraints', 'setHostnameAsFQDN', 'os',
  'hostUsers', 'schedulingGates', 'resourceClaims', 'resources', 'hostnameOverride', 'workloadRef',
);

export const POD_SECURITY_CONTEXT_FIELDS = set(
  'seLinuxOptions', 'windowsOptions', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'supplementalGroups',
  'supplementalGroupsPolicy', 'fsGroup', 'sysctls', 'fsGroupChangePolicy', 'seccompProfile', 'appArmorProfile',
  'seLinuxChangePolicy',
);

export const SYSCTL_FIELDS = set('name', 'value');

/** Kinds whose pod template we read, with the API group `kubectl` prints them under. */
export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/**
 * The kinds the built-in API groups that hold workloads serve, by apiVersion (1.22..1.37). An
 * object of one of these apiVersions with another kind is refused by kubectl ("no matches for
 * kind ... in version ..."): a misspelt `kind: Deploymnet` is an error, not an object to pass over.
 * `removedIn`: the minor version from which the API server no longer serves it.
 */
export const SERVED_KINDS: ReadonlyMap<string, { readonly kinds: ReadonlySet<string>; readonly removedIn?: number }> = new Map([
  ['v1', {
    kinds: set(
      'Binding', 'ComponentStatus', 'ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'Namespace', 'Node', 'PersistentVolume',
      'PersistentVolumeClaim', 'Pod', 'PodTemplate', 'ReplicationController', 'ResourceQuota', 'Secret', 'Service', 'ServiceAccount',
      'List', 'Status',
    ),
  }],
  ['apps/v1', { kinds: set('ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet') }],
  ['batch/v1', { kinds: set('CronJob', 'Job') }],
  ['batch/v1beta1', { kinds: set('CronJob'), removedIn: 25 }],
  ['autoscaling/v1', { kinds: set('HorizontalPodAutoscaler', 'Scale') }],
  ['autoscaling/v2', { kinds: set('HorizontalPodAutoscaler') }],
  ['autoscaling/v2beta1', { kinds: set('HorizontalPodAutoscaler'), removedIn: 25 }],
  ['autoscaling/v2beta2', { kinds: set('HorizontalPodAutoscaler'), removedIn: 26 }],
  ['policy/v1', { kinds: set('Eviction', 'PodDisruptionBudget') }],
  ['policy/v1beta1', { kinds: set('Eviction', 'PodDisruptionBudget', 'PodSecurityPolicy'), removedIn: 25 }],
  // Removed in 1.16, before every modelled version: still written by old charts.
  ['apps/v1beta1', { kinds: set('ControllerRevision', 'Deployment', 'StatefulSet'), removedIn: 16 }],
  ['apps/v1beta2', { kinds: set('ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'), removedIn: 16 }],
  ['extensions/v1beta1', { kinds: set('DaemonSet', 'Deployment', 'Ingress', 'NetworkPolicy', 'PodSecurityPolicy', 'ReplicaSet'), removedIn: 16 }],
]);

/** Where each workload kind is served now: the fix for an old or wrong apiVersion. */
export const WORKLOAD_API_VERSION: Readonly<Record<WorkloadKind, string>> = {
  Pod: 'v1', PodTemplate: 'v1', ReplicationController: 'v1',
  Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', ReplicaSet: 'apps/v1',
  Job: 'batch/v1', CronJob: 'batch/v1',
};

/**
 * The built-in API groups whose names have no dot: every version they serve is in SERVED_KINDS.
 * Any other group without a dot cannot exist (a CustomResourceDefinition's group needs one), so
 * `apiVersion: app/v1` is a mistake, not someone's custom resource.
 */
export const DOTLESS_GROUPS: ReadonlySet<string> = set('', 'apps', 'autoscaling', 'batch', 'extensions', 'policy');
