import { toDotSeparated } from './names.js';
import { errnoText, valueRefusal } from './values.js';

/**
 * Node tuning proposals (sysctl.d files) against what the kubelet itself does to the node.
 *
 * On every start the kubelet's container manager sets six kernel tunables
 * (pkg/kubelet/cm/container_manager_linux.go setupKernelTunables, values from
 * component-helpers/node/util/sysctl/sysctl.go, unchanged from 1.22 to 1.37). With the default
 * protectKernelDefaults: false it writes its value over whatever sysctl.d set; with true it
 * refuses to start when a value differs. Upstream: kubernetes/kubernetes#74151.
 */
export const KUBELET_ENFORCED_SYSCTLS: ReadonlyMap<string, bigint> = new Map([
  ['vm.overcommit_memory', 1n],
  ['vm.panic_on_oom', 0n],
  ['kernel.panic', 10n],
  ['kernel.panic_on_oops', 1n],
  ['kernel.keys.root_maxkeys', 1000000n],
  ['kernel.keys.root_maxbytes', 25000000n],
]);

export interface NodeSysctlSetting {
  /** As written (dots or slashes; a sysctl.d key may hold a glob). */
  readonly name: string;
  readonly value: string;
  /** file:line, or the scenario field. */
  readonly source: string;
}

export interface NodeTuningWarning {
  readonly source: string;
  readonly sysctl: string;
  readonly message: string;
  readonly fix?: string;
}

/**
 * A warning for every setting that the kubelet overrides with a different value. Pure: the report
 * calls it for scenarios, `validate --sysctl-conf` for sysctl.d files.
 */
export function kubeletEnforcedWarnings(settings: readonly NodeSysctlSetting[]): NodeTuningWarning[] {
  const warnings: NodeTuningWarning[] = [];
  for (const setting of settings) {
    for (const [name, imposed] of enforcedMatching(setting.name)) {
      const proposed = kernelNumber(name, setting.value);
      if (proposed === imposed) continue;
      const slashName = name.replaceAll('.', '/');
      warnings.push({
        source: setting.source,
        sysctl: name,
        message: `the kubelet sets ${name}=${imposed} on every start (setupKernelTunables, kubernetes/kubernetes#74151): `
          + `the proposed ${JSON.stringify(setting.value)} is silently reverted on every node that runs a kubelet; `
          + `with protectKernelDefaults: true the kubelet refuses to start instead: "Failed to start ContainerManager" err="invalid kernel flag: ${slashName}, expected value: ${imposed}, actual value: ${proposed ?? setting.value}"`,
        fix: `plan capacity with ${name}=${imposed}, the value the node will have; drop the sysctl.d entry`,
      });
    }
  }
  return warnings;
}

/** The kubelet-enforced names a sysctl.d key names (a key may be a glob, systemd 251+). */
function enforcedMatching(key: string): Array<[string, bigint]> {
  const bare = key.startsWith('-') ? key.slice(1) : key;
  if (!/[*?[]/.test(bare)) {
    const name = toDotSeparated(bare);
    const imposed = KUBELET_ENFORCED_SYSCTLS.get(name);
    return imposed === undefined ? [] : [[name, imposed]];
  }
  const glob = globRegExp(toDotSeparated(bare));
  return [...KUBELET_ENFORCED_SYSCTLS].filter(([name]) => glob.test(name));
}

function globRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) source += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+(){}[\]]/g, '\\$&');
  return new RegExp(`^${source}$`);
}

/** The number the kernel stores for the text (C notation: 010 is 8), as the kubelet reads it back; undefined if refused. */
function kernelNumber(name: string, value: string): bigint | undefined {
  if (valueRefusal(name, value)) return undefined;
  const token = value.trim().split(/\s+/)[0] ?? '';
  const negative = token.startsWith('-');
  const digits = negative ? token.slice(1) : token;
  const magnitude = /^0[xX][0-9a-fA-F]/.test(digits) ? BigInt(digits.match(/^0[xX][0-9a-fA-F]+/)![0])
    : /^0[0-7]+/.test(digits) ? BigInt(`0o${digits.match(/^0([0-7]+)/)![1]}`)
      : BigInt(digits.match(/^[0-9]+/)?.[0] ?? '0');
  return negative ? -magnitude : magnitude;
}

export interface SysctlConf {
  readonly settings: NodeSysctlSetting[];
  readonly warnings: NodeTuningWarning[];
}

/**
 * A sysctl.d file as systemd-sysctl reads it (sysctl.d(5)): `key = value` per line, `#` or `;`
 * comments, whitespace around key and value ignored, `/` or `.` separators, a leading `-` to
 * ignore a failed write, a later assignment of a key replacing an earlier one. Each value is
 * also checked the way the kernel parses it: a refused one is logged by systemd-sysctl and skipped.
 */
export function parseSysctlConf(text: string, file: string): SysctlConf {
  const byKey = new Map<string, NodeSysctlSetting>();
  const warnings: NodeTuningWarning[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const source = `${file}:${index + 1}`;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const equals = line.indexOf('=');
    if (equals === -1) {
      warnings.push({ source, sysctl: line, message: `not an assignment: systemd-sysctl ignores the line "${line.slice(0, 80)}"`, fix: 'write key = value' });
      return;
    }
    const name = line.slice(0, equals).trim();
    const value = line.slice(equals + 1).trim();
    const key = toDotSeparated(name.startsWith('-') ? name.slice(1) : name);
    const earlier = byKey.get(key);
    if (earlier) warnings.push({ source, sysctl: key, message: `${key} is set again; systemd-sysctl applies this later value (${earlier.source} is overridden)` });
    byKey.set(key, { name, value, source });
  });
  const settings = [...byKey.values()];
  for (const setting of settings) {
    const dotName = toDotSeparated(setting.name.replace(/^-/, ''));
    if (/[*?[]/.test(dotName)) continue;
    const refusal = valueRefusal(dotName, setting.value);
    if (refusal) {
      warnings.push({
        source: setting.source, sysctl: dotName,
        message: `the kernel refuses ${dotName}=${JSON.stringify(setting.value)} (${errnoText(refusal.errno)}): ${refusal.problem}; systemd-sysctl logs it and the node keeps the old value`,
        fix: `give ${dotName} a value the kernel takes`,
      });
    }
  }
  return { settings, warnings };
}

