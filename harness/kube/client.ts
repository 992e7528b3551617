import { Writable } from 'node:stream';
import { AppsV1Api, CoreV1Api, Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';

/** The typed API clients for one cluster, from its kubeconfig file. */
export interface Kube {
  config: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
}

export function connect(kubeconfigFile: string): Kube {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigFile);
  return { config, core: config.makeApiClient(CoreV1Api), apps: config.makeApiClient(AppsV1Api) };
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
  return new Promise<ExecResult>((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, stdout, stderr, message: `timed out after ${timeoutMs} ms` }), timeoutMs);
    const finish = (status: V1Status) => {
      clearTimeout(timer);
      resolve({ ok: status.status === 'Success', stdout, stderr, message: status.message });
    };
    new Exec(kube.config)
      .exec(namespace, pod, container, command, sink((t) => { stdout += t; }), sink((t) => { stderr += t; }), null, false, finish)
      .catch((error: unknown) => {
        clearTimeout(timer);
        resolve({ ok: false, stdout, stderr, message: error instanceof Error ? error.message : String(error) });
      });
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
