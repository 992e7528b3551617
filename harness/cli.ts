#!/usr/bin/env node
/**
 * The entry bin/sysctl-bench runs (compiled: dist/harness/cli.js). It only turns on Node's on-disk
 * compile cache before anything else loads, so that later starts skip parsing the same modules
 * again; the commands are in cli-program.ts, each loading its heavy modules when it runs.
 */
import module from 'node:module';

module.enableCompileCache?.();
await import('./cli-program.js');
