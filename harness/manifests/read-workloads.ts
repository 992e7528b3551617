import { LineCounter, parseAllDocuments } from 'yaml';
import {
  LIST_FIELDS,
  OBJECT_FIELDS,
  POD_SECURITY_CONTEXT_FIELDS,
  POD_SPEC_FIELDS,
  POD_TEMPLATE_OBJECT_FIELDS,
  SYSCTL_FIELDS,
  DOTLESS_GROUPS,
  SERVED_KINDS,
  TEMPLATE_FIELDS,
  WORKLOAD_API_VERSION,
  WORKLOAD_KINDS,
  WORKLOAD_SPEC_FIELDS,
  type WorkloadKind,
} from './known-fields.js';
import { DEFAULT_KUBERNETES_VERSION, parseMinorVersion, type MinorVersion } from '../policy/versions.js';
import { clip } from '../text/terminal.js';
import { closestName } from './suggest.js';
import { documentsFromEvents, NEEDS_YAML, TreeProblem, treeFromYaml, type MapNode, type Position, type TreeNode } from './tree.js';

export interface SysctlEntry {
  readonly name: string;
  readonly value: string;
  /** file:line:column of the entry. */
  readonly source: string;
}

/** One pod template found in the manifests, with what the sysctl rules need to know about it. */
export interface PodTemplate {
  /** file:line of the object. */
  readonly source: string;
  readonly kind: WorkloadKind;
  readonly namespace: string | null;
  readonly name: string;
  /** Field path of the pod spec inside the object, as the API server prints it. */
  readonly podSpecPath: string;
  readonly hostNetwork: boolean;
  readonly hostIPC: boolean;
  /** spec.hostUsers when set (absent: the host's user namespace). */
  readonly hostUsers?: boolean;
  /** spec.os.name when set. */
  readonly os?: string;
  readonly sysctls: SysctlEntry[];
}

/** A Namespace object in the manifests: its labels carry the Pod Security policy of its pods. */
export interface NamespaceObject {
  readonly source: string;
  readonly name: string;
  readonly labels: ReadonlyMap<string, string>;
}

export interface ManifestProblem {
  /** file:line:column (or the file alone when it could not be read). */
  readonly source: string;
  readonly message: string;
  readonly fix?: string;
}

export interface WorkloadReadResult {
  readonly templates: PodTemplate[];
  readonly problems: ManifestProblem[];
  readonly namespaces: NamespaceObject[];
  /** YAML documents read (empty ones included), for the document cap. */
  readonly documents: number;
}

export interface ReadWorkloadsOptions {
  /** Lines of the file before `text`, when `text` is a chunk of a larger stream. */
  readonly lineOffset?: number;
  /** The Kubernetes version the objects are for: which apiVersions the API server still serves. */
  readonly kubernetesVersion?: MinorVersion;
}

const WORKLOAD_KIND_SET: ReadonlySet<string> = new Set(WORKLOAD_KINDS);
const DEFAULT_VERSION = parseMinorVersion(DEFAULT_KUBERNETES_VERSION)!;

/**
 * Reads every workload in a multi-document YAML text, strictly along the path from the object to
 * its sysctls: an unknown or mistyped field there is a problem with its line and column, because
 * Kubernetes would refuse it (or an older kubectl would drop it without a word). Objects of other
 * kinds are passed over: a `helm template` stream is mostly Services and ConfigMaps. A kind the
 * object's apiVersion does not serve is a problem: kubectl refuses it ("no matches for kind").
 */
export function readWorkloads(text: string, file: string, options: ReadWorkloadsOptions = {}): WorkloadReadResult {
  const lineOffset = options.lineOffset ?? 0;
  const reader = new Reader(file, lineOffset, options.kubernetesVersion ?? DEFAULT_VERSION);
  const documents = documentsFromEvents(text);
  if (!documents) {
    const trees = yamlTrees(text, file, reader.problems, 0, lineOffset, false);
    for (const tree of trees) if (tree) reader.readObject(tree, '');
    return { templates: reader.templates, problems: reader.problems, namespaces: reader.namespaces, documents: trees.length };
  }
  for (const document of documents) {
    const templates = reader.templates.length;
    const problems = reader.problems.length;
    if (document.tree !== NEEDS_YAML) {
      if (document.tree) reader.readObject(document.tree, '');
      if (reader.problems.length === problems) continue;
      // Something to report: read the document again with `yaml`, whose positions the messages use.
      reader.templates.length = templates;
      reader.problems.length = problems;
    }
    const [tree] = yamlTrees(text.slice(document.start, document.end), file, reader.problems, document.lineOffset, lineOffset, true);
    if (tree) reader.readObject(tree, '');
  }
  return { templates: reader.templates, problems: reader.problems, namespaces: reader.namespaces, documents: documents.length };
}

/**
 * The documents of `text` as trees read by the `yaml` library (merge keys on, as kubectl's
 * go-yaml reads them), with its syntax errors and the tree's own problems (alias bombs, nesting)
 * as problems; a document with one gives null. `lineOffset` shifts lines when `text` is a slice of
 * the chunk starting at a line start, `chunkOffset` when the chunk is part of a larger file;
 * `firstOnly` keeps the slice's own document, not the marker of the next one that may end it.
 */
function yamlTrees(
  text: string, file: string, problems: ManifestProblem[], lineOffset: number, chunkOffset: number, firstOnly: boolean,
): (TreeNode | null)[] {
  const lineCounter = new LineCounter();
  let parsed: ReturnType<typeof parseAllDocuments>;
  try {
    parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true, merge: true });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    // The parser recursed past the stack: brackets nested thousands deep.
    problems.push({ source: `${file}:${lineOffset + chunkOffset + 1}:1`, message: 'nested too deeply to read', fix: 'no Kubernetes object nests this deep: check the brackets' });
    return [null];
  }
  if (!Array.isArray(parsed)) return [];
  return (firstOnly ? parsed.slice(0, 1) : parsed).map((document) => {
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const pos = lineCounter.linePos(error.pos[0]);
        problems.push({ source: `${file}:${pos.line + lineOffset + chunkOffset}:${pos.col}`, message: `not valid YAML: ${clip(error.message.split('\n')[0] ?? '')}` });
      }
      return null;
    }
    try {
      return treeFromYaml(document, lineCounter, lineOffset);
    } catch (error) {
      if (error instanceof TreeProblem) {
        problems.push({ source: `${file}:${error.pos.line + chunkOffset}:${error.pos.col}`, message: error.message, ...(error.fix ? { fix: error.fix } : {}) });
        return null;
      }
      if (error instanceof RangeError) {
        problems.push({ source: `${file}:${lineOffset + chunkOffset + 1}:1`, message: 'nested too deeply to read', fix: 'no Kubernetes object nests this deep: check the brackets and anchors' });
        return null;
      }
      throw error;
    }
  });
}

class Reader {
  readonly templates: PodTemplate[] = [];
  readonly problems: ManifestProblem[] = [];
  readonly namespaces: NamespaceObject[] = [];
  /** Problems before the current object, so that a faulty object is not reported as a workload. */
  private problemMark = 0;

  constructor(private readonly file: string, private readonly lineOffset: number, private readonly version: MinorVersion) {}

  readObject(node: TreeNode, itemPath: string): void {
    if (node.type !== 'map') {
      this.problem(node.pos, `expected a Kubernetes object (a mapping)${itemPath ? ` at ${itemPath}` : ''}`);
      return;
    }
    const kindNode = entryValue(node, 'kind');
    const kind = kindNode?.type === 'scalar' ? kindNode.value : undefined;
    if (typeof kind !== 'string' || kind === '') {
      this.problem(node.pos, `object has no kind${itemPath ? ` at ${itemPath}` : ''}`, 'every document needs apiVersion and kind');
      return;
    }
    const served = this.servedKind(node, kind, itemPath);
    // A custom resource is not ours to judge, whatever its kind is called.
    if (served !== 'built-in') return;
    if (kind === 'List' || (kind.endsWith('List') && entryValue(node, 'items') !== undefined)) {
      const items = this.fields(node, LIST_FIELDS, itemPath || kind).get('items');
      if (items?.type === 'seq') items.items.forEach((item, index) => this.readObject(item, `items[${index}]`));
      return;
    }
    if (kind === 'Namespace') {
      this.readNamespace(node);
      return;
    }
    if (!WORKLOAD_KIND_SET.has(kind)) return;
    this.problemMark = this.problems.length;
    this.readWorkload(node, kind as WorkloadKind);
  }

  /**
   * kubectl's first check: the apiVersion names a served group version, and it serves the kind.
   * Custom resources (a group with a dot) are not ours to judge and pass.
   */
  private servedKind(node: MapNode, kind: string, itemPath: string): 'built-in' | 'custom' | 'refused' {
    const where = itemPath ? ` at ${itemPath}` : '';
    const apiVersionNode = entryValue(node, 'apiVersion');
    const apiVersion = apiVersionNode?.type === 'scalar' && typeof apiVersionNode.value === 'string' ? apiVersionNode.value : undefined;
    const servedAt = WORKLOAD_KIND_SET.has(kind) ? WORKLOAD_API_VERSION[kind as WorkloadKind] : undefined;
    if (apiVersion === undefined || apiVersion === '') {
      this.problem(node.pos, `${clip(kind)} object has no apiVersion${where}`, servedAt ? `add apiVersion: ${servedAt}` : 'add the apiVersion of its API group, e.g. apiVersion: v1');
      return 'refused';
    }
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    if (group.includes('.')) return 'custom';
    const noMatch = `no matches for kind ${JSON.stringify(clip(kind))} in version ${JSON.stringify(clip(apiVersion))}${where} (kubectl refuses it)`;
    const served = SERVED_KINDS.get(apiVersion);
    const bare = kind.endsWith('List') && kind !== 'List' ? kind.slice(0, -4) : kind;
    if (!served) {
      const groups = [...DOTLESS_GROUPS].filter((name) => name !== '');
      const groupGuess = DOTLESS_GROUPS.has(group) ? undefined : closestName(group, groups);
      const fix = group === 'sysctl-bench'
        ? 'a sysctl-bench scenario is not a Kubernetes object: give validate its file on its own, not inside a manifest stream'
        : servedAt ? `use apiVersion: ${servedAt}` : groupGuess ? `did you mean apiVersion: ${groupGuess}${apiVersion.slice(slash)}?` : 'use a served apiVersion: v1, apps/v1, batch/v1 or a CustomResourceDefinition\'s group';
      this.problem(node.pos, noMatch, fix);
      return 'refused';
    }
    if (!served.kinds.has(bare)) {
      const guess = closestName(kind, new Set([...served.kinds, ...WORKLOAD_KINDS]));
      const guessAt = guess && WORKLOAD_KIND_SET.has(guess) ? WORKLOAD_API_VERSION[guess as WorkloadKind] : apiVersion;
      const fix = servedAt
        ? `${kind} is served as apiVersion: ${servedAt}`
        : guess ? `did you mean kind: ${guess}${guessAt !== apiVersion ? ` (apiVersion: ${guessAt})` : ''}?` : `use a kind ${apiVersion} serves: ${[...served.kinds].join(', ')}`;
      this.problem(node.pos, noMatch, fix);
      return 'refused';
    }
    if (served.removedIn !== undefined && (this.version.major > 1 || this.version.minor >= served.removedIn)) {
      this.problem(node.pos, `${noMatch}: Kubernetes 1.${served.removedIn} and later no longer serve ${apiVersion}`, servedAt ? `use apiVersion: ${servedAt}` : `use the apiVersion that serves ${kind} now`);
      return 'refused';
    }
    return 'built-in';
  }

  private readWorkload(node: MapNode, kind: WorkloadKind): void {
    const fields = this.fields(node, kind === 'PodTemplate' ? POD_TEMPLATE_OBJECT_FIELDS : OBJECT_FIELDS, kind);
    const metadata = fields.get('metadata');
    const name = kept(stringAt(metadata, 'name') ?? stringAt(metadata, 'generateName') ?? '');
    const namespaceText = stringAt(metadata, 'namespace');
    const namespace = namespaceText === undefined ? null : kept(namespaceText);

    let podSpec: { node: TreeNode; path: string } | undefined;
    if (kind === 'Pod') {
      podSpec = this.required(node, fields, 'spec', 'spec');
    } else if (kind === 'PodTemplate') {
      podSpec = this.templateSpec(node, fields, 'template');
    } else if (kind === 'CronJob') {
      const spec = this.mapChild(node, fields, 'spec', '', WORKLOAD_SPEC_FIELDS.CronJob!);
      const jobTemplate = spec && this.mapChild(spec.node, spec.fields, 'jobTemplate', 'spec', TEMPLATE_FIELDS);
      const jobSpec = jobTemplate && this.mapChild(jobTemplate.node, jobTemplate.fields, 'spec', 'spec.jobTemplate', WORKLOAD_SPEC_FIELDS.Job!);
      podSpec = jobSpec && this.templateSpec(jobSpec.node, jobSpec.fields, 'spec.jobTemplate.spec.template');
    } else {
      const spec = this.mapChild(node, fields, 'spec', '', WORKLOAD_SPEC_FIELDS[kind]!);
      podSpec = spec && this.templateSpec(spec.node, spec.fields, 'spec.template');
    }
    if (!podSpec) return;
    const pod = this.readPodSpec(podSpec.node, podSpec.path);
    if (!pod || this.problems.length > this.problemMark) return;
    this.templates.push({ source: `${this.file}:${node.pos.line + this.lineOffset}`, kind, namespace, name, podSpecPath: podSpec.path, ...pod });
  }

  /** A Namespace's name and string labels; nothing else of it matters to the sysctl rules. */
  private readNamespace(node: MapNode): void {
    const metadata = entryValue(node, 'metadata');
    const name = stringAt(metadata, 'name');
    if (name === undefined) return;
    const labels = new Map<string, string>();
    const labelMap = metadata?.type === 'map' ? entryValue(metadata, 'labels') : undefined;
    if (labelMap?.type === 'map') {
      for (const entry of labelMap.entries) {
        if (entry.key !== undefined && entry.value.type === 'scalar' && typeof entry.value.value === 'string') labels.set(entry.key, entry.value.value);
      }
    }
    this.namespaces.push({ source: `${this.file}:${node.pos.line + this.lineOffset}`, name, labels });
  }

  /** A PodTemplateSpec at `path`: returns its pod spec. */
  private templateSpec(parent: MapNode, parentFields: Map<string, TreeNode>, path: string): { node: TreeNode; path: string } | undefined {
    const key = path.slice(path.lastIndexOf('.') + 1);
    const parentPath = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
    const template = this.mapChild(parent, parentFields, key, parentPath, TEMPLATE_FIELDS);
    return template && this.required(template.node, template.fields, 'spec', `${path}.spec`);
  }

  private readPodSpec(node: TreeNode, path: string): Pick<PodTemplate, 'hostNetwork' | 'hostIPC' | 'hostUsers' | 'os' | 'sysctls'> | undefined {
    if (node.type !== 'map') {
      this.problem(node.pos, `${path} must be a mapping (a PodSpec)`);
      return undefined;
    }
    const fields = this.fields(node, POD_SPEC_FIELDS, path);
    const hostNetwork = this.booleanField(fields, 'hostNetwork', path);
    const hostIPC = this.booleanField(fields, 'hostIPC', path);
    const hostUsersNode = fields.get('hostUsers');
    const hostUsers = hostUsersNode && !isNull(hostUsersNode) ? this.booleanField(fields, 'hostUsers', path) : undefined;
    const osNode = fields.get('os');
    const os = osNode?.type === 'map' ? stringAt(osNode, 'name') : undefined;
    const sysctls: SysctlEntry[] = [];
    const securityContext = fields.get('securityContext');
    if (securityContext && !isNull(securityContext)) {
      const scPath = `${path}.securityContext`;
      if (securityContext.type !== 'map') {
        this.problem(securityContext.pos, `${scPath} must be a mapping (a PodSecurityContext)`);
        return undefined;
      }
      const list = this.fields(securityContext, POD_SECURITY_CONTEXT_FIELDS, scPath).get('sysctls');
      if (list && !isNull(list)) {
        if (list.type !== 'seq') {
          this.problem(list.pos, `${scPath}.sysctls must be a list of {name, value} entries`);
          return undefined;
        }
        list.items.forEach((item, index) => {
          const entry = this.readSysctl(item, `${scPath}.sysctls[${index}]`);
          if (entry) sysctls.push(entry);
        });
      }
    }
    return { hostNetwork, hostIPC, ...(hostUsers !== undefined ? { hostUsers } : {}), ...(os !== undefined ? { os } : {}), sysctls };
  }

  private readSysctl(node: TreeNode, path: string): SysctlEntry | undefined {
    if (node.type !== 'map') {
      this.problem(node.pos, `${path} must be a mapping with name and value`, 'write it as - name: net.core.somaxconn\\n  value: "4096"');
      return undefined;
    }
    const before = this.problems.length;
    const fields = this.fields(node, SYSCTL_FIELDS, path);
    const unknownFieldReported = this.problems.length > before;
    const name = this.scalarString(fields.get('name'), path, 'name', node);
    const valueNode = fields.get('value');
    if (!valueNode) {
      if (!unknownFieldReported) this.problem(node.pos, `${path} has no value`, 'add value: "<the value>" (a quoted string)');
      return undefined;
    }
    const value = this.scalarString(valueNode, path, 'value', node);
    if (name === undefined || value === undefined) return undefined;
    return { name: kept(name), value: kept(value), source: this.at(node.pos) };
  }

  /** A string scalar field; numbers and booleans are refused as the API's string type refuses them. */
  private scalarString(value: TreeNode | undefined, path: string, key: string, owner: TreeNode): string | undefined {
    if (!value) {
      this.problem(owner.pos, `${path} has no ${key}`, `add ${key}: "<the ${key}>"`);
      return undefined;
    }
    if (value.type === 'scalar' && typeof value.value === 'string') return value.value;
    const shown = value.type === 'scalar' ? clip(String(value.value)) : 'a non-scalar';
    this.problem(value.pos, `${path}.${key} must be a string, got ${shown}`, `quote it: ${key}: "${shown}"`);
    return undefined;
  }

  private booleanField(fields: Map<string, TreeNode>, key: string, path: string): boolean {
    const value = fields.get(key);
    if (!value || isNull(value)) return false;
    if (value.type === 'scalar' && typeof value.value === 'boolean') return value.value;
    this.problem(value.pos, `${path}.${key} must be true or false`);
    return false;
  }

  private required(parent: TreeNode, fields: Map<string, TreeNode>, key: string, path: string): { node: TreeNode; path: string } | undefined {
    const value = fields.get(key);
    if (!value || isNull(value)) {
      this.problem(parent.pos, `missing ${path}`);
      return undefined;
    }
    return { node: value, path };
  }

  private mapChild(
    parent: TreeNode, parentFields: Map<string, TreeNode>, key: string, parentPath: string, allowed: ReadonlySet<string>,
  ): { node: MapNode; fields: Map<string, TreeNode> } | undefined {
    const path = parentPath ? `${parentPath}.${key}` : key;
    const found = this.required(parent, parentFields, key, path);
    if (!found) return undefined;
    if (found.node.type !== 'map') {
      this.problem(found.node.pos, `${path} must be a mapping`);
      return undefined;
    }
    return { node: found.node, fields: this.fields(found.node, allowed, path) };
  }

  /** The map's fields; reports each key not in `allowed`, with the closest known name. */
  private fields(map: MapNode, allowed: ReadonlySet<string>, path: string): Map<string, TreeNode> {
    const out = new Map<string, TreeNode>();
    for (const entry of map.entries) {
      if (entry.key === undefined) {
        this.problem(entry.keyPos, `${path || 'object'} has a key that is not a string`);
        continue;
      }
      if (!allowed.has(entry.key)) {
        const guess = closestName(entry.key, allowed);
        const key = clip(entry.key);
        this.problem(
          entry.keyPos,
          `unknown field "${key}" in ${path || 'the object'}${guess ? `; did you mean "${guess}"?` : ''}`,
          guess ? `rename "${key}" to "${guess}"` : `remove "${key}"; known fields here: ${[...allowed].join(', ')}`,
        );
        continue;
      }
      out.set(entry.key, entry.value);
    }
    return out;
  }

  private problem(pos: Position, message: string, fix?: string): void {
    this.problems.push({ source: this.at(pos), message, ...(fix ? { fix } : {}) });
  }

  private at(pos: Position): string {
    return `${this.file}:${pos.line + this.lineOffset}:${pos.col}`;
  }
}

/**
 * A string kept past the chunk it was read from, as its own copy. The parser's strings are slices
 * of the chunk's text, and one kept slice keeps the whole megabyte alive: 200,000 templates would
 * hold the whole stream. Names and values repeat (sysctl names, namespaces): those share one copy.
 */
function kept(text: string): string {
  const known = keptStrings.get(text);
  if (known !== undefined) return known;
  // Concatenation then slice makes V8 copy the characters (a string under 13 characters is a copy already).
  const copy = text.length < 13 ? text : ` ${text}`.slice(1);
  if (keptStrings.size >= 4096) keptStrings.clear();
  keptStrings.set(copy, copy);
  return copy;
}

const keptStrings = new Map<string, string>();

function entryValue(map: MapNode, key: string): TreeNode | undefined {
  return map.entries.find((entry) => entry.key === key)?.value;
}

function stringAt(node: TreeNode | undefined, key: string): string | undefined {
  if (node?.type !== 'map') return undefined;
  const value = entryValue(node, key);
  return value?.type === 'scalar' && typeof value.value === 'string' ? value.value : undefined;
}

function isNull(node: TreeNode): boolean {
  return node.type === 'scalar' && node.value === null;
}
