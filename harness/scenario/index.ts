/** Scenario files: schema, loading with placed errors, and the published JSON Schema. */
export { checkScenario, loadScenario, parseScenario } from './load.js';
export type { ScenarioCheck, ScenarioProblem } from './load.js';
export { ISOLATION_CHECKS, ScenarioSchema } from './schema.js';
export type { Scenario, ScenarioPool, ScenarioSpec, ScenarioWorkload } from './schema.js';
export { scenarioJsonSchema, SCENARIO_JSON_SCHEMA_PATH } from './json-schema.js';
