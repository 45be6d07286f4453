import assert from 'node:assert/strict';
import type { DataTree } from '../../../../src/datastore/data-tree.js';
import type { Schema } from '../../../../src/validation/schema.js';
import { NS, schemaVariants } from '../../../support/schema-fixtures.js';
import { ETH, Harness, IF, IP, RUNNING, VT, summary } from './edit-harness.js';

const IFP = '/ietf-interfaces:interfaces';

function suite(schema: Schema, variant: string): void {
  const h = new Harness(schema);
  const running = (): DataTree => h.data(RUNNING);
  // Four parts: a good change, a create of something that exists, another good change, a delete of something missing.
  const EDIT = `<interfaces ${IF}>
    <interface><name>eth0</name><description>core</description></interface>
    <interface nc:operation="create"><name>lo</name></interface>
    <interface><name>eth1</name>${ETH}</interface>
    <interface nc:operation="delete"><name>eth9</name></interface>
  </interfaces>`;

  describe(`applyEdit: error-option (${variant})`, () => {
    for (const errorOption of ['stop-on-error', 'rollback-on-error'] as const) {
      it(`${errorOption}: stops at the first error and applies nothing`, () => {
        const r = h.apply(running(), EDIT, { errorOption });
        assert.ok(!r.ok);
        assert.deepEqual(r.errors.map((e) => [e.tag, e.path]), [['data-exists', `${IFP}/interface[name='lo']`]]);
      });
    }

    it('continue-on-error: skips the failing parts, applies the rest, returns every error', () => {
      const r = h.apply(running(), EDIT, { errorOption: 'continue-on-error' });
      assert.ok(r.ok);
      assert.deepEqual(r.errors.map((e) => [e.tag, e.path]), [
        ['data-exists', `${IFP}/interface[name='lo']`], ['data-missing', `${IFP}/interface[name='eth9']`]]);
      assert.deepEqual(summary(r.changes), [`replace ${IFP}/interface[name='eth0']/description`, `create ${IFP}/interface[name='eth1']`]);
    });

    it('continue-on-error: skips only the failing node inside a new subtree', () => {
      const r = h.apply(running(), `<interfaces ${IF}><interface nc:operation="create"><name>eth2</name>${ETH}
        <description nc:operation="delete"/><ipv4 ${IP}><mtu>1400</mtu></ipv4></interface></interfaces>`, { errorOption: 'continue-on-error' });
      assert.ok(r.ok);
      assert.deepEqual(r.errors.map((e) => e.path), [`${IFP}/interface[name='eth2']/description`]);
      assert.deepEqual(summary(r.changes), [`create ${IFP}/interface[name='eth2']`]);
      assert.match(h.xml(r.tree), /<name>eth2<\/name>.*<mtu>1400<\/mtu>/);
    });

    it('continue-on-error with nothing applicable: ok, no changes, the errors', () => {
      const r = h.apply(running(), `<top ${VT}><small nc:operation="create">5</small></top>`, { errorOption: 'continue-on-error' });
      assert.ok(r.ok);
      assert.deepEqual(r.changes.changes, []);
      assert.equal(r.errors.length, 1);
    });

    it('gives the error path in XML form with its namespaces', () => {
      const e = h.fails(running(), `<interfaces ${IF}><interface><name>eth0</name><ipv4 ${IP}>
        <address nc:operation="delete"><ip>10.9.9.9</ip></address></ipv4></interface></interfaces>`);
      assert.equal(e.path, `${IFP}/interface[name='eth0']/ietf-ip:ipv4/address[ip='10.9.9.9']`);
      assert.deepEqual(e.xmlPath, {
        path: "/if:interfaces/if:interface[if:name='eth0']/ip:ipv4/ip:address[ip:ip='10.9.9.9']",
        namespaces: { if: NS.if, ip: NS.ip },
      });
    });
  });
}

for (const v of await schemaVariants()) suite(v.schema, v.name);
