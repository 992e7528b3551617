import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The Chart.js UMD build, read from the installed package so that the report carries it inline
 * and opens without any network. `</script` is broken up so the library cannot end its own element.
 */
export async function chartJsSource(): Promise<string> {
  const require = createRequire(import.meta.url);
  // The package's exports map hides dist/; resolve the main entry and look next to it.
  const entry = require.resolve('chart.js');
  const source = await readFile(join(dirname(entry), 'chart.umd.js'), 'utf8');
  return source.replace(/<\/script/gi, '<\\/script');
}
