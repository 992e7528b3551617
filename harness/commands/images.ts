import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { EnvironmentError } from '../errors.js';
import type { ImageApp } from '../toolchain/artefacts/workload-images.js';

const apps: readonly ImageApp[] = ['net-server', 'ipc-bench', 'gateway', 'loadgen'];

/**
 * The images a run on an existing cluster pulls, named as `run --registry` will name them; with
 * --push, tagged and pushed from this machine's Docker (built first when missing). The run itself
 * never touches Docker on that path.
 */
export function registerImages(program: Command): void {
  program
    .command('images')
    .description('List the images a run uses, as a registry serves them (--registry); --push tags and pushes them there with docker')
    .option('--registry <host[/path]>', 'the registry the cluster\'s nodes pull from, e.g. registry.example.com:5000/team', registryArg)
    .option('--push', 'build the images when missing, then docker tag and docker push each one')
    .action(async (options: { registry?: string; push?: boolean }) => {
      // Loaded here: the image module brings the process runner, which other commands must not pay for.
      const { imageRef } = await import('../toolchain/artefacts/workload-images.js');
      const prefix = options.registry ? `${options.registry.replace(/\/$/, '')}/` : '';
      if (options.push) {
        if (!options.registry) throw new EnvironmentError('--push needs --registry', { fix: 'pass --registry HOST[:PORT][/PATH]' });
        const { ensureArtefacts } = await import('../toolchain/ensure.js');
        const { run } = await import('../toolchain/exec.js');
        await ensureArtefacts(['workload-images', 'loadgen-image']);
        for (const app of apps) {
          const local = imageRef(app);
          await run('docker', ['tag', local, `${prefix}${local}`]);
          await run('docker', ['push', `${prefix}${local}`], { timeoutMs: 10 * 60_000 });
          process.stderr.write(`pushed ${prefix}${local}\n`);
        }
      }
      for (const app of apps) process.stdout.write(`${prefix}${imageRef(app)}\n`);
    });
}

function registryArg(value: string): string {
  if (!/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*\/?$/.test(value)) throw new InvalidArgumentError('give a registry host with an optional port and path, e.g. registry.example.com:5000/team');
  return value;
}
