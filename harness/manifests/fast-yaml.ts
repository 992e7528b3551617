import type { MapEntry, Position, ScalarNode, TreeNode } from './tree.js';

/**
 * A fast reader for the plain block YAML that Kubernetes manifests are written in: block mappings
 * and sequences, plain and single-line quoted scalars, one-line flow collections of scalars,
 * comments. Anything else (anchors, tags, block scalars, multi-line scalars, complex keys...)
 * returns UNSUPPORTED and the caller uses the full `yaml` parser for that document, so the fast
 * path only ever changes speed, never results. The `yaml` library is exact but costs about a
 * millisecond per manifest; this reads the same in a few microseconds.
 */
export const UNSUPPORTED = Symbol('unsupported');
type Result = TreeNode | null | typeof UNSUPPORTED;

export interface DocumentChunk {
  readonly lines: readonly string[];
  /** 1-based line of the chunk's first line in the stream. */
  readonly startLine: number;
}

export function chunkText(chunk: DocumentChunk): string {
  return chunk.lines.join('\n');
}

/** Splits a stream on `---` lines; undefined when the stream uses something the split cannot honour. */
export function splitDocuments(text: string): DocumentChunk[] | undefined {
  if (text.includes('\r') || text.includes('\t') || text.charCodeAt(0) === 0xfeff) return undefined;
  const lines = text.split('\n');
  const chunks: DocumentChunk[] = [];
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('%') || line.startsWith('...')) return undefined;
    if (line.startsWith('---')) {
      if (!/^---\s*(#.*)?$/.test(line)) return undefined;
      chunks.push({ lines: lines.slice(start, i), startLine: start + 1 });
      start = i + 1;
    }
  }
  chunks.push({ lines: lines.slice(start), startLine: start + 1 });
  return chunks;
}

interface Line {
  readonly indent: number;
  /** The content after the indentation, comments not yet removed. */
  readonly text: string;
  readonly line: number;
  /** Trailing whitespace was trimmed (it moves where `yaml` places an empty value). */
  readonly trailing?: boolean;
}

class Unsupported extends Error {}

/** The tree of one document chunk, null for an empty document, UNSUPPORTED to fall back. */
export function fastParseDocument(chunk: DocumentChunk): Result {
  const lines: Line[] = [];
  chunk.lines.forEach((raw, index) => {
    const content = raw.trimStart();
    if (content === '' || content.startsWith('#')) return;
    const text = content.trimEnd();
    lines.push({ indent: raw.length - content.length, text, line: chunk.startLine + index, trailing: text.length !== content.length });
  });
  if (lines.length === 0) return null;
  try {
    const reader = new BlockReader(lines);
    const tree = reader.block(lines[0]!.indent);
    if (!reader.done()) return UNSUPPORTED;
    return tree;
  } catch (error) {
    if (error instanceof Unsupported) return UNSUPPORTED;
    throw error;
  }
}

const PLAIN_KEY_FORBIDDEN_START = ' #\'"{}[],&*!|>%@`?:';
const DOUBLE_QUOTED_KEY = /^"((?:[^"\\]|\\.)*)"\s*:(?:\s|$)/;
const SINGLE_QUOTED_KEY = /^'((?:[^']|'')*)'\s*:(?:\s|$)/;

class BlockReader {
  private index = 0;
  constructor(private readonly lines: Line[]) {}

  done(): boolean {
    return this.index >= this.lines.length;
  }

  private peek(): Line | undefined {
    return this.lines[this.index];
  }

  block(indent: number): TreeNode {
    const line = this.peek()!;
    if (line.indent !== indent) throw new Unsupported();
    return isSeqItem(line.text) ? this.sequence(indent) : this.mapping(indent);
  }

  private mapping(indent: number): TreeNode {
    const entries: MapEntry[] = [];
    const seen = new Set<string>();
    const start = this.peek()!;
    for (let line = this.peek(); line && line.indent === indent && !isSeqItem(line.text); line = this.peek()) {
      const entry = this.entry(line);
      if (seen.has(entry.key!)) throw new Unsupported(); // duplicate keys: let `yaml` report them
      seen.add(entry.key!);
      entries.push(entry);
    }
    const next = this.peek();
    if (next && next.indent > indent) throw new Unsupported();
    return { type: 'map', entries, pos: { line: start.line, col: start.indent + 1 } };
  }

  private entry(line: Line): MapEntry {
    const key = parseKey(line.text);
    if (!key) throw new Unsupported();
    const keyPos = { line: line.line, col: line.indent + 1 };
    const restColumn = line.indent + key.length;
    const rest = line.text.slice(key.length);
    this.index++;
    const trimmed = rest.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) {
      const next = this.peek();
      if (next && next.indent > line.indent) return { key: key.name, keyPos, value: this.block(next.indent) };
      // Kubernetes' favourite: a sequence at the same indentation as its key.
      if (next && next.indent === line.indent && isSeqItem(next.text)) return { key: key.name, keyPos, value: this.sequence(line.indent) };
      return { key: key.name, keyPos, value: emptyValue(line, restColumn, rest) };
    }
    const column = restColumn + (rest.length - trimmed.length) + 1;
    return { key: key.name, keyPos, value: inlineValue(trimmed, { line: line.line, col: column }) };
  }

  private sequence(indent: number): TreeNode {
    const items: TreeNode[] = [];
    const start = this.peek()!;
    for (let line = this.peek(); line && line.indent === indent && isSeqItem(line.text); line = this.peek()) {
      const content = line.text.slice(1).trimStart();
      const column = line.indent + (line.text.length - content.length);
      if (content === '' || content.startsWith('#')) {
        this.index++;
        const next = this.peek();
        if (next && next.indent > indent) items.push(this.block(next.indent));
        else items.push(emptyValue(line, line.indent + 1, line.text.slice(1)));
      } else if (isSeqItem(content)) {
        throw new Unsupported();
      } else if (parseKey(content)) {
        // "- key: value" opens a mapping whose keys line up with `key`.
        this.lines[this.index] = { indent: column, text: content, line: line.line };
        items.push(this.mapping(column));
      } else {
        this.index++;
        items.push(inlineValue(content, { line: line.line, col: column + 1 }));
        const next = this.peek();
        if (next && next.indent > indent) throw new Unsupported();
      }
    }
    return { type: 'seq', items, pos: { line: start.line, col: start.indent + 1 } };
  }
}

/** A null value where nothing follows the indicator: `yaml` places it at the comment, or just after. */
function emptyValue(line: Line, restColumn: number, rest: string): ScalarNode {
  const comment = rest.indexOf('#');
  if (comment === -1 && line.trailing) throw new Unsupported();
  return { type: 'scalar', value: null, pos: { line: line.line, col: restColumn + 1 + (comment === -1 ? 0 : comment) } };
}

function isSeqItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function parseKey(text: string): { name: string; length: number } | undefined {
  const first = text[0];
  if (first === '"' || first === "'") {
    const match = (first === '"' ? DOUBLE_QUOTED_KEY : SINGLE_QUOTED_KEY).exec(text);
    if (!match) return undefined;
    const name = first === '"' ? unescapeDouble(match[1]!) : match[1]!.replaceAll("''", "'");
    return { name, length: match[0].trimEnd().length };
  }
  if (first === undefined || PLAIN_KEY_FORBIDDEN_START.includes(first) || (first === '-' && (text.length === 1 || text[1] === ' '))) return undefined;
  // The key ends at the first ':' followed by a space or the end of the line.
  let colon = text.indexOf(':');
  while (colon !== -1 && colon + 1 < text.length && text[colon + 1] !== ' ') colon = text.indexOf(':', colon + 1);
  if (colon === -1) return undefined;
  const raw = text.slice(0, colon);
  if (raw.includes('#')) return undefined;
  const name = raw.trimEnd();
  if (name === '') return undefined;
  // A plain key that the core schema would read as a number, boolean or null is not a string key.
  if (typeof plainScalar(name) !== 'string') throw new Unsupported();
  return { name, length: colon + 1 };
}

/** A value that starts and ends on this line. */
function inlineValue(text: string, pos: Position): TreeNode {
  const first = text[0];
  if (first === '"' || first === "'") {
    const { value, end } = quoted(text, 0);
    const after = text.slice(end).trimStart();
    if (after !== '' && !after.startsWith('#')) throw new Unsupported();
    return { type: 'scalar', value, pos };
  }
  if (first === '{' || first === '[') return flow(text, pos);
  if ('&*!|>%@`'.includes(first!)) throw new Unsupported();
  const commentAt = text.search(/\s#/);
  const plain = (commentAt === -1 ? text : text.slice(0, commentAt)).trimEnd();
  if (/:(\s|$)/.test(plain)) throw new Unsupported();
  return { type: 'scalar', value: plainScalar(plain), pos };
}

function quoted(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  if (quote === "'") {
    let value = '';
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === "'") {
        if (text[i + 1] === "'") {
          value += "'";
          i++;
        } else return { value, end: i + 1 };
      } else value += text[i];
    }
    throw new Unsupported(); // continues on the next line
  }
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return { value: unescapeDouble(text.slice(start + 1, i)), end: i + 1 };
  }
  throw new Unsupported();
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', ' ': ' ' };

function unescapeDouble(body: string): string {
  if (!body.includes('\\')) return body;
  return body.replace(/\\(.)/g, (_, ch: string) => {
    const replacement = SIMPLE_ESCAPES[ch];
    if (replacement === undefined) throw new Unsupported();
    return replacement;
  });
}

/** One-line flow collections of scalars: [a, "b", 3] and {k: v, "x": 1}. Nesting falls back. */
function flow(text: string, pos: Position): TreeNode {
  const open = text[0]!;
  const close = open === '[' ? ']' : '}';
  const items: TreeNode[] = [];
  const entries: MapEntry[] = [];
  let i = 1;
  const skipSpace = () => {
    while (text[i] === ' ') i++;
  };
  const scalarAt = (stops: string): ScalarNode => {
    skipSpace();
    const at = { line: pos.line, col: pos.col + i };
    if (text[i] === '"' || text[i] === "'") {
      const { value, end } = quoted(text, i);
      i = end;
      return { type: 'scalar', value, pos: at };
    }
    const startIndex = i;
    while (i < text.length && !stops.includes(text[i]!)) i++;
    const raw = text.slice(startIndex, i).trim();
    if (raw === '' || /[[\]{}#&*!|>%@`]/.test(raw[0]!) || raw.includes(': ')) throw new Unsupported();
    return { type: 'scalar', value: plainScalar(raw), pos: at };
  };
  skipSpace();
  if (text[i] !== close) {
    for (;;) {
      if (open === '[') {
        items.push(scalarAt(',]'));
      } else {
        const key = scalarAt(':,}');
        if (text[i] !== ':' || typeof key.value !== 'string') throw new Unsupported();
        i++;
        if (entries.some((entry) => entry.key === key.value)) throw new Unsupported();
        entries.push({ key: key.value, keyPos: key.pos, value: scalarAt(',}') });
      }
      skipSpace();
      if (text[i] === ',') {
        i++;
        skipSpace();
        if (text[i] === close) break; // trailing comma
        continue;
      }
      break;
    }
  }
  if (text[i] !== close) throw new Unsupported();
  const after = text.slice(i + 1).trimStart();
  if (after !== '' && !after.startsWith('#')) throw new Unsupported();
  return open === '[' ? { type: 'seq', items, pos } : { type: 'map', entries, pos };
}

const MAYBE_NOT_STRING = new Set([...'0123456789+-.~nNtTfF'].map((ch) => ch.charCodeAt(0)));

/** YAML 1.2 core schema, as the `yaml` library resolves plain scalars; unusual forms fall back. */
function plainScalar(text: string): string | number | boolean | null {
  // Most scalars are names and words: only these first characters can make anything but a string.
  if (!MAYBE_NOT_STRING.has(text.charCodeAt(0)) && text !== '') return text;
  if (text === '' || text === '~' || text === 'null' || text === 'Null' || text === 'NULL') return null;
  if (text === 'true' || text === 'True' || text === 'TRUE') return true;
  if (text === 'false' || text === 'False' || text === 'FALSE') return false;
  if (/^[-+]?[0-9]+$/.test(text)) {
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw new Unsupported();
    return value;
  }
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (/^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/.test(text) || /^0[ox]/.test(text)) throw new Unsupported();
  return text;
}
