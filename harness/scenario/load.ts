import { isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { readTextFileSync } from '../input/files.js';
import { closestName } from '../manifests/suggest.js';
import { clip } from '../text/terminal.js';
import { locate } from './locate.js';
import { ScenarioSchema, type Scenario } from './schema.js';

/** One thing wrong with a scenario file, placed and explained. */
export interface ScenarioProblem {
  /** file:line:column */
  readonly where: string;
  /** The field, as a dotted path (spec.workloads[0].pool). */
  readonly field: string;
  readonly message: string;
  readonly fix?: string;
}

/**
 * Reads and validates a scenario file completely before anything starts: every problem is
 * reported at once, each with file:line:column, the field and a fix. Throws UserError.
 */
export function loadScenario(path: string): Scenario {
  const text = readTextFileSync(path, {
    what: 'the scenario file',
    maxBytes: MAX_SCENARIO_BYTES,
    raise: `a scenario is a few kilobytes; ${MAX_SCENARIO_BYTES / 1024} KiB is the cap: check that this is the scenario file (scenarios/*.yaml)`,
  });
  return parseScenario(text, path);
}

/** A scenario is a page of YAML; this is generous and keeps a wrong path from being read for long. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

export function parseScenario(text: string, file: string): Scenario {
  const result = checkScenario(text, file);
  if (result.ok) return result.scenario;
  const [first, ...rest] = result.problems;
  const others = rest.map((p) => `\n  ${p.where}: ${p.field ? `${p.field}: ` : ''}${p.message}${p.fix ? ` (fix: ${p.fix})` : ''}`).join('');
  throw new UserError(`${first!.field ? `${first!.field}: ` : ''}${first!.message}${others}`, {
    where: first!.where,
    ...(first!.fix ? { fix: first!.fix } : {}),
  });
}

export type ScenarioCheck = { ok: true; scenario: Scenario } | { ok: false; problems: ScenarioProblem[] };

/** Validation without throwing: every problem, in file order. */
export function checkScenario(text: string, file: string): ScenarioCheck {
  const lineCounter = new LineCounter();
  const problemAt = (offset: number, message: string, fix?: string): ScenarioCheck => {
    const pos = lineCounter.linePos(offset);
    return { ok: false, problems: [{ where: `${file}:${pos.line}:${pos.col}`, field: '', message, ...(fix ? { fix } : {}) }] };
  };
  let document: Document;
  try {
    // Merge keys (<<) as kubectl reads them; aliases under the yaml library's budget (toJS below).
    document = parseDocument(text, { lineCounter, uniqueKeys: true, merge: true });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return problemAt(0, 'nested too deeply to read', 'a scenario nests a few levels: check the brackets');
  }
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => {
        const pos = lineCounter.linePos(error.pos[0]);
        return { where: `${file}:${pos.line}:${pos.col}`, field: '', message: `not valid YAML: ${clip(error.message.split('\n')[0] ?? '')}` };
      }),
    };
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (error instanceof ReferenceError) {
      return problemAt(firstAliasOffset(document), `more than ${MAX_ALIAS_COUNT} alias expansions (a YAML alias bomb?)`, 'write the repeated parts out, or use fewer aliases');
    }
    if (error instanceof RangeError) return problemAt(0, 'nested too deeply to read (or an alias that contains itself)', 'check the brackets and anchors');
    // The yaml library refuses what it cannot make data of (a merge key on a scalar...) by throwing.
    if (error instanceof Error) return problemAt(firstMergeOffset(document), `not valid YAML: ${clip(error.message.split('\n')[0] ?? '')}`, 'give << an alias of a mapping (<<: *defaults) or a list of them');
    throw error;
  }
  const proto = protoKeyPath(data);
  if (proto) {
    const pos = locate(document, lineCounter, proto, 'key');
    return { ok: false, problems: [{ where: `${file}:${pos.line}:${pos.col}`, field: fieldName(proto), message: 'a key named __proto__ is not allowed', fix: 'remove or rename it' }] };
  }
  const parsed = ScenarioSchema.safeParse(data, { reportInput: true });
  if (parsed.success) return { ok: true, scenario: parsed.data };
  const problems = parsed.error.issues.flatMap((issue) => describeIssue(issue, data, document, lineCounter, file));
  problems.sort((a, b) => lineOf(a) - lineOf(b));
  return { ok: false, problems: withoutMissingThatWasMisspelled(problems) };
}

/** The yaml library's own default: a scenario has no reason to alias more. */
const MAX_ALIAS_COUNT = 100;

function firstMergeOffset(document: Document): number {
  let offset = 0;
  visit(document, { Pair: (_key, pair) => {
    if (isScalar(pair.key) && typeof pair.key.value === 'symbol') {
      offset = pair.key.range?.[0] ?? 0;
      return visit.BREAK;
    }
    return undefined;
  } });
  return offset;
}

function firstAliasOffset(document: Document): number {
  let offset = 0;
  visit(document, { Alias: (_key, node) => { offset = node.range?.[0] ?? 0; return visit.BREAK; } });
  return offset;
}

/** The path of a `__proto__` key: a plain object would take it as its prototype and the key would vanish. */
function protoKeyPath(data: unknown, path: (string | number)[] = [], depth = 0): (string | number)[] | undefined {
  if (depth > 64 || data === null || typeof data !== 'object') return undefined;
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      const found = protoKeyPath(data[i], [...path, i], depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(data)) {
    if (key === '__proto__') return [...path, key];
    const found = protoKeyPath((data as Record<string, unknown>)[key], [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown, document: Document, lineCounter: LineCounter, file: string): ScenarioProblem[] {
  const path = issue.path as PropertyKey[];
  const where = (p: readonly PropertyKey[], at: 'key' | 'value' = 'value') => {
    const pos = locate(document, lineCounter, p, at);
    return `${file}:${pos.line}:${pos.col}`;
  };
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(path);
    return issue.keys.map((key) => {
      const guess = closestName(key, known);
      return {
        where: where([...path, key], 'key'),
        field: fieldName([...path, key]),
        message: `unknown field "${key}"${guess ? `; did you mean "${guess}"?` : ''}`,
        fix: guess ? `rename "${key}" to "${guess}"` : `remove it; fields here: ${known.join(', ')}`,
      };
    });
  }
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined && 'options' in issue && issue.options) {
    return describeDiscriminator(issue.options, path, data, where);
  }
  if (issue.code !== 'custom' && path.length > 0 && !isPresent(data, path)) {
    return [{ where: where(path), field: fieldName(path), message: `missing required field "${String(path.at(-1))}"`, fix: `add ${String(path.at(-1))}` }];
  }
  if (issue.code === 'invalid_value') {
    const choices = issue.values.map((v) => JSON.stringify(v));
    const typed = typeof issue.input === 'string' ? issue.input : undefined;
    const guess = typed ? closestName(typed, issue.values.map(String)) : undefined;
    return [{
      where: where(path), field: fieldName(path),
      message: `${JSON.stringify(issue.input)} is not allowed here; expected ${choices.join(' | ')}`,
      fix: guess ? `use "${guess}"` : `use one of ${choices.join(', ')}`,
    }];
  }
  if (issue.code === 'invalid_union') {
    // The branch that got past its type check holds the real problem (e.g. one item of a list).
    const deeper = issue.errors.find((branch) => branch.some((sub) => sub.path.length > 0 || sub.code !== 'invalid_type'));
    if (deeper) return deeper.flatMap((sub) => describeIssue({ ...sub, path: [...path, ...sub.path] } as z.core.$ZodIssue, data, document, lineCounter, file));
    const expected = issue.errors.map((branch) => branch[0]).filter((sub) => sub?.code === 'invalid_type').map((sub) => (sub as { expected: string }).expected);
    const wanted = expected.map((e) => `${/^[aeiou]/.test(e) ? 'an' : 'a'} ${e}`).join(' or ');
    return [{ where: where(path), field: fieldName(path), message: `expected ${wanted}, got ${describeInput(issue.input)}`, fix: typeFix(expected.includes('string'), issue.input, document, path, `give ${wanted}`) }];
  }
  if (issue.code === 'invalid_type') {
    const fix = typeFix(issue.expected === 'string', issue.input, document, path, `give a ${issue.expected}`);
    return [{ where: where(path), field: fieldName(path), message: `expected a ${issue.expected}, got ${describeInput(issue.input)}`, fix }];
  }
  return [{ where: where(path), field: fieldName(path), message: issue.message }];
}

/**
 * A discriminated union (load[].mode) whose discriminator matched no option: a value not among the
 * options, or none at all. Then zod checks no other field, so the unknown ones (a misspelt `mode`
 * among them) are found here against the fields of every option.
 */
function describeDiscriminator(
  options: readonly unknown[], path: readonly PropertyKey[], data: unknown, where: (p: readonly PropertyKey[], at?: 'key' | 'value') => string,
): ScenarioProblem[] {
  const key = String(path.at(-1));
  const choices = options.map((v) => JSON.stringify(v));
  if (isPresent(data, path)) {
    const typed = valueAt(data, path);
    const guess = typeof typed === 'string' ? closestName(typed, options.map(String)) : undefined;
    return [{
      where: where(path), field: fieldName(path),
      message: `${JSON.stringify(typed)} is not allowed here; expected ${choices.join(' | ')}`,
      fix: guess ? `use "${guess}"` : `use one of ${choices.join(', ')}`,
    }];
  }
  const parentPath = path.slice(0, -1);
  const parent = valueAt(data, parentPath);
  const known = knownKeysAt(parentPath);
  const unknown = parent !== null && typeof parent === 'object' ? Object.keys(parent).filter((k) => !known.includes(k)) : [];
  return [
    ...unknown.map((k) => {
      const guess = closestName(k, known);
      return {
        where: where([...parentPath, k], 'key'), field: fieldName([...parentPath, k]),
        message: `unknown field "${k}"${guess ? `; did you mean "${guess}"?` : ''}`,
        fix: guess ? `rename "${k}" to "${guess}"` : `remove it; fields here: ${known.join(', ')}`,
      };
    }),
    { where: where(parentPath), field: fieldName(path), message: `missing required field "${key}" (one of ${choices.join(' | ')})`, fix: `add ${key}` },
  ];
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return current;
}

/**
 * A number where a string belongs: quote it as written. YAML reads `1.30` as the number 1.3, so
 * the fix quotes the source text, not the number.
 */
function typeFix(wantsString: boolean, input: unknown, document: Document, path: readonly PropertyKey[], otherwise: string): string {
  if (!wantsString || typeof input !== 'number') return otherwise;
  const node = document.getIn(path as unknown[], true) as { source?: unknown } | undefined;
  const written = typeof node?.source === 'string' ? node.source : String(input);
  return `quote it: "${written}"`;
}

/** A misspelled key also leaves its intended field missing; the rename fix covers both. */
function withoutMissingThatWasMisspelled(problems: ScenarioProblem[]): ScenarioProblem[] {
  const renamedTo = new Set(problems.flatMap((p) => {
    const match = /^rename "[^"]*" to "([^"]*)"$/.exec(p.fix ?? '');
    return match ? [`${p.field.slice(0, p.field.lastIndexOf('.'))}.${match[1]}`] : [];
  }));
  return problems.filter((p) => !(p.message.startsWith('missing required field') && renamedTo.has(p.field)));
}

/** The field names the schema knows at a path, for "did you mean" (of every option, in a union). */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: unknown = ScenarioSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    let def = defOf(schema);
    if (def?.type === 'union') {
      // The option that has this field (a mode's own field, say).
      const option = (def.options as unknown[]).map(unwrap).find((o) => shapeOf(o) && String(segment) in shapeOf(o)!);
      def = defOf(option);
    }
    if (def?.type === 'object') schema = (def.shape as Record<string, unknown>)[String(segment)];
    else if (def?.type === 'array') schema = def.element;
    else if (def?.type === 'record') schema = def.valueType;
    else return [];
  }
  const def = defOf(unwrap(schema));
  if (def?.type === 'union') return [...new Set((def.options as unknown[]).flatMap((o) => Object.keys(shapeOf(unwrap(o)) ?? {})))];
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  const def = defOf(schema);
  return def?.type === 'object' ? (def.shape as Record<string, unknown>) : undefined;
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let def = defOf(current); def && ['optional', 'default', 'nullable', 'readonly', 'prefault', 'pipe'].includes(def.type as string); def = defOf(current)) {
    // A transformed object (pipe) is described by its input side.
    current = def.type === 'pipe' ? def.in : def.innerType;
  }
  return current;
}

function defOf(schema: unknown): Record<string, unknown> | undefined {
  return (schema as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod?.def;
}

/** spec.workloads[0].variants[1].sysctls.net.core.somaxconn */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, segment) => (typeof segment === 'number' ? `${out}[${segment}]` : out ? `${out}.${String(segment)}` : String(segment)), '');
}

function isPresent(data: unknown, path: readonly PropertyKey[]): boolean {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !(String(segment) in (current as object))) return false;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return true;
}

function describeInput(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return `${typeof input} ${JSON.stringify(input)}`;
}

function lineOf(problem: ScenarioProblem): number {
  const match = /:(\d+):(\d+)$/.exec(problem.where);
  return match ? Number(match[1]) * 10_000 + Number(match[2]) : 0;
}
