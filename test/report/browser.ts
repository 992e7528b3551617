import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';

/** Installs Debian's Chromium when missing (CI machines start fresh); a no-op otherwise. */
export function ensureChromium(): void {
  execFileSync('bash', [join(REPO_ROOT, 'scripts/ensure-chromium.sh')], { stdio: 'inherit' });
}

export interface Browser {
  context: BrowserContext;
  /** Closes the browser and removes its profile. */
  dispose(): Promise<void>;
}

/** A headless Chromium with a fresh profile and every background network feature off. */
export async function launchBrowser(): Promise<Browser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'sysctl-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    dispose: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
