import { readFileSync } from 'node:fs';
import { LineCounter, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readWorkloads } from '../../../harness/manifests/read-workloads.js';
import { documentsFromEvents, NEEDS_YAML, treeFromYaml, type TreeNode } from '../../../harness/manifests/tree.js';

/**
 * Empty and block scalars get an approximate position from the event reader (a problem about
 * them is reported from the `yaml` library's tree), so their positions are left out here.
 */
function comparable(node: TreeNode | null): unknown {
  if (!node) return node;
  if (node.type === 'map') return { ...node, entries: node.entries.map((entry) => ({ ...entry, value: comparable(entry.value) })) };
  if (node.type === 'seq') return { ...node, items: node.items.map(comparable) };
  const approximate = node.value === null || (typeof node.value === 'string' && node.value.includes('\n'));
  return approximate ? { type: node.type, value: node.value } : node;
}

function yamlTrees(text: string): unknown[] {
  const lineCounter = new LineCounter();
  return parseAllDocuments(text, { lineCounter, uniqueKeys: true }).map((document) => {
    expect(document.errors).toEqual([]);
    return comparable(treeFromYaml(document, lineCounter));
  });
}

const SAME_CASES: Array<[string, string]> = [
  ['the seed deployment', readFileSync('test/fixtures/validate/seed-deployment.yaml', 'utf8')],
  ['the misspelled seed', readFileSync('test/fixtures/validate/seed-misspelled.yaml', 'utf8')],
  ['compact and indented sequences', 'a:\n- x\n- y\nb:\n  - name: n\n    value: "1"\n  - name: m\n    value: \'it\'\'s\'\n'],
  ['scalars of the core schema', 'i: 42\nneg: -7\nplus: +12\noct: 0o17\nhex: 0x1F\nf: 1.5\ne: 1e3\ndot: .5\ninf: -.inf\nnan: .NaN\nt: true\nF: False\nT: TRUE\nn: null\nN: Null\ntilde: ~\nempty:\ns: hello world\nyes: yes\nno: off\nu: 1_000\nv: 0b11\nts: 2001-12-14\nurl: http://x:80/y\nq: "a \\"b\\" \\\\ c"\n'],
  ['comments everywhere', '# head\na: 1 # trailing\n# between\nb:\n  # inside\n  c: "x" # after quote\n'],
  ['flow collections', 'labels: { app: web, tier: "front" }\ncmd: ["sleep", infinity, 3]\nnone: []\nnada: {}\nnested: [[1, 2], {a: [b]}]\n'],
  ['a multi-document stream with empty documents', '---\na: 1\n---\n# only a comment\n---\nkind: Pod\nspec:\n  containers: []\n'],
  ['block scalars and multi-line scalars', 'script: |\n  echo hi\n  echo there\nfolded: >\n  one\n  two\nplain: one\n  two\nquoted: "one\n  two"\nafter: x\n'],
  ['anchors without aliases', 'metadata: &m\n  name: x\nspec: &s {a: 1}\n'],
  ['null values and items', 'a: # nothing\nb:\n- # none\n- c\n-\n'],
  ['CRLF line ends', 'a: 1\r\nb:\r\n  c: "x"\r\n'],
  ['a JSON manifest', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'c', args: ['a', 1, true, null] }] } }, null, 2)],
];

describe('documentsFromEvents (js-yaml events)', () => {
  it.each(SAME_CASES)('reads %s as the yaml library does', (_name, text) => {
    const documents = documentsFromEvents(text);
    expect(documents).not.toBeNull();
    expect(documents!.map((document) => comparable(document.tree as TreeNode | null))).toEqual(yamlTrees(text));
  });

  it.each([
    ['aliases', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !!str 1\n'],
    ['numeric keys', '1: a\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
  ])('leaves a document with %s to the yaml library', (_name, text) => {
    const documents = documentsFromEvents(`kind: Service\n---\n${text}`);
    expect(documents?.map((document) => document.tree === NEEDS_YAML)).toEqual([false, true]);
  });

  it.each([
    ['syntax errors', 'kind: Pod\nspec: [unclosed\n'],
    ['directives', '%YAML 1.2\n---\na: 1\n'],
    ['a byte order mark', '\uFEFFa: 1\n'],
  ])('leaves a text with %s to the yaml library', (_name, text) => {
    expect(documentsFromEvents(text)).toBeNull();
  });

  it('gives each document its own slice of the text, from the line its content starts on', () => {
    const text = 'a: 1\n---\n# comment\nb: 2\n---\n\n- c\n';
    const documents = documentsFromEvents(text)!;
    expect(documents.map((document) => [text.slice(document.start, document.end), document.lineOffset])).toEqual([
      ['a: 1\n---\n# comment\n', 0], ['b: 2\n---\n\n', 3], ['- c\n', 6],
    ]);
  });
});

describe('readWorkloads on event trees', () => {
  it('reports a problem at the yaml library\'s position, even for an empty or block scalar', () => {
    const pod = (value: string) => `{apiVersion: v1, kind: Service}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    sysctls:\n    - name: kernel.sem\n      value:${value}\n`;
    expect(readWorkloads(pod(''), 'p.yaml').problems).toEqual([expect.objectContaining({ source: 'p.yaml:10:13', message: 'spec.securityContext.sysctls[0].value must be a string, got null' })]);
    const blockSpec = '{apiVersion: v1, kind: Service}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: |\n  text\n';
    expect(readWorkloads(blockSpec, 'p.yaml').problems).toEqual([expect.objectContaining({ source: 'p.yaml:6:7', message: 'spec must be a mapping (a PodSpec)' })]);
    expect(readWorkloads(pod(' "1 2 3 4"'), 'p.yaml')).toMatchObject({ problems: [], templates: [{ source: 'p.yaml:3' }] });
  });

  it('reads a document with aliases or duplicate keys with the yaml library, keeping stream lines', () => {
    const text = '{apiVersion: v1, kind: Service}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: &sc\n    sysctls:\n    - name: kernel.sem\n      value: "1 2 3 4"\n  hostIPC: false\n  hostIPC: false\n';
    expect(readWorkloads(text, 'd.yaml').problems).toEqual([expect.objectContaining({ source: expect.stringMatching(/^d\.yaml:12:\d+$/) })]);
    const aliased = 'x: &v "1 2 3 4"\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    sysctls:\n    - name: kernel.sem\n      value: &w "1 2 3 4"\n    - name: kernel.msgmax\n      value: *w\n';
    expect(readWorkloads(aliased, 'a.yaml').templates[0]?.sysctls.map((s) => s.source)).toEqual(['a.yaml:9:7', 'a.yaml:11:7']);
  });
});
