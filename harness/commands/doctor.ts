import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import type { Probe } from '../toolchain/artefact.js';
import type { EnsureOutcome } from '../toolchain/ensure.js';
import { forTerminal, jsonForTerminal } from '../text/terminal.js';
import { defaultKubernetesMinor, kubernetesRelease, runnableKubernetesVersions } from '../toolchain/versions.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check every component sysctl-bench needs (host packages, Docker, Go, kind, node image, images, load generator); --fix installs or builds what is missing')
    .option('--fix', 'build or start what is missing (cached; only what changed is rebuilt)')
    .option('--json', 'print the check as JSON')
    .option('--k8s-version <X.Y>', `the Kubernetes minor whose node image to check or build (${runnableKubernetesVersions().join(', ')})`, defaultKubernetesMinor)
    .action(async (options: { fix?: boolean; json?: boolean; k8sVersion: string }) => {
      const minor = kubernetesRelease(options.k8sVersion).minor;
      if (options.fix) {
        process.exitCode = await fix(minor);
        return;
      }
      process.exitCode = await check(Boolean(options.json), minor);
    });
}

/** How long one probe may take: `docker version` on a busy machine answers in seconds; a hung engine never does. */
export const PROBE_TIMEOUT_MS = 30_000;

/**
 * A probe's answer, or a `missing` row saying it did not answer in time. The probe's command is
 * left behind, not awaited: the caller exits once it has printed.
 */
export async function probeWithin(probe: () => Promise<Probe>, timeoutMs = PROBE_TIMEOUT_MS): Promise<{ probe: Probe; timedOut: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
  try {
    const answer = await Promise.race([probe(), deadline]);
    if (answer !== 'timeout') return { probe: answer, timedOut: false };
    return {
      probe: { state: 'missing', detail: `no answer within ${timeoutMs / 1000} s (the command hangs)`, fix: 'check that the Docker engine answers: docker version; restart it if not' },
      timedOut: true,
    };
  } catch (error) {
    return { probe: { state: 'missing', detail: `the check failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` }, timedOut: false };
  } finally {
    clearTimeout(timer);
  }
}

async function check(json: boolean, minor: string = defaultKubernetesMinor): Promise<number> {
  // The toolchain modules pull in testcontainers and execa: loaded only when doctor runs.
  const { artefactsFor, buildOrder, runArtefactIdsFor } = await import('../toolchain/registry.js');
  const artefacts = artefactsFor(minor);
  // All at once, each bounded: a hung engine costs one timeout, not one per artefact.
  const answers = await Promise.all(artefacts.map(async (artefact) => ({ artefact, ...(await probeWithin(() => artefact.probe())) })));
  const rows: Array<{ id: string; title: string; probe: Probe }> = answers.map(({ artefact, probe }) => ({ id: artefact.id, title: artefact.title, probe }));
  if (json) {
    process.stdout.write(`${jsonForTerminal(JSON.stringify(rows, null, 2))}\n`);
  } else {
    for (const row of rows) process.stdout.write(`${forTerminal(formatRow(row.title, row.probe))}\n`);
  }
  // Build inputs (Kubernetes binaries, component and base images) are listed for their build cost,
  // but a machine whose node image is there (built, or kind's own) does not need them.
  const needed = new Set(buildOrder(runArtefactIdsFor(minor)).map((artefact) => artefact.id));
  const code = rows.some((row) => needed.has(row.id) && row.probe.state === 'missing') ? ExitCode.expectationsFailed : ExitCode.ok;
  // A probe that timed out still has its command running, which would keep this process alive.
  if (answers.some((answer) => answer.timedOut)) process.stdout.write('', () => process.exit(code));
  return code;
}

export function formatRow(title: string, probe: Probe): string {
  const mark = probe.state === 'missing' ? 'MISSING' : probe.state === 'built' ? 'built  ' : 'found  ';
  const cost = probe.build ? ` (built in ${(probe.build.durationMs / 1000).toFixed(0)} s, ${formatBytes(probe.build.sizeBytes)})` : '';
  const cure = probe.fix ? `\n    fix: ${probe.fix}` : '';
  return `${mark} ${title.padEnd(40)} ${probe.detail}${cost}${cure}`;
}

export function formatBytes(bytes: number): string {
  if (bytes <= 0) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Builds what is missing, one listr2 task per artefact, and prints the per-artefact timings. */
export async function fix(minor: string = defaultKubernetesMinor): Promise<number> {
  const [{ Listr }, { ensureArtefacts }, { buildOrder, runArtefactIdsFor }] = await Promise.all([
    import('listr2'), import('../toolchain/ensure.js'), import('../toolchain/registry.js'),
  ]);
  const started = Date.now();
  let outcomes: EnsureOutcome[] = [];
  const runArtefactIds = runArtefactIdsFor(minor);
  const total = buildOrder(runArtefactIds).length;
  let done = 0;
  const tasks = new Listr([
    {
      title: `toolchain: 0/${total}`,
      task: async (_ctx, task) => {
        outcomes = await ensureArtefacts(runArtefactIds, (event) => {
          if (event.kind === 'step') task.output = `${event.artefact.title}: ${event.detail}`;
          if ((event.kind === 'built' || event.kind === 'reused') && done < total) {
            done += 1;
            task.title = `toolchain: ${progressBar(done, total)} ${done}/${total} ${event.artefact.title} ${event.kind}`;
          }
        });
      },
      rendererOptions: { outputBar: 3, persistentOutput: false },
    },
  ], { renderer: process.stdout.isTTY ? 'default' : 'simple', exitOnError: true });
  await tasks.run();
  for (const outcome of outcomes) {
    process.stdout.write(`${outcome.action.padEnd(7)} ${outcome.title.padEnd(40)} ${(outcome.durationMs / 1000).toFixed(1).padStart(7)} s\n`);
  }
  process.stdout.write(`toolchain ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return ExitCode.ok;
}

function progressBar(done: number, total: number, width = 20): string {
  const filled = Math.round((done / Math.max(total, 1)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
