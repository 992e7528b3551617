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
export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'PodTemplate'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
