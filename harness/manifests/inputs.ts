import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { describeFsError, isFsError } from '../input/fs-errors.js';
import { chunksOf, formatBytes, openForReading, stdinChunks } from '../input/files.js';
import type { MinorVersion } from '../policy/versions.js';
import { readWorkloads, type ManifestProblem, type NamespaceObject, type PodTemplate } from './read-workloads.js';
import { documentChunks } from './stream.js';

/**
 * Reading the manifests named on the command line: files, folders (recursively, YAML and JSON
 * files in name order) and `-` for standard input, streamed a megabyte of whole documents at a
 * time and bounded by caps on bytes and documents. A path that cannot be read (missing,
 * unreadable, a symlink loop, a FIFO found in a folder, not UTF-8) becomes a problem under its own
 * path and the rest is still read: one bad file must not hide the verdicts on the others.
 */

const MiB = 1024 * 1024;

export interface ManifestLimits {
  /** Bytes read from all inputs together. */
  readonly maxBytes: number;
  /** YAML documents read from all inputs together. */
  readonly maxDocuments: number;
}

/**
 * What one `validate` reads by default: 64 MiB and 25,000 documents, many times the largest
 * rendered chart; this 2-core machine reads that far, or stops there, in seconds and well within
 * 1 GB (npm run bench; past them memory grows by about 5 KB per workload judged).
 * `--max-input-size` and `--max-documents` raise them; docs/validate.md.
 */
export const DEFAULT_MANIFEST_LIMITS: ManifestLimits = { maxBytes: 64 * MiB, maxDocuments: 25_000 };

/** Problems kept; past this a stream of garbage would only flood the output. */
export const MAX_PROBLEMS = 1000;

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** A sysctl-bench Scenario given to validate: the caller checks it as a scenario. */
export interface ScenarioInput {
  readonly file: string;
  readonly text: string;
}

export interface ManifestRead {
  readonly templates: PodTemplate[];
  readonly problems: ManifestProblem[];
  /** Namespace objects (their pod-security labels matter to admission). */
  readonly namespaces: NamespaceObject[];
  readonly scenarios: ScenarioInput[];
  readonly documents: number;
  readonly bytes: number;
  /** True when a cap stopped the read: the input was not read to its end. */
  readonly capped: boolean;
}

export interface ManifestReadOptions {
  readonly limits?: ManifestLimits;
  readonly kubernetesVersion?: MinorVersion;
  /** Standard input's bytes (tests pass their own). */
  readonly stdin?: () => AsyncIterable<Buffer>;
}

/** Thrown inside the read to stop it at a cap; becomes a problem. */
class CapReached extends Error {
  constructor(readonly problem: ManifestProblem) {
    super(problem.message);
  }
}

export async function readManifestInputs(paths: readonly string[], options: ManifestReadOptions = {}): Promise<ManifestRead> {
  const limits = options.limits ?? DEFAULT_MANIFEST_LIMITS;
  const templates: PodTemplate[] = [];
  const problems: ManifestProblem[] = [];
  const namespaces: NamespaceObject[] = [];
  const scenarios: ScenarioInput[] = [];
  let documents = 0;
  let bytes = 0;
  let dropped = 0;
  let capped = false;

  const addProblem = (problem: ManifestProblem): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
    else dropped += 1;
  };

  const readStream = async (source: AsyncIterable<Buffer>, file: string): Promise<void> => {
    const onBytes = (count: number): void => {
      bytes += count;
      if (bytes > limits.maxBytes) {
        throw new CapReached({
          source: file,
          message: `stopped reading: the manifests are larger than the ${formatBytes(limits.maxBytes)} cap`,
          fix: 'raise it with --max-input-size <MiB>, or validate the manifests in parts',
        });
      }
    };
    let scenario: string[] | undefined;
    let first = true;
    for await (const chunk of documentChunks(source, file, onBytes)) {
      if (first && isScenarioText(chunk.text)) scenario = [];
      first = false;
      if (scenario) {
        scenario.push(chunk.text);
        continue;
      }
      const read = readWorkloads(chunk.text, file, {
        lineOffset: chunk.lineOffset,
        ...(options.kubernetesVersion ? { kubernetesVersion: options.kubernetesVersion } : {}),
      });
      // One at a time: spreading 100,000 templates into push() overflows the call stack.
      for (const template of read.templates) templates.push(template);
      for (const problem of read.problems) addProblem(problem);
      for (const namespace of read.namespaces) namespaces.push(namespace);
      documents += read.documents;
      if (documents > limits.maxDocuments) {
        throw new CapReached({
          source: file,
          message: `stopped reading: more than ${limits.maxDocuments.toLocaleString('en')} YAML documents (the document cap)`,
          fix: 'raise it with --max-documents <n>, or validate the manifests in parts',
        });
      }
    }
    if (scenario) scenarios.push({ file, text: scenario.join('') });
  };

  const readPath = async (path: string, origin: 'named' | 'found'): Promise<void> => {
    const handle = await openForReading(path, 'the manifest', origin);
    try {
      await readStream(chunksOf(handle), path);
    } finally {
      await handle.close();
    }
  };

  /** Runs one read; a cap stops everything (rethrown), anything the user can fix is a problem and the next path is read. */
  const guarded = async (source: string, read: () => Promise<void>): Promise<void> => {
    try {
      await read();
    } catch (error) {
      if (error instanceof CapReached) throw error;
      if (error instanceof UserError) {
        addProblem({ source: error.where ?? source, message: error.message, ...(error.fix ? { fix: error.fix } : {}) });
        return;
      }
      if (isFsError(error)) {
        const problem = describeFsError(error);
        addProblem({ source, message: `cannot read: ${problem.message}`, fix: problem.fix });
        return;
      }
      throw error;
    }
  };

  try {
    for (const path of paths) {
      if (path === '-') {
        await guarded('<stdin>', () => readStream((options.stdin ?? stdinChunks)(), '<stdin>'));
        continue;
      }
      let isFolder = false;
      try {
        isFolder = (await stat(path)).isDirectory();
      } catch (error) {
        if (!isFsError(error)) throw error;
        const problem = describeFsError(error);
        addProblem({ source: path, message: `cannot read: ${problem.message}`, fix: problem.fix });
        continue;
      }
      if (!isFolder) {
        await guarded(path, () => readPath(path, 'named'));
        continue;
      }
      let found = 0;
      for await (const entry of manifestFilesUnder(path)) {
        if ('problem' in entry) {
          addProblem(entry.problem);
          continue;
        }
        found += 1;
        await guarded(entry.file, () => readPath(entry.file, 'found'));
      }
      if (found === 0) addProblem({ source: path, message: 'folder holds no .yaml, .yml or .json files', fix: 'point at the folder with the manifests' });
    }
  } catch (error) {
    if (!(error instanceof CapReached)) throw error;
    capped = true;
    addProblem(error.problem);
  }
  if (dropped > 0) {
    problems.push({ source: paths.join(' '), message: `and ${dropped.toLocaleString('en')} more problem(s) not shown (only the first ${MAX_PROBLEMS} are kept)`, fix: 'fix the ones shown and run again' });
  }
  return { templates, problems, namespaces, scenarios, documents, bytes, capped };
}

/** A sysctl-bench scenario rather than Kubernetes manifests: its header says so. */
export function isScenarioText(text: string): boolean {
  const head = text.slice(0, 64 * 1024);
  return /^apiVersion:[ \t]*["']?sysctl-bench\/v1["']?[ \t]*(#.*)?$/m.test(head) && /^kind:[ \t]*["']?Scenario["']?[ \t]*(#.*)?$/m.test(head);
}

/**
 * The manifest files under a folder, depth first in name order, as kubectl -R walks: symbolic
 * links to files are read, links to folders are not followed (no loops). A subfolder that cannot
 * be listed is a problem under its own path; the walk goes on.
 */
async function* manifestFilesUnder(folder: string): AsyncGenerator<{ file: string } | { problem: ManifestProblem }> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (!isFsError(error)) throw error;
    const problem = describeFsError(error);
    yield { problem: { source: folder, message: `cannot read the folder: ${problem.message}; skipped`, fix: problem.fix } };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) yield* manifestFilesUnder(full);
    else if (MANIFEST_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) yield { file: full };
  }
}
