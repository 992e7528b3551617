import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { UserError } from '../errors.js';
import { collectManifestInputs, readAllStdin } from '../manifests/inputs.js';
import { readWorkloads, type ManifestProblem, type NamespaceObject, type PodTemplate } from '../manifests/read-workloads.js';
import { readCsvRecord } from '../policy/allowlist.js';
import { formatValidationText } from '../policy/format-text.js';
import { parseKubeletSettings, readKernelInventory } from '../policy/node-settings.js';
import { kubeletEnforcedWarnings, parseSysctlConf } from '../policy/node-tuning.js';
import { parsePodSecurityOption, podSecurityFromLabels, type PodSecurityPolicy } from '../policy/pod-security.js';
import { UNKNOWN_KERNEL } from '../policy/safe-sysctls.js';
import { buildValidationReport, validationExitCode, type ReportWarning } from '../policy/validation-report.js';
import {
  DEFAULT_KUBERNETES_VERSION, formatMinor, isKernelVersion, isModelled, NEWEST_MODELLED, OLDEST_MODELLED, parseMinorVersion,
} from '../policy/versions.js';

interface ValidateOptions {
  allow?: string;
  kubeletConfig?: string;
  k8sVersion: string;
  kernelSysctls?: string;
  kernelVersion?: string;
  podSecurity?: string;
  sysctlConf: string[];
  format: 'text' | 'json';
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Predict, without a cluster, whether Kubernetes admits the sysctls in workload manifests')
    .argument('[paths...]', 'manifest files or folders; - reads standard input (e.g. helm template ... | sysctl-bench validate -)')
    .option('--allow <list>', 'the node\'s --allowed-unsafe-sysctls, comma separated (kubelet flag syntax)')
    .option('--kubelet-config <file>', 'read the allowlist from a KubeletConfiguration, an OpenShift KubeletConfig or /etc/sysconfig/kubelet')
    .option('--k8s-version <X.Y>', `Kubernetes version of the node and API server (${OLDEST_MODELLED}..${NEWEST_MODELLED})`, DEFAULT_KUBERNETES_VERSION)
    .option('--kernel-sysctls <file>', 'the sysctls the node kernel has (sysctl -a, sysctl -aN or find /proc/sys -type f output)')
    .option('--kernel-version <release>', `the node kernel release (uname -r); older kernels lose some safe sysctls; "${UNKNOWN_KERNEL}" when the kubelet cannot read it`)
    .option('--pod-security <LEVEL[:VERSION]>', 'Pod Security enforced on namespaces the manifests do not describe: privileged, baseline or restricted, version latest or v1.N')
    .option('--sysctl-conf <file>', 'a node tuning proposal (a sysctl.d file) to check against what the kubelet enforces; repeatable', collect, [])
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nExit status: 0 every workload admitted, 1 at least one would be rejected, 2 input wrong.\nWarnings (e.g. node tuning the kubelet reverts) do not change it.')
    .action(async (paths: string[], options: ValidateOptions) => {
      process.exitCode = await runValidate(paths, options);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function runValidate(paths: string[], options: ValidateOptions): Promise<number> {
  if (paths.length === 0 && options.sysctlConf.length === 0) {
    throw new UserError('no manifests given', { fix: 'pass files, folders, or - to read standard input (or --sysctl-conf FILE to check node tuning alone)' });
  }
  const version = parseMinorVersion(options.k8sVersion);
  if (!version || !isModelled(version)) {
    throw new UserError(`--k8s-version ${options.k8sVersion} is not a modelled Kubernetes version`, {
      fix: `use X.Y between ${OLDEST_MODELLED} and ${NEWEST_MODELLED}`,
    });
  }
  if (options.kernelVersion !== undefined && options.kernelVersion !== UNKNOWN_KERNEL && !isKernelVersion(options.kernelVersion)) {
    throw new UserError(`--kernel-version ${options.kernelVersion} is not a kernel release the kubelet can read`, {
      fix: `use uname -r output, e.g. 6.8.0-45-generic, or "${UNKNOWN_KERNEL}" for a node whose kubelet cannot read it`,
    });
  }
  let defaultPolicy: PodSecurityPolicy | undefined;
  if (options.podSecurity !== undefined) {
    const parsed = parsePodSecurityOption(options.podSecurity);
    if ('error' in parsed) throw new UserError(`--pod-security ${parsed.error}`, { fix: 'e.g. --pod-security baseline or --pod-security restricted:v1.37' });
    defaultPolicy = podSecurityFromLabels(parsed.labels).policy;
  }

  const problems: ManifestProblem[] = [];
  const warnings: ReportWarning[] = [];
  const allowedUnsafeSysctls = await readAllowlist(options, problems, warnings);
  const kernelSysctls = options.kernelSysctls ? await readInventory(options.kernelSysctls, problems, warnings) : undefined;
  for (const file of options.sysctlConf) await checkNodeTuning(file, problems, warnings);

  const { inputs, problems: inputProblems } = await collectManifestInputs(paths, readAllStdin);
  problems.push(...inputProblems);
  const templates: PodTemplate[] = [];
  const namespaceObjects: NamespaceObject[] = [];
  for (const input of inputs) {
    const read = readWorkloads(input.text, input.file);
    for (const template of read.templates) templates.push(template);
    for (const problem of read.problems) problems.push(problem);
    for (const namespace of read.namespaces) namespaceObjects.push(namespace);
  }
  const namespaces = namespacePolicies(namespaceObjects, problems);

  const report = buildValidationReport({
    templates,
    problems,
    node: {
      allowedUnsafeSysctls,
      kubernetesVersion: formatMinor(version),
      ...(kernelSysctls ? { kernelSysctls } : {}),
      ...(options.kernelVersion ? { kernelVersion: options.kernelVersion } : {}),
    },
    ...(defaultPolicy ? { podSecurity: defaultPolicy } : {}),
    namespaces,
    warnings,
  });
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const text = formatValidationText(report);
    process.stdout.write(text.stdout);
    process.stderr.write(text.stderr);
  }
  return validationExitCode(report);
}

/**
 * Namespace objects' pod-security labels. A label PSA cannot parse makes the API server refuse the
 * Namespace itself (admission/admission.go ValidateNamespace), so it is an input error.
 */
function namespacePolicies(objects: readonly NamespaceObject[], problems: ManifestProblem[]) {
  return objects.map((namespace) => {
    const { policy, errors } = podSecurityFromLabels(namespace.labels);
    if (errors.length > 0) {
      // As the API server words it: one error bare, several in brackets.
      const detail = errors.length === 1 ? errors[0]!.message : `[${errors.map((error) => error.message).join(', ')}]`;
      problems.push({
        source: namespace.source,
        message: `the API server refuses this Namespace: Namespace ${JSON.stringify(namespace.name)} is invalid: ${detail}`,
        fix: 'pod-security.kubernetes.io/ levels are privileged, baseline or restricted; versions latest or v1.N, e.g. v1.37',
      });
    }
    return { name: namespace.name, source: namespace.source, podSecurity: policy };
  });
}

/** The kubelet gives command-line flags precedence over its config file; so do we. */
async function readAllowlist(options: ValidateOptions, problems: ManifestProblem[], warnings: ReportWarning[]): Promise<string[]> {
  if (options.allow !== undefined) {
    const patterns = readCsvRecord(options.allow);
    if (typeof patterns === 'string') {
      throw new UserError(`--allow ${JSON.stringify(options.allow)}: the kubelet would not start: invalid argument for "--allowed-unsafe-sysctls" flag: ${patterns}`, {
        fix: 'write the patterns comma separated, without quotes, e.g. --allow kernel.msg*,net.*',
      });
    }
    return patterns;
  }
  if (options.kubeletConfig === undefined) return [];
  const text = await readText(options.kubeletConfig, problems);
  if (text === undefined) return [];
  try {
    const source = parseKubeletSettings(text, options.kubeletConfig);
    for (const message of source.warnings) warnings.push({ source: options.kubeletConfig, message });
    return source.patterns;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    problems.push({ source: error.where ?? options.kubeletConfig, message: error.message, ...(error.fix ? { fix: error.fix } : {}) });
    return [];
  }
}

async function readInventory(file: string, problems: ManifestProblem[], warnings: ReportWarning[]): Promise<Set<string> | undefined> {
  const text = await readText(file, problems);
  if (text === undefined) return undefined;
  const inventory = readKernelInventory(text, file);
  for (const message of inventory.warnings) warnings.push({ source: file, message });
  return inventory.names;
}

/** A sysctl.d proposal: what the kernel refuses, and what the kubelet overrides on every start. */
async function checkNodeTuning(file: string, problems: ManifestProblem[], warnings: ReportWarning[]): Promise<void> {
  const text = await readText(file, problems);
  if (text === undefined) return;
  const conf = parseSysctlConf(text, file);
  for (const warning of [...conf.warnings, ...kubeletEnforcedWarnings(conf.settings)]) {
    warnings.push({ source: warning.source, message: warning.message, ...(warning.fix ? { fix: warning.fix } : {}) });
  }
}

async function readText(file: string, problems: ManifestProblem[]): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : String(error);
    problems.push({ source: file, message: `cannot read: ${code === 'ENOENT' ? 'no such file or directory' : code}`, fix: 'check the path' });
    return undefined;
  }
}
