import { CORE_SCHEMA, EVENT_ID, getScalarValue, NOT_RESOLVED, parseEvents, SCALAR_STYLE, type Event, type ScalarTagDefinition } from 'js-yaml';
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';

/**
 * The plain YAML tree the workload reader walks: mappings, sequences and scalars, each with the
 * 1-based line and column where it starts. Two producers make it: `js-yaml`'s event parser, fast,
 * for the plain manifests of a stream, and the `yaml` library, exact in its positions and errors,
 * for whatever the first cannot settle.
 */
export interface Position {
  readonly line: number;
  readonly col: number;
}

export type TreeNode = MapNode | SeqNode | ScalarNode;

export interface ScalarNode {
  readonly type: 'scalar';
  readonly value: string | number | boolean | null;
  readonly pos: Position;
}

export interface MapEntry {
  /** undefined when the key is not a string (a number, a mapping...). */
  readonly key: string | undefined;
  readonly keyPos: Position;
  readonly value: TreeNode;
}

export interface MapNode {
  readonly type: 'map';
  readonly entries: readonly MapEntry[];
  readonly pos: Position;
}

export interface SeqNode {
  readonly type: 'seq';
  readonly items: readonly TreeNode[];
  readonly pos: Position;
}

/**
 * Something in a document that stops it being read as a tree: an alias bomb, a merge key on
 * something other than a mapping, nesting past any manifest's. Carries the place for the message.
 */
export class TreeProblem extends Error {
  constructor(message: string, readonly pos: Position, readonly fix?: string) {
    super(message);
    this.name = 'TreeProblem';
  }
}

/** Deeper than any Kubernetes object nests; also where an alias that contains itself stops. */
export const MAX_DEPTH = 200;

/**
 * go-yaml's rule against alias bombs (kubectl reads YAML with it): once more than 100 nodes came
 * from aliases and more than 1,000 were decoded, aliases may make up at most 99 % of the nodes up
 * to 400,000 decoded, falling to 10 % at 4,000,000. A bomb trips it after about a thousand nodes.
 */
function allowedAliasRatio(decoded: number): number {
  if (decoded <= 400_000) return 0.99;
  if (decoded >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decoded - 400_000) / 3_600_000);
}

/**
 * A document's content as a tree; aliases resolved under go-yaml's alias budget, merge keys
 * (`<<`, the document parsed with `merge: true`) applied as go-yaml applies them. `lineOffset`
 * shifts lines for a chunk of a stream. Throws TreeProblem.
 */
export function treeFromYaml(document: Document, lineCounter: LineCounter, lineOffset = 0): TreeNode | null {
  const position = (node: Node | null | undefined, fallback: Position): Position => {
    if (!node?.range) return fallback;
    const pos = lineCounter.linePos(node.range[0]);
    return { line: pos.line + lineOffset, col: pos.col };
  };
  let decoded = 0;
  let fromAliases = 0;
  const convert = (raw: Node | null | undefined, fallback: Position, depth: number, inAlias: boolean): TreeNode => {
    let node = raw ?? null;
    if (node && isAlias(node)) {
      const target = (node.resolve(document) as Node | undefined) ?? null;
      if (!target) throw new TreeProblem(`unknown alias *${node.source}`, position(node, fallback), `define the anchor &${node.source} before using it`);
      node = target;
      inAlias = true;
    }
    decoded += 1;
    if (inAlias) fromAliases += 1;
    if (fromAliases > 100 && decoded > 1000 && fromAliases / decoded > allowedAliasRatio(decoded)) {
      throw new TreeProblem('document contains excessive aliasing (an alias bomb?)', position(raw, fallback), 'write the repeated parts out, or use fewer nested aliases; kubectl refuses this too');
    }
    const pos = position(node, fallback);
    if (depth > MAX_DEPTH) {
      throw new TreeProblem(`nested more than ${MAX_DEPTH} levels deep (or an alias that contains itself)`, pos, 'no Kubernetes object nests this deep: check the indentation and the anchors');
    }
    if (node && isMap(node)) return convertMap(node, pos, depth, inAlias);
    if (node && isSeq(node)) return { type: 'seq', pos, items: node.items.map((item) => convert(item as Node, pos, depth + 1, inAlias)) };
    if (node && isScalar(node)) {
      const value = node.value;
      return { type: 'scalar', pos, value: typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : value === null || value === undefined ? null : String(value) };
    }
    return { type: 'scalar', value: null, pos };
  };
  const convertMap = (node: YAMLMap<unknown, unknown>, pos: Position, depth: number, inAlias: boolean): MapNode => {
    const entries: MapEntry[] = [];
    const index = new Map<string, number>();
    const set = (entry: MapEntry): void => {
      const at = entry.key === undefined ? undefined : index.get(entry.key);
      if (at === undefined) {
        if (entry.key !== undefined) index.set(entry.key, entries.length);
        entries.push(entry);
      } else {
        entries[at] = entry;
      }
    };
    for (const pair of node.items as Pair<Node, Node | null>[]) {
      const keyPos = position(pair.key, pos);
      if (isScalar(pair.key) && typeof pair.key.value === 'symbol') {
        // go-yaml merges in order, each merged key overwriting what is there; from a list of
        // mappings, earlier ones win (it applies them last to first).
        const value = convert(pair.value, keyPos, depth + 1, inAlias);
        const sources = value.type === 'seq' ? [...value.items].reverse() : [value];
        for (const source of sources) {
          if (source.type !== 'map') {
            throw new TreeProblem('map merge requires map or sequence of maps as the value', source.pos, 'give << an alias of a mapping (<<: *defaults) or a list of them');
          }
          for (const entry of source.entries) set(entry);
        }
        continue;
      }
      const key = isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : undefined;
      set({ key, keyPos, value: convert(pair.value, keyPos, depth + 1, inAlias) });
    }
    return { type: 'map', pos, entries };
  };
  const contents = document.contents as Node | null;
  if (contents === null || (isScalar(contents) && contents.value === null)) return null;
  return convert(contents, { line: 1 + lineOffset, col: 1 }, 0, false);
}

/** A document the event reader leaves to the `yaml` library: tags, aliases, keys other than strings, duplicate keys. */
export const NEEDS_YAML = Symbol('needs the yaml library');

export interface EventDocument {
  /** The content; null for an empty document. */
  readonly tree: TreeNode | null | typeof NEEDS_YAML;
  /** The document's text, from the start of the line its content starts on to that of the next one. */
  readonly start: number;
  readonly end: number;
  /** Lines before `start`, to add to positions read from the slice. */
  readonly lineOffset: number;
}

// Read once: the loop below runs per event, hundreds of thousands of times for a large stream.
const { DOCUMENT, POP, ALIAS, SCALAR, MAPPING } = EVENT_ID;
const { PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED } = SCALAR_STYLE;
const scalarText = getScalarValue;

const IMPLICIT_SCALAR_TAGS = CORE_SCHEMA.tags.filter((tag): tag is ScalarTagDefinition => tag.nodeKind === 'scalar' && tag.implicit);

/** The implicit tags that may match a plain scalar, by its first character. */
const TAGS_BY_FIRST_CHAR = new Map<string, ScalarTagDefinition[]>();

/** A plain scalar's value in the YAML 1.2 core schema (the `yaml` library's default too). */
function resolvePlain(source: string): string | number | boolean | null {
  const first = source.charAt(0);
  let tags = TAGS_BY_FIRST_CHAR.get(first);
  if (!tags) {
    tags = IMPLICIT_SCALAR_TAGS.filter((tag) => !tag.implicitFirstChars || tag.implicitFirstChars.includes(first));
    TAGS_BY_FIRST_CHAR.set(first, tags);
  }
  for (const tag of tags) {
    const value: unknown = tag.resolve(source, false, tag.tagName);
    if (value === NOT_RESOLVED) continue;
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    return String(value);
  }
  return source;
}

interface Frame {
  readonly node: { type: 'map'; entries: MapEntry[]; pos: Position } | { type: 'seq'; items: TreeNode[]; pos: Position };
  /** Mappings: the key read, waiting for its value. */
  key?: string | undefined;
  /** Mappings: the keys seen, for the duplicate check (a Set: a hostile mapping may hold a million keys). */
  keys?: Set<string>;
  keyPos?: Position;
}

/**
 * Every document of a stream as a tree, from `js-yaml`'s event parser (`parseEvents`), which gives
 * each node's source offset. Positions are exact for mappings, sequences and plain or quoted
 * scalars, the only ones a problem-free read reports (the object's line, each sysctl entry's);
 * empty and block scalars get an approximate one. The caller re-reads a document with the `yaml`
 * library whenever it has something to report about it, so that problems carry `yaml`'s positions.
 * Returns null when the whole text is better read by `yaml`: a syntax error (its messages are the
 * ones we print), directives, a byte order mark.
 */
export function documentsFromEvents(text: string): EventDocument[] | null {
  if (text.charCodeAt(0) === 0xfeff) return null;
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return null;
  }
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  /** 0-based index of the line holding `offset`. */
  const lineIndex = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  };
  // Offsets mostly grow from one event to the next: walk a line cursor rather than search.
  let line = 0;
  let lastOffset = 0;
  const position = (offset: number): Position => {
    if (offset >= 0) lastOffset = offset;
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= lastOffset) line++;
    while (lineStarts[line]! > lastOffset) line--;
    return { line: line + 1, col: lastOffset - lineStarts[line]! + 1 };
  };

  const documents: { tree: TreeNode | null | typeof NEEDS_YAML; first: number }[] = [];
  let tree: TreeNode | null = null;
  let needsYaml = false;
  let first = -1;
  let stack: Frame[] = [];
  /** Places a finished node in its parent, or makes it the document's content. */
  const place = (node: TreeNode): void => {
    const frame = stack[stack.length - 1];
    if (!frame) {
      tree = node;
    } else if (frame.node.type === 'seq') {
      frame.node.items.push(node);
    } else if (!frame.keyPos) {
      // Keys other than strings are rare enough in manifests to leave to `yaml`, with its duplicate
      // check; so are merge keys (`<<`), which it applies.
      if (node.type !== 'scalar' || typeof node.value !== 'string' || node.value === '<<') needsYaml = true;
      else if (frame.keys?.has(node.value)) needsYaml = true;
      else (frame.keys ??= new Set()).add(node.value);
      frame.key = node.type === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
      frame.keyPos = node.pos;
    } else {
      frame.node.entries.push({ key: frame.key, keyPos: frame.keyPos, value: node });
      frame.keyPos = undefined;
    }
  };
  for (const event of events) {
    if (event.type === DOCUMENT) {
      if (event.directives.length > 0) return null;
      tree = null;
      needsYaml = false;
      first = -1;
      stack = [];
      continue;
    }
    if (event.type === POP) {
      const frame = stack.pop();
      if (frame) place(frame.node);
      else documents.push({ tree: needsYaml ? NEEDS_YAML : isNullScalar(tree) ? null : tree, first });
      continue;
    }
    if (event.type === ALIAS) {
      needsYaml = true;
      place({ type: 'scalar', value: null, pos: position(-1) });
      continue;
    }
    if (event.tagStart >= 0) needsYaml = true;
    if (event.type === SCALAR) {
      const quoted = event.style === SINGLE_QUOTED || event.style === DOUBLE_QUOTED;
      const start = event.valueStart >= 0 && quoted ? event.valueStart - 1 : event.valueStart;
      if (first < 0) first = minOffset(minOffset(start, event.anchorStart), event.tagStart);
      const source = scalarText(text, event);
      place({ type: 'scalar', value: event.style === PLAIN ? resolvePlain(source) : source, pos: position(start) });
      continue;
    }
    if (first < 0) first = minOffset(minOffset(event.start, event.anchorStart), event.tagStart);
    const pos = position(event.start);
    // Past any manifest's depth: `yaml` reads it again and reports it.
    if (stack.length >= MAX_DEPTH) needsYaml = true;
    stack.push(event.type === MAPPING
      ? { node: { type: 'map', entries: [], pos } }
      : { node: { type: 'seq', items: [], pos } });
  }

  const out: EventDocument[] = [];
  let end = text.length;
  for (let index = documents.length - 1; index >= 0; index--) {
    const document = documents[index]!;
    const line = document.first >= 0 ? lineIndex(document.first) : -1;
    const start = line >= 0 ? lineStarts[line]! : end;
    out.push({ tree: document.tree, start, end, lineOffset: Math.max(line, 0) });
    end = start;
  }
  return out.reverse();
}

function isNullScalar(node: TreeNode | null): boolean {
  return node === null || (node.type === 'scalar' && node.value === null);
}

function minOffset(a: number, b: number): number {
  return a < 0 ? b : b < 0 ? a : Math.min(a, b);
}
