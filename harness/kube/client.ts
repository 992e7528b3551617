import { Writable } from 'node:stream';
import {
  AppsV1Api, BatchV1Api, CoreV1Api, createConfiguration, Exec, KubeConfig, ServerConfiguration, VersionApi, type Configuration, type V1Status,
} from '@kubernetes/client-node';
import { UserError } from '../errors.js';
import { abortReason } from '../run/abort.js';

/**
 * The typed API clients for one cluster. Every request carries `signal` when one is given, so
 * that Ctrl-C aborts a request in flight instead of waiting for it; clean-up builds its own
 * client without one (it must still work after the run's signal has fired).
 */
export interface Kube {
  config: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  version: VersionApi;
  signal: AbortSignal | undefined;
}

/** Where a cluster's credentials come from: a kubeconfig file and, optionally, one of its contexts. */
export interface KubeSource {
  kubeconfig: string;
  context?: string;
}

/** Reads a kubeconfig; a context it lacks is the user's mistake, named with the ones it has. */
export function loadKubeConfig(source: KubeSource): KubeConfig {
  const config = new KubeConfig();
  try {
    config.loadFromFile(source.kubeconfig);
  } catch (error) {
    throw new UserError(`cannot read the kubeconfig: ${error instanceof Error ? error.message : String(error)}`, {
      where: source.kubeconfig, fix: 'pass a kubeconfig file (kubectl config view --raw --minify > FILE)',
    });
  }
  if (source.context !== undefined) {
    const names = config.getContexts().map((context) => context.name);
    if (!names.includes(source.context)) {
      throw new UserError(`the kubeconfig has no context "${source.context}"`, {
        where: source.kubeconfig, fix: `use one of: ${names.join(', ') || '(none)'}`,
      });
    }
    config.setCurrentContext(source.context);
  }
  if (!config.getCurrentCluster()) {
    throw new UserError('the kubeconfig names no current cluster', { where: source.kubeconfig, fix: 'pass --context NAME' });
  }
  return config;
}

export function connect(source: KubeSource | KubeConfig, signal?: AbortSignal): Kube {
  const config = source instanceof KubeConfig ? source : loadKubeConfig(source);
  const configuration = clientConfiguration(config, signal);
  return {
    config,
    core: new CoreV1Api(configuration),
    apps: new AppsV1Api(configuration),
    batch: new BatchV1Api(configuration),
    version: new VersionApi(configuration),
    signal,
  };
}

/** As KubeConfig.makeApiClient does, plus a middleware that hands the run's signal to every request. */
function clientConfiguration(config: KubeConfig, signal: AbortSignal | undefined): Configuration {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new UserError('the kubeconfig names no current cluster', { fix: 'pass --context NAME' });
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: config },
    promiseMiddleware: signal
      ? [{
        pre: async (context) => {
          context.setSignal(signal);
          return context;
        },
        post: async (response) => response,
      }]
      : [],
  });
}

export interface ExecResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  message: string | undefined;
}

/** `kubectl exec` through the API: used to read /proc/sys from inside a pod's own namespaces. */
export async function execInPod(kube: Kube, namespace: string, pod: string, container: string, command: string[], timeoutMs = 30_000): Promise<ExecResult> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => new Writable({
    write(chunk, _encoding, done) {
      append(String(chunk));
      done();
    },
  });
  const signal = kube.signal;
  if (signal?.aborted) throw abortReason(signal);
  return new Promise<ExecResult>((resolve, reject) => {
    let socket: { close: () => void } | undefined;
    const finishWith = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = () => finishWith(() => {
      socket?.close();
      reject(abortReason(signal!));
    });
    const timer = setTimeout(() => finishWith(() => {
      socket?.close();
      resolve({ ok: false, stdout, stderr, message: `timed out after ${timeoutMs} ms` });
    }), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    new Exec(kube.config)
      .exec(namespace, pod, container, command, sink((t) => { stdout += t; }), sink((t) => { stderr += t; }), null, false,
        (status: V1Status) => finishWith(() => resolve({ ok: status.status === 'Success', stdout, stderr, message: status.message })))
      .then((opened) => { socket = opened; })
      .catch((error: unknown) => finishWith(() => resolve({ ok: false, stdout, stderr, message: error instanceof Error ? error.message : String(error) })));
  });
}

/** The HTTP status of a client-node API error, when there is one. */
export function apiStatus(error: unknown): { code: number | undefined; message: string } {
  const candidate = error as { code?: number; body?: unknown; message?: string };
  let message = candidate.message ?? String(error);
  const body = candidate.body;
  if (typeof body === 'string') {
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? message;
    } catch {
      message = body;
    }
  } else if (body && typeof body === 'object' && 'message' in body) {
    message = String((body as { message: unknown }).message);
  }
  return { code: candidate.code, message };
}

/** Ignores "not found" (already gone); any other error is thrown. */
export async function ignoreNotFound(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (apiStatus(error).code !== 404) throw error;
  }
}
