// RFC 7951 JSON → data tree for a Schema, checking every value through the value layer.
// Member names: "module:name" at the top and where the module changes, "name" otherwise (a
// redundant qualification is accepted). Containers are objects, lists arrays of objects,
// leaf-lists arrays, empty leaves [null]; int64 / uint64 / decimal64 are strings, so JSON.parse
// loses nothing for valid input.
// Metadata (RFC 7952): "@name" members and "@" inside an object are *preserved*, unchecked, in
// a side map node → { "module:annotation": value } (leaf-list arrays element by element), so
// that e.g. an ietf-origin or with-defaults annotation can be read later. They are never
// values of the tree.
import type { ParentSchemaNode, Schema } from '../validation/schema.js';
import type { InOutNode, LeafListNode, LeafNode, ListNode, NotificationNode } from '../validation/schema-model.js';
import { parseJson } from '../validation/types/index.js';
import type { TypedValue, ValueContext } from '../validation/types/value.js';
import { DataTree, keyString, type DataNode, type InnerNode, type Location } from './data-tree.js';
import { ChosenCases, invalidValueMessage, unknownChild } from './decode-checks.js';
import { ErrorSink, quoteValue, type DecodeError, type DecodeErrorKind, type DecodeResult } from './decode-error.js';
import { jsonChildPath, jsonPath, xmlChildPath, xmlPath } from './instance-path.js';

export interface JsonDecodeOptions {
  /** 'config' (default) refuses config false nodes; 'state' accepts every node. */
  datastore?: 'config' | 'state';
  /** Report every error instead of stopping at the first one (default: stop). */
  collectErrors?: boolean;
  /** Decode the content of an rpc / action input or output, or a notification. */
  root?: { schema: InOutNode | NotificationNode; location?: Location | null };
}

export type JsonMetadata = Record<string, unknown>;

export type JsonDecodeResult = DecodeResult<{ tree: DataTree; metadata: Map<DataNode, JsonMetadata> }>;

type Obj = Record<string, unknown>;

interface Frame {
  node: InnerNode;
  schema: ParentSchemaNode | null;
  /** Module of the parent node, which unqualified member names inherit; undefined at the top. */
  module: string | undefined;
  chosen?: ChosenCases;
}

/** Stops the walk (stop-at-first mode); never escapes this module. */
class Stop extends Error {}
const STOP = new Stop('decoding stopped');

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `string ${quoteValue(v)}`;
  return `${typeof v} ${JSON.stringify(v) ?? ''}`;
}

class JsonTreeDecoder {
  readonly tree: DataTree;
  readonly metadata = new Map<DataNode, JsonMetadata>();
  readonly sink: ErrorSink;
  private readonly configOnly: boolean;
  private readonly ctx: ValueContext;

  constructor(private readonly schema: Schema, private readonly options: JsonDecodeOptions) {
    this.sink = new ErrorSink(options.collectErrors === true);
    const root = options.root;
    this.tree = new DataTree(schema, root === undefined ? {} : { rootSchema: root.schema, rootLocation: root.location ?? null });
    this.configOnly = (options.datastore ?? 'config') === 'config' && root === undefined;
    this.ctx = {
      format: 'json',
      resolvePrefix: (module) => (schema.module(module) !== undefined ? module : undefined),
      localModule: '',
      identities: schema,
    };
  }

  decode(doc: unknown): void {
    if (!isObject(doc)) {
      this.report('malformed', `the document must be a JSON object of "module:name" members, not ${describeJson(doc)}`, null);
      return;
    }
    const root = this.tree.root;
    this.members(doc, { node: root, schema: root.schema, module: root.location?.schema.module });
  }

  private members(obj: Obj, frame: Frame, skip?: ReadonlySet<LeafNode>): void {
    const annotations: [string, unknown][] = [];
    for (const [member, value] of Object.entries(obj)) {
      if (member.startsWith('@')) {
        annotations.push([member.slice(1), value]);
        continue;
      }
      this.member(member, value, frame, skip);
    }
    for (const [target, value] of annotations) this.annotate(frame, target, value);
  }

  private member(member: string, value: unknown, frame: Frame, skip?: ReadonlySet<LeafNode>): void {
    const at = frame.node.location;
    const colon = member.indexOf(':');
    const module = colon < 0 ? frame.module : member.slice(0, colon);
    const name = colon < 0 ? member : member.slice(colon + 1);
    if (module === undefined) {
      this.report('unknown-element', `top-level member ${quoteValue(member)} must be module-qualified ("module:${name}")`, at,
        { module: undefined, name }, { element: name });
      return;
    }
    if (this.schema.module(module) === undefined) {
      this.report('unknown-namespace', `member ${quoteValue(member)} names module ${quoteValue(module)}, which is not loaded`, at,
        { module: undefined, name }, { element: name, namespace: module });
      return;
    }
    const ref = this.schema.child(frame.schema, module, name);
    if (ref === undefined) {
      const u = unknownChild(this.schema, frame.schema, at, module, name);
      this.report(u.kind, u.message, at, { module, name }, { element: name, namespace: module });
      return;
    }
    const node = ref.node;
    if (node.kind === 'leaf' && skip?.has(node)) return;
    const child = { module: node.module, name: node.name };
    const path = (): string => jsonChildPath(at, node.module, node.name);
    const info = { element: node.name, namespace: node.module };
    if (this.configOnly && !node.config) {
      this.report('state-in-config', `${path()} is state data (config false) and cannot appear in configuration`, at, child, info);
      return;
    }
    if (ref.choices.length > 0) {
      const conflict = (frame.chosen ??= new ChosenCases()).choose(ref, at);
      if (conflict !== undefined) {
        this.report('choice-conflict', conflict, at, child, info);
        return;
      }
    }
    if (node.kind !== 'list' && node.kind !== 'leaf-list' && frame.node.slot(node) !== undefined) {
      this.report('duplicate-element', `${path()} appears more than once (as "${node.name}" and "${node.module}:${node.name}")`, at, child, info);
      return;
    }
    switch (node.kind) {
      case 'container': {
        if (!isObject(value)) {
          this.report('invalid-value', `${path()} is a container: expected a JSON object, not ${describeJson(value)}`, at, child, info);
          return;
        }
        const c = this.tree.container(frame.node, node);
        this.members(value, { node: c, schema: node, module: node.module });
        return;
      }
      case 'list':
        if (!Array.isArray(value)) {
          this.report('invalid-value', `${path()} is a list: expected an array of objects, not ${describeJson(value)}`, at, child, info);
          return;
        }
        for (const item of value) this.entry(frame, node, item, path);
        return;
      case 'leaf': {
        const v = this.value(at, node, value);
        if (v !== undefined) this.tree.setLeaf(frame.node, node, v);
        return;
      }
      case 'leaf-list':
        if (!Array.isArray(value)) {
          this.report('invalid-value', `${path()} is a leaf-list: expected an array of values, not ${describeJson(value)}`, at, child, info);
          return;
        }
        for (const item of value) this.leafListValue(frame.node, node, item);
        return;
      case 'anydata': case 'anyxml':
        this.tree.setAny(frame.node, node, { format: 'json', json: value });
    }
  }

  private entry(frame: Frame, list: ListNode, item: unknown, path: () => string): void {
    const at = frame.node.location;
    const child = { module: list.module, name: list.name };
    if (!isObject(item)) {
      this.report('invalid-value', `each entry of ${path()} must be a JSON object, not ${describeJson(item)}`, at, child, { element: list.name });
      return;
    }
    const keys = this.schema.keyLeaves(list);
    const values: TypedValue[] = [];
    const entryLoc: Location = { up: at, schema: list };
    for (const k of keys) {
      const raw = Object.hasOwn(item, k.name) ? item[k.name] : item[`${k.module}:${k.name}`];
      if (raw === undefined) {
        this.report('missing-key', `list entry ${path()} has no key leaf ${k.name} (keys: ${list.keys.join(', ')})`, at, child, { element: k.name });
        return;
      }
      const v = this.value(entryLoc, k, raw);
      if (v === undefined) return;
      values.push(v);
    }
    if (keys.length > 0 && frame.node.entries(list)?.has(keyString(values)) === true) {
      const loc: Location = { up: at, schema: list, keyValues: values };
      this.report('duplicate-key', `${jsonPath(loc)} appears more than once: a list entry with the same key is already present`, loc, undefined, { element: list.name });
      return;
    }
    const entry = this.tree.entry(frame.node, list, values);
    this.members(item, { node: entry, schema: list, module: list.module }, new Set(keys));
  }

  private leafListValue(parent: InnerNode, s: LeafListNode, item: unknown): void {
    const v = this.value(parent.location, s, item);
    if (v === undefined) return;
    const duplicate = parent.entries(s)?.has(v.canonical) === true;
    if (duplicate && s.config) {
      const loc: Location = { up: parent.location, schema: s, keyValues: [v] };
      this.report('duplicate-key', `${jsonPath(loc)} appears more than once: the values of a configuration leaf-list must be unique`, loc, undefined, { element: s.name });
      return;
    }
    this.tree.leafListEntry(parent, s, v, { duplicate });
  }

  /** Checks a JSON value for a leaf or leaf-list whose parent is at `at`. */
  private value(at: Location | null, s: LeafNode | LeafListNode, json: unknown): TypedValue | undefined {
    this.ctx.localModule = s.module;
    const r = parseJson(s.type, json, this.ctx);
    if (r.ok) return r.value;
    const path = jsonChildPath(at, s.module, s.name);
    const e = r.error;
    const shown = typeof json === 'string' ? quoteValue(json) : describeJson(json);
    const message = invalidValueMessage(shown, path, e);
    const extra: Partial<DecodeError> = { element: s.name, namespace: s.module, expected: e.expected, detail: e.message };
    if (e.errorAppTag !== undefined) extra.appTag = e.errorAppTag;
    this.report('invalid-value', message, at, { module: s.module, name: s.name }, extra);
    return undefined;
  }

  /** Keeps "@name" / "@" metadata for the node it annotates (dropped if that node was not created). */
  private annotate(frame: Frame, target: string, value: unknown): void {
    if (target === '') {
      const n = frame.node;
      if (n.kind !== 'root' && isObject(value)) this.metadata.set(n, value);
      return;
    }
    const colon = target.indexOf(':');
    const module = colon < 0 ? frame.module : target.slice(0, colon);
    const name = colon < 0 ? target : target.slice(colon + 1);
    if (module === undefined) return;
    const ref = this.schema.child(frame.schema, module, name);
    if (ref === undefined) return;
    const slot = frame.node.slot(ref.node);
    if (slot === undefined) return;
    if (slot.kind === 'entries') {
      if (slot.schema.kind !== 'leaf-list' || !Array.isArray(value)) return;
      let i = 0;
      for (const e of slot) {
        const m: unknown = value[i++];
        if (isObject(m)) this.metadata.set(e, m);
      }
    } else if (slot.kind !== 'container' && isObject(value)) {
      this.metadata.set(slot, value);
    }
  }

  report(kind: DecodeErrorKind, message: string, at: Location | null,
    child?: { module: string | undefined; name: string }, extra: Partial<DecodeError> = {}): void {
    const error: DecodeError = {
      kind,
      message,
      path: child === undefined ? jsonPath(at) : jsonChildPath(at, child.module, child.name),
      ...extra,
    };
    const xp = child === undefined ? xmlPath(at, this.schema) : xmlChildPath(at, this.schema, child.module, child.name);
    if (xp !== undefined) error.xmlPath = xp;
    if (this.sink.add(error)) throw STOP;
  }
}

/** Decodes RFC 7951 JSON text, or a value JSON.parse already produced. */
export function decodeJson(schema: Schema, input: unknown, options: JsonDecodeOptions = {}): JsonDecodeResult {
  const d = new JsonTreeDecoder(schema, options);
  try {
    let doc: unknown = input;
    if (typeof input === 'string') {
      try {
        doc = JSON.parse(input);
      } catch (e) {
        d.report('malformed', `the JSON does not parse: ${(e as Error).message}`, null);
      }
    }
    if (!d.sink.failed) d.decode(doc);
  } catch (e) {
    if (e !== STOP) throw e;
  }
  const [first, ...rest] = d.sink.errors;
  if (first !== undefined) return { ok: false, errors: [first, ...rest] };
  return { ok: true, tree: d.tree, metadata: d.metadata };
}
