import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kubeconfigContexts, removeKubeconfigEntry } from '../../../harness/clean/machine.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const kubeconfig = `apiVersion: v1
kind: Config
# the user's own comment stays
clusters:
  - name: kind-sb-host-leak-ab12
    cluster: { server: https://127.0.0.1:40001 }
  - name: prod
    cluster: { server: https://prod.example:6443 }
contexts:
  - name: kind-sb-host-leak-ab12
    context: { cluster: kind-sb-host-leak-ab12, user: kind-sb-host-leak-ab12 }
  - name: prod
    context: { cluster: prod, user: admin }
users:
  - name: kind-sb-host-leak-ab12
    user: { token: x }
  - name: admin
    user: { token: y }
current-context: kind-sb-host-leak-ab12
`;

describe('kubeconfig entries of sysctl-bench clusters', () => {
  it('removes kind-<cluster> from clusters, contexts and users, and leaves the rest as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-kubeconfig-'));
    dirs.push(dir);
    const file = join(dir, 'config');
    writeFileSync(file, kubeconfig);
    expect(kubeconfigContexts(file)).toEqual(['kind-sb-host-leak-ab12', 'prod']);
    removeKubeconfigEntry(file, 'kind-sb-host-leak-ab12');
    const after = readFileSync(file, 'utf8');
    expect(after).not.toContain('kind-sb-host-leak-ab12');
    expect(after).toContain('prod.example');
    expect(after).toContain("# the user's own comment stays");
    expect(after).toMatch(/current-context: ""/);
    expect(kubeconfigContexts(file)).toEqual(['prod']);
  });

  it('reads no context from a missing or broken file', () => {
    expect(kubeconfigContexts('/nonexistent/config')).toEqual([]);
  });
});
