/**
 * Every Kubernetes version boundary the policy model follows, each with the upstream source it was
 * read from (k8s.io/kubernetes and k8s.io/component-helpers releases from the Go module proxy,
 * v1.22.17 to v1.37.2). A verdict that changes between two minors changes at one of these.
 */

/**
 * The API server accepts `/` in pod sysctl names on create. 1.23 and 1.24 had the relaxed regex
 * but pkg/api/pod/util.go GetValidationOptionsFromPodSpecAndMeta set AllowSysctlRegexContainSlash
 * to false for new pods (true only when the old pod already had one); 1.25 dropped the option
 * (pkg/apis/core/validation/validation.go validateSysctls uses sysctlContainSlashRegexp always).
 */
export const SLASH_NAMES_SINCE = '1.25';

/**
 * The kubelet's allowlist patterns may use `/` (pkg/kubelet/sysctl/allowlist.go NewAllowlist calls
 * IsValidSysctlPattern(s, true) and converts to dots; 1.22's whitelist.go allowed dots only).
 */
export const SLASH_PATTERNS_SINCE = '1.23';

/**
 * From 1.25 the API server prints its name regex through the compiled regexp (`%s` of
 * sysctlContainSlashRegexp), anchors included; before, the format string without anchors.
 */
export const ANCHORED_REGEX_MESSAGE_SINCE = '1.25';

/** pkg/kubelet/sysctl/whitelist.go (1.22) says "not whitelisted"; allowlist.go (1.23+) "not allowlisted". */
export const ALLOWLIST_WORDING_SINCE = '1.23';

/**
 * component-helpers/node/util/sysctl/namespace.go (1.29+): IPC sysctls are names, not the
 * kernel.shm/kernel.msg prefixes of pkg/kubelet/sysctl/namespace.go; namespaces print "IPC"/"Net";
 * the not-namespaced error names the sysctl or prefix before the `*`.
 */
export const NAMESPACE_BY_NAME_SINCE = '1.29';

/**
 * pkg/apis/core/validation/validation.go ValidateHostSysctl (1.29+): a namespaced sysctl in a pod
 * sharing that namespace with the host is Invalid at the API server.
 */
export const HOST_NAMESPACE_VALIDATION_SINCE = '1.29';

/**
 * component-helpers namespace.go 1.37: kernel.domainname is UTS-namespaced and user.* is
 * user-namespaced; allowlist.go refuses user.* unless the pod has hostUsers: false.
 */
export const UTS_AND_USER_NAMESPACES_SINCE = '1.37';

/** pkg/kubelet/kubelet.go rejectPod: status.message "Pod " + message until 1.25, "Pod was rejected: " + message from 1.26. */
export const POD_WAS_REJECTED_SINCE = '1.26';

/**
 * How the kubelet reports NewAllowlist's error when it refuses to start (cmd/kubelet):
 * 1.22–1.23 app/server.go `klog.ErrorS(err, "Failed to run kubelet")`; 1.24 kubelet.go run()
 * prints `Error: <err>` to stderr; 1.25+ component-base/cli.Run `klog.ErrorS(err, "command failed")`.
 */
export const KUBELET_PLAIN_ERROR_SINCE = '1.24';
export const KUBELET_COMMAND_FAILED_SINCE = '1.25';

/**
 * spec.os.name: windows refuses pod sysctls (validation.go validateWindows, "cannot be set for a
 * windows pod"). The IdentifyPodOS gate is alpha, off, in 1.23 (the field is dropped), beta and
 * on from 1.24; 1.22 has no such field.
 */
export const WINDOWS_REFUSAL_SINCE = '1.24';

/**
 * The kubelet drops a safe sysctl whose kernel is too old: 1.27–1.28 for ip_local_reserved_ports
 * only (safe_sysctls.go getKernelVersion), 1.29+ for every entry with a kernel field.
 */
export const KERNEL_GATED_SAFE_SINCE = '1.27';
export const KERNEL_GATE_PER_ENTRY_SINCE = '1.29';

/** Pod Security Admission: the PodSecurity gate is alpha (off) in 1.22, beta and on from 1.23, GA in 1.25. */
export const POD_SECURITY_SINCE = '1.23';
