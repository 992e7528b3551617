import type { WorkloadAppName } from '../workloads/apps/index.js';
import { envName } from '../workloads/spec.js';

/**
 * The settings each built-in app reads, from its environment (images/net-server/main.go, envInt):
 * a scenario's `settings` key becomes the variable envName(key) (acceptRate -> ACCEPT_RATE). A key
 * the app does not read would be set and ignored without a word, and a key whose variable is not
 * a valid or not a distinct name would be refused by the API server or shadow another; so only
 * these keys are accepted, each with the range the app itself enforces. PORT is not a setting:
 * the harness talks to the app on 8080.
 */
export interface AppSetting {
  readonly min: number;
  readonly max: number;
  readonly doc: string;
}

/**
 * The team's own image (app: image) reads what it reads: its settings are passed as they are, and
 * only their variables are checked (a name the API server takes, none twice, none the harness sets).
 */
export const OWN_ENVIRONMENT = 'own environment';

export const APP_SETTINGS = {
  'net-server': new Map([
    ['backlog', { min: 1, max: 1 << 20, doc: 'the listen(2) backlog' }],
    ['acceptRate', { min: 0, max: 1_000_000, doc: 'connections accepted per second, 0 for no limit' }],
    ['keepAlive', { min: 0, max: 1, doc: '1 to keep connections open for more requests (keepalive load)' }],
    ['stallEveryMs', { min: 0, max: 600_000, doc: 'how often the server stalls, in ms, 0 for never' }],
    ['stallMs', { min: 0, max: 5_000, doc: 'how long each stall lasts, in ms' }],
  ]),
  // ipc-bench is driven by exec arguments (spec.ipc), not by its environment.
  'ipc-bench': new Map(),
  // images/gateway/main.go; UPSTREAM comes from workloads[].upstream, UPSTREAM_PATH stays /.
  gateway: new Map([
    ['connectTimeoutMs', { min: 1, max: 60_000, doc: 'the connect timeout of each upstream call, in ms' }],
  ]),
  image: OWN_ENVIRONMENT,
} as const satisfies Readonly<Record<WorkloadAppName, ReadonlyMap<string, AppSetting> | typeof OWN_ENVIRONMENT>>;

/** The environment variable a setting becomes. */
export function settingVariable(key: string): string {
  return envName(key);
}
