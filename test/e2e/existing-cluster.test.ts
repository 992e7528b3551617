import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { MeasurementRecord, RawRecord } from '../../harness/results/raw.js';
import type { Results } from '../../harness/results/results.js';
import { createIpv4Network, removeNetwork } from '../../harness/provider/kind/network.js';
import { kindBinary } from '../../harness/toolchain/artefacts/kind.js';
import { nodeImageRef } from '../../harness/toolchain/artefacts/node-image.js';
import { imageRef, type ImageApp } from '../../harness/toolchain/artefacts/workload-images.js';
import { ensureArtefacts } from '../../harness/toolchain/ensure.js';
import { snapshotProcSys } from '../../harness/host/procsys.js';
import { poll } from '../../harness/run/abort.js';
import { run } from '../../harness/toolchain/exec.js';
import { runArtefactIds } from '../../harness/toolchain/registry.js';
import { hostDifferences } from '../support/host-kernel.js';

/**
 * Issue 9's acceptance: a cluster sysctl-bench did not create. The test makes it with kind and a
 * config of its own (two labelled workers with different allowlists), serves the images from a
 * registry container on the cluster's network (built here from the Go module proxy: no registry
 * image can be pulled), and hands sysctl-bench nothing but a kubeconfig bound to deploy/rbac.yaml.
 * sysctl-bench runs with DOCKER_HOST pointing nowhere and neither docker nor kind on its PATH.
 */
const name = process.env.SB_E2E_EXTERNAL_CLUSTER ?? 'external-e2e';
const registryContainer = `${name}-registry`;
/**
 * The cluster's and the registry's network, made by the test IPv4 only: left to make it, kind adds
 * an IPv6 subnet and dockerd turns on net.ipv6.conf.*.forwarding on this machine for good.
 */
const network = `${name}-net`;
const kindEnv = { KIND_EXPERIMENTAL_DOCKER_NETWORK: network };
/** This machine's whole /proc/sys before the test made anything: the stand-in cluster must leave it so. */
const hostBefore = snapshotProcSys();
const registryHost = 'registry.sb-e2e:5000';
const work = mkdtempSync(join(tmpdir(), 'sb-external-'));
const adminKubeconfig = join(work, 'admin.kubeconfig');
const harnessKubeconfig = join(work, 'sysctl-bench.kubeconfig');
const apps: ImageApp[] = ['net-server', 'ipc-bench', 'loadgen'];
let kind = '';

/** The cluster's administrator (the test), through the same client library the harness uses. */
function admin() {
  const config = new KubeConfig();
  config.loadFromFile(adminKubeconfig);
  return { config, core: config.makeApiClient(CoreV1Api), objects: KubernetesObjectApi.makeApiClient(config) };
}

/** crane (go-containerregistry), static, as a FROM-scratch image that serves a registry on :5000. */
async function registryImage(): Promise<string> {
  const ref = 'sysctl-bench-e2e/registry:crane-v0.20.3';
  if ((await run('docker', ['image', 'inspect', ref], { allowFailure: true })).exitCode === 0) return ref;
  const rootfs = join(work, 'registry-rootfs');
  mkdirSync(join(rootfs, 'tmp'), { recursive: true });
  await run('go', ['install', 'github.com/google/go-containerregistry/cmd/crane@v0.20.3'], {
    env: { GOBIN: rootfs, CGO_ENABLED: '0', GOFLAGS: '-trimpath' }, timeoutMs: 15 * 60_000,
  });
  await run('tar', ['-C', rootfs, '-cf', join(work, 'registry.tar'), '.']);
  await run('docker', ['import', '--change', 'ENTRYPOINT ["/crane", "registry", "serve", "--address", ":5000"]', join(work, 'registry.tar'), ref]);
  return ref;
}

/** The test's own kind config: labelled workers, one allowing net.*, and a registry mirror for the nodes' containerd. */
function kindConfig(): string {
  return stringify({
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    containerdConfigPatches: [
      `[plugins."io.containerd.grpc.v1.cri".registry.mirrors."${registryHost}"]\n  endpoint = ["http://${registryContainer}:5000"]`,
    ],
    // This machine runs cgroup v1; Kubernetes 1.35+ refuses it unless told.
    kubeadmConfigPatches: [stringify({ kind: 'KubeletConfiguration', failCgroupV1: false })],
    nodes: [
      { role: 'control-plane' },
      { role: 'worker', labels: { 'example.com/pool': 'tuned' }, kubeadmConfigPatches: [stringify({ kind: 'JoinConfiguration', nodeRegistration: { kubeletExtraArgs: { 'allowed-unsafe-sysctls': 'net.*' } } })] },
      { role: 'worker', labels: { 'example.com/pool': 'strict' } },
    ],
  });
}

/** A kubeconfig holding only a token of the sysctl-bench service account (deploy/rbac.yaml). */
async function harnessCredentials(): Promise<void> {
  const { core, objects } = admin();
  for (const object of parseAllDocuments(readFileSync(resolve('deploy/rbac.yaml'), 'utf8')).map((document) => document.toJS() as KubernetesObject)) {
    await objects.create(object);
  }
  const token = (await core.createNamespacedServiceAccountToken({
    name: 'sysctl-bench', namespace: 'sysctl-bench-system', body: { spec: { audiences: [], expirationSeconds: 7200 } },
  })).status?.token ?? '';
  const file = parse(readFileSync(adminKubeconfig, 'utf8')) as { clusters: Array<{ cluster: Record<string, string> }> };
  const cluster = file.clusters[0]?.cluster ?? {};
  writeFileSync(harnessKubeconfig, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'staging',
    clusters: [{ name: 'staging', cluster: { server: cluster.server, 'certificate-authority-data': cluster['certificate-authority-data'] } }],
    users: [{ name: 'sysctl-bench', user: { token } }],
    contexts: [{ name: 'staging', context: { cluster: 'staging', user: 'sysctl-bench' } }],
  }), { mode: 0o600 });
}

/** bash and what bin/sysctl-bench calls, and nothing else: no docker, no kind. */
function harnessPath(): string {
  const bin = join(work, 'path');
  mkdirSync(bin, { recursive: true });
  for (const program of ['bash', 'env', 'readlink', 'dirname']) if (!existsSync(join(bin, program))) symlinkSync(`/usr/bin/${program}`, join(bin, program));
  return bin;
}

async function sysctlBench(args: string[]) {
  return run(resolve('bin/sysctl-bench'), args, {
    env: { PATH: harnessPath(), DOCKER_HOST: 'tcp://127.0.0.1:9', HOME: work, KUBECONFIG: '' },
    allowFailure: true, timeoutMs: 40 * 60_000,
  });
}

/**
 * The registry container is started detached: pushing before it listens got "connection reset by
 * peer" (seen in CI). Wait for its API to answer, a state, not a pause.
 */
async function registryAnswers(hostPort: string): Promise<void> {
  let last = '';
  const answered = await poll(async () => {
    try {
      const response = await fetch(`http://${hostPort}/v2/`);
      if (response.ok) return true;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    return undefined;
  }, { timeoutMs: 2 * 60_000, intervalMs: 500 });
  if (!answered) throw new Error(`the e2e registry at ${hostPort} never answered /v2/ (last: ${last})`);
}

beforeAll(async () => {
  await ensureArtefacts(runArtefactIds);
  kind = await kindBinary();
  await run(kind, ['delete', 'cluster', '--name', name], { env: kindEnv, allowFailure: true });
  await run('docker', ['rm', '-f', registryContainer], { allowFailure: true });
  writeFileSync(join(work, 'kind.yaml'), kindConfig());
  await createIpv4Network(network);
  await run(kind, ['create', 'cluster', '--name', name, '--image', await nodeImageRef(), '--config', join(work, 'kind.yaml'), '--kubeconfig', adminKubeconfig, '--wait', '300s'], { env: kindEnv, timeoutMs: 20 * 60_000 });
  await run('docker', ['run', '-d', '--name', registryContainer, '--network', network, '-p', '127.0.0.1::5000', await registryImage()]);
  const published = (await run('docker', ['port', registryContainer, '5000/tcp'])).stdout.trim().split('\n')[0] ?? '';
  await registryAnswers(published);
  for (const app of apps) {
    const pushed = `${published}/${imageRef(app)}`;
    await run('docker', ['tag', imageRef(app), pushed]);
    await run('docker', ['push', pushed], { timeoutMs: 10 * 60_000 });
    await run('docker', ['rmi', pushed]);
  }
  await harnessCredentials();
});

/** Removes the stand-in cluster, its registry and network; the last test checks that they are gone. */
async function removeStandIn(): Promise<void> {
  if (kind) await run(kind, ['delete', 'cluster', '--name', name], { env: kindEnv, allowFailure: true });
  await run('docker', ['rm', '-f', registryContainer], { allowFailure: true });
  await removeNetwork(network);
}

afterAll(async () => {
  await removeStandIn();
  rmSync(work, { recursive: true, force: true });
});

describe('an existing cluster, by kubeconfig alone', () => {
  it('validate --kubeconfig prints each node group with its live allowlist and the verdicts', async () => {
    const out = await sysctlBench(['validate', '--kubeconfig', harnessKubeconfig, 'test/e2e/fixtures/strict-and-tuned.yaml']);
    expect(out.exitCode, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`node group \\d: ${name}-worker \\(labels [^)]*example.com/pool=tuned`));
    expect(out.stdout).toMatch(/allowedUnsafeSysctls: net\.\* \(read from the live kubelets: configz\)/);
    expect(out.stdout).toMatch(/REJECTED .* Deployment backlog: kubelet SysctlForbidden/);
    expect(out.stdout).toMatch(/Kubernetes v1\.37/);
  });

  it('run: admission predicted from configz is observed, connect p99 improves, load from 2 merged pods, proofs read-only, nothing left', async () => {
    // SB_E2E_EXTERNAL_OUT keeps the run directory (the report) after the test.
    const runDir = process.env.SB_E2E_EXTERNAL_OUT ?? join(work, 'run');
    const out = await sysctlBench(['run', 'test/e2e/fixtures/staging-net-backlog.yaml', '--kubeconfig', harnessKubeconfig, '--registry', registryHost, '--out', runDir]);
    expect(out.exitCode, `${out.stdout.split('\n').slice(-40).join('\n')}\n${out.stderr}`).toBe(0);
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as Results;
    const raw = readFileSync(join(runDir, 'raw', 'results.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as RawRecord);

    // Admission: predicted from what the kubelets report, and observed so.
    expect(results.environment?.provider).toBe('existing');
    expect(results.environment?.nodes.map((node) => [node.pool, node.kubeletConfigSource, node.allowedUnsafeSysctls, node.kubeletConfig?.allowedUnsafeSysctls ?? []]))
      .toEqual([['tuned', 'configz (the live kubelet)', ['net.*'], ['net.*']], ['strict', 'configz (the live kubelet)', [], []]]);
    expect(results.admission.mismatched).toBe(0);
    expect(results.admission.cases.find((entry) => entry.workload === 'strict-web')?.observed.outcome).toBe('forbidden');

    // The burst: connect-time p99 improves, with a confidence interval that excludes zero.
    const p99 = results.performance.find((entry) => entry.workload === 'web')?.comparisons.find((entry) => entry.metric === 'connect_p99_ms');
    expect(p99?.tuned.median).toBeLessThan(p99?.baseline.median ?? 0);
    expect(p99?.difference.ci.high).toBeLessThan(0);

    // The load came from 2 in-cluster pods, merged, each pod's saturation kept.
    const measurements = raw.filter((record): record is MeasurementRecord => record.type === 'measurement');
    expect(measurements.length).toBeGreaterThan(0);
    for (const measurement of measurements) expect(measurement.generator.generators?.map((generator) => typeof generator.saturated)).toEqual(['boolean', 'boolean']);
    // The server pods' own kernel counters, read through the node agent (a privileged host-PID pod).
    for (const measurement of measurements) {
      expect(measurement.kernel?.problem).toBeUndefined();
      expect(measurement.kernel?.pods[0]?.via).toMatch(/through privileged pod .* on node /);
      expect(measurement.metrics.kernel_connections_accepted).toBeGreaterThan(0);
    }

    // The proofs were read-only: the writing one is recorded as not run.
    expect(results.isolation.map((proof) => [proof.check, proof.passed]).sort()).toEqual([['host-proc-unchanged', true], ['namespaced-differs', true]]);
    expect(results.problems.some((problem) => problem.message.startsWith('not run: host-change-not-leaked'))).toBe(true);

    // Nothing of the run is left in the cluster.
    const { core, config } = admin();
    const selector = 'app.kubernetes.io/managed-by=sysctl-bench';
    expect((await core.listNamespace({ labelSelector: selector })).items.map((item) => item.metadata?.name)).toEqual([]);
    expect((await core.listPodForAllNamespaces({ labelSelector: selector })).items.map((item) => item.metadata?.name)).toEqual([]);
    expect((await core.listServiceForAllNamespaces({ labelSelector: selector })).items.map((item) => item.metadata?.name)).toEqual([]);
    expect((await config.makeApiClient(BatchV1Api).listJobForAllNamespaces({ labelSelector: selector })).items.map((item) => item.metadata?.name)).toEqual([]);
  });

  it('once the stand-in cluster is removed, this machine\'s kernel reads as before the test: no IPv6 forwarding left on by its network', async () => {
    await removeStandIn();
    expect((await run('docker', ['network', 'inspect', network], { allowFailure: true })).exitCode).not.toBe(0);
    expect(hostDifferences(hostBefore)).toEqual([]);
  });
});
