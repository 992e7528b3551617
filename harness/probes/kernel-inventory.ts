import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The sysctl names this machine's kernel has, in dot form. kind nodes share the machine's
 * kernel, so this is what their pods can set; a name missing here makes the runtime fail the pod
 * ("open /proc/sys/...: no such file or directory").
 */
export function kernelSysctlInventory(root = '/proc/sys'): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string, prefix: string[]) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      let isDirectory = false;
      try {
        isDirectory = statSync(path).isDirectory();
      } catch {
        continue;
      }
      if (isDirectory) walk(path, [...prefix, entry]);
      else names.add([...prefix, entry].join('.'));
    }
  };
  walk(root, []);
  return names;
}
