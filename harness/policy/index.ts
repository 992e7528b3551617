/** The sysctl policy model: what the pipeline and the commands import. */
export { predictAdmission, classify, HOST_NAMESPACE_VALIDATION_SINCE } from './admission.js';
export type {
  AdmissionPrediction, NodeSettings, PodSecurityOutcome, PodSettings, PredictedEvent, Rejecter, SysctlClass, SysctlSetting, SysctlVerdict, Verdict,
} from './admission.js';
export { buildAllowlist, kubeletRefusal, kubeletStartupFailure, matchAllowlist, patternError, readCsvRecord, splitAllowFlag } from './allowlist.js';
export type { Allowlist, AllowlistError } from './allowlist.js';
export { goQuote } from './go-quote.js';
export { isValidSysctlName, isValidSysctlPattern, namespacedBy, NAMESPACED_GROUPS, namespacedGroupsFor, procSysPath, toDotSeparated } from './names.js';
export { KUBELET_ENFORCED_SYSCTLS, kubeletEnforcedWarnings, parseSysctlConf } from './node-tuning.js';
export type { NodeSysctlSetting, NodeTuningWarning } from './node-tuning.js';
export {
  DEFAULT_POD_SECURITY, evaluatePodSecurity, parsePodSecurityOption, podSecurityFromLabels, podSecurityNamespaceLabels, podSecurityRolloutNote,
  podSecuritySysctls, POD_SECURITY_LEVELS,
} from './pod-security.js';
export type { LevelVersion, PodSecurityLevel, PodSecurityPolicy } from './pod-security.js';
export { SAFE_SYSCTLS, safeSysctlsFor, UNKNOWN_KERNEL } from './safe-sysctls.js';
export type { SafeSysctl } from './safe-sysctls.js';
export {
  outcomeOfPrediction, predictScenario, scenarioKubeletEnforcedWarnings, scenarioNamespaceLabels, scenarioPodSecurity, scenarioPodSecurityNotes,
} from './scenario-predictions.js';
export type { PredictedOutcome, ScenarioPrediction } from './scenario-predictions.js';
export { valueProblem, valueRefusal } from './values.js';
export { DEFAULT_KUBERNETES_VERSION, NEWEST_MODELLED, OLDEST_MODELLED, parseMinorVersion } from './versions.js';
export {
  allowlistKubeletArgs, kindClusterConfig, kindClusterWidePatch, kindNodePatch, kubeletConfiguration, kubeletExtraArgsLine,
  openshiftKubeletConfig, POOL_LABEL,
} from './rollout.js';
export type { KindClusterOptions, NodePool, OpenShiftOptions } from './rollout.js';
export { parseKernelSysctls, parseKubeletSettings, parseStringSliceFlag, parseSystemdEnvironmentFile, readKernelInventory, splitSystemdWords } from './node-settings.js';
