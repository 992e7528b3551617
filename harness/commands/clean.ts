import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import type { CleanItem, CleanOutcome } from '../clean/machine.js';

interface CleanFlags {
  dryRun?: boolean;
  kubeconfig?: string;
  context?: string;
}

export function registerClean(program: Command): void {
  program
    .command('clean')
    .description('List and remove everything sysctl-bench created on this machine (kind clusters, containers, networks, volumes, kubeconfig entries, run records) and put the host kernel back; with --kubeconfig, the labelled namespaces on that cluster')
    .option('--dry-run', 'only list what would be removed')
    .option('--kubeconfig <file>', 'an existing cluster: remove the namespaces sysctl-bench runs made there (label app.kubernetes.io/managed-by=sysctl-bench), nothing else')
    .option('--context <name>', 'the kubeconfig context to use (default: its current context)')
    .addHelpText('after', `
Only what carries sysctl-bench's marks is touched: clusters a run recorded or whose nodes are on a
network sysctl-bench made, Docker objects labelled io.sysctl-bench.run, the kind-<cluster> entries
of those clusters. A run still in progress keeps what is its own. The host kernel's baseline is put
back and dropped once nothing of sysctl-bench is left (docs/host-kernel.md).
Exit codes: 0 everything listed was removed (or --dry-run); 3 something could not be removed.`)
    .action(async (options: CleanFlags) => {
      let items: CleanItem[];
      let remove: (items: CleanItem[]) => Promise<CleanOutcome[]>;
      if (options.kubeconfig) {
        const source = { kubeconfig: options.kubeconfig, ...(options.context ? { context: options.context } : {}) };
        const { findClusterLeftovers, removeClusterLeftovers } = await import('../clean/cluster.js');
        const found = await findClusterLeftovers(source);
        items = found;
        remove = () => removeClusterLeftovers(source, found);
      } else {
        const { findMachineLeftovers, removeMachineLeftovers } = await import('../clean/machine.js');
        items = await findMachineLeftovers();
        remove = removeMachineLeftovers;
      }
      const where = options.kubeconfig ? `the cluster of ${options.kubeconfig}` : 'this machine';
      if (items.length === 0) {
        process.stdout.write(`nothing of sysctl-bench on ${where}\n`);
        return;
      }
      for (const item of items) process.stdout.write(`${item.skip ? 'keep  ' : options.dryRun ? 'would remove' : 'remove'} ${item.kind.padEnd(11)} ${item.name} (${item.why})${item.skip ? `: ${item.skip}` : ''}\n`);
      if (options.dryRun) return;
      const outcomes = await remove(items);
      let failed = 0;
      for (const outcome of outcomes) {
        if (!outcome.done) failed += 1;
        process.stdout.write(`${outcome.done ? '✔' : '✖'} ${outcome.item.kind} ${outcome.item.name}${outcome.detail ? `: ${outcome.detail}` : ''}\n`);
      }
      process.exitCode = failed > 0 ? ExitCode.cannotRun : ExitCode.ok;
    });
}
