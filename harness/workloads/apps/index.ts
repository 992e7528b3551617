import { gateway } from './gateway.js';
import { ownImage } from './image.js';
import { ipcBench } from './ipc-bench.js';
import { netServer } from './net-server.js';
import type { WorkloadApp } from './types.js';

/** The workload apps a scenario may name (`workloads[].app`); the schema's enum comes from here. */
const registry = [netServer, ipcBench, gateway, ownImage] as const;

export type WorkloadAppName = (typeof registry)[number]['name'];

/** The apps sysctl-bench builds an image for (the ImageSet's keys). */
export type BuiltInAppName = Extract<(typeof registry)[number], { image: 'built-in' }>['name'];

export const WORKLOAD_APPS = registry.map((app) => app.name) as [WorkloadAppName, ...WorkloadAppName[]];

export const BUILT_IN_APPS = registry.filter((app) => app.image === 'built-in').map((app) => app.name) as BuiltInAppName[];

/** The built-in apps' images, each named by `ref` (a provider's naming: a local tag, or in a registry). */
export function builtInImages(ref: (app: BuiltInAppName) => string): Record<BuiltInAppName, string> {
  return Object.fromEntries(BUILT_IN_APPS.map((app) => [app, ref(app)])) as Record<BuiltInAppName, string>;
}

const byName: { readonly [Name in WorkloadAppName]: WorkloadApp<Name> } = Object.fromEntries(registry.map((app) => [app.name, app])) as never;

export function workloadApp<Name extends WorkloadAppName>(name: Name): WorkloadApp<Name> {
  return byName[name];
}

export type { AppContainer, OwnImage, WorkloadApp } from './types.js';
