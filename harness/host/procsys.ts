import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every readable entry of a /proc/sys tree, by sysctl name. Names follow sysctl(8): the path's
 * components joined by '.', a '.' inside a component (an interface such as eth0.100) written '/'.
 * Values are compared by their fields (the kernel separates them with tabs).
 */
export type ProcSysSnapshot = Record<string, string>;

export const PROC_SYS = '/proc/sys';

export function nameOf(components: readonly string[]): string {
  return components.map((component) => component.replaceAll('.', '/')).join('.');
}

/** The path of a name under `root`; the inverse of nameOf. */
export function pathOf(name: string, root = PROC_SYS): string {
  const components = name.split('.').map((component) => component.replaceAll('/', '.'));
  if (components.some((component) => component === '' || component === '..' || component === '.')) throw new Error(`not a sysctl name: ${JSON.stringify(name)}`);
  return join(root, ...components);
}

export function normalise(value: string): string {
  return value.trim().split(/\s+/).join(' ');
}

/**
 * Reads every entry under `root`. An entry that cannot be read (write-only ones such as
 * vm.compact_memory, or ones the kernel refuses to print) is left out: it has no value to keep.
 */
export function snapshotProcSys(root = PROC_SYS): ProcSysSnapshot {
  const snapshot: ProcSysSnapshot = {};
  const walk = (dir: string, prefix: string[]) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      let isDirectory: boolean;
      try {
        isDirectory = statSync(path).isDirectory();
      } catch {
        continue;
      }
      if (isDirectory) {
        walk(path, [...prefix, entry]);
        continue;
      }
      try {
        snapshot[nameOf([...prefix, entry])] = normalise(readFileSync(path, 'utf8'));
      } catch {
        // unreadable: nothing to compare
      }
    }
  };
  walk(root, []);
  return snapshot;
}

/** Writes one value back (as root on the real /proc/sys). */
export function writeProcSys(name: string, value: string, root = PROC_SYS): void {
  writeFileSync(pathOf(name, root), `${value}\n`);
}

/** Reads one value, or undefined when it cannot be read. */
export function readProcSys(name: string, root = PROC_SYS): string | undefined {
  try {
    return normalise(readFileSync(pathOf(name, root), 'utf8'));
  } catch {
    return undefined;
  }
}
