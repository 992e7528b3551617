import { isMap, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { UserError } from '../errors.js';
import { readCsvRecord } from './allowlist.js';
import { goQuote } from './go-quote.js';
import { toDotSeparated } from './names.js';

/**
 * Reads a node's --allowed-unsafe-sysctls from the files administrators actually have: a
 * KubeletConfiguration, an OpenShift KubeletConfig CR, or an /etc/sysconfig/kubelet
 * (KUBELET_EXTRA_ARGS=...) environment file, read the way systemd and the kubelet read them.
 * Text in, patterns out; the caller reads the file.
 */
export interface KubeletAllowlistSource {
  readonly patterns: string[];
  /** What the text turned out to be, for messages. */
  readonly format: 'KubeletConfiguration' | 'OpenShift KubeletConfig' | 'kubelet environment file';
  /** What systemd or the kubelet would say about the file without stopping (ignored lines, ...). */
  readonly warnings: string[];
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
    return { format: 'KubeletConfiguration', patterns: stringList(document.getIn(['allowedUnsafeSysctls'], true), at(['allowedUnsafeSysctls'])), warnings: [] };
  }
  if (kind === 'KubeletConfig') {
    const path = ['spec', 'kubeletConfig', 'allowedUnsafeSysctls'];
    return { format: 'OpenShift KubeletConfig', patterns: stringList(document.getIn(path, true), at(path)), warnings: [] };
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

// --- systemd EnvironmentFile= -----------------------------------------------------------------

export interface EnvironmentAssignment {
  readonly name: string;
  readonly value: string;
  /** 1-based line where the assignment starts. */
  readonly line: number;
}

/**
 * An environment file as systemd reads it (src/basic/env-file.c parse_env_file_internal, then
 * exec_context_load_environment, which drops invalid assignments with "Ignoring invalid
 * environment assignment"): `#` and `;` start comments; a value is unquoted (backslash escapes the
 * next character, a backslash-newline continues the line, trailing whitespace is cut), or
 * single-quoted (verbatim, may span lines), or double-quoted (backslash escapes `"` `\` `` ` ``
 * `$` and newline, otherwise stays); quoted and unquoted parts concatenate, whitespace between
 * quoted parts is dropped. A later assignment of a name replaces an earlier one. A comment ending
 * in a backslash swallows the next line, as systemd 252 (Debian 12, RHEL 9) does.
 */
export function parseSystemdEnvironmentFile(text: string, file: string): { variables: Map<string, EnvironmentAssignment>; warnings: string[] } {
  const variables = new Map<string, EnvironmentAssignment>();
  const warnings: string[] = [];
  const WHITESPACE = ' \t\n\r';
  const NEWLINE = '\n\r';
  const NEED_ESCAPE = '"\\`$';
  type State = 'pre-key' | 'key' | 'pre-value' | 'value' | 'value-escape' | 'single' | 'double' | 'double-escape' | 'comment' | 'comment-escape';
  let state: State = 'pre-key';
  let key = '';
  let keyEnd = -1;
  let value: string | undefined;
  let valueEnd = -1;
  let line = 1;
  let startLine = 1;

  const push = (chompValue: boolean) => {
    const name = keyEnd === -1 ? key : key.slice(0, keyEnd);
    let text = value ?? '';
    if (chompValue && valueEnd !== -1) text = text.slice(0, valueEnd);
    const shown = `${name}=${text}`;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      const why = /^export\s/.test(name) ? ' (systemd does not read shell "export"; write the assignment without it)' : '';
      warnings.push(`${file}:${startLine}: systemd ignores this line: "Ignoring invalid environment assignment '${shorten(shown)}'"${why}`);
    } else if (/[\x00-\x08\x0b-\x1f\x7f]/.test(text)) {
      warnings.push(`${file}:${startLine}: systemd ignores ${name}: its value holds a control character`);
    } else {
      if (variables.has(name)) warnings.push(`${file}:${startLine}: ${name} is assigned again; systemd keeps this last assignment (line ${variables.get(name)!.line} is ignored)`);
      variables.set(name, { name, value: text, line: startLine });
    }
    key = '';
    keyEnd = -1;
    value = undefined;
    valueEnd = -1;
  };
  const append = (ch: string) => {
    value = (value ?? '') + ch;
  };

  for (const ch of text) {
    switch (state) {
      case 'pre-key':
        if (ch === '#' || ch === ';') state = 'comment';
        else if (!WHITESPACE.includes(ch)) {
          state = 'key';
          startLine = line;
          key = ch;
          keyEnd = -1;
        }
        break;
      case 'key':
        if (NEWLINE.includes(ch)) {
          state = 'pre-key';
          key = '';
        } else if (ch === '=') {
          state = 'pre-value';
          valueEnd = -1;
        } else {
          if (!WHITESPACE.includes(ch)) keyEnd = -1;
          else if (keyEnd === -1) keyEnd = key.length;
          key += ch;
        }
        break;
      case 'pre-value':
        if (NEWLINE.includes(ch)) {
          state = 'pre-key';
          push(false);
        } else if (ch === "'") state = 'single';
        else if (ch === '"') state = 'double';
        else if (ch === '\\') state = 'value-escape';
        else if (!WHITESPACE.includes(ch)) {
          state = 'value';
          append(ch);
        }
        break;
      case 'value':
        if (NEWLINE.includes(ch)) {
          state = 'pre-key';
          push(true);
        } else if (ch === '\\') {
          state = 'value-escape';
          valueEnd = -1;
        } else {
          if (!WHITESPACE.includes(ch)) valueEnd = -1;
          else if (valueEnd === -1) valueEnd = (value ?? '').length;
          append(ch);
        }
        break;
      case 'value-escape':
        state = 'value';
        if (!NEWLINE.includes(ch)) append(ch);
        break;
      case 'single':
        if (ch === "'") state = 'pre-value';
        else append(ch);
        break;
      case 'double':
        if (ch === '"') state = 'pre-value';
        else if (ch === '\\') state = 'double-escape';
        else append(ch);
        break;
      case 'double-escape':
        state = 'double';
        if (NEED_ESCAPE.includes(ch)) append(ch);
        else if (ch !== '\n') append(`\\${ch}`);
        break;
      case 'comment':
        if (ch === '\\') state = 'comment-escape';
        else if (NEWLINE.includes(ch)) state = 'pre-key';
        break;
      case 'comment-escape':
        // systemd 252 (Debian 12, RHEL 9) continues the comment onto the next line; 254+ does not.
        if (NEWLINE.includes(ch)) {
          warnings.push(`${file}:${line}: a comment ends with a backslash: systemd 252 (Debian 12, RHEL 9) reads line ${line + 1} as part of the comment, systemd 254+ as a line of its own`);
        }
        state = 'comment';
        break;
      default: {
        const never: never = state;
        throw new Error(`unexpected state ${String(never)}`);
      }
    }
    if (ch === '\n') line++;
  }
  // A value without a final newline still counts (only the unquoted one is chomped).
  if (state === 'pre-value' || state === 'value' || state === 'value-escape' || state === 'single' || state === 'double' || state === 'double-escape') {
    push(state === 'value');
  }
  return { variables, warnings };
}

/**
 * An unquoted `$VAR` in ExecStart= becomes several arguments: systemd splits the value with
 * extract_first_word(WHITESPACE, EXTRACT_RELAX|EXTRACT_UNQUOTE) (src/basic/env-util.c
 * replace_env_argv): whitespace separates, single and double quotes group and are removed, a
 * backslash keeps the next character (inside quotes too), an unclosed quote ends the word.
 */
export function splitSystemdWords(value: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  let escaped = false;
  for (const ch of value) {
    if (escaped) {
      word = (word ?? '') + ch;
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
      word ??= '';
    } else if (quote) {
      if (ch === quote) quote = undefined;
      else word = (word ?? '') + ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (' \t\n\r'.includes(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * The variables kubeadm's drop-in (10-kubeadm.conf) passes, in its ExecStart= order:
 * `kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS`.
 */
const EXEC_START_ORDER = ['KUBELET_KUBECONFIG_ARGS', 'KUBELET_CONFIG_ARGS', 'KUBELET_KUBEADM_ARGS', 'KUBELET_EXTRA_ARGS'];

/** KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls=a,b": systemd's reading, then the kubelet's flag parser's. */
function parseEnvironmentFile(text: string, file: string): KubeletAllowlistSource {
  const { variables, warnings } = parseSystemdEnvironmentFile(text, file);
  const names = [...EXEC_START_ORDER.filter((name) => variables.has(name)), ...[...variables.keys()].filter((name) => /^KUBELET_[A-Z_]*ARGS$/.test(name) && !EXEC_START_ORDER.includes(name))];
  const args = names.flatMap((name) => splitSystemdWords(variables.get(name)!.value));
  const parsed = parseStringSliceFlag(args, 'allowed-unsafe-sysctls');
  if ('error' in parsed) {
    const line = variables.get('KUBELET_EXTRA_ARGS')?.line ?? variables.get(names[0] ?? '')?.line ?? 1;
    throw new UserError(`the kubelet would not start: failed to parse kubelet flag: ${parsed.error}`, {
      where: `${file}:${line}`,
      fix: 'write the patterns comma separated without spaces or quotes, e.g. --allowed-unsafe-sysctls=kernel.msg*,net.*',
    });
  }
  if (parsed.occurrences > 1) warnings.push(`${file}: --allowed-unsafe-sysctls is given ${parsed.occurrences} times; the kubelet (pflag) appends them: ${parsed.values.join(',')}`);
  return { format: 'kubelet environment file', patterns: parsed.values, warnings };
}

/**
 * One string-slice flag out of an argument list, as pflag parses it (spf13/pflag flag.go and
 * string_slice.go): `--name=value` or `--name value`; underscores equal dashes in the name (the
 * kubelet's WordSepNormalizeFunc); each value is one CSV record; the first occurrence replaces the
 * default and later ones append. Other flags are assumed to take the next argument unless it
 * starts with "-" (the kubelet's boolean flags), which is how the kubelet's own ones behave.
 */
export function parseStringSliceFlag(args: readonly string[], flag: string): { values: string[]; occurrences: number } | { error: string } {
  const values: string[] = [];
  let occurrences = 0;
  const normalise = (name: string) => name.replaceAll('_', '-');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && normalise(arg.slice(1)).startsWith(flag)) return { error: `unknown shorthand flag: '${arg[1]}' in ${arg}` };
      continue;
    }
    const equals = arg.indexOf('=');
    const name = normalise(arg.slice(2, equals === -1 ? undefined : equals));
    let value: string | undefined;
    if (equals !== -1) value = arg.slice(equals + 1);
    else if (name === flag) {
      value = args[i + 1];
      if (value === undefined) return { error: `flag needs an argument: --${flag}` };
      i++;
    } else if (args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) {
      i++;
    }
    if (name !== flag || value === undefined) continue;
    const record = readCsvRecord(value);
    if (typeof record === 'string') return { error: `invalid argument ${goQuote(value)} for "--${flag}" flag: ${record}` };
    occurrences++;
    values.push(...record);
  }
  return { values, occurrences };
}

function notRecognised(file: string): UserError {
  return new UserError('no kubelet allowlist found: expected a KubeletConfiguration, an OpenShift KubeletConfig or a KUBELET_EXTRA_ARGS= line', {
    where: file,
    fix: 'pass the kubelet config file, the KubeletConfig CR, or /etc/sysconfig/kubelet',
  });
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}

// --- node kernel inventory ---------------------------------------------------------------------

export interface KernelInventory {
  /** Undefined when the text is not a sysctl listing: then no sysctl is judged missing. */
  readonly names: Set<string> | undefined;
  readonly warnings: string[];
}

const SYSCTL_LINE = /^(?:\/proc\/sys\/)?[a-z0-9_][-a-z0-9_.:@+]*[./][-a-z0-9_.:@+/]*(?:\s*=.*)?$/i;

/**
 * A node kernel's sysctl inventory: `sysctl -a`, `sysctl -aN`, or `find /proc/sys -type f` output.
 * Path forms are turned into dot names the way the kubelet normalises names, so the two compare.
 * Text that does not look like such a listing (a manifest, a log) is not used: taken as an
 * inventory it would make every sysctl "unsupported".
 */
export function readKernelInventory(text: string, file: string): KernelInventory {
  const names = new Set<string>();
  let lines = 0;
  let foreign = 0;
  let firstForeign: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    lines++;
    if (!SYSCTL_LINE.test(line)) {
      foreign++;
      firstForeign ??= line;
      continue;
    }
    names.add(nameOf(line));
  }
  if (names.size === 0 || foreign * 2 > lines) {
    const why = names.size === 0 ? 'no line is a sysctl name' : `${foreign} of ${lines} lines are not sysctl names (e.g. ${JSON.stringify(shorten(firstForeign ?? ''))})`;
    return {
      names: undefined,
      warnings: [`${file} is not sysctl output (${why}): it is ignored and no sysctl is judged missing from the kernel; pass sysctl -a, sysctl -aN or find /proc/sys -type f output`],
    };
  }
  const warnings = foreign > 0 ? [`${file}: ${foreign} line(s) are not sysctl names and were skipped, e.g. ${JSON.stringify(shorten(firstForeign ?? ''))}`] : [];
  return { names, warnings };
}

/** The names alone (for callers that trust their input, e.g. the harness's own probe). */
export function parseKernelSysctls(text: string): Set<string> {
  const names = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    names.add(nameOf(line));
  }
  return names;
}

function nameOf(line: string): string {
  let name = line;
  const equals = name.indexOf('=');
  if (equals !== -1) name = name.slice(0, equals).trim();
  if (name.startsWith('/proc/sys/')) name = name.slice('/proc/sys/'.length);
  return toDotSeparated(name);
}
