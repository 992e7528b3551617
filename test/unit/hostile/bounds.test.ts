import { describe, expect, it } from 'vitest';
import { readWorkloads } from '../../../harness/manifests/read-workloads.js';
import { documentChunks, lastDocumentStart } from '../../../harness/manifests/stream.js';
import { checkScenario } from '../../../harness/scenario/load.js';
import { aliasBomb, pod, readStdinText } from './helpers.js';

// Class: unbounded resources. Every input is bounded by a cap with a message that names it and
// how to raise it, and no input makes the readers recurse or allocate without bound.

describe('caps on what validate reads', { timeout: 120_000 }, () => {
  it('stops at the document cap, naming it and the flag that raises it', async () => {
    const stream = Array.from({ length: 30 }, (_, i) => pod(`p${i}`)).join('---\n');
    const read = await readStdinText(stream, { maxBytes: 1 << 20, maxDocuments: 10 });
    const problem = read.problems.at(-1);
    expect(problem).toMatchObject({ source: '<stdin>', message: expect.stringContaining('more than 10 YAML documents') });
    expect(problem?.fix).toContain('--max-documents');
  });

  it('stops at the size cap, naming it and the flag that raises it', async () => {
    const stream = Array.from({ length: 200 }, (_, i) => pod(`p${i}`)).join('---\n');
    const read = await readStdinText(stream, { maxBytes: 4096, maxDocuments: 1000 });
    expect(read.problems.at(-1)).toMatchObject({ message: expect.stringContaining('larger than the 4 KiB cap'), fix: expect.stringContaining('--max-input-size') });
  });

  it('keeps at most 1,000 problems and counts the rest', async () => {
    const junk = Array.from({ length: 1500 }, () => '{apiVersion: v1}').join('\n---\n');
    const read = await readStdinText(junk);
    expect(read.problems).toHaveLength(1001);
    expect(read.problems.at(-1)?.message).toContain('500 more problem(s) not shown');
  });

  it('reads 130,000 workloads of one stream without spreading them into one call', { timeout: 120_000 }, async () => {
    // `templates.push(...read.templates)` overflowed the stack at about 125,000 templates.
    const one = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n';
    const read = await readStdinText(Array.from({ length: 130_000 }, () => one).join('---\n'), { maxBytes: 64 << 20, maxDocuments: 200_000 });
    expect(read.problems).toEqual([]);
    expect(read.templates).toHaveLength(130_000);
  });
});

describe('YAML alias bombs', { timeout: 120_000 }, () => {
  it('refuses one in a manifest with go-yaml\'s (kubectl\'s) verdict, at its place', () => {
    const result = readWorkloads(aliasBomb('apiVersion: v1\nkind: Pod\nmetadata: {name: p}'), 'bomb.yaml');
    expect(result.templates).toEqual([]);
    expect(result.problems).toEqual([expect.objectContaining({ source: expect.stringMatching(/^bomb\.yaml:\d+:\d+$/), message: expect.stringContaining('excessive aliasing') })]);
  });

  it('refuses one in a scenario with a placed problem, not an internal error', () => {
    const result = checkScenario(aliasBomb('apiVersion: sysctl-bench/v1\nkind: Scenario'), 's.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ where: expect.stringMatching(/^s\.yaml:\d+:\d+$/), message: expect.stringContaining('alias') });
  });

  it('still expands ordinary aliases as kubectl does', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    sysctls:\n    - &s {name: kernel.msgmax, value: "65536"}\n    - *s\n  containers: []\n';
    expect(readWorkloads(text, 'a.yaml').templates[0]?.sysctls.map((s) => s.name)).toEqual(['kernel.msgmax', 'kernel.msgmax']);
  });
});

describe('nesting and sizes that would recurse or allocate without bound', { timeout: 120_000 }, () => {
  it('reports brackets nested 100,000 deep as a problem', () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
    const result = readWorkloads(text, 'deep.yaml');
    expect(result.templates).toEqual([]);
    expect(result.problems.length).toBeGreaterThan(0);
  });

  it('reports nested Lists past any manifest\'s depth as a problem', () => {
    let text = pod('p');
    for (let i = 0; i < 300; i++) text = `apiVersion: v1\nkind: List\nitems:\n- ${text.trimEnd().split('\n').join('\n  ')}\n`;
    const result = readWorkloads(text, 'lists.yaml');
    expect(result.problems[0]?.message).toContain('nested more than 200 levels');
  });

  it('clips a megabyte-long unknown field name in the message', () => {
    const key = 'x'.repeat(1_000_000);
    // An explicit key (`? `): YAML caps implicit ones at 1024 characters.
    const result = readWorkloads(`apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  ? ${key}\n  : 1\n  containers: []\n`, 'k.yaml');
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.message.length).toBeLessThan(400);
    expect(result.problems[0]!.message).toContain('(1000000 characters)');
  });

  it('checks duplicate keys of a mapping with 100,000 keys without quadratic work', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `  k${i}: v`).join('\n');
    const result = readWorkloads(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n${keys}\n`, 'c.yaml');
    expect(result.problems).toEqual([]);
  });
});

describe('the stream is cut between whole documents', { timeout: 120_000 }, () => {
  it('cuts only at a document-start line, never inside a scalar\'s text or after a directive', () => {
    const bytes = Buffer.from('a: 1\n---\nb: |\n  ----\n  --- not a marker\n---x: 1\n%YAML 1.2\n---\nc: 1\n');
    // The last `---` follows a directive: cutting there would part them; the one before is the cut.
    expect(bytes.subarray(lastDocumentStart(bytes)).toString()).toMatch(/^---\nb: \|/);
  });

  it('gives the same templates and lines as one whole read, with tiny chunks', async () => {
    const docs = Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? 'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  hostPID: yes\n  valule: 1\n' : pod(`p${i}`)));
    const text = `# header\n${docs.join('---\n')}`;
    const whole = readWorkloads(text, 'f.yaml');
    const templates = [];
    const problems = [];
    for await (const chunk of documentChunks((async function* () { yield Buffer.from(text); })(), 'f.yaml', () => undefined, 64)) {
      const read = readWorkloads(chunk.text, 'f.yaml', { lineOffset: chunk.lineOffset });
      templates.push(...read.templates);
      problems.push(...read.problems);
    }
    expect(templates).toEqual(whole.templates);
    expect(problems).toEqual(whole.problems);
    expect(problems.length).toBeGreaterThan(0);
  });
});
