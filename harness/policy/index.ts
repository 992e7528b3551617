/** The sysctl policy model: what the pipeline and the commands import. */
export { predictAdmission, classify, HOST_NAMESPACE_VALIDATION_SINCE } from './admission.js';
export type { AdmissionPrediction, NodeSettings, PodSettings, Rejecter, SysctlClass, SysctlSetting, SysctlVerdict, Verdict } from './admission.js';
export { buildAllowlist, kubeletStartupFailure, matchAllowlist, patternError, splitAllowFlag } from './allowlist.js';
export type { Allowlist, AllowlistError } from './allowlist.js';
export { isValidSysctlName, isValidSysctlPattern, namespacedBy, NAMESPACED_GROUPS, procSysPath, toDotSeparated } from './names.js';
export { SAFE_SYSCTLS, safeSysctlsFor } from './safe-sysctls.js';
export type { SafeSysctl } from './safe-sysctls.js';
export { valueProblem } from './values.js';
export { DEFAULT_KUBERNETES_VERSION, NEWEST_MODELLED, OLDEST_MODELLED, parseMinorVersion } from './versions.js';
export {
  allowlistKubeletArgs, kindClusterConfig, kindClusterWidePatch, kindNodePatch, kubeletConfiguration, kubeletExtraArgsLine,
  openshiftKubeletConfig, POOL_LABEL,
} from './rollout.js';
export type { KindClusterOptions, NodePool, OpenShiftOptions } from './rollout.js';
export { parseKernelSysctls, parseKubeletSettings } from './node-settings.js';
