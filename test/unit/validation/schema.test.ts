import assert from 'node:assert/strict';
import { Schema } from '../../../src/validation/schema.js';
import type { SchemaNode } from '../../../src/validation/schema-model.js';
import {
  NS, container, leaf, moduleSpec, node, routerExport, routerSchema, schemaExport, schemaVariants, T,
} from '../../support/schema-fixtures.js';

const libyangVariant = (await schemaVariants())[1];
if (libyangVariant === undefined) throw new Error('the libyang-compiled schema is missing: run make build');
const libyang = libyangVariant.schema;

describe('Schema', () => {
  const schema = routerSchema();

  describe('modules', () => {
    it('finds modules by name and by namespace', () => {
      assert.equal(schema.module('ietf-ip')?.namespace, NS.ip);
      assert.equal(schema.moduleByNamespace(NS.if)?.name, 'ietf-interfaces');
      assert.equal(schema.namespaceOf('ietf-routing'), NS.rt);
      assert.equal(schema.module('nope'), undefined);
      assert.equal(schema.moduleByNamespace('urn:nope'), undefined);
    });

    it('gives each module a unique XML prefix', () => {
      const exp = schemaExport([
        moduleSpec('a', 'urn:a', 'x', { data: [leaf('la', T.string())] }),
        moduleSpec('b', 'urn:b', 'x', { data: [leaf('lb', T.string())] }),
      ]);
      const s = new Schema(exp);
      assert.equal(s.xmlPrefix('a'), 'x');
      assert.equal(s.xmlPrefix('b'), 'x2');
    });

    it('keeps the content-id', () => {
      assert.equal(schema.contentId, 'test');
    });
  });

  describe('data nodes', () => {
    it('looks up top-level nodes by module and name', () => {
      const ref = schema.topLevel('ietf-interfaces', 'interfaces');
      assert.equal(ref?.node.kind, 'container');
      assert.equal(schema.topLevel('ietf-ip', 'interfaces'), undefined);
      assert.equal(schema.topLevel('vr-test', 'widget')?.node.kind, 'list');
    });

    it('finds augmented children in their own module', () => {
      const iface = node(schema, '/ietf-interfaces:interfaces/interface', 'list');
      const ipv4 = schema.child(iface, 'ietf-ip', 'ipv4');
      assert.equal(ipv4?.node.path, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4');
      assert.equal(ipv4?.node.module, 'ietf-ip');
      assert.equal(schema.child(iface, 'ietf-interfaces', 'ipv4'), undefined, 'not in the augmented module');
    });

    it('sees through choice and case, keeping the ancestry', () => {
      const addr = node(schema, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address', 'list');
      const ref = schema.child(addr, 'ietf-ip', 'prefix-length');
      assert.ok(ref);
      assert.equal(ref.choices.length, 1);
      assert.equal(ref.choices[0]?.choice.name, 'subnet');
      assert.equal(ref.choices[0]?.case.name, 'prefix-length');
      assert.equal(schema.child(addr, 'ietf-ip', 'subnet'), undefined, 'a choice is no data node');
      assert.equal(schema.refOf(ref.node), ref);
    });

    it('lists children in schema order', () => {
      const iface = node(schema, '/ietf-interfaces:interfaces/interface', 'list');
      const names = schema.children(iface).map((r) => r.node.name);
      assert.deepEqual(names.slice(0, 4), ['name', 'description', 'type', 'enabled']);
      assert.ok(names.indexOf('ipv4') > names.indexOf('statistics'));
      schema.children(iface).forEach((r, i) => assert.equal(r.order, i));
    });

    it('gives the key leaves of a list in key order', () => {
      const cpp = node(schema, '/ietf-routing:routing/control-plane-protocols/control-plane-protocol', 'list');
      assert.deepEqual(schema.keyLeaves(cpp).map((k) => k.name), ['type', 'name']);
      const keyless = node(schema, '/vr-test:top/state/session', 'list');
      assert.deepEqual(schema.keyLeaves(keyless), []);
    });

    it('knows the data parent of a node', () => {
      const iface = node(schema, '/ietf-interfaces:interfaces/interface', 'list');
      const ipv4 = node(schema, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4', 'container');
      assert.equal(schema.parentOf(ipv4), iface);
      const interfaces = node(schema, '/ietf-interfaces:interfaces');
      assert.equal(schema.parentOf(interfaces), null);
      const pl = node(schema, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address/subnet/prefix-length/prefix-length');
      assert.equal(schema.parentOf(pl), node(schema, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address'));
    });

    it('finds every place a name is used (for wrong-place messages)', () => {
      const places = schema.dataNodesNamed('ietf-interfaces', 'interface').map((n) => n.path);
      assert.deepEqual(places, ['/ietf-interfaces:interfaces/interface']);
      assert.equal(schema.dataNodesNamed('ietf-interfaces', 'bogus').length, 0);
    });

    it('does not serve data of modules that are only imported', () => {
      const exp = schemaExport([moduleSpec('imp', 'urn:imp', 'i', { implemented: false, data: [container('c', [])] })]);
      assert.equal(new Schema(exp).topLevel('imp', 'c'), undefined);
    });
  });

  describe('operations', () => {
    it('finds rpcs and notifications, with their input and output', () => {
      const reset = schema.rpc('vr-test', 'reset');
      assert.ok(reset);
      assert.equal(schema.child(reset.input, 'vr-test', 'delay')?.node.kind, 'leaf');
      assert.equal(schema.child(reset.output, 'vr-test', 'done')?.node.kind, 'leaf');
      assert.equal(schema.parentOf(reset.input), reset);
      const alarm = schema.notification('vr-test', 'alarm');
      assert.equal(schema.child(alarm ?? null, 'vr-test', 'severity')?.node.kind, 'leaf');
      assert.equal(schema.rpc('vr-test', 'nope'), undefined);
    });
  });

  describe('identities', () => {
    it('implements IdentityLookup with transitive derivation', () => {
      assert.ok(schema.hasIdentity('iana-if-type:ethernetCsmacd'));
      assert.ok(!schema.hasIdentity('iana-if-type:nope'));
      assert.ok(schema.isDerivedFrom('iana-if-type:ethernetCsmacd', 'ietf-interfaces:interface-type'));
      assert.ok(schema.isDerivedFrom('vr-test:fancy', 'ietf-interfaces:interface-type'), 'across three modules');
      assert.ok(!schema.isDerivedFrom('ietf-interfaces:interface-type', 'ietf-interfaces:interface-type'), 'not derived from itself');
      assert.ok(!schema.isDerivedFrom('ietf-routing:static', 'ietf-interfaces:interface-type'));
      assert.deepEqual(schema.identity('ietf-routing:static')?.bases, ['ietf-routing:control-plane-protocol']);
    });
  });

  it('indexes nodes by schema path', () => {
    assert.equal(schema.nodeByPath('/ietf-routing:routing/control-plane-protocols')?.kind, 'container');
    const exp = routerExport();
    assert.equal(new Schema(exp).nodeByPath('/nope'), undefined);
  });

  describe('the hand-written fixture against libyang', () => {
    /** Every node of the fixture's modules, depth first (rpc input / output included). */
    function* walk(n: SchemaNode): Generator<SchemaNode> {
      yield n;
      if (n.kind === 'rpc' || n.kind === 'action') {
        yield* walk(n.input);
        yield* walk(n.output);
      } else if ('children' in n) {
        for (const c of n.children) yield* walk(c);
      }
    }

    it('mirrors what the addon exports for the same modules', () => {
      const featureOff = new Set(['/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address/subnet/netmask',
        '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address/subnet/netmask/netmask']);
      const diffs: string[] = [];
      for (const m of routerExport().modules) {
        for (const top of [...m.data, ...m.rpcs, ...m.notifications]) {
          for (const n of walk(top)) {
            if (featureOff.has(n.path)) continue;
            const r = libyang.nodeByPath(n.path);
            if (r === undefined) { diffs.push(`${n.path}: missing`); continue; }
            if (r.kind !== n.kind || r.config !== n.config || r.module !== n.module) diffs.push(`${n.path}: kind / config / module`);
            if (r.kind === 'list' && n.kind === 'list' && (r.keys.join() !== n.keys.join() || r.orderedBy !== n.orderedBy)) diffs.push(`${n.path}: keys`);
            if (r.kind === 'container' && n.kind === 'container' && r.presence !== n.presence) diffs.push(`${n.path}: presence`);
            if (r.kind === 'leaf' && n.kind === 'leaf') {
              if (r.type.base !== n.type.base || r.type.typedef !== n.type.typedef) diffs.push(`${n.path}: type`);
              if (r.isKey !== n.isKey || r.default !== n.default) diffs.push(`${n.path}: key / default`);
              if (JSON.stringify(r.type.range?.intervals) !== JSON.stringify(n.type.range?.intervals)) diffs.push(`${n.path}: range`);
            }
          }
        }
      }
      assert.deepEqual(diffs, []);
      assert.equal(libyang.nodeByPath([...featureOff][1] ?? ''), undefined, 'netmask is behind a feature that is off');
    });

    it('finds the same identities', () => {
      for (const m of routerExport().modules) {
        for (const id of m.identities) {
          assert.ok(libyang.hasIdentity(id.name), id.name);
          for (const b of id.bases) assert.ok(libyang.isDerivedFrom(id.name, b), `${id.name} from ${b}`);
        }
      }
    });
  });
});
