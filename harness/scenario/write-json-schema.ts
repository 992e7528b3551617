// Regenerates scenarios/scenario.schema.json: `npx tsx harness/scenario/write-json-schema.ts`.
// A unit test fails while the committed file differs from what the schema generates.
import { writeFileSync } from 'node:fs';
import { SCENARIO_JSON_SCHEMA_PATH, scenarioJsonSchemaText } from './json-schema.js';

writeFileSync(SCENARIO_JSON_SCHEMA_PATH, scenarioJsonSchemaText());
process.stdout.write(`wrote ${SCENARIO_JSON_SCHEMA_PATH}\n`);
