import { apiStatus, type Kube } from '../../kube/client.js';

/**
 * The live kubelet's configuration, as it serves it on /configz through the API server's node
 * proxy (`GET /api/v1/nodes/<node>/proxy/configz`, which needs `nodes/proxy` get). It is the
 * configuration in force: its file merged with its flags, so --allowed-unsafe-sysctls shows here.
 */
export type KubeletConfigRead =
  | { ok: true; allowedUnsafeSysctls: string[]; config: Record<string, unknown> }
  | { ok: false; forbidden: boolean; reason: string };

/** Pure: the allowlist out of a configz body ({"kubeletconfig": {...}}). */
export function parseConfigz(body: unknown): KubeletConfigRead {
  let json: unknown = body;
  if (typeof body === 'string') {
    try {
      json = JSON.parse(body);
    } catch {
      return { ok: false, forbidden: false, reason: `configz is not JSON: ${body.slice(0, 120)}` };
    }
  }
  const config = (json as { kubeletconfig?: unknown } | null)?.kubeletconfig;
  if (!config || typeof config !== 'object') return { ok: false, forbidden: false, reason: 'configz has no kubeletconfig object' };
  const raw = (config as { allowedUnsafeSysctls?: unknown }).allowedUnsafeSysctls;
  if (raw !== undefined && raw !== null && !(Array.isArray(raw) && raw.every((entry) => typeof entry === 'string'))) {
    return { ok: false, forbidden: false, reason: 'kubeletconfig.allowedUnsafeSysctls is not a list of strings' };
  }
  return { ok: true, allowedUnsafeSysctls: [...((raw as string[] | undefined | null) ?? [])], config: config as Record<string, unknown> };
}

export async function readKubeletConfig(kube: Kube, node: string): Promise<KubeletConfigRead> {
  try {
    return parseConfigz(await kube.core.connectGetNodeProxyWithPath({ name: node, path: 'configz' }));
  } catch (error) {
    if (kube.signal?.aborted) throw error;
    const status = apiStatus(error);
    const forbidden = status.code === 403 || status.code === 401;
    return {
      ok: false, forbidden,
      reason: forbidden
        ? `no permission to read the kubelet's configuration (get nodes/proxy): ${status.message.split('\n')[0]}`
        : `the kubelet's /configz could not be read: HTTP ${status.code ?? '?'} ${status.message.split('\n')[0]}`,
    };
  }
}
