// Schema: an index over the compiled schema that the libyang addon exports (schema-model.ts).
// The codecs, the data tree and (later) the edit engine and validation ask it: which module
// owns a namespace, which schema node a child element / JSON member names under a parent
// (seeing through choice and case, which never appear in data), which identities derive from
// which, what the keys of a list are. Everything is precomputed once, lookups are O(1).
import type {
  AnyNode, CaseNode, ChoiceNode, ContainerNode, IdentitySpec, InOutNode, LeafListNode, LeafNode,
  ListNode, ModuleSpec, NotificationNode, OperationNode, SchemaExport, SchemaNode,
} from './schema-model.js';
import type { IdentityLookup } from './types/value.js';

/** Schema nodes that have instances in a data tree. */
export type DataSchemaNode = ContainerNode | LeafNode | LeafListNode | ListNode | AnyNode;

/** Schema nodes whose instances hold data children; `null` stands for the datastore root. */
export type ParentSchemaNode = ContainerNode | ListNode | InOutNode | NotificationNode;

/** One choice a data node sits in, and the case of that choice it belongs to. */
export interface ChoicePoint {
  choice: ChoiceNode;
  case: CaseNode;
}

/** A data child of a parent, as the data tree sees it (choice and case are not data nodes). */
export interface ChildRef {
  node: DataSchemaNode;
  /** The choices between the parent and the node, outermost first; empty for most nodes. */
  choices: readonly ChoicePoint[];
  /** Position among the parent's data children in schema order (for deterministic output). */
  order: number;
}

interface ChildIndex {
  /** In schema order. */
  ordered: ChildRef[];
  /** module → name → child (two levels, so that a lookup builds no string). */
  byName: Map<string, Map<string, ChildRef>>;
  /** YANG 1.1 actions of a container or list, "module:name" → action. */
  actions: Map<string, OperationNode>;
  /** YANG 1.1 nested notifications, "module:name" → notification. */
  notifications: Map<string, NotificationNode>;
}

const DATA_KINDS: ReadonlySet<string> = new Set(['container', 'leaf', 'leaf-list', 'list', 'anydata', 'anyxml']);

export function isDataSchemaNode(node: SchemaNode): node is DataSchemaNode {
  return DATA_KINDS.has(node.kind);
}

export function isParentSchemaNode(node: SchemaNode): node is ParentSchemaNode {
  return node.kind === 'container' || node.kind === 'list' || node.kind === 'input'
    || node.kind === 'output' || node.kind === 'notification';
}

function qname(module: string, name: string): string {
  return `${module}:${name}`;
}

/** The index. Build one per exported schema (per libyang context content-id). */
export class Schema implements IdentityLookup {
  readonly contentId: string;
  private readonly modulesByName = new Map<string, ModuleSpec>();
  private readonly modulesByNamespace = new Map<string, ModuleSpec>();
  private readonly prefixes = new Map<string, string>();
  private readonly root: ChildIndex;
  private readonly childIndexes = new Map<ParentSchemaNode, ChildIndex>();
  /** Data node → its ref in its parent's index (choice ancestry, order). */
  private readonly refs = new Map<DataSchemaNode, ChildRef>();
  /** Any node (data, rpc, action, input, output, notification) → its data parent; null = top level. */
  private readonly parents = new Map<SchemaNode, ParentSchemaNode | OperationNode | null>();
  private readonly keyLeafCache = new Map<ListNode, LeafNode[]>();
  private readonly byPath = new Map<string, SchemaNode>();
  /** "module:name" → every data node of that name anywhere (to tell wrong-place from unknown). */
  private readonly dataNodesByName = new Map<string, DataSchemaNode[]>();
  private readonly rpcs = new Map<string, OperationNode>();
  private readonly topNotifications = new Map<string, NotificationNode>();
  private readonly identitySpecs = new Map<string, IdentitySpec>();
  /** base → every identity derived from it (not including itself). */
  private readonly derived = new Map<string, ReadonlySet<string>>();

  constructor(exported: SchemaExport) {
    this.contentId = exported.contentId;
    const usedPrefixes = new Set<string>();
    for (const m of exported.modules) {
      this.modulesByName.set(m.name, m);
      // An imported-only module shares nothing with an implemented one of the same namespace
      // in practice; the implemented one wins if both exist.
      const seen = this.modulesByNamespace.get(m.namespace);
      if (seen === undefined || (!seen.implemented && m.implemented)) this.modulesByNamespace.set(m.namespace, m);
      let prefix = m.prefix;
      for (let n = 2; usedPrefixes.has(prefix); n++) prefix = `${m.prefix}${n}`;
      usedPrefixes.add(prefix);
      this.prefixes.set(m.name, prefix);
      for (const id of m.identities) {
        this.identitySpecs.set(id.name, id);
        this.derived.set(id.name, new Set(id.derived));
      }
    }
    this.root = emptyIndex();
    for (const m of exported.modules) {
      if (!m.implemented) continue;
      this.indexChildren(this.root, m.data, null, []);
      for (const rpc of m.rpcs) {
        this.rpcs.set(qname(rpc.module, rpc.name), rpc);
        this.indexOperation(rpc, null);
      }
      for (const n of m.notifications) {
        this.topNotifications.set(qname(n.module, n.name), n);
        this.parents.set(n, null);
        this.byPath.set(n.path, n);
        this.indexParent(n);
      }
    }
  }

  // ---- modules -------------------------------------------------------------------------------

  get modules(): Iterable<ModuleSpec> {
    return this.modulesByName.values();
  }

  module(name: string): ModuleSpec | undefined {
    return this.modulesByName.get(name);
  }

  moduleByNamespace(namespace: string): ModuleSpec | undefined {
    return this.modulesByNamespace.get(namespace);
  }

  namespaceOf(module: string): string | undefined {
    return this.modulesByName.get(module)?.namespace;
  }

  /** The XML prefix we write for a module: its YANG prefix, made unique among loaded modules. */
  xmlPrefix(module: string): string {
    return this.prefixes.get(module) ?? module;
  }

  // ---- data nodes ----------------------------------------------------------------------------

  /** A top-level data node of a module, seeing through top-level choices. */
  topLevel(module: string, name: string): ChildRef | undefined {
    return this.root.byName.get(module)?.get(name);
  }

  /** A data child of `parent` (null: the datastore root) by module and name. */
  child(parent: ParentSchemaNode | null, module: string, name: string): ChildRef | undefined {
    return this.indexOf(parent)?.byName.get(module)?.get(name);
  }

  /** The data children of `parent` (null: the datastore root) in schema order. */
  children(parent: ParentSchemaNode | null): readonly ChildRef[] {
    return this.indexOf(parent)?.ordered ?? [];
  }

  /** The ref of a data node in its parent: choice ancestry and schema order. */
  refOf(node: DataSchemaNode): ChildRef | undefined {
    return this.refs.get(node);
  }

  /**
   * The parent a node's instances hang under: a container, list, input, output or
   * notification; an rpc or action for its input / output; null at the top level.
   * undefined for a node this schema does not know.
   */
  parentOf(node: SchemaNode): ParentSchemaNode | OperationNode | null | undefined {
    return this.parents.get(node);
  }

  /** The key leaves of a list, in key order. */
  keyLeaves(list: ListNode): readonly LeafNode[] {
    let keys = this.keyLeafCache.get(list);
    if (keys === undefined) {
      keys = [];
      for (const k of list.keys) {
        const ref = this.child(list, list.module, k);
        if (ref !== undefined && ref.node.kind === 'leaf') keys.push(ref.node);
      }
      this.keyLeafCache.set(list, keys);
    }
    return keys;
  }

  /** Every data node with this module and name, wherever it sits (for "wrong place" messages). */
  dataNodesNamed(module: string, name: string): readonly DataSchemaNode[] {
    return this.dataNodesByName.get(qname(module, name)) ?? [];
  }

  /** A node by its schema path as the addon writes it (`SchemaNode.path`). */
  nodeByPath(path: string): SchemaNode | undefined {
    return this.byPath.get(path);
  }

  // ---- operations ----------------------------------------------------------------------------

  rpc(module: string, name: string): OperationNode | undefined {
    return this.rpcs.get(qname(module, name));
  }

  /** A YANG 1.1 action of a container or list. */
  action(parent: ContainerNode | ListNode, module: string, name: string): OperationNode | undefined {
    return this.childIndexes.get(parent)?.actions.get(qname(module, name));
  }

  /** A notification: top-level (parent omitted or null) or nested in a container or list. */
  notification(module: string, name: string, parent?: ContainerNode | ListNode | null): NotificationNode | undefined {
    if (parent === undefined || parent === null) return this.topNotifications.get(qname(module, name));
    return this.childIndexes.get(parent)?.notifications.get(qname(module, name));
  }

  // ---- identities (IdentityLookup) -----------------------------------------------------------

  hasIdentity(name: string): boolean {
    return this.identitySpecs.has(name);
  }

  isDerivedFrom(identity: string, base: string): boolean {
    return this.derived.get(base)?.has(identity) ?? false;
  }

  identity(name: string): IdentitySpec | undefined {
    return this.identitySpecs.get(name);
  }

  // ---- building ------------------------------------------------------------------------------

  private indexOf(parent: ParentSchemaNode | null): ChildIndex | undefined {
    return parent === null ? this.root : this.childIndexes.get(parent);
  }

  private indexOperation(op: OperationNode, parent: ParentSchemaNode | null): void {
    this.parents.set(op, parent);
    this.byPath.set(op.path, op);
    for (const io of [op.input, op.output]) {
      this.parents.set(io, op);
      this.byPath.set(io.path, io);
      this.indexParent(io);
    }
  }

  private indexParent(parent: ParentSchemaNode): void {
    const index = emptyIndex();
    this.childIndexes.set(parent, index);
    this.indexChildren(index, parent.children, parent, []);
  }

  private indexChildren(index: ChildIndex, nodes: readonly SchemaNode[], parent: ParentSchemaNode | null,
    choices: readonly ChoicePoint[]): void {
    for (const node of nodes) {
      this.byPath.set(node.path, node);
      switch (node.kind) {
        case 'choice':
          for (const c of node.children) {
            this.byPath.set(c.path, c);
            this.indexChildren(index, c.children, parent, [...choices, { choice: node, case: c }]);
          }
          break;
        case 'case':
          // Only reachable if an exporter put a case outside a choice; treat it as transparent.
          this.indexChildren(index, node.children, parent, choices);
          break;
        case 'action':
          index.actions.set(qname(node.module, node.name), node);
          this.indexOperation(node, parent);
          break;
        case 'notification':
          index.notifications.set(qname(node.module, node.name), node);
          this.parents.set(node, parent);
          this.indexParent(node);
          break;
        case 'rpc': case 'input': case 'output':
          break; // never data children
        default: {
          const ref: ChildRef = { node, choices, order: index.ordered.length };
          index.ordered.push(ref);
          let names = index.byName.get(node.module);
          if (names === undefined) index.byName.set(node.module, names = new Map<string, ChildRef>());
          names.set(node.name, ref);
          this.refs.set(node, ref);
          this.parents.set(node, parent);
          const key = qname(node.module, node.name);
          const same = this.dataNodesByName.get(key);
          if (same === undefined) this.dataNodesByName.set(key, [node]);
          else same.push(node);
          if (node.kind === 'container' || node.kind === 'list') this.indexParent(node);
        }
      }
    }
  }
}

function emptyIndex(): ChildIndex {
  return { ordered: [], byName: new Map(), actions: new Map(), notifications: new Map() };
}
