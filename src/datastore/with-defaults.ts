// RFC 6243 with-defaults: how default values are reported in <get>, <get-config> and
// <copy-config> replies, as a pure function from a data tree to a data tree. vrouterd stores
// only what clients set, so its basic mode is 'explicit' (the tree as stored); it also supports
// 'report-all', 'report-all-tagged' and 'trim'.
//
// Order with filtering: apply this first, then the filter. RFC 6243 §3 defines each retrieval
// mode by which data nodes the server reports, i.e. the data the request sees; a filter selects
// from that data. So under report-all a subtree filter's content match <enabled>true</enabled>
// matches an interface whose enabled is defaulted, and a filter selecting one leaf returns it
// even when it exists only as a default. (For 'explicit', the default, the order does not matter
// and this costs nothing.)
//
// - report-all (§3.1): every default leaf / leaf-list is added wherever its parent exists,
//   non-presence containers included when they hold defaults (they exist implicitly, RFC 7950
//   §7.5.7); within a choice only in the case that holds data, or in the default case when none
//   does (RFC 7950 §7.9.3); not where a `when` on the node (or on its choice / case) is false.
//   `when` is evaluated with the XPath engine on the tree with the unconditional defaults in
//   place (libyang evaluates it on data with defaults too), repeated until nothing more holds.
// - report-all-tagged (§3.4): report-all, and every node that trim would remove carries
//   wd:default="true" — returned as the `tagged` set for the encoder's attributes hook.
// - trim (§3.2): leaves whose value equals their default are removed (a leaf-list when its
//   values are exactly its defaults), except that the last data of a non-default case stays,
//   since removing it would switch the choice to its default case; a non-presence container
//   left empty by that is removed too.
// - explicit (§3.3): identity.
// Only the subtrees whose schema holds defaults are walked; the output shares everything else
// with the input (copy-on-write).
import type { ChildRef, DataSchemaNode, ParentSchemaNode, Schema } from '../validation/schema.js';
import type { CaseNode, ChoiceNode, LeafListNode, LeafNode, TypeSpec, WhenSpec } from '../validation/schema-model.js';
import { parseText } from '../validation/types/index.js';
import type { TypedValue, ValueBase, ValueContext } from '../validation/types/value.js';
import { compileXPath, evaluateBoolean, isXPathError } from '../validation/xpath/index.js';
import {
  DataTree, LeafData, LeafListEntry, type DataNode, type EntrySet, type InnerData, type InnerNode, type ListEntry,
} from './data-tree.js';
import { WITH_DEFAULTS_NS } from './edit-attributes.js';
import type { ExtraAttribute } from './xml-encoder.js';
import { DataTreeAdapter, type XNode } from './xpath-adapter.js';

export type WithDefaultsMode = 'report-all' | 'report-all-tagged' | 'trim' | 'explicit';

/** What vrouterd advertises: basic-mode=explicit&also-supported=report-all,report-all-tagged,trim. */
export const WITH_DEFAULTS_BASIC_MODE: WithDefaultsMode = 'explicit';
export const WITH_DEFAULTS_ALSO_SUPPORTED: readonly WithDefaultsMode[] = Object.freeze(['report-all', 'report-all-tagged', 'trim']);

export interface WithDefaultsOptions {
  /**
   * 'config' (default): the tree is configuration (<get-config>), so config false nodes get no
   * defaults; 'all': configuration and state (<get>).
   */
  content?: 'config' | 'all';
}

export interface WithDefaultsResult {
  tree: DataTree;
  /** report-all-tagged: the nodes to write with wd:default="true"; empty for the other modes. */
  tagged: ReadonlySet<DataNode>;
}

/** Applies a retrieval mode. The input is not changed. */
export function applyWithDefaults(tree: DataTree, mode: WithDefaultsMode, options: WithDefaultsOptions = {}): WithDefaultsResult {
  if (mode === 'explicit') return { tree: tree.clone(), tagged: new Set() };
  const w = new DefaultsWalk(tree, mode, options.content ?? 'config');
  const root = tree.root;
  if (mode === 'trim') w.trim(root, w.rootFrame);
  else w.reportAll();
  w.out.seal();
  return { tree: w.out, tagged: w.tagged };
}

const WD_DEFAULT: readonly ExtraAttribute[] = Object.freeze([{ namespace: WITH_DEFAULTS_NS, prefix: 'wd', name: 'default', value: 'true' }]);

/** The encoder's `attributes` hook for report-all-tagged (RFC 6243 §6: wd:default="true"). */
export function defaultAttributes(tagged: ReadonlySet<DataNode>): (node: DataNode) => readonly ExtraAttribute[] | undefined {
  return (node) => (tagged.has(node) ? WD_DEFAULT : undefined);
}

// ---- walking ------------------------------------------------------------------------------------

/** One step from a parent to a container or list entry (by key), to find it again in another version. */
type Step = { kind: 'container'; schema: DataSchemaNode } | { kind: 'entry'; schema: DataSchemaNode; key: string };

/** Where the walk is: the path from the root, and the output's writable counterpart (made on first use). */
interface Frame {
  parent: Frame | undefined;
  step: Step | undefined;
  getOut: () => InnerData;
  made: boolean;
}

interface Pending {
  frame: Frame;
  ref: ChildRef;
}

/** Per schema node: does its subtree hold a default? [config only, all]. */
const defaultsBelow = new WeakMap<DataSchemaNode, [boolean | undefined, boolean | undefined]>();
const defaultValues = new WeakMap<LeafNode | LeafListNode, readonly TypedValue[]>();

class DefaultsWalk {
  readonly out: DataTree;
  readonly tagged = new Set<DataNode>();
  readonly rootFrame: Frame;
  private readonly schema: Schema;
  private pending: Pending[] = [];
  private scratch: DataTree | undefined;

  constructor(private readonly input: DataTree, private readonly mode: Exclude<WithDefaultsMode, 'explicit'>,
    private readonly content: 'config' | 'all') {
    this.schema = input.schema;
    this.out = input.clone();
    this.rootFrame = this.frame(undefined, undefined, () => this.out.writableRoot());
  }

  reportAll(): void {
    const root = this.input.root;
    this.fill(root, root.schema, this.rootFrame);
    // `when`-guarded defaults, against the tree with the others in place, until none holds.
    while (this.pending.length > 0) {
      const adapter = new DataTreeAdapter(this.schema, this.out.root);
      const ready: Pending[] = [];
      const waiting: Pending[] = [];
      for (const p of this.pending) (this.whenHolds(p, adapter) ? ready : waiting).push(p);
      if (ready.length === 0) break;
      this.pending = waiting;
      for (const p of ready) this.addMissing(p.ref.node, p.frame);
    }
  }

  /** Adds the missing defaults among the children of `input` (undefined: a container being made). */
  private fill(input: InnerNode | undefined, parentSchema: ParentSchemaNode | null, frame: Frame): void {
    const cases = presentCases(this.schema, input);
    if (input !== undefined && this.mode === 'report-all-tagged') {
      for (const n of this.trimmable(input)) this.tagged.add(n);
    }
    for (const ref of this.schema.children(parentSchema)) {
      const node = ref.node;
      if (!this.relevant(node)) continue;
      const slot = input?.slot(node);
      if (slot !== undefined) {
        if (slot.kind === 'container') this.fill(slot, slot.schema, this.childFrame(frame, slot));
        else if (slot.kind === 'entries' && node.kind === 'list') {
          for (const e of slot as EntrySet<ListEntry>) this.fill(e, e.schema, this.childFrame(frame, e));
        }
        continue;
      }
      if (!activeCase(ref, cases)) continue;
      if (node.kind === 'list' || node.kind === 'anydata' || node.kind === 'anyxml' || (node.kind === 'container' && node.presence)) continue;
      if (hasWhen(ref)) this.pending.push({ frame, ref });
      else this.addMissing(node, frame);
    }
  }

  private addMissing(node: DataSchemaNode, frame: Frame): void {
    switch (node.kind) {
      case 'leaf': {
        const v = defaultsOf(this.schema, node)[0];
        if (v !== undefined) this.tag(this.out.setLeaf(frame.getOut(), node, v));
        break;
      }
      case 'leaf-list':
        for (const v of defaultsOf(this.schema, node)) this.tag(this.out.leafListEntry(frame.getOut(), node, v));
        break;
      case 'container':
        // Made only if a default lands in it (getOut is lazy).
        this.fill(undefined, node, this.frame(frame, { kind: 'container', schema: node }, () => this.out.container(frame.getOut(), node)));
        break;
      default:
    }
  }

  private tag(node: DataNode): void {
    if (this.mode === 'report-all-tagged') this.tagged.add(node);
  }

  // ---- trim ----

  trim(input: InnerNode, frame: Frame): void {
    for (const n of this.trimmable(input)) this.out.remove(frame.getOut(), n);
    for (const slot of input.slots()) {
      if (!this.relevant(slot.schema)) continue;
      if (slot.kind === 'container') {
        const child = this.childFrame(frame, slot);
        this.trim(slot, child);
        if (child.made && !slot.schema.presence) {
          const copy = child.getOut();
          if (copy.slotCount === 0) this.out.remove(frame.getOut(), copy as DataNode);
        }
      } else if (slot.kind === 'entries' && slot.schema.kind === 'list') {
        for (const e of slot as EntrySet<ListEntry>) this.trim(e, this.childFrame(frame, e));
      }
    }
  }

  /**
   * The children of `input` that hold their default value (a leaf-list: all its entries, when
   * they are exactly its defaults) and can be left out without changing the data's meaning: in
   * a non-default case, one of them stays if nothing else of the case would.
   */
  private trimmable(input: InnerNode): DataNode[] {
    const groups: { ref: ChildRef; nodes: DataNode[] }[] = [];
    const others: ChildRef[] = [];
    for (const slot of input.slots()) {
      const ref = this.schema.refOf(slot.schema);
      if (ref === undefined) continue;
      const nodes = this.relevant(slot.schema) ? atDefault(this.schema, slot) : undefined;
      if (nodes !== undefined) groups.push({ ref, nodes });
      else others.push(ref);
    }
    if (groups.length === 0) return [];
    groups.sort((a, b) => a.ref.order - b.ref.order);
    const survivesIn = (c: CaseNode, kept: readonly ChildRef[]): boolean =>
      [...others, ...kept].some((r) => r.choices.some((cp) => cp.case === c));
    const kept: ChildRef[] = [];
    const out: DataNode[] = [];
    for (const g of groups) {
      const keep = g.ref.choices.some((cp) => cp.choice.defaultCase !== cp.case.name && !survivesIn(cp.case, kept));
      if (keep) kept.push(g.ref);
      else out.push(...g.nodes);
    }
    return out;
  }

  // ---- when ----

  private whenHolds(p: Pending, adapter: DataTreeAdapter): boolean {
    const parent = this.handleAt(p.frame, adapter);
    if (parent === undefined) return false;
    for (const cp of p.ref.choices) {
      // A choice or case is no data node: its when's context is the parent data node.
      for (const w of [...(cp.choice.when ?? []), ...(cp.case.when ?? [])]) {
        if (!this.evalWhen(w, cp.case.module, parent, parent, adapter)) return false;
      }
    }
    const node = p.ref.node;
    const whens = node.when ?? [];
    if (whens.length === 0) return true;
    const self = adapter.detached(parent, this.dummy(node, parent));
    return whens.every((w) => this.evalWhen(w, node.module, self, parent, adapter));
  }

  private evalWhen(w: WhenSpec, module: string, self: XNode, parent: XNode, adapter: DataTreeAdapter): boolean {
    let context: XNode = self;
    if (w.context === null) context = adapter.root;
    else if (w.context !== undefined) {
      context = parent;
      for (let x: XNode | undefined = parent; x !== undefined; x = x.parent) {
        if (x.data.kind !== 'root' && x.data.schema.path === w.context) {
          context = x;
          break;
        }
      }
    }
    const compiled = compileXPath(w.expr.text, w.expr.prefixes, { unprefixed: { module } });
    if (isXPathError(compiled)) return false;
    return evaluateBoolean(compiled, context, adapter) === true;
  }

  /** The handle of a frame's node in the current output; a container not made yet is a detached empty one. */
  private handleAt(frame: Frame, adapter: DataTreeAdapter): XNode | undefined {
    if (frame.parent === undefined || frame.step === undefined) return adapter.root;
    const parent = this.handleAt(frame.parent, adapter);
    const inner = parent?.inner;
    if (parent === undefined) return undefined;
    const step = frame.step;
    if (step.kind === 'entry') {
      const slot = inner?.slot(step.schema);
      const e = slot?.kind === 'entries' ? slot.get(step.key) : undefined;
      return e === undefined ? undefined : adapter.child(parent, e);
    }
    const c = inner?.slot(step.schema);
    if (c !== undefined) return adapter.child(parent, c as DataNode);
    return step.schema.kind === 'container' ? adapter.detached(parent, this.scratchContainer(step.schema)) : undefined;
  }

  /** A stand-in for a node about to be added (the context node of its own when). */
  private dummy(node: DataSchemaNode, parent: XNode): DataNode {
    const up = parent.inner?.location ?? null;
    switch (node.kind) {
      case 'leaf': return new LeafData(node, up, defaultsOf(this.schema, node)[0] ?? { canonical: '', base: 'string' });
      case 'leaf-list': {
        const v = defaultsOf(this.schema, node)[0] ?? { canonical: '', base: 'string' };
        return new LeafListEntry(node, up, v, v.canonical);
      }
      case 'container': return this.scratchContainer(node);
      default: throw new Error(`no default instance for ${node.kind} ${node.path}`);
    }
  }

  private scratchContainer(node: DataSchemaNode): DataNode {
    this.scratch ??= new DataTree(this.schema);
    if (node.kind !== 'container') throw new Error(`${node.path} is not a container`);
    return this.scratch.container(this.scratch.writableRoot(), node);
  }

  // ---- frames ----

  private frame(parent: Frame | undefined, step: Step | undefined, make: () => InnerData): Frame {
    let value: InnerData | undefined;
    const f: Frame = {
      parent,
      step,
      made: false,
      getOut: () => {
        if (value === undefined) {
          value = make();
          f.made = true;
        }
        return value;
      },
    };
    return f;
  }

  /** The frame of an existing container or list entry child. */
  private childFrame(parent: Frame, child: InnerNode): Frame {
    if (child.kind === 'container') {
      return this.frame(parent, { kind: 'container', schema: child.schema }, () => this.out.writable(parent.getOut(), child));
    }
    if (child.kind === 'list-entry') {
      return this.frame(parent, { kind: 'entry', schema: child.schema, key: child.key }, () => this.out.writable(parent.getOut(), child));
    }
    throw new Error('childFrame(): the root has no parent');
  }

  /** Counts for this walk: configuration only, or everything; and only if a default is below. */
  private relevant(node: DataSchemaNode): boolean {
    if (this.content === 'config' && !node.config) return false;
    return hasDefaultsBelow(this.schema, node, this.content === 'config' ? 0 : 1);
  }
}

// ---- schema facts -------------------------------------------------------------------------------

function hasDefaultsBelow(schema: Schema, node: DataSchemaNode, i: 0 | 1): boolean {
  let memo = defaultsBelow.get(node);
  if (memo === undefined) defaultsBelow.set(node, memo = [undefined, undefined]);
  const known = memo[i];
  if (known !== undefined) return known;
  let v: boolean;
  switch (node.kind) {
    case 'leaf': v = node.default !== undefined; break;
    case 'leaf-list': v = (node.defaults?.length ?? 0) > 0; break;
    case 'container': case 'list':
      v = schema.children(node).some((r) => (i === 1 || r.node.config) && hasDefaultsBelow(schema, r.node, i));
      break;
    default: v = false;
  }
  memo[i] = v;
  return v;
}

function hasWhen(ref: ChildRef): boolean {
  return (ref.node.when?.length ?? 0) > 0
    || ref.choices.some((cp) => (cp.choice.when?.length ?? 0) > 0 || (cp.case.when?.length ?? 0) > 0);
}

/** The case each choice has data in, under `input`. */
function presentCases(schema: Schema, input: InnerNode | undefined): Map<ChoiceNode, CaseNode> {
  const cases = new Map<ChoiceNode, CaseNode>();
  if (input === undefined) return cases;
  for (const slot of input.slots()) {
    for (const cp of schema.refOf(slot.schema)?.choices ?? []) cases.set(cp.choice, cp.case);
  }
  return cases;
}

/** A default applies only in the case that has data, or in the default case when no case has. */
function activeCase(ref: ChildRef, cases: ReadonlyMap<ChoiceNode, CaseNode>): boolean {
  for (const cp of ref.choices) {
    const present = cases.get(cp.choice);
    if (present !== undefined ? present !== cp.case : cp.choice.defaultCase !== cp.case.name) return false;
  }
  return true;
}

/** The slot's nodes if they hold exactly the schema default; undefined otherwise. */
function atDefault(schema: Schema, slot: ReturnType<InnerNode['slot']>): DataNode[] | undefined {
  if (slot === undefined) return undefined;
  if (slot.kind === 'leaf') {
    const d = defaultsOf(schema, slot.schema)[0];
    return d !== undefined && d.canonical === slot.value.canonical ? [slot] : undefined;
  }
  if (slot.kind === 'entries' && slot.schema.kind === 'leaf-list') {
    const defaults = defaultsOf(schema, slot.schema);
    if (defaults.length === 0 || defaults.length !== slot.size) return undefined;
    const entries = [...(slot as EntrySet<LeafListEntry>)];
    const have = entries.map((e) => e.value.canonical);
    const want = defaults.map((d) => d.canonical);
    if (!slot.orderedByUser) {
      have.sort();
      want.sort();
    }
    return have.every((v, i) => v === want[i]) ? entries : undefined;
  }
  return undefined;
}

/** A leaf's default, or a leaf-list's defaults, as typed values (cached). */
function defaultsOf(schema: Schema, node: LeafNode | LeafListNode): readonly TypedValue[] {
  let values = defaultValues.get(node);
  if (values === undefined) {
    const texts = node.kind === 'leaf' ? (node.default === undefined ? [] : [node.default]) : (node.defaults ?? []);
    values = texts.map((t) => typedDefault(schema, node, t));
    defaultValues.set(node, values);
  }
  return values;
}

/** Defaults come canonical from the schema export (identityrefs as "module:identity"): read them as JSON text. */
function typedDefault(schema: Schema, node: LeafNode | LeafListNode, text: string): TypedValue {
  const ctx: ValueContext = {
    format: 'json',
    resolvePrefix: (m) => (schema.module(m) !== undefined ? m : undefined),
    localModule: node.module,
    identities: schema,
  };
  const r = parseText(node.type, text, ctx);
  return r.ok ? r.value : { canonical: text, base: plainBase(node.type) };
}

function plainBase(type: TypeSpec): ValueBase {
  if (type.base === 'leafref') return type.target !== undefined ? plainBase(type.target) : 'string';
  if (type.base === 'union') return type.members?.[0] !== undefined ? plainBase(type.members[0]) : 'string';
  return type.base;
}
