import { z } from 'zod';
import { ScenarioSchema } from './schema.js';

export const SCENARIO_JSON_SCHEMA_PATH = 'scenarios/scenario.schema.json';

/**
 * The scenario schema as JSON Schema, for editor completion (yaml-language-server:
 * `# yaml-language-server: $schema=./scenario.schema.json`). It describes what may be written
 * (input side: defaults are optional); the cross-field rules only loadScenario checks.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://sysctl-bench.dev/schemas/scenario.schema.json',
    title: 'sysctl-bench Scenario',
    description: 'A sysctl-bench scenario (apiVersion sysctl-bench/v1). See docs/scenario.md.',
  };
}

export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
