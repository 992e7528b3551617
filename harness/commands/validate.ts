import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { UserError } from '../errors.js';
import { collectManifestInputs, readAllStdin } from '../manifests/inputs.js';
import { readWorkloads, type ManifestProblem, type PodTemplate } from '../manifests/read-workloads.js';
import { splitAllowFlag } from '../policy/allowlist.js';
import { formatValidationText } from '../policy/format-text.js';
import { parseKernelSysctls, parseKubeletSettings } from '../policy/node-settings.js';
import { buildValidationReport, validationExitCode } from '../policy/validation-report.js';
import {
  DEFAULT_KUBERNETES_VERSION, formatMinor, isKernelVersion, isModelled, NEWEST_MODELLED, OLDEST_MODELLED, parseMinorVersion,
} from '../policy/versions.js';

interface ValidateOptions {
  allow?: string;
  kubeletConfig?: string;
  k8sVersion: string;
  kernelSysctls?: string;
  kernelVersion?: string;
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
    .option('--kernel-version <release>', 'the node kernel release (uname -r); older kernels lose some safe sysctls')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nExit status: 0 every workload admitted, 1 at least one would be rejected, 2 input wrong.')
    .action(async (paths: string[], options: ValidateOptions) => {
      process.exitCode = await runValidate(paths, options);
    });
}

async function runValidate(paths: string[], options: ValidateOptions): Promise<number> {
  if (paths.length === 0) {
    throw new UserError('no manifests given', { fix: 'pass files, folders, or - to read standard input' });
  }
  const version = parseMinorVersion(options.k8sVersion);
  if (!version || !isModelled(version)) {
    throw new UserError(`--k8s-version ${options.k8sVersion} is not a modelled Kubernetes version`, {
      fix: `use X.Y between ${OLDEST_MODELLED} and ${NEWEST_MODELLED}`,
    });
  }
  if (options.kernelVersion !== undefined && !isKernelVersion(options.kernelVersion)) {
    throw new UserError(`--kernel-version ${options.kernelVersion} is not a kernel release`, { fix: 'use uname -r output, e.g. 6.8.0-45-generic' });
  }

  const problems: ManifestProblem[] = [];
  const allowedUnsafeSysctls = await readAllowlist(options, problems);
  const kernelSysctls = options.kernelSysctls ? await readKernelInventory(options.kernelSysctls, problems) : undefined;

  const { inputs, problems: inputProblems } = await collectManifestInputs(paths, readAllStdin);
  problems.push(...inputProblems);
  const templates: PodTemplate[] = [];
  for (const input of inputs) {
    const read = readWorkloads(input.text, input.file);
    templates.push(...read.templates);
    problems.push(...read.problems);
  }

  const report = buildValidationReport({
    templates,
    problems,
    node: {
      allowedUnsafeSysctls,
      kubernetesVersion: formatMinor(version),
      ...(kernelSysctls ? { kernelSysctls } : {}),
      ...(options.kernelVersion ? { kernelVersion: options.kernelVersion } : {}),
    },
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

/** The kubelet gives command-line flags precedence over its config file; so do we. */
async function readAllowlist(options: ValidateOptions, problems: ManifestProblem[]): Promise<string[]> {
  if (options.allow !== undefined) return splitAllowFlag(options.allow);
  if (options.kubeletConfig === undefined) return [];
  const text = await readText(options.kubeletConfig, problems);
  if (text === undefined) return [];
  try {
    return parseKubeletSettings(text, options.kubeletConfig).patterns;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    problems.push({ source: error.where ?? options.kubeletConfig, message: error.message, ...(error.fix ? { fix: error.fix } : {}) });
    return [];
  }
}

async function readKernelInventory(file: string, problems: ManifestProblem[]): Promise<Set<string> | undefined> {
  const text = await readText(file, problems);
  return text === undefined ? undefined : parseKernelSysctls(text);
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
