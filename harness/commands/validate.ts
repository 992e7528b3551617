import { Command, InvalidArgumentError, Option } from 'commander';
import { UserError } from '../errors.js';
import { readTextFile } from '../input/files.js';
import { DEFAULT_MANIFEST_LIMITS, readManifestInputs } from '../manifests/inputs.js';
import type { ManifestProblem, NamespaceObject, PodTemplate } from '../manifests/read-workloads.js';
import { readCsvRecord } from '../policy/allowlist.js';
import { formatValidationText } from '../policy/format-text.js';
import { parseKubeletSettings, readKernelInventory } from '../policy/node-settings.js';
import { kubeletEnforcedWarnings, parseSysctlConf } from '../policy/node-tuning.js';
import { parsePodSecurityOption, podSecurityFromLabels, type PodSecurityPolicy } from '../policy/pod-security.js';
import { UNKNOWN_KERNEL } from '../policy/safe-sysctls.js';
import { buildValidationReport, validationExitCode, type ReportWarning, type WorkloadReport } from '../policy/validation-report.js';
import {
  DEFAULT_KUBERNETES_VERSION, formatMinor, isKernelVersion, isModelled, NEWEST_MODELLED, OLDEST_MODELLED, parseMinorVersion,
} from '../policy/versions.js';
import { clip, forTerminal, jsonForTerminal, oneLine, withOneLineStrings } from '../text/terminal.js';

const MiB = 1024 * 1024;

interface ValidateOptions {
  allow?: string;
  kubeletConfig?: string;
  k8sVersion: string;
  kernelSysctls?: string;
  kernelVersion?: string;
  podSecurity?: string;
  sysctlConf: string[];
  format: 'text' | 'json';
  maxInputSize: number;
  maxDocuments: number;
  kubeconfig?: string;
  context?: string;
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
    .option('--kubeconfig <file>', 'check against a live cluster instead: its nodes grouped by the allowlist their kubelets report, and its own version (deploys nothing)')
    .option('--context <name>', 'the kubeconfig context (with --kubeconfig)')
    .option('--max-input-size <MiB>', 'stop with an error past this many MiB of manifests', positiveInteger('--max-input-size'), DEFAULT_MANIFEST_LIMITS.maxBytes / MiB)
    .option('--max-documents <n>', 'stop with an error past this many YAML documents', positiveInteger('--max-documents'), DEFAULT_MANIFEST_LIMITS.maxDocuments)
    .addHelpText('after', `
A sysctl-bench scenario file is checked as plan and run check it, and each of its workload
variants is judged on its own pool's kubelet.

Exit status: 0 every workload admitted, 1 at least one would be rejected, 2 input wrong
(including an input that holds no workload, or one past a cap).
Warnings (e.g. node tuning the kubelet reverts) do not change it.
With --kubeconfig: 0 every workload is admitted on some node group of the live cluster, 1 one is admitted nowhere.`)
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
    throw new UserError(`--k8s-version ${oneLine(clip(options.k8sVersion))} is not a modelled Kubernetes version`, {
      fix: `use X.Y between ${OLDEST_MODELLED} and ${NEWEST_MODELLED}`,
    });
  }
  if (options.kernelVersion !== undefined && options.kernelVersion !== UNKNOWN_KERNEL && !isKernelVersion(options.kernelVersion)) {
    throw new UserError(`--kernel-version ${oneLine(clip(options.kernelVersion))} is not a kernel release the kubelet can read`, {
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

  const read = await readManifestInputs(paths, {
    limits: { maxBytes: options.maxInputSize * MiB, maxDocuments: options.maxDocuments },
    kubernetesVersion: version,
  });
  for (const problem of read.problems) problems.push(problem);
  // A read stopped at a cap judged only part of the input: no verdicts, only the error, so that
  // "all admitted" is never said of what was not read.
  const templates = read.capped ? [] : read.templates;
  const namespaceObjects: NamespaceObject[] = read.capped ? [] : read.namespaces;
  // The scenario schema and planner load only when a scenario was given: validate starts fast.
  const scenarios = read.capped ? [] : read.scenarios;
  const scenarioWorkloads: WorkloadReport[] = [];
  if (scenarios.length > 0) {
    const { validateScenarioText } = await import('../scenario/as-workloads.js');
    for (const scenario of scenarios) {
      const checked = validateScenarioText(scenario.text, scenario.file, kernelSysctls);
      for (const problem of checked.problems) problems.push(problem);
      for (const workload of checked.workloads) scenarioWorkloads.push(workload);
    }
  }
  if (paths.length > 0 && templates.length === 0 && scenarioWorkloads.length === 0 && problems.length === 0) {
    problems.push(noWorkloadProblem(paths, read.documents));
  }
  const namespaces = namespacePolicies(namespaceObjects, problems);

  if (options.kubeconfig !== undefined) return runLiveValidate(options, templates, problems, { namespaces, ...(defaultPolicy ? { podSecurity: defaultPolicy } : {}) });
  if (options.context !== undefined) throw new UserError('--context is for --kubeconfig', { fix: 'add --kubeconfig FILE' });

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
  for (const workload of scenarioWorkloads) report.workloads.push(workload);
  if (options.format === 'json') {
    process.stdout.write(`${jsonForTerminal(JSON.stringify(report, null, 2))}\n`);
  } else {
    // Names and messages carry text from the manifests: one line each, and no terminal controls.
    const text = formatValidationText(withOneLineStrings(report));
    process.stdout.write(forTerminal(text.stdout));
    process.stderr.write(forTerminal(text.stderr));
  }
  return validationExitCode(report);
}

/**
 * Nothing to judge is an input error, not a pass: an empty `helm template ... |` pipe (the
 * command before it failed) or a stream of Services must not go green.
 */
function noWorkloadProblem(paths: readonly string[], documents: number): ManifestProblem {
  const source = paths.map((path) => (path === '-' ? '<stdin>' : path)).join(' ');
  const kinds = 'Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob or PodTemplate';
  if (documents === 0) {
    return {
      source,
      message: paths.includes('-') ? 'the input is empty: no workload to validate' : 'no YAML document in the input: no workload to validate',
      fix: paths.includes('-') ? 'the command before the pipe printed nothing: check its errors (e.g. helm template ... | sysctl-bench validate -)' : 'pass the manifests that define the workloads',
    };
  }
  return {
    source,
    message: `no workload in ${documents.toLocaleString('en')} document(s): validate judges the pod templates of a ${kinds}`,
    fix: 'pass the manifests that define the workloads (helm template renders them all), or a sysctl-bench scenario',
  };
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
  const text = await readText(options.kubeletConfig, 'the kubelet configuration', problems);
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
  const text = await readText(file, 'the kernel sysctl list', problems);
  if (text === undefined) return undefined;
  const inventory = readKernelInventory(text, file);
  for (const message of inventory.warnings) warnings.push({ source: file, message });
  return inventory.names;
}

/** A sysctl.d proposal: what the kernel refuses, and what the kubelet overrides on every start. */
async function checkNodeTuning(file: string, problems: ManifestProblem[], warnings: ReportWarning[]): Promise<void> {
  const text = await readText(file, 'the sysctl.d file', problems);
  if (text === undefined) return;
  const conf = parseSysctlConf(text, file);
  for (const warning of [...conf.warnings, ...kubeletEnforcedWarnings(conf.settings)]) {
    warnings.push({ source: warning.source, message: warning.message, ...(warning.fix ? { fix: warning.fix } : {}) });
  }
}

/** A node settings file: small, UTF-8, a regular file or a pipe the user named. */
async function readText(file: string, what: string, problems: ManifestProblem[]): Promise<string | undefined> {
  try {
    return await readTextFile(file, { what, maxBytes: 16 * MiB, raise: 'the cap is fixed: a kubelet configuration, sysctl file or sysctl -a output is far smaller; check the path' });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    problems.push({ source: error.where ?? file, message: error.message, ...(error.fix ? { fix: error.fix } : {}) });
    return undefined;
  }
}

/** validate --kubeconfig: the Kubernetes client is loaded only here, so a plain validate stays fast. */
async function runLiveValidate(
  options: ValidateOptions, templates: readonly PodTemplate[], problems: ManifestProblem[],
  podSecurity: { namespaces: ReturnType<typeof namespacePolicies>; podSecurity?: PodSecurityPolicy },
): Promise<number> {
  for (const [flag, given] of [['--allow', options.allow], ['--kubelet-config', options.kubeletConfig], ['--kernel-sysctls', options.kernelSysctls]] as const) {
    if (given !== undefined) throw new UserError(`${flag} and --kubeconfig both say what the nodes allow`, { fix: `drop ${flag}: with --kubeconfig the live kubelets are read` });
  }
  const live = await import('../provider/existing/live-validate.js');
  const result = await live.validateAgainstCluster({ kubeconfig: options.kubeconfig ?? '', ...(options.context ? { context: options.context } : {}) }, templates, problems, podSecurity);
  if (options.format === 'json') {
    process.stdout.write(`${jsonForTerminal(JSON.stringify(result, null, 2))}\n`);
  } else {
    // Names, labels and messages come from the manifests and the cluster: no terminal controls.
    const text = live.formatLiveValidation(result);
    process.stdout.write(forTerminal(text.stdout));
    process.stderr.write(forTerminal(text.stderr));
  }
  return live.liveValidationExitCode(result);
}

function positiveInteger(name: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError(`${name}: give a whole number >= 1`);
    return number;
  };
}
