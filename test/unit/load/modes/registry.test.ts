import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commonLoadMetrics } from '../../../../harness/load/metrics.js';
import { LOAD_MODE_NAMES, loadModes, modeMetrics, specFromEntry } from '../../../../harness/load/modes/index.js';
import { checkScenario } from '../../../../harness/scenario/load.js';
import { target } from './helpers.js';

const scenario = (load: string) => [
  'apiVersion: sysctl-bench/v1', 'kind: Scenario', 'metadata:', '  name: t', 'spec:',
  '  pools:', '    - name: p', '  workloads:', '    - name: web', '      kind: Deployment', '      app: net-server', '      pool: p',
  '      variants:', '        - name: baseline', '  load:', '    - workload: web', ...load.split('\n').map((l) => `      ${l}`), '',
].join('\n');

function problems(load: string) {
  const result = checkScenario(scenario(load), 's.yaml');
  return result.ok ? [] : result.problems;
}

describe('load mode registry', () => {
  it('lists the same modes as loadgen', () => {
    const go = readFileSync(new URL('../../../../images/loadgen/modes.go', import.meta.url), 'utf8');
    const block = /var modes = map\[string\]mode\{([^}]*)\}/.exec(go)?.[1] ?? '';
    const goModes = [...block.matchAll(/"([a-z-]+)":/g)].map((m) => m[1]);
    expect([...LOAD_MODE_NAMES].sort()).toEqual(goModes.sort());
  });

  it('gives every mode the common metrics', () => {
    for (const mode of LOAD_MODE_NAMES) {
      for (const open of [false, true]) expect(modeMetrics(mode, open)).toEqual(expect.arrayContaining([...commonLoadMetrics]));
      expect(loadModes[mode].name).toBe(mode);
    }
  });

  it('accepts each mode in a scenario and turns it into a spec', () => {
    const entries = {
      burst: 'mode: burst\nconnections: 100\nduration: 10s',
      rate: 'mode: rate\nrate: 50\nduration: 10s',
      ramp: 'mode: ramp\nstages:\n  - { duration: 10s, target: 100 }\n  - { duration: 5s, target: 0 }',
      keepalive: 'mode: keepalive\nconnections: 4\nduration: 10s\nrate: 100',
    } satisfies Record<(typeof LOAD_MODE_NAMES)[number], string>;
    for (const [mode, text] of Object.entries(entries)) {
      const result = checkScenario(scenario(text), 's.yaml');
      if (!result.ok) throw new Error(`${mode}: ${JSON.stringify(result.problems)}`);
      const entry = result.scenario.spec.load?.[0];
      expect(entry?.mode).toBe(mode);
      expect(specFromEntry(entry!, target, 1)).toMatchObject({ mode, target });
    }
  });

  it('names an unknown mode and suggests the closest', () => {
    expect(problems('mode: rmap\nstages: [{ duration: 1s, target: 1 }]')).toEqual([
      expect.objectContaining({ field: 'spec.load[0].mode', message: '"rmap" is not allowed here; expected "burst" | "rate" | "ramp" | "keepalive"', fix: 'use "ramp"' }),
    ]);
  });

  it('refuses a field of another mode', () => {
    expect(problems('mode: burst\nconnections: 10\nduration: 5s\nstages: [{ duration: 1s, target: 1 }]')).toEqual([
      expect.objectContaining({ field: 'spec.load[0].stages', message: expect.stringMatching(/^unknown field "stages"/) }),
    ]);
  });

  it('finds a misspelt mode and a misspelt field of a mode', () => {
    expect(problems('moed: rate\nrate: 5\nduration: 5s')).toEqual([
      expect.objectContaining({ field: 'spec.load[0].moed', message: 'unknown field "moed"; did you mean "mode"?', fix: 'rename "moed" to "mode"' }),
    ]);
    expect(problems('mode: ramp\nstages: [{ duration: 1s, targte: 1 }]')).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: 'spec.load[0].stages[0].targte', message: 'unknown field "targte"; did you mean "target"?' }),
    ]));
    expect(problems('connections: 5\nduration: 5s')).toEqual([
      expect.objectContaining({ field: 'spec.load[0].mode', message: 'missing required field "mode" (one of "burst" | "rate" | "ramp" | "keepalive")' }),
    ]);
  });
});
