import { LineCounter, parseAllDocuments } from 'yaml';
import {
  LIST_FIELDS,
  OBJECT_FIELDS,
  POD_SECURITY_CONTEXT_FIELDS,
  POD_SPEC_FIELDS,
  POD_TEMPLATE_OBJECT_FIELDS,
  SYSCTL_FIELDS,
  TEMPLATE_FIELDS,
  WORKLOAD_KINDS,
  WORKLOAD_SPEC_FIELDS,
  type WorkloadKind,
} from './known-fields.js';
import { closestName } from './suggest.js';
import { documentsFromEvents, NEEDS_YAML, treeFromYaml, type MapNode, type Position, type TreeNode } from './tree.js';

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
}

const WORKLOAD_KIND_SET: ReadonlySet<string> = new Set(WORKLOAD_KINDS);

/**
 * Reads every workload in a multi-document YAML text, strictly along the path from the object to
 * its sysctls: an unknown or mistyped field there is a problem with its line and column, because
 * Kubernetes would refuse it (or an older kubectl would drop it without a word). Objects of other
 * kinds are passed over: a `helm template` stream is mostly Services and ConfigMaps.
 */
export function readWorkloads(text: string, file: string): WorkloadReadResult {
  const reader = new Reader(file);
  const documents = documentsFromEvents(text);
  if (!documents) {
    for (const tree of yamlTrees(text, file, reader.problems, 0, false)) if (tree) reader.readObject(tree, '');
    return { templates: reader.templates, problems: reader.problems, namespaces: reader.namespaces };
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
    const [tree] = yamlTrees(text.slice(document.start, document.end), file, reader.problems, document.lineOffset, true);
    if (tree) reader.readObject(tree, '');
  }
  return { templates: reader.templates, problems: reader.problems, namespaces: reader.namespaces };
}

/**
 * The documents of `text` as trees read by the `yaml` library, with its syntax errors as problems
 * (a document with errors gives null). `lineOffset` shifts lines when `text` is a slice of the
 * file starting at a line start; `firstOnly` keeps the slice's own document, not the marker of the
 * next one that may end it.
 */
function yamlTrees(text: string, file: string, problems: ManifestProblem[], lineOffset: number, firstOnly: boolean): (TreeNode | null)[] {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  if (!Array.isArray(parsed)) return [];
  return (firstOnly ? parsed.slice(0, 1) : parsed).map((document) => {
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const pos = lineCounter.linePos(error.pos[0]);
        problems.push({ source: `${file}:${pos.line + lineOffset}:${pos.col}`, message: `not valid YAML: ${error.message.split('\n')[0]}` });
      }
      return null;
    }
    return treeFromYaml(document, lineCounter, lineOffset);
  });
}

class Reader {
  readonly templates: PodTemplate[] = [];
  readonly problems: ManifestProblem[] = [];
  readonly namespaces: NamespaceObject[] = [];
  /** Problems before the current object, so that a faulty object is not reported as a workload. */
  private problemMark = 0;

  constructor(private readonly file: string) {}

  readObject(node: TreeNode, itemPath: string): void {
    if (node.type !== 'map') {
      this.problem(node.pos, `expected a Kubernetes object (a mapping)${itemPath ? ` at ${itemPath}` : ''}`);
      return;
    }
    const kindNode = entryValue(node, 'kind');
    const kind = kindNode?.type === 'scalar' ? kindNode.value : undefined;
    if (typeof kind !== 'string') {
      this.problem(node.pos, `object has no kind${itemPath ? ` at ${itemPath}` : ''}`, 'every document needs apiVersion and kind');
      return;
    }
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

  private readWorkload(node: MapNode, kind: WorkloadKind): void {
    const fields = this.fields(node, kind === 'PodTemplate' ? POD_TEMPLATE_OBJECT_FIELDS : OBJECT_FIELDS, kind);
    const metadata = fields.get('metadata');
    const name = stringAt(metadata, 'name') ?? stringAt(metadata, 'generateName') ?? '';
    const namespace = stringAt(metadata, 'namespace') ?? null;

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
    this.templates.push({ source: `${this.file}:${node.pos.line}`, kind, namespace, name, podSpecPath: podSpec.path, ...pod });
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
    this.namespaces.push({ source: `${this.file}:${node.pos.line}`, name, labels });
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
    return { name, value, source: at(this.file, node.pos) };
  }

  /** A string scalar field; numbers and booleans are refused as the API's string type refuses them. */
  private scalarString(value: TreeNode | undefined, path: string, key: string, owner: TreeNode): string | undefined {
    if (!value) {
      this.problem(owner.pos, `${path} has no ${key}`, `add ${key}: "<the ${key}>"`);
      return undefined;
    }
    if (value.type === 'scalar' && typeof value.value === 'string') return value.value;
    const shown = value.type === 'scalar' ? String(value.value) : 'a non-scalar';
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
        this.problem(
          entry.keyPos,
          `unknown field "${entry.key}" in ${path || 'the object'}${guess ? `; did you mean "${guess}"?` : ''}`,
          guess ? `rename "${entry.key}" to "${guess}"` : `remove "${entry.key}"; known fields here: ${[...allowed].join(', ')}`,
        );
        continue;
      }
      out.set(entry.key, entry.value);
    }
    return out;
  }

  private problem(pos: Position, message: string, fix?: string): void {
    this.problems.push({ source: at(this.file, pos), message, ...(fix ? { fix } : {}) });
  }
}

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

function at(file: string, pos: Position): string {
  return `${file}:${pos.line}:${pos.col}`;
}
