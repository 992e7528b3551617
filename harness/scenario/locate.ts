import { isMap, isSeq, isScalar, type Document, type LineCounter, type Node, type Pair } from 'yaml';

/**
 * Finds where a field path lives in a parsed YAML document, for messages that point at
 * file:line:column. A path that does not exist (a missing field) resolves to its nearest parent.
 */
export interface Located {
  readonly line: number;
  readonly col: number;
  /** True when the exact path was found; false when the position is a parent's. */
  readonly exact: boolean;
}

export function locate(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[], at: 'key' | 'value' = 'value'): Located {
  let node: Node | null = document.contents as Node | null;
  let keyNode: Node | undefined;
  let exact = true;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = (node.items as Pair<Node, Node | null>[]).find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) {
        exact = false;
        break;
      }
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      keyNode = undefined;
      node = node.items[segment] as Node;
    } else {
      exact = false;
      break;
    }
  }
  const target = at === 'key' && exact && keyNode ? keyNode : (node ?? keyNode);
  const pos = lineCounter.linePos(target?.range?.[0] ?? 0);
  return { line: pos.line, col: pos.col, exact };
}
