import { ownImage } from './image.js';
import { ipcBench } from './ipc-bench.js';
import { netServer } from './net-server.js';
import type { WorkloadApp } from './types.js';

/** The workload apps a scenario may name (`workloads[].app`); the schema's enum comes from here. */
const registry = [netServer, ipcBench, ownImage] as const;

export type WorkloadAppName = (typeof registry)[number]['name'];

/** The apps sysctl-bench builds an image for (the ImageSet's keys). */
export type BuiltInAppName = Extract<(typeof registry)[number], { image: 'built-in' }>['name'];

export const WORKLOAD_APPS = registry.map((app) => app.name) as [WorkloadAppName, ...WorkloadAppName[]];

const byName: { readonly [Name in WorkloadAppName]: WorkloadApp<Name> } = Object.fromEntries(registry.map((app) => [app.name, app])) as never;

export function workloadApp<Name extends WorkloadAppName>(name: Name): WorkloadApp<Name> {
  return byName[name];
}

export type { AppContainer, OwnImage, WorkloadApp } from './types.js';
