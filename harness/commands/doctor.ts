import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import type { Probe } from '../toolchain/artefact.js';
import type { EnsureOutcome } from '../toolchain/ensure.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Check every component sysctl-bench needs (Docker, kind, node image, images, load generator); --fix builds what is missing')
    .option('--fix', 'build or start what is missing (cached; only what changed is rebuilt)')
    .option('--json', 'print the check as JSON')
    .action(async (options: { fix?: boolean; json?: boolean }) => {
      if (options.fix) {
        process.exitCode = await fix();
        return;
      }
      process.exitCode = await check(Boolean(options.json));
    });
}

async function check(json: boolean): Promise<number> {
  // The toolchain modules pull in testcontainers and execa: loaded only when doctor runs.
  const { artefacts } = await import('../toolchain/registry.js');
  const rows: Array<{ id: string; title: string; probe: Probe }> = [];
  for (const artefact of artefacts) rows.push({ id: artefact.id, title: artefact.title, probe: await artefact.probe() });
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    for (const row of rows) process.stdout.write(`${formatRow(row.title, row.probe)}\n`);
  }
  return rows.some((row) => row.probe.state === 'missing') ? ExitCode.expectationsFailed : ExitCode.ok;
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
export async function fix(): Promise<number> {
  const [{ Listr }, { ensureArtefacts }, { buildOrder, runArtefactIds }] = await Promise.all([
    import('listr2'), import('../toolchain/ensure.js'), import('../toolchain/registry.js'),
  ]);
  const started = Date.now();
  let outcomes: EnsureOutcome[] = [];
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
