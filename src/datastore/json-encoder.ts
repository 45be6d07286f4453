// Data tree → RFC 7951 JSON. Member names are "module:name" at the top and wherever the module
// changes, plain "name" otherwise (§4); values through the value layer's formatJson (§6: numbers
// for up to 32-bit integers, strings for int64 / uint64 / decimal64, [null] for empty); leaf-lists
// are arrays, lists arrays of objects (keys first). anydata / anyxml stored as JSON come out as
// they are; stored as XML, they come out as a JSON string of that XML (no schema-less XML→JSON
// conversion). A per-node hook adds RFC 7952 metadata ("@name" / "@" members).
import type { Schema } from '../validation/schema.js';
import { formatJson } from '../validation/types/index.js';
import type { ContainerData, DataNode, DataTree, EntrySet, InnerNode, LeafListEntry, ListEntry, Slot } from './data-tree.js';
import { orderedSlots } from './child-order.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [member: string]: JsonValue };
export type JsonObject = { [member: string]: JsonValue };

export interface JsonEncodeOptions {
  /** RFC 7952 annotations for a node: "module:annotation" → value. */
  metadata?: (node: DataNode) => JsonObject | undefined;
}

class JsonWriter {
  constructor(private readonly schema: Schema, private readonly options: JsonEncodeOptions) {}

  /** The members for the children of `inner`, whose own module is `module` (undefined at the top). */
  members(inner: InnerNode, module: string | undefined, into: JsonObject): JsonObject {
    for (const slot of orderedSlots(this.schema, inner)) this.slot(slot, module, into);
    return into;
  }

  private name(slot: Slot, module: string | undefined): string {
    const s = slot.schema;
    return s.module === module ? s.name : `${s.module}:${s.name}`;
  }

  slot(slot: Slot, module: string | undefined, into: JsonObject): void {
    const name = this.name(slot, module);
    const meta = this.options.metadata;
    switch (slot.kind) {
      case 'leaf': {
        into[name] = formatJson(slot.value, slot.schema.module);
        const m = meta?.(slot);
        if (m !== undefined) into[`@${name}`] = m;
        return;
      }
      case 'any': {
        const v = slot.value;
        into[name] = v.format === 'json' ? v.json as JsonValue : v.xml;
        const m = meta?.(slot);
        if (m !== undefined) into[`@${name}`] = m;
        return;
      }
      case 'container':
        into[name] = this.inner(slot);
        return;
      case 'entries':
        if (slot.schema.kind === 'list') {
          into[name] = [...(slot as EntrySet<ListEntry>)].map((e) => this.inner(e));
        } else {
          const entries = [...(slot as EntrySet<LeafListEntry>)];
          into[name] = entries.map((e) => formatJson(e.value, e.schema.module) as JsonValue);
          if (meta !== undefined) {
            const ms = entries.map((e) => meta(e) ?? null);
            if (ms.some((m) => m !== null)) into[`@${name}`] = ms;
          }
        }
    }
  }

  /** A container or list entry as an object. */
  inner(node: ContainerData | ListEntry): JsonObject {
    const obj: JsonObject = {};
    const m = this.options.metadata?.(node);
    if (m !== undefined) obj['@'] = m;
    return this.members(node, node.schema.module, obj);
  }
}

function moduleOfRoot(tree: DataTree): string | undefined {
  return tree.root.location?.schema.module;
}

/**
 * The tree as an RFC 7951 JSON object (top-level members "module:name"). For an rpc /
 * notification tree, the members of its input / output / notification content.
 */
export function toJson(schema: Schema, tree: DataTree, options: JsonEncodeOptions = {}): JsonObject {
  return new JsonWriter(schema, options).members(tree.root, moduleOfRoot(tree), {});
}

/** The members for the children of an inner node (module-qualified where they leave `module`). */
export function childrenToJson(schema: Schema, parent: InnerNode, options: JsonEncodeOptions = {}): JsonObject {
  const module = parent.kind === 'root' ? parent.location?.schema.module : parent.schema.module;
  return new JsonWriter(schema, options).members(parent, module, {});
}

/**
 * One node as a top-level member: {"module:name": value}; a list entry as {"module:list": [entry]},
 * a leaf-list entry as {"module:leaf-list": [value]}.
 */
export function nodeToJson(schema: Schema, node: DataNode, options: JsonEncodeOptions = {}): JsonObject {
  const w = new JsonWriter(schema, options);
  const name = `${node.schema.module}:${node.schema.name}`;
  switch (node.kind) {
    case 'list-entry': return { [name]: [w.inner(node)] };
    case 'leaf-list-entry': return { [name]: [formatJson(node.value, node.schema.module)] };
    default: {
      const out: JsonObject = {};
      w.slot(node, undefined, out);
      return out;
    }
  }
}

/** The tree as RFC 7951 JSON text. 64-bit numbers are strings, so nothing is rounded. */
export function encodeJson(schema: Schema, tree: DataTree, options: JsonEncodeOptions & { pretty?: boolean | number } = {}): string {
  const p = options.pretty;
  const indent = p === undefined || p === false ? undefined : p === true ? 2 : p;
  return JSON.stringify(toJson(schema, tree, options), null, indent);
}
