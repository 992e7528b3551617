import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';

/**
 * The plain YAML tree the workload reader walks: mappings, sequences and scalars, each with the
 * 1-based line and column where it starts. Two producers make it: the fast reader for the block
 * style manifests are written in, and the `yaml` library for everything else.
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

/** A document's content as a tree; aliases resolved. `lineOffset` shifts lines for a chunk of a stream. */
export function treeFromYaml(document: Document, lineCounter: LineCounter, lineOffset = 0): TreeNode | null {
  const position = (node: Node | null | undefined, fallback: Position): Position => {
    if (!node?.range) return fallback;
    const pos = lineCounter.linePos(node.range[0]);
    return { line: pos.line + lineOffset, col: pos.col };
  };
  const convert = (raw: Node | null | undefined, fallback: Position, depth: number): TreeNode => {
    let node = raw ?? null;
    if (node && isAlias(node)) node = (node.resolve(document) as Node | undefined) ?? null;
    // An alias cycle or absurd nesting is not a manifest; stop rather than recurse forever.
    if (depth > 200) return { type: 'scalar', value: null, pos: fallback };
    const pos = position(node, fallback);
    if (node && isMap(node)) {
      return {
        type: 'map', pos,
        entries: (node.items as Pair<Node, Node | null>[]).map((pair) => {
          const keyPos = position(pair.key, pos);
          const key = isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : undefined;
          return { key, keyPos, value: convert(pair.value, keyPos, depth + 1) };
        }),
      };
    }
    if (node && isSeq(node)) return { type: 'seq', pos, items: node.items.map((item) => convert(item as Node, pos, depth + 1)) };
    if (node && isScalar(node)) {
      const value = node.value;
      return { type: 'scalar', pos, value: typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : value === null || value === undefined ? null : String(value) };
    }
    return { type: 'scalar', value: null, pos };
  };
  const contents = document.contents as Node | null;
  if (contents === null || (isScalar(contents) && contents.value === null)) return null;
  return convert(contents, { line: 1 + lineOffset, col: 1 }, 0);
}
