import { hostChangeNotLeaked } from './host-change-not-leaked.js';
import { hostProcUnchanged } from './host-proc-unchanged.js';
import { namespacedDiffers } from './namespaced-differs.js';
import { nodeLevelShared } from './node-level-shared.js';
import { podChangeContained } from './pod-change-contained.js';
import type { IsolationCheck } from './types.js';

/** The isolation checks a scenario may name (`isolation[].check`); the schema's enum comes from here. */
const registry = [namespacedDiffers, hostChangeNotLeaked, podChangeContained, nodeLevelShared, hostProcUnchanged] as const;

export type IsolationCheckName = (typeof registry)[number]['name'];

export const ISOLATION_CHECKS = registry.map((check) => check.name) as [IsolationCheckName, ...IsolationCheckName[]];

const byName: { readonly [Name in IsolationCheckName]: IsolationCheck<Name> } = Object.fromEntries(registry.map((check) => [check.name, check])) as never;

export function isolationCheck<Name extends IsolationCheckName>(name: Name): IsolationCheck<Name> {
  return byName[name];
}

export type { CheckContext, CheckOutcome, IsolationCheck, IsolationPair, PodOnNode } from './types.js';
