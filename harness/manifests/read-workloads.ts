import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
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
  readonly sysctls: SysctlEntry[];
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
}

const WORKLOAD_KIND_SET: ReadonlySet<string> = new Set(WORKLOAD_KINDS);

/**
 * Reads every workload in a multi-document YAML text, strictly along the path from the object to
 * its sysctls: an unknown or mistyped field there is a problem with its line and column, because
 * Kubernetes would refuse it (or an older kubectl would drop it without a word). Objects of other
 * kinds are passed over: a `helm template` stream is mostly Services and ConfigMaps.
 */
export function readWorkloads(text: string, file: string): WorkloadReadResult {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  const reader = new Reader(file, lineCounter);
  if (!Array.isArray(documents)) return { templates: [], problems: [] };
  for (const document of documents) reader.readDocument(document);
  return { templates: reader.templates, problems: reader.problems };
}

interface Field {
  readonly key: Node;
  readonly value: Node | null;
}

class Reader {
  readonly templates: PodTemplate[] = [];
  readonly problems: ManifestProblem[] = [];
  private document: Document | undefined;
  /** Problems before the current object, so that a faulty object is not reported as a workload. */
  private problemMark = 0;

  constructor(private readonly file: string, private readonly lineCounter: LineCounter) {}

  readDocument(document: Document): void {
    this.document = document;
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const pos = this.lineCounter.linePos(error.pos[0]);
        this.problems.push({ source: `${this.file}:${pos.line}:${pos.col}`, message: `not valid YAML: ${error.message.split('\n')[0]}` });
      }
      return;
    }
    const contents = this.resolve(document.contents);
    if (contents === null || (isScalar(contents) && contents.value === null)) return;
    this.readObject(contents, '');
  }

  private readObject(node: Node, itemPath: string): void {
    if (!isMap(node)) {
      this.problem(node, `expected a Kubernetes object (a mapping)${itemPath ? ` at ${itemPath}` : ''}`);
      return;
    }
    const kindNode = this.resolve(node.get('kind', true) as Node | undefined ?? null);
    const kind = kindNode && isScalar(kindNode) ? kindNode.value : undefined;
    if (typeof kind !== 'string') {
      this.problem(node, `object has no kind${itemPath ? ` at ${itemPath}` : ''}`, 'every document needs apiVersion and kind');
      return;
    }
    if (kind === 'List' || (kind.endsWith('List') && node.has('items'))) {
      const fields = this.fields(node, LIST_FIELDS, itemPath || kind);
      const items = fields.get('items');
      if (items?.value && isSeq(items.value)) {
        items.value.items.forEach((item, index) => {
          const resolved = this.resolve(item as Node);
          if (resolved) this.readObject(resolved, `items[${index}]`);
        });
      }
      return;
    }
    if (!WORKLOAD_KIND_SET.has(kind)) return;
    this.problemMark = this.problems.length;
    this.readWorkload(node, kind as WorkloadKind);
  }

  private readWorkload(node: YAMLMap, kind: WorkloadKind): void {
    const fields = this.fields(node, kind === 'PodTemplate' ? POD_TEMPLATE_OBJECT_FIELDS : OBJECT_FIELDS, kind);
    const metadata = fields.get('metadata')?.value;
    const name = this.stringAt(metadata, 'name') ?? this.stringAt(metadata, 'generateName') ?? '';
    const namespace = this.stringAt(metadata, 'namespace') ?? null;

    let podSpec: { node: Node; path: string } | undefined;
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
    this.templates.push({
      source: `${this.file}:${this.position(node).line}`,
      kind, namespace, name, podSpecPath: podSpec.path, ...pod,
    });
  }

  /** A PodTemplateSpec at `path`: returns its pod spec. */
  private templateSpec(parent: YAMLMap, parentFields: Map<string, Field>, path: string): { node: Node; path: string } | undefined {
    const key = path.slice(path.lastIndexOf('.') + 1);
    const parentPath = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
    const template = this.mapChild(parent, parentFields, key, parentPath, TEMPLATE_FIELDS);
    return template && this.required(template.node, template.fields, 'spec', `${path}.spec`);
  }

  private readPodSpec(node: Node, path: string): Omit<PodTemplate, 'source' | 'kind' | 'namespace' | 'name' | 'podSpecPath'> | undefined {
    if (!isMap(node)) {
      this.problem(node, `${path} must be a mapping (a PodSpec)`);
      return undefined;
    }
    const fields = this.fields(node, POD_SPEC_FIELDS, path);
    const hostNetwork = this.booleanField(fields, 'hostNetwork', path);
    const hostIPC = this.booleanField(fields, 'hostIPC', path);
    const sysctls: SysctlEntry[] = [];
    const securityContext = fields.get('securityContext')?.value;
    if (securityContext && !this.isNull(securityContext)) {
      const scPath = `${path}.securityContext`;
      if (!isMap(securityContext)) {
        this.problem(securityContext, `${scPath} must be a mapping (a PodSecurityContext)`);
        return undefined;
      }
      const scFields = this.fields(securityContext, POD_SECURITY_CONTEXT_FIELDS, scPath);
      const list = scFields.get('sysctls')?.value;
      if (list && !this.isNull(list)) {
        if (!isSeq(list)) {
          this.problem(list, `${scPath}.sysctls must be a list of {name, value} entries`);
          return undefined;
        }
        list.items.forEach((item, index) => {
          const entry = this.readSysctl(this.resolve(item as Node), `${scPath}.sysctls[${index}]`);
          if (entry) sysctls.push(entry);
        });
      }
    }
    return { hostNetwork, hostIPC, sysctls };
  }

  private readSysctl(node: Node | null, path: string): SysctlEntry | undefined {
    if (!node || !isMap(node)) {
      if (node) this.problem(node, `${path} must be a mapping with name and value`, 'write it as - name: net.core.somaxconn\\n  value: "4096"');
      return undefined;
    }
    const before = this.problems.length;
    const fields = this.fields(node, SYSCTL_FIELDS, path);
    const unknownFieldReported = this.problems.length > before;
    const name = this.scalarString(fields.get('name'), path, 'name', node);
    const valueField = fields.get('value');
    if (!valueField) {
      if (!unknownFieldReported) this.problem(node, `${path} has no value`, 'add value: "<the value>" (a quoted string)');
      return undefined;
    }
    const value = this.scalarString(valueField, path, 'value', node);
    if (name === undefined || value === undefined) return undefined;
    return { name, value, source: this.at(node) };
  }

  /** A string scalar field; numbers and booleans are refused as the API's string type refuses them. */
  private scalarString(field: Field | undefined, path: string, key: string, owner: Node): string | undefined {
    if (!field) {
      this.problem(owner, `${path} has no ${key}`, `add ${key}: "<the ${key}>"`);
      return undefined;
    }
    const value = field.value;
    if (value && isScalar(value) && typeof value.value === 'string') return value.value;
    const shown = value && isScalar(value) ? String(value.value) : 'a non-scalar';
    this.problem(value ?? field.key, `${path}.${key} must be a string, got ${shown}`, `quote it: ${key}: "${shown}"`);
    return undefined;
  }

  private booleanField(fields: Map<string, Field>, key: string, path: string): boolean {
    const value = fields.get(key)?.value;
    if (!value || this.isNull(value)) return false;
    if (isScalar(value) && typeof value.value === 'boolean') return value.value;
    this.problem(value, `${path}.${key} must be true or false`);
    return false;
  }

  private required(parent: Node, fields: Map<string, Field>, key: string, path: string): { node: Node; path: string } | undefined {
    const value = fields.get(key)?.value;
    if (!value || this.isNull(value)) {
      this.problem(parent, `missing ${path}`);
      return undefined;
    }
    return { node: value, path };
  }

  private mapChild(
    parent: Node, parentFields: Map<string, Field>, key: string, parentPath: string, allowed: ReadonlySet<string>,
  ): { node: YAMLMap; fields: Map<string, Field> } | undefined {
    const path = parentPath ? `${parentPath}.${key}` : key;
    const found = this.required(parent, parentFields, key, path);
    if (!found) return undefined;
    if (!isMap(found.node)) {
      this.problem(found.node, `${path} must be a mapping`);
      return undefined;
    }
    return { node: found.node, fields: this.fields(found.node, allowed, path) };
  }

  /** The map's fields; reports each key not in `allowed`, with the closest known name. */
  private fields(map: YAMLMap, allowed: ReadonlySet<string>, path: string): Map<string, Field> {
    const out = new Map<string, Field>();
    for (const pair of map.items as Pair<Node, Node | null>[]) {
      const key = pair.key;
      const name = isScalar(key) ? key.value : undefined;
      if (typeof name !== 'string') {
        this.problem(key, `${path || 'object'} has a key that is not a string`);
        continue;
      }
      if (!allowed.has(name)) {
        const guess = closestName(name, allowed);
        this.problem(
          key,
          `unknown field "${name}" in ${path || 'the object'}${guess ? `; did you mean "${guess}"?` : ''}`,
          guess ? `rename "${name}" to "${guess}"` : `remove "${name}"; known fields here: ${[...allowed].join(', ')}`,
        );
        continue;
      }
      out.set(name, { key, value: this.resolve(pair.value) });
    }
    return out;
  }

  private stringAt(node: Node | null | undefined, key: string): string | undefined {
    if (!node || !isMap(node)) return undefined;
    const value = this.resolve((node.get(key, true) as Node | undefined) ?? null);
    return value && isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
  }

  private resolve(node: Node | null | undefined): Node | null {
    if (!node) return null;
    if (isAlias(node)) return (node.resolve(this.document!) as Node | undefined) ?? null;
    return node;
  }

  private isNull(node: Node): boolean {
    return isScalar(node) && node.value === null;
  }

  private problem(node: Node, message: string, fix?: string): void {
    this.problems.push({ source: this.at(node), message, ...(fix ? { fix } : {}) });
  }

  private at(node: Node): string {
    const pos = this.position(node);
    return `${this.file}:${pos.line}:${pos.col}`;
  }

  private position(node: Node): { line: number; col: number } {
    return this.lineCounter.linePos(node.range?.[0] ?? 0);
  }
}
