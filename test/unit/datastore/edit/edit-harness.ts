// Shared helpers for the edit engine tests: decode data and edits written as NETCONF XML, apply
// them, and check on every successful apply that the change set the engine produced is exactly
// what diffTrees() finds (same ops, paths and node objects, same order) and that the target
// was left as it was.
import assert from 'node:assert/strict';
import type { DataTree } from '../../../../src/datastore/data-tree.js';
import { applyEdit, type EditError, type EditRequest, type EditResult } from '../../../../src/datastore/edit/apply-edit.js';
import type { Change, ChangeSet } from '../../../../src/datastore/edit/change.js';
import { diffTrees } from '../../../../src/datastore/edit/diff.js';
import { decodeXml } from '../../../../src/datastore/xml-decoder.js';
import { encodeXml } from '../../../../src/datastore/xml-encoder.js';
import type { Schema } from '../../../../src/validation/schema.js';
import { NS } from '../../../support/schema-fixtures.js';

/** Namespace declarations for edits: default namespace of the module plus nc: and yang:. */
export const IF = `xmlns="${NS.if}" xmlns:nc="${NS.nc}" xmlns:yang="${NS.yang}"`;
export const RT = `xmlns="${NS.rt}" xmlns:nc="${NS.nc}" xmlns:yang="${NS.yang}"`;
export const VT = `xmlns="${NS.vt}" xmlns:nc="${NS.nc}" xmlns:yang="${NS.yang}"`;
export const IP = `xmlns="${NS.ip}"`;
export const ETH = `<type xmlns:ianaift="${NS.ianaift}">ianaift:ethernetCsmacd</type>`;

/** Two interfaces, one static route, and some vr-test data. */
export const RUNNING = `<interfaces xmlns="${NS.if}">
  <interface><name>eth0</name><description>uplink</description>${ETH}
    <ipv4 xmlns="${NS.ip}"><mtu>1500</mtu><address><ip>192.0.2.1</ip><prefix-length>24</prefix-length></address></ipv4>
  </interface>
  <interface><name>lo</name><type xmlns:ianaift="${NS.ianaift}">ianaift:softwareLoopback</type></interface>
</interfaces>
<routing xmlns="${NS.rt}"><router-id>192.0.2.1</router-id><control-plane-protocols><control-plane-protocol>
  <type xmlns:rt="${NS.rt}">rt:static</type><name>st0</name><static-routes><ipv4 xmlns="${NS.v4ur}"><route>
    <destination-prefix>0.0.0.0/0</destination-prefix>
    <next-hop><outgoing-interface>eth0</outgoing-interface><next-hop-address>192.0.2.254</next-hop-address></next-hop>
  </route></ipv4></static-routes></control-plane-protocol></control-plane-protocols></routing>
<top xmlns="${NS.vt}"><small>1</small><tags>a</tags><tags>b</tags><sys-tags>s</sys-tags><tcp-port>80</tcp-port><pc><x>1</x></pc></top>`;

export type Options = Partial<Pick<EditRequest, 'defaultOperation' | 'errorOption'>>;

/** "op path" per change, for readable assertions. */
export function summary(changes: ChangeSet | Change[]): string[] {
  return (Array.isArray(changes) ? changes : changes.changes).map((c) => `${c.op} ${c.path}`);
}

/** Asserts that two change sets hold the same changes, in the same order, with the same node objects. */
export function assertSameChanges(actual: ChangeSet, expected: ChangeSet, context = ''): void {
  assert.deepEqual(summary(actual), summary(expected), `change summary differs ${context}`);
  actual.changes.forEach((c, i) => {
    const e = expected.changes[i] as Change;
    assert.ok(c.node === e.node, `node of change ${i} (${c.op} ${c.path}) is not the same object ${context}`);
    assert.ok(c.old === e.old, `old of change ${i} (${c.op} ${c.path}) is not the same object ${context}`);
  });
}

export class Harness {
  constructor(readonly schema: Schema) {}

  /** Plain data (a datastore). */
  data(xml: string): DataTree {
    const r = decodeXml(this.schema, xml);
    if (!r.ok) assert.fail(r.errors.map((e) => `${e.kind}: ${e.message}`).join('\n'));
    return r.tree;
  }

  /** An edit-config request from <config> content. */
  request(xml: string, options: Options = {}): EditRequest {
    const r = decodeXml(this.schema, xml, { editAttributes: true });
    if (!r.ok) assert.fail(r.errors.map((e) => `${e.kind}: ${e.message}`).join('\n'));
    return {
      edit: r.tree, attributes: r.attributes,
      defaultOperation: options.defaultOperation ?? 'merge', errorOption: options.errorOption ?? 'stop-on-error',
    };
  }

  xml(tree: DataTree): string {
    return encodeXml(this.schema, tree);
  }

  /** Applies and checks the invariants that hold for every result. */
  apply(target: DataTree, edit: string, options: Options = {}): EditResult {
    const before = this.xml(target);
    const r = applyEdit(target, this.request(edit, options));
    assert.equal(this.xml(target), before, 'applyEdit changed its target');
    if (r.ok) assertSameChanges(r.changes, diffTrees(target, r.tree), 'between applyEdit and diffTrees');
    return r;
  }

  /** Applies an edit that must succeed without errors. */
  ok(target: DataTree, edit: string, options: Options = {}): { tree: DataTree; changes: ChangeSet } {
    const r = this.apply(target, edit, options);
    if (!r.ok) assert.fail(`edit failed: ${r.errors.map((e) => `${e.tag}: ${e.message}`).join('\n')}`);
    assert.deepEqual(r.errors, []);
    return { tree: r.tree, changes: r.changes };
  }

  /** Applies an edit that must fail (stop-on-error unless told); returns its first error. */
  fails(target: DataTree, edit: string, options: Options = {}): EditError {
    const r = this.apply(target, edit, options);
    if (r.ok) assert.fail(`edit succeeded: ${summary(r.changes).join(', ')}`);
    return r.errors[0];
  }
}

/** A small deterministic PRNG, so random tests repeat exactly. */
export { mulberry32 as prng } from '../../../support/prng.js';
