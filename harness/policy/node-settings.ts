import { isMap, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { UserError } from '../errors.js';
import { splitAllowFlag } from './allowlist.js';
import { toDotSeparated } from './names.js';

/**
 * Reads a node's --allowed-unsafe-sysctls from the files administrators actually have: a
 * KubeletConfiguration, an OpenShift KubeletConfig CR, or an /etc/sysconfig/kubelet
 * (KUBELET_EXTRA_ARGS=...) environment file. Text in, patterns out; the caller reads the file.
 */
export interface KubeletAllowlistSource {
  readonly patterns: string[];
  /** What the text turned out to be, for messages. */
  readonly format: 'KubeletConfiguration' | 'OpenShift KubeletConfig' | 'kubelet environment file';
}

export function parseKubeletSettings(text: string, file: string): KubeletAllowlistSource {
  if (/^\s*(export\s+)?KUBELET_[A-Z_]*ARGS\s*=/m.test(text)) return parseEnvironmentFile(text, file);
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter });
  if (!Array.isArray(documents)) throw notRecognised(file);
  for (const document of documents) {
    const firstError = document.errors[0];
    if (firstError) {
      const pos = lineCounter.linePos(firstError.pos[0]);
      throw new UserError(`not valid YAML: ${firstError.message.split('\n')[0]}`, { where: `${file}:${pos.line}:${pos.col}` });
    }
    const found = allowlistFromDocument(document, file, lineCounter);
    if (found) return found;
  }
  throw notRecognised(file);
}

function allowlistFromDocument(document: Document, file: string, lineCounter: LineCounter): KubeletAllowlistSource | undefined {
  if (!isMap(document.contents)) return undefined;
  const kind = document.get('kind');
  const at = (path: string[]): string => {
    const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const pos = lineCounter.linePos(node?.range?.[0] ?? 0);
    return `${file}:${pos.line}:${pos.col}`;
  };
  if (kind === 'KubeletConfiguration') {
    return { format: 'KubeletConfiguration', patterns: stringList(document.getIn(['allowedUnsafeSysctls'], true), at(['allowedUnsafeSysctls'])) };
  }
  if (kind === 'KubeletConfig') {
    const path = ['spec', 'kubeletConfig', 'allowedUnsafeSysctls'];
    return { format: 'OpenShift KubeletConfig', patterns: stringList(document.getIn(path, true), at(path)) };
  }
  return undefined;
}

function stringList(node: unknown, where: string): string[] {
  if (node === undefined || node === null) return [];
  if (!isSeq(node)) throw new UserError('allowedUnsafeSysctls must be a list of strings', { where, fix: 'write it as ["net.*", "kernel.msg*"]' });
  return node.items.map((item) => {
    const value = (item as { value?: unknown }).value;
    if (typeof value !== 'string') throw new UserError('allowedUnsafeSysctls entries must be strings', { where, fix: 'quote each pattern' });
    return value;
  });
}

/** KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls=a,b" (quotes optional; `=` or a space after the flag). */
function parseEnvironmentFile(text: string, file: string): KubeletAllowlistSource {
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const assignment = /^\s*(?:export\s+)?KUBELET_[A-Z_]*ARGS\s*=\s*(.*)$/.exec(line);
    if (!assignment) continue;
    // First the environment file's quoting gives the variable's value; then systemd splits the
    // unquoted $KUBELET_EXTRA_ARGS on whitespace into the kubelet's arguments.
    const value = splitShellWords(assignment[1] ?? '').join(' ');
    const args = value.split(/\s+/).filter((arg) => arg !== '');
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      const inline = /^--allowed-unsafe-sysctls=(.*)$/.exec(arg);
      if (inline) return { format: 'kubelet environment file', patterns: splitAllowFlag(inline[1] ?? '') };
      if (arg === '--allowed-unsafe-sysctls') {
        const next = args[i + 1];
        if (next === undefined) throw new UserError('--allowed-unsafe-sysctls has no value', { where: `${file}:${index + 1}` });
        return { format: 'kubelet environment file', patterns: splitAllowFlag(next) };
      }
    }
  }
  return { format: 'kubelet environment file', patterns: [] };
}

/** Enough of sh's word splitting for an environment file: whitespace, single and double quotes. */
function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let inWord = false;
  for (const ch of text.trim()) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

function notRecognised(file: string): UserError {
  return new UserError('no kubelet allowlist found: expected a KubeletConfiguration, an OpenShift KubeletConfig or a KUBELET_EXTRA_ARGS= line', {
    where: file,
    fix: 'pass the kubelet config file, the KubeletConfig CR, or /etc/sysconfig/kubelet',
  });
}

/**
 * A node kernel's sysctl inventory: `sysctl -a`, `sysctl -aN`, or `find /proc/sys -type f` output.
 * Path forms are turned into dot names the way the kubelet normalises names, so the two compare.
 */
export function parseKernelSysctls(text: string): Set<string> {
  const names = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals !== -1) line = line.slice(0, equals).trim();
    if (line.startsWith('/proc/sys/')) line = line.slice('/proc/sys/'.length);
    names.add(toDotSeparated(line));
  }
  return names;
}
