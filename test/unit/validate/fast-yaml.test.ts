import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { chunkText, fastParseDocument, splitDocuments, UNSUPPORTED } from '../../../harness/manifests/fast-yaml.js';
import { treeFromYaml } from '../../../harness/manifests/tree.js';

/** The fast reader may decline a document, but what it returns must equal the `yaml` library's tree. */
function expectSameTree(text: string): 'fast' | 'fallback' {
  const chunks = splitDocuments(text);
  if (!chunks) return 'fallback';
  let used: 'fast' | 'fallback' = 'fast';
  for (const chunk of chunks) {
    const fast = fastParseDocument(chunk);
    if (fast === UNSUPPORTED) {
      used = 'fallback';
      continue;
    }
    const lineCounter = new LineCounter();
    const document = parseDocument(chunkText(chunk), { lineCounter, uniqueKeys: true });
    expect(document.errors).toEqual([]);
    expect(fast).toEqual(treeFromYaml(document, lineCounter, chunk.startLine - 1));
  }
  return used;
}

const FAST_CASES: Array<[string, string]> = [
  ['the seed deployment', readFileSync('test/fixtures/validate/seed-deployment.yaml', 'utf8')],
  ['the misspelled seed', readFileSync('test/fixtures/validate/seed-misspelled.yaml', 'utf8')],
  ['compact and indented sequences', 'a:\n- x\n- y\nb:\n  - name: n\n    value: "1"\n  - name: m\n    value: \'it\'\'s\'\n'],
  ['scalars of every core type', 'i: 42\nneg: -7\nf: 1.5\ne: 1e3\nt: true\nF: False\nn: null\ntilde: ~\nempty:\ns: hello world\nurl: http://x:80/y\nq: "a \\"b\\" \\\\ c"\n'],
  ['comments everywhere', '# head\na: 1 # trailing\n# between\nb:\n  # inside\n  c: "x" # after quote\n'],
  ['one-line flow collections', 'labels: { app: web, tier: "front" }\ncmd: ["sleep", infinity, 3]\nnone: []\nnada: {}\ntrailing: [a, b, ]\n'],
  ['a multi-document stream with empty documents', '---\na: 1\n---\n# only a comment\n---\nkind: Pod\nspec:\n  containers: []\n'],
  ['sequences of mappings with nested sequences', 'containers:\n- name: c\n  command:\n  - sh\n  - -c\n  ports:\n  - containerPort: 80\n    protocol: TCP\n'],
  ['keys with dashes, dots and slashes', 'metadata:\n  labels:\n    app.kubernetes.io/name: x\n    -weird: y\n'],
  ['a null sequence item', 'a:\n-\n- b\n'],
  ['null values followed by comments', 'a: # nothing\nb:\n- # none\n- c\n'],
];

const FALLBACK_CASES: Array<[string, string]> = [
  ['anchors and aliases', 'a: &x 1\nb: *x\n'],
  ['block scalars', 'script: |\n  echo hi\n'],
  ['tags', 'a: !!str 1\n'],
  ['multi-line plain scalars', 'a: one\n  two\n'],
  ['nested flow collections', 'a: [[1, 2]]\n'],
  ['numeric keys', '1: a\n'],
  ['duplicate keys', 'a: 1\na: 2\n'],
  ['tabs', 'a:\n\tb: 1\n'],
  ['directives', '%YAML 1.2\n---\na: 1\n'],
  ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
  ['hex numbers', 'a: 0x1F\n'],
];

describe('fast manifest reader', () => {
  it.each(FAST_CASES)('reads %s exactly as the yaml library does', (_name, text) => {
    expect(expectSameTree(text)).toBe('fast');
  });

  it.each(FALLBACK_CASES)('declines %s (the yaml library reads them)', (_name, text) => {
    expect(expectSameTree(text)).toBe('fallback');
  });

  it('keeps line numbers across documents of a stream', () => {
    const chunks = splitDocuments('a: 1\n---\nb: 2\n---\n\nc: 3\n')!;
    expect(chunks.map((c) => c.startLine)).toEqual([1, 3, 5]);
    const last = fastParseDocument(chunks[2]!);
    expect(last !== UNSUPPORTED && last?.type === 'map' && last.entries[0]?.keyPos).toEqual({ line: 6, col: 1 });
  });
});
