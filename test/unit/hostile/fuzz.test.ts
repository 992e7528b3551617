import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../harness/errors.js';
import { readWorkloads } from '../../../harness/manifests/read-workloads.js';
import { checkScenario, parseScenario } from '../../../harness/scenario/load.js';
import { readStdinText } from './helpers.js';

// Property tests of the readers: for any text, a result or a UserError, never anything else (a
// TypeError, a RangeError, a hang). Bounded run counts, with a fixed seed so that CI runs the
// same cases every time; `FC_SEED=<n>` explores others.

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_241_202;
const runs = (n: number) => ({ numRuns: n, seed });

/** Either a result or a UserError; anything else fails the property with what was thrown. */
function readsOrRefuses(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch (error) {
    if (error instanceof UserError) return true;
    throw error;
  }
}

const SEEDS = [
  readFileSync('test/fixtures/validate/seed-deployment.yaml', 'utf8'),
  readFileSync('test/fixtures/validate/seed-misspelled.yaml', 'utf8'),
];
const SCENARIOS = ['scenarios/net-backlog.yaml', 'scenarios/default.yaml', 'scenarios/port-range.yaml'].map((path) => readFileSync(path, 'utf8'));

/** Text near YAML: fragments of real manifests and YAML's own punctuation, shuffled and cut. */
const yamlish = fc.tuple(fc.array(fc.oneof(
  fc.constantFrom(...SEEDS.flatMap((text) => text.split('\n'))),
  fc.constantFrom('---', '...', '<<: *a', '&a', '*a', '- ', ': ', '{', '}', '[', ']', '"', "'", '|', '>', '!!str', '%YAML 1.2', '#', '\t', '  ', '?', 'kind: Deployment', 'kind: List', 'items:', 'apiVersion: apps/v1', '__proto__:', 'constructor:'),
  fc.string({ maxLength: 20 }),
), { maxLength: 60 }), fc.constantFrom('\n', ' ', '')).map(([parts, joint]) => parts.join(joint));

/** A structurally plausible value: what a mutated manifest or scenario becomes once parsed. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec', 'template', 'securityContext', 'sysctls', 'name', 'value', 'items', '__proto__', 'constructor')), tie('value'), { maxKeys: 5 }),
})).value;

/** Replaces one value somewhere in a parsed document. */
function mutate(data: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || data === null || typeof data !== 'object') return replacement;
  const [step, ...rest] = path as [number, ...number[]];
  if (Array.isArray(data)) {
    if (data.length === 0) return replacement;
    const copy = [...data];
    copy[step % data.length] = mutate(data[step % data.length], rest, replacement);
    return copy;
  }
  const keys = Object.keys(data);
  if (keys.length === 0) return replacement;
  const key = keys[step % keys.length]!;
  return { ...(data as Record<string, unknown>), [key]: mutate((data as Record<string, unknown>)[key], rest, replacement) };
}

// Generous timeouts: a few hundred parses take seconds on a loaded 2-core machine.
describe('the manifest reader never crashes', { timeout: 120_000 }, () => {
  it('on YAML-like text', () => {
    fc.assert(fc.property(yamlish, (text) => readsOrRefuses(() => readWorkloads(text, 'f.yaml'))), runs(400));
  });

  it('on real manifests with one value replaced by anything', () => {
    const documents = SEEDS.map(firstDocument);
    fc.assert(fc.property(fc.constantFrom(...documents), fc.array(fc.nat(), { maxLength: 8 }), jsonValue, (document, path, replacement) => {
      const text = stringify(mutate(document, path, replacement));
      return readsOrRefuses(() => readWorkloads(text, 'm.yaml'));
    }), runs(400));
  });

  it('on arbitrary bytes through the streaming reader', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
      const read = await readStdinText(Buffer.from(bytes));
      return Array.isArray(read.templates) && Array.isArray(read.problems);
    }), runs(200));
  });
});

describe('the scenario reader never crashes', { timeout: 120_000 }, () => {
  it('on YAML-like text', () => {
    fc.assert(fc.property(yamlish, (text) => readsOrRefuses(() => parseScenario(text, 's.yaml'))), runs(300));
  });

  it('on real scenarios with one value replaced by anything', () => {
    const documents = SCENARIOS.map(firstDocument);
    fc.assert(fc.property(fc.constantFrom(...documents), fc.array(fc.nat(), { maxLength: 8 }), jsonValue, (document, path, replacement) => {
      const text = stringify(mutate(document, path, replacement));
      const result = checkScenario(text, 's.yaml');
      // Every problem is placed: file:line:column.
      return result.ok || result.problems.every((problem) => /^s\.yaml:\d+:\d+$/.test(problem.where));
    }), runs(500));
  });

  it('accepts the shipped scenarios unchanged', () => {
    for (const text of SCENARIOS) expect(checkScenario(text, 's.yaml').ok).toBe(true);
  });
});

/** The first document with content, as plain data (the seeds hold one each). */
function firstDocument(text: string): unknown {
  return text.split(/^---$/m).map((part) => part.trim()).filter(Boolean).map((part) => parse(part) as unknown)[0];
}
