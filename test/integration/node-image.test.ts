import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { kindClusterConfig } from '../../harness/policy/index.js';
import { createIpv4Network, removeNetwork } from '../../harness/provider/kind/network.js';
import { kindBinary } from '../../harness/toolchain/artefacts/kind.js';
import { builtNodeImageRef, ensureNodeImage } from '../../harness/toolchain/artefacts/node-image.js';
import { dockerAnswers } from '../../harness/toolchain/docker.js';
import { ensureArtefacts } from '../../harness/toolchain/ensure.js';
import { snapshotProcSys, type ProcSysSnapshot } from '../../harness/host/procsys.js';
import { run } from '../../harness/toolchain/exec.js';
import { defaultKubernetesMinor, kubernetesRelease } from '../../harness/toolchain/versions.js';
import { hostDifferences } from '../support/host-kernel.js';

/**
 * The node image that needs no registry, proven on a real kind cluster: one control plane and two
 * workers, worker A allowing unsafe net.* sysctls and worker B not. All nodes become Ready with no
 * image pulled; a pod asking for net.core.somaxconn=1024 reads it on A and is refused with
 * SysctlForbidden on B. The cluster has its own docker network; container, network and volumes
 * are removed afterwards. The Kubernetes version is the default one, or
 * SYSCTL_BENCH_TEST_K8S_VERSION (e.g. 1.36) to prove another version's image.
 */
const release = kubernetesRelease(process.env.SYSCTL_BENCH_TEST_K8S_VERSION ?? defaultKubernetesMinor);

const name = `sb-nodeimg-${randomBytes(3).toString('hex')}`;
const controlPlane = `${name}-control-plane`;
const workerA = `${name}-worker`;
const workerB = `${name}-worker2`;
const work = mkdtempSync(join(tmpdir(), 'sb-node-image-'));
const timings: string[] = [];
const loadCheckImage = `sysctl-bench.local/kind-load-check:${name}`;
let kind = '';
let image = '';
/**
 * Host values that a kind node changed on its own before the node image prevented it: systemd's
 * fs.file-max (and fs.nr_open), Debian's sysctl.d files applied by systemd-sysctl (fs.protected_*,
 * kernel.pid_max), the kubelet's six kernel tunables. Read on the host before the cluster and after.
 */
const guardedHostSysctls: Record<string, string> = {
  'fs/file-max': '', 'fs/nr_open': '', 'fs/protected_fifos': '', 'fs/protected_regular': '', 'fs/protected_symlinks': '',
  'fs/protected_hardlinks': '', 'kernel/pid_max': '', 'vm/overcommit_memory': '1', 'vm/panic_on_oom': '0', 'kernel/panic': '10',
  'kernel/panic_on_oops': '1', 'kernel/keys/root_maxkeys': '1000000', 'kernel/keys/root_maxbytes': '25000000',
};
const hostBefore = new Map<string, string>();
/** This machine's whole /proc/sys before the cluster's network: compared once all of it is gone. */
let wholeHostBefore: ProcSysSnapshot = {};
const readHost = (entry: string) => readFileSync(`/proc/sys/${entry}`, 'utf8').trim();
/** The anonymous volumes (/var) of the node containers, which `kind delete` must remove. */
let nodeVolumes: string[] = [];

// The config sysctl-bench itself generates: worker A (pool net) allows net.*, worker B (pool strict) nothing unsafe.
const kindConfig = stringify(kindClusterConfig({
  kubernetesVersion: release.minor,
  pools: [{ name: 'net', allowedUnsafeSysctls: ['net.*'] }, { name: 'strict', allowedUnsafeSysctls: [] }],
  allowCgroupV1: true,
}));

const kindEnv = { KIND_EXPERIMENTAL_DOCKER_NETWORK: name };

/**
 * The images the node image was built with, asked of the node itself (its own kubeadm's list, and
 * the CNI image beside them), not of the cache: a machine whose cache is empty reuses the node
 * image from Docker and holds no record of its build.
 */
async function bakedImages(): Promise<{ refs: Set<string>; cni: string | undefined }> {
  const kubeadm = await run('docker', ['exec', controlPlane, 'kubeadm', 'config', 'images', 'list',
    '--kubernetes-version', `v${release.patch}`, '--image-repository', 'registry.k8s.io']);
  const held = (await run('docker', ['exec', controlPlane, 'ctr', '--namespace=k8s.io', 'images', 'list', '-q'])).stdout.split('\n');
  const cni = held.find((ref) => ref.startsWith('sysctl-bench.local/cni:'));
  return { refs: new Set([...kubeadm.stdout.split('\n').filter(Boolean), ...(cni ? [cni] : [])]), cni };
}

/** kubectl inside the control-plane node, with the admin kubeconfig kubeadm wrote. */
async function kubectl(args: readonly string[], input?: string): Promise<string> {
  const out = await run('docker', ['exec', '-i', controlPlane, 'kubectl', '--kubeconfig=/etc/kubernetes/admin.conf', ...args], { input, timeoutMs: 60_000 });
  return out.stdout;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

function somaxconnPod(podName: string, node: string, cniImage: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: podName, namespace: 'default' },
    spec: {
      nodeName: node,
      restartPolicy: 'Never',
      securityContext: { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
      containers: [{ name: 'read', image: cniImage, imagePullPolicy: 'Never', command: ['cat', '/proc/sys/net/core/somaxconn'] }],
    },
  });
}

async function volumesOf(containers: readonly string[]): Promise<string[]> {
  const out = await run('docker', ['inspect', '--format', '{{range .Mounts}}{{if .Name}}{{.Name}} {{end}}{{end}}', ...containers]);
  return out.stdout.split(/\s+/).filter(Boolean);
}

beforeAll(async () => {
  if (!(await dockerAnswers())) throw new Error('no Docker engine answers: run `sudo bash scripts/docker-up.sh` first');
  const started = Date.now();
  image = await ensureNodeImage(release.minor, (id, detail) => console.log(`[node-image.test] ${id}: ${detail}`));
  timings.push(`node image ${image} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await ensureArtefacts(['kind']);
  kind = await kindBinary();
  writeFileSync(join(work, 'kind.yaml'), kindConfig);
  for (const entry of Object.keys(guardedHostSysctls)) hostBefore.set(entry, readHost(entry));
  wholeHostBefore = snapshotProcSys();
  // IPv4 only: a network kind makes itself has IPv6, and dockerd leaves IPv6 forwarding on for good.
  await createIpv4Network(name);
  const createStarted = Date.now();
  await run(kind, ['create', 'cluster', '--name', name, '--image', image, '--config', join(work, 'kind.yaml'), '--wait', '0s', '--retain'], {
    env: kindEnv,
    timeoutMs: 15 * 60_000,
    logFile: join(work, 'kind-create.log'),
  }).catch(async (error: unknown) => {
    // keep kind's and the nodes' own account of the failure in the test output
    console.log(`[node-image.test] kind create log:\n${readFileSync(join(work, 'kind-create.log'), 'utf8').split('\n').slice(-40).join('\n')}`);
    for (const node of [controlPlane, workerA, workerB]) {
      const journal = await run('docker', ['exec', node, 'journalctl', '--no-pager', '-n', '60', '-u', 'kubelet', '-u', 'containerd', '-u', 'sysctl-bench-images'], { allowFailure: true });
      console.log(`[node-image.test] ${node} journal:\n${journal.stdout}`);
    }
    throw error;
  });
  nodeVolumes = await volumesOf([controlPlane, workerA, workerB]);
  timings.push(`kind create cluster (3 nodes, --wait 0s): ${((Date.now() - createStarted) / 1000).toFixed(1)} s`);
  await until('all 3 nodes Ready', 10 * 60_000, async () => {
    const out = await kubectl(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}']);
    const ready = out.trim().split(/\s+/);
    return ready.length === 3 && ready.every((status) => status === 'True') ? true : undefined;
  });
  timings.push(`create -> all nodes Ready: ${((Date.now() - createStarted) / 1000).toFixed(1)} s`);
}, 120 * 60_000);

afterAll(async () => {
  if (kind) await run(kind, ['delete', 'cluster', '--name', name], { env: kindEnv, allowFailure: true, timeoutMs: 5 * 60_000 });
  await removeNetwork(name);
  rmSync(work, { recursive: true, force: true });
  for (const line of timings) console.log(`[node-image.test] ${line}`);
});

describe('sysctl-bench node image on kind', () => {
  it('is the locally built image when kind\'s own cannot be had', () => {
    expect(image === builtNodeImageRef(release.minor) || image === `kindest/node:v${release.patch}`).toBe(true);
  });

  it('pulls no image: containerd holds only the baked-in ones, and no pod event says Pulling', async () => {
    const baked = (await bakedImages()).refs;
    expect(baked.size, 'kubeadm\'s images and the CNI image').toBeGreaterThanOrEqual(8);
    for (const node of [controlPlane, workerA, workerB]) {
      const refs = (await run('docker', ['exec', node, 'ctr', '--namespace=k8s.io', 'images', 'list', '-q'])).stdout.split('\n').filter(Boolean);
      const named = refs.filter((ref) => !ref.startsWith('sha256:') && !ref.includes('@sha256:'));
      if (image === builtNodeImageRef(release.minor)) expect(named.filter((ref) => !baked.has(ref)), `${node} holds images that were not baked in`).toEqual([]);
      const journal = await run('docker', ['exec', node, 'journalctl', '--no-pager', '-u', 'kubelet', '-u', 'containerd'], { allowFailure: true });
      expect(journal.stdout, `${node}: kubelet/containerd log a pull`).not.toMatch(/PullImage "|Pulling image/);
      const imported = await run('docker', ['exec', node, 'journalctl', '--no-pager', '-o', 'cat', '-u', 'sysctl-bench-images'], { allowFailure: true });
      const line = imported.stdout.split('\n').find((entry) => entry.startsWith('imported'));
      if (line) timings.push(`${node}: ${line}`);
    }
    const events = await kubectl(['get', 'events', '--all-namespaces', '--field-selector', 'reason=Pulling', '-o', 'name']);
    expect(events.trim()).toBe('');
  });

  it('runs every kube-system pod (CoreDNS: pod network, service IP, no DNS loop) and keeps pod egress on the machine', async () => {
    await until('kube-system pods Ready', 5 * 60_000, async () => {
      const out = await kubectl(['-n', 'kube-system', 'get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{" "}{end}']);
      const pods = out.trim().split(/\s+/);
      return pods.length >= 10 && pods.every((pod) => pod.endsWith('=True')) ? true : undefined;
    });
    for (const node of [controlPlane, workerA, workerB]) {
      const rules = await run('docker', ['exec', node, 'iptables', '-S', 'SB-POD-EGRESS']);
      expect(rules.stdout, `${node}: forwarded pod traffic to anywhere else is dropped`).toMatch(/-A SB-POD-EGRESS -j DROP/);
      const routes = await run('docker', ['exec', node, 'ip', '-4', 'route', 'show', 'root', '10.244.0.0/16']);
      expect(routes.stdout.trim().split('\n').filter((line) => / via /.test(line)), `${node}: routes to the other nodes' pods`).toHaveLength(2);
    }
  });

  it('runs net.core.somaxconn=1024 on the worker that allows net.* and reads it back', async () => {
    const cniImage = (await bakedImages()).cni;
    expect(cniImage).toBeDefined();
    await kubectl(['apply', '-f', '-'], somaxconnPod('somaxconn-allowed', workerA, cniImage!));
    const phase = await until('pod on worker A to finish', 3 * 60_000, async () => {
      const out = await kubectl(['get', 'pod', 'somaxconn-allowed', '-o', 'jsonpath={.status.phase}']);
      return out === 'Succeeded' || out === 'Failed' ? out : undefined;
    });
    expect(phase).toBe('Succeeded');
    expect((await kubectl(['logs', 'somaxconn-allowed'])).trim()).toBe('1024');
  });

  it('refuses the same pod on the worker that allows no unsafe sysctl (SysctlForbidden)', async () => {
    const cniImage = (await bakedImages()).cni;
    await kubectl(['apply', '-f', '-'], somaxconnPod('somaxconn-forbidden', workerB, cniImage!));
    const reason = await until('pod on worker B to be refused', 3 * 60_000, async () => {
      const out = await kubectl(['get', 'pod', 'somaxconn-forbidden', '-o', 'jsonpath={.status.phase}/{.status.reason}']);
      return out.startsWith('Failed/') ? out : undefined;
    });
    expect(reason).toBe('Failed/SysctlForbidden');
  });
});

describe('the host kernel under these nodes', () => {
  it('keeps its values: no node wrote fs.file-max, sysctl.d defaults or the kubelet\'s tunables to it', () => {
    const after = Object.fromEntries(Object.keys(guardedHostSysctls).map((entry) => [entry, readHost(entry)]));
    expect(after).toEqual(Object.fromEntries(hostBefore));
  });

  it('shows each kubelet its own tunables, read-only, and nothing else', async () => {
    for (const node of [controlPlane, workerA, workerB]) {
      const mounts = (await run('docker', ['exec', node, 'cat', '/proc/self/mountinfo'])).stdout.split('\n');
      const procSysMounts = mounts.map((line) => line.split(' ')).filter((fields) => fields[4]?.startsWith('/proc/sys'));
      // /proc/sys itself is read-only only during early boot: a deliberate write through the node still reaches the kernel
      expect(procSysMounts.filter((fields) => fields[4] === '/proc/sys' || fields[4] === '/proc/sys/net').map((fields) => fields[4]), node).toEqual([]);
      for (const [entry, kubeletValue] of Object.entries(guardedHostSysctls)) {
        if (!kubeletValue) continue;
        const bound = procSysMounts.find((fields) => fields[4] === `/proc/sys/${entry}`);
        if (hostBefore.get(entry) === kubeletValue) {
          expect(bound, `${node}: ${entry} already holds the kubelet's value on this host, so it is not masked`).toBeUndefined();
          continue;
        }
        expect(bound?.[5]?.split(',')[0], `${node}: ${entry} is a read-only view`).toBe('ro');
        expect((await run('docker', ['exec', node, 'cat', `/proc/sys/${entry}`])).stdout.trim(), `${node}: ${entry}`).toBe(kubeletValue);
      }
      const kubelet = await run('docker', ['exec', node, 'journalctl', '--no-pager', '-o', 'cat', '-u', 'kubelet'], { allowFailure: true });
      expect(kubelet.stdout, `${node}: the kubelet started once, its container manager included`).not.toMatch(/Failed to start ContainerManager/);
      const guard = await run('docker', ['exec', node, 'systemctl', 'is-active', 'sysctl-bench-host-kernel.service'], { allowFailure: true });
      expect(guard.stdout.trim(), `${node}: sysctl-bench-host-kernel.service`).toBe('active');
    }
  });
});

describe('kind load docker-image into these nodes', () => {
  it('imports a local image with kind\'s own ctr command line, and a pod runs it', async () => {
    const pause = [...(await bakedImages()).refs].find((ref) => ref.startsWith('registry.k8s.io/pause:'));
    expect(pause).toBeDefined();
    // This machine's Docker may not hold it (an empty cache reuses the node image alone): take it from
    // the node (from /root: the node's /tmp is a tmpfs, which docker cp cannot read).
    if ((await run('docker', ['image', 'inspect', pause!], { allowFailure: true })).exitCode !== 0) {
      const archive = join(work, 'pause.tar');
      await run('docker', ['exec', controlPlane, 'ctr', '--namespace=k8s.io', 'images', 'export', '/root/pause.tar', pause!]);
      await run('docker', ['cp', `${controlPlane}:/root/pause.tar`, archive]);
      await run('docker', ['load', '-i', archive]);
    }
    // a new tag of the (tiny) pause image: something the nodes do not hold yet
    await run('docker', ['tag', pause!, loadCheckImage]);
    try {
      await run(kind, ['load', 'docker-image', loadCheckImage, '--name', name, '--nodes', workerB], { env: kindEnv, timeoutMs: 5 * 60_000 });
    } finally {
      await run('docker', ['rmi', loadCheckImage], { allowFailure: true });
    }
    const pod = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'kind-load-check', namespace: 'default' },
      spec: { nodeName: workerB, containers: [{ name: 'pause', image: loadCheckImage, imagePullPolicy: 'Never' }] },
    });
    await kubectl(['apply', '-f', '-'], pod);
    const phase = await until('the loaded image to run', 2 * 60_000, async () => {
      const out = await kubectl(['get', 'pod', 'kind-load-check', '-o', 'jsonpath={.status.phase}']);
      return out === 'Running' || out === 'Failed' ? out : undefined;
    });
    expect(phase).toBe('Running');
  });
});

describe('cleanup', () => {
  it('leaves no container, network or volume once the cluster is deleted', async () => {
    await run(kind, ['delete', 'cluster', '--name', name], { env: kindEnv, timeoutMs: 5 * 60_000 });
    await removeNetwork(name);
    const containers = await run('docker', ['ps', '-a', '-q', '--filter', `label=io.x-k8s.kind.cluster=${name}`]);
    expect(containers.stdout.trim()).toBe('');
    const network = await run('docker', ['network', 'inspect', name], { allowFailure: true });
    expect(network.exitCode).not.toBe(0);
    expect(nodeVolumes.length).toBeGreaterThan(0);
    for (const volume of nodeVolumes) {
      const inspected = await run('docker', ['volume', 'inspect', volume], { allowFailure: true });
      expect(inspected.exitCode, `volume ${volume} is left`).not.toBe(0);
    }
  });

  it('and leaves this machine\'s whole /proc/sys as it found it (its network is IPv4 only: no IPv6 forwarding left on)', () => {
    expect(hostDifferences(wholeHostBefore)).toEqual([]);
  });
});
