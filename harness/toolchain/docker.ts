import { run } from './exec.js';

/** The label every image sysctl-bench builds carries, binding it to the inputs it was built from. */
export const fingerprintLabel = 'io.sysctl-bench.fingerprint';

export async function dockerAnswers(): Promise<boolean> {
  const info = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { allowFailure: true, timeoutMs: 15_000 });
  return info.exitCode === 0;
}

export interface ImageInfo {
  id: string;
  sizeBytes: number;
  labels: Record<string, string>;
}

export async function inspectImage(ref: string): Promise<ImageInfo | undefined> {
  const out = await run('docker', ['image', 'inspect', ref, '--format', '{{json .}}'], { allowFailure: true });
  if (out.exitCode !== 0) return undefined;
  const parsed = JSON.parse(out.stdout) as { Id: string; Size: number; Config?: { Labels?: Record<string, string> | null } };
  return { id: parsed.Id, sizeBytes: parsed.Size, labels: parsed.Config?.Labels ?? {} };
}

/** True when the image exists here and was built from inputs with this fingerprint. */
export async function imageIsCurrent(ref: string, fingerprint: string): Promise<boolean> {
  const info = await inspectImage(ref);
  return info?.labels[fingerprintLabel] === fingerprint;
}

/**
 * Tries to pull an image, briefly. On machines with no registry the pull fails at once ("no such
 * host"); the timeout only guards against a registry that hangs.
 */
export async function tryPull(ref: string, timeoutMs = 120_000): Promise<boolean> {
  const pulled = await run('docker', ['pull', '--quiet', ref], { allowFailure: true, timeoutMs });
  return pulled.exitCode === 0;
}
