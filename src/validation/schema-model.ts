// The compiled YANG schema as the libyang addon exports it (plain JSON, no pointers).
// This is the contract between the C++ side (src/validation/native) and every TypeScript layer
// above it: libyang resolves typedefs, groupings, uses, augments, deviations and features; what
// arrives here is the compiled tree, with every type fully resolved to its built-in base.

/** The YANG built-in types (RFC 7950 §4.2.4). */
export type BuiltinType =
  | 'binary' | 'bits' | 'boolean' | 'decimal64' | 'empty' | 'enumeration' | 'identityref'
  | 'instance-identifier' | 'int8' | 'int16' | 'int32' | 'int64' | 'leafref' | 'string'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'union';

/** An XPath expression (must, when, leafref path) with the prefixes it uses, mapped to module names. */
export interface XPathExpr {
  /** The expression text exactly as written in the module. */
  text: string;
  /** prefix → module name, for every prefix the expression uses. */
  prefixes: Record<string, string>;
}

/** Optional error-message / error-app-tag that a restriction or a must carries. */
export interface ErrorInfo {
  errorMessage?: string;
  errorAppTag?: string;
}

/**
 * One interval of a range or length restriction. Bounds are decimal strings so that int64,
 * uint64 and decimal64 keep their precision; for decimal64 they carry the fraction digits
 * ("-1.50"). A single value has min === max.
 */
export interface Interval {
  min: string;
  max: string;
}

export interface RangeRestriction extends ErrorInfo {
  intervals: Interval[];
}

export interface PatternRestriction extends ErrorInfo {
  /** The pattern as written in YANG (an XML Schema regular expression, implicitly anchored). */
  regex: string;
  /** YANG 1.1 `modifier invert-match`. */
  invert: boolean;
}

export interface EnumMember {
  name: string;
  value: number;
}

export interface BitMember {
  name: string;
  position: number;
}

/** A fully resolved type. Only the fields that belong to `base` are present. */
export interface TypeSpec {
  base: BuiltinType;
  /** The typedef this type was derived from, "module:name", for messages (e.g. "ietf-inet-types:ipv4-address"). */
  typedef?: string;
  /** Integer and decimal64 `range`. */
  range?: RangeRestriction;
  /** string and binary `length`. */
  length?: RangeRestriction;
  /** string `pattern`s, all of which must match (or not match, when inverted). */
  patterns?: PatternRestriction[];
  /** decimal64 `fraction-digits`. */
  fractionDigits?: number;
  /** enumeration members with their (assigned or implicit) values. */
  enums?: EnumMember[];
  /** bits members with their positions, ordered by position. */
  bits?: BitMember[];
  /** identityref bases, "module:identity". */
  bases?: string[];
  /** leafref path. */
  path?: XPathExpr;
  /** leafref: the type of the referenced leaf, resolved. */
  target?: TypeSpec;
  /** leafref and instance-identifier `require-instance`. */
  requireInstance?: boolean;
  /** union members in order. */
  members?: TypeSpec[];
}

export type NodeKind =
  | 'container' | 'leaf' | 'leaf-list' | 'list' | 'choice' | 'case' | 'anydata' | 'anyxml'
  | 'rpc' | 'action' | 'input' | 'output' | 'notification';

export type Status = 'current' | 'deprecated' | 'obsolete';

export interface MustSpec extends ErrorInfo {
  expr: XPathExpr;
}

export interface WhenSpec {
  expr: XPathExpr;
  /**
   * Schema path of the context node the expression is evaluated on; absent when it is the node
   * itself (a when on the node) — for a when inherited from `augment` or `uses` it is the parent.
   * null means the root.
   */
  context?: string | null;
}

interface NodeBase {
  kind: NodeKind;
  name: string;
  /** The module that defines this node (for augmented nodes, the augmenting module). */
  module: string;
  /** Absolute schema path, module-qualified where the module changes: "/ietf-interfaces:interfaces/interface/ietf-ip:ipv4". Choice and case nodes appear in it. */
  path: string;
  /** true for configuration, false for state (config false) — inherited as YANG says. RPC, action and notification subtrees are false. */
  config: boolean;
  status: Status;
  description?: string;
  when?: WhenSpec[];
  must?: MustSpec[];
}

export interface ContainerNode extends NodeBase {
  kind: 'container';
  presence: boolean;
  children: SchemaNode[];
}

export interface LeafNode extends NodeBase {
  kind: 'leaf';
  type: TypeSpec;
  mandatory: boolean;
  /** The default value in canonical form, if any (from the leaf or its typedef). */
  default?: string;
  units?: string;
  /** true when this leaf is a key of its parent list. */
  isKey: boolean;
}

export interface LeafListNode extends NodeBase {
  kind: 'leaf-list';
  type: TypeSpec;
  defaults?: string[];
  units?: string;
  minElements: number;
  /** null: unbounded. */
  maxElements: number | null;
  orderedBy: 'system' | 'user';
}

export interface ListNode extends NodeBase {
  kind: 'list';
  /** Key leaf names in key order; empty for a keyless (state) list. */
  keys: string[];
  /** Each unique statement as the descendant schema paths it names, relative to the list entry ("a/b"). */
  unique: string[][];
  minElements: number;
  maxElements: number | null;
  orderedBy: 'system' | 'user';
  children: SchemaNode[];
}

export interface ChoiceNode extends NodeBase {
  kind: 'choice';
  mandatory: boolean;
  /** Name of the default case. */
  defaultCase?: string;
  children: CaseNode[];
}

export interface CaseNode extends NodeBase {
  kind: 'case';
  children: SchemaNode[];
}

export interface AnyNode extends NodeBase {
  kind: 'anydata' | 'anyxml';
  mandatory: boolean;
}

export interface OperationNode extends NodeBase {
  kind: 'rpc' | 'action';
  input: InOutNode;
  output: InOutNode;
}

export interface InOutNode extends NodeBase {
  kind: 'input' | 'output';
  children: SchemaNode[];
}

export interface NotificationNode extends NodeBase {
  kind: 'notification';
  children: SchemaNode[];
}

export type SchemaNode =
  | ContainerNode | LeafNode | LeafListNode | ListNode | ChoiceNode | CaseNode | AnyNode
  | OperationNode | InOutNode | NotificationNode;

/** Nodes that hold instance children in a data tree. */
export type InnerSchemaNode = ContainerNode | ListNode | ChoiceNode | CaseNode | InOutNode | NotificationNode | OperationNode;

export interface IdentitySpec {
  /** "module:name" */
  name: string;
  /** Direct bases, "module:name". */
  bases: string[];
  /** Every identity derived from this one, directly or not, "module:name" (not including itself). */
  derived: string[];
  status: Status;
}

export interface ModuleSpec {
  name: string;
  revision?: string;
  namespace: string;
  prefix: string;
  yangVersion: '1.0' | '1.1';
  /** Implemented (its data nodes are served), or only imported for its typedefs and identities. */
  implemented: boolean;
  /** Enabled features. */
  features: string[];
  /** Every feature the module defines. */
  allFeatures: string[];
  submodules: { name: string; revision?: string }[];
  /** Modules that deviate this one. */
  deviatedBy: string[];
  identities: IdentitySpec[];
  /** Top-level data nodes this module defines (augments from other modules appear inside their targets). */
  data: SchemaNode[];
  rpcs: OperationNode[];
  notifications: NotificationNode[];
}

/** What `exportSchema()` returns: every module in the context, implemented and imported. */
export interface SchemaExport {
  /** libyang's module-set content-id (changes when the set of modules or features changes). */
  contentId: string;
  modules: ModuleSpec[];
}
