// The libyang addon against real modules: the IETF set vrouterd serves, all of FRR's models,
// and test/fixtures/yang/addon-test.yang (one node or type of every kind).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { LibyangError, YangContext, libyangVersion, type ValidationError } from '../../../src/validation/libyang.js';
import { defaultSearchDirs, STANDARD_MODULES } from '../../../src/validation/module-search-path.js';
import type {
  ChoiceNode, LeafListNode, LeafNode, ModuleSpec, OperationNode, SchemaExport, SchemaNode,
} from '../../../src/validation/schema-model.js';

const run = promisify(execFile);
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/yang');
const FRR_DIR = '/usr/share/yang';
const YUMA_IETF = '/usr/share/yuma/modules/ietf';
const LIBYANG_DIR = '/usr/share/yang/modules/libyang';

/** Every node of the export by its schema path (input/output and case nodes included). */
function indexSchema(schema: SchemaExport): Map<string, SchemaNode> {
  const index = new Map<string, SchemaNode>();
  const walk = (n: SchemaNode): void => {
    index.set(n.path, n);
    if ('children' in n) n.children.forEach(walk);
    if (n.kind === 'rpc' || n.kind === 'action') {
      walk(n.input);
      walk(n.output);
    }
  };
  for (const m of schema.modules) [...m.data, ...m.rpcs, ...m.notifications].forEach(walk);
  return index;
}

/** The node interface whose `kind` admits K (AnyNode for 'anyxml', OperationNode for 'action' …). */
type NodeOfKind<K extends SchemaNode['kind'], N = SchemaNode> = N extends { kind: infer NK } ? (K extends NK ? N : never) : never;

function nodeAt<K extends SchemaNode['kind']>(index: Map<string, SchemaNode>, p: string, kind: K): NodeOfKind<K> {
  const n = index.get(p);
  assert.ok(n, `no schema node ${p}`);
  assert.equal(n.kind, kind, p);
  return n as NodeOfKind<K>;
}

function moduleOf(schema: SchemaExport, name: string): ModuleSpec {
  const m = schema.modules.find((x) => x.name === name);
  assert.ok(m, `module ${name} not exported`);
  return m;
}

function interfaces(count: number, extra: (i: number) => object = () => ({})): string {
  const list = Array.from({ length: count }, (_, i) => ({ name: `eth${i}`, type: 'iana-if-type:ethernetCsmacd', ...extra(i) }));
  return JSON.stringify({ 'ietf-interfaces:interfaces': { interface: list } });
}

describe('libyang addon', function () {
  this.timeout(60_000);

  it('reports the libyang library version it was built against', () => {
    assert.match(libyangVersion(), /^2\.\d+\.\d+$/);
  });

  describe('standard IETF modules', () => {
    let ctx: YangContext;
    let schema: SchemaExport;
    let index: Map<string, SchemaNode>;

    before(async () => {
      ctx = await YangContext.create({ searchDirs: defaultSearchDirs(), modules: STANDARD_MODULES });
      schema = ctx.exportSchema();
      index = indexSchema(schema);
    });
    after(() => ctx.close());

    it('resolves ietf-interfaces to 2018-02-20 and compiles ietf-ip@2014 and ietf-routing@2016 against it', () => {
      const revs = ctx.modules().filter((m) => m.name === 'ietf-interfaces').map((m) => m.revision);
      assert.deepEqual(revs, ['2018-02-20']);
      for (const [name, rev] of [['ietf-ip', '2014-06-16'], ['ietf-routing', '2016-11-04'], ['ietf-ipv6-unicast-routing', '2016-11-04']]) {
        const m = ctx.modules().find((x) => x.name === name);
        assert.ok(m?.implemented, name);
        assert.equal(m.revision, rev);
      }
      assert.deepEqual(moduleOf(schema, 'ietf-interfaces').features, ['arbitrary-names', 'pre-provisioning']);
    });

    it('exports list keys, key leaves and mandatory identityrefs', () => {
      const list = nodeAt(index, '/ietf-interfaces:interfaces/interface', 'list');
      assert.deepEqual(list.keys, ['name']);
      assert.equal(list.orderedBy, 'system');
      assert.equal(list.config, true);
      assert.equal(nodeAt(index, '/ietf-interfaces:interfaces/interface/name', 'leaf').isKey, true);
      const type = nodeAt(index, '/ietf-interfaces:interfaces/interface/type', 'leaf');
      assert.equal(type.mandatory, true);
      assert.deepEqual(type.type, { base: 'identityref', bases: ['ietf-interfaces:interface-type'] });
      assert.equal(nodeAt(index, '/ietf-interfaces:interfaces/interface/enabled', 'leaf').default, 'true');
    });

    it('exports augmented nodes under their target with the augmenting module, choice and case in the path', () => {
      const plen = nodeAt(index, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address/subnet/prefix-length/prefix-length', 'leaf');
      assert.equal(plen.module, 'ietf-ip');
      assert.deepEqual(plen.type, { base: 'uint8', range: { intervals: [{ min: '0', max: '32' }] } });
      const v6 = nodeAt(index, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv6/address/prefix-length', 'leaf');
      assert.deepEqual(v6.type.range?.intervals, [{ min: '0', max: '128' }]);
      const mtu = nodeAt(index, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/mtu', 'leaf');
      assert.deepEqual(mtu.type.range?.intervals, [{ min: '68', max: '65535' }]);
      assert.equal(mtu.units, 'octets');
      const subnet = nodeAt(index, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address/subnet', 'choice');
      assert.equal(subnet.mandatory, true);
      // netmask is behind the disabled ipv4-non-contiguous-netmasks feature: its case is empty.
      assert.deepEqual(subnet.children.map((c) => [c.name, c.children.length]), [['prefix-length', 1], ['netmask', 0]]);
    });

    it('exports typedef names, patterns and leafrefs with prefixes and target types', () => {
      const ip = nodeAt(index, '/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address/ip', 'leaf');
      assert.equal(ip.type.typedef, 'ietf-inet-types:ipv4-address-no-zone');
      assert.equal(ip.type.patterns?.length, 2);
      assert.equal(ip.type.patterns?.[1]?.regex, '[0-9\\.]*');
      const higher = nodeAt(index, '/ietf-interfaces:interfaces/interface/higher-layer-if', 'leaf-list');
      assert.deepEqual([higher.config, higher.orderedBy], [false, 'system']);
      assert.deepEqual(higher.type, {
        base: 'leafref', typedef: 'ietf-interfaces:interface-ref',
        path: { text: '/if:interfaces/if:interface/if:name', prefixes: { if: 'ietf-interfaces' } },
        target: { base: 'string' }, requireInstance: true,
      });
      const address = nodeAt(index, '/ietf-routing:routing/router-id', 'leaf');
      assert.equal(address.type.typedef, 'ietf-yang-types:dotted-quad');
    });

    it('exports when on the node itself and when inherited from an augment (with its context)', () => {
      const own = nodeAt(index, '/ietf-routing:routing/control-plane-protocols/control-plane-protocol/static-routes', 'container');
      assert.deepEqual(own.when, [{ expr: { text: "derived-from-or-self(../type, 'rt:static')", prefixes: { rt: 'ietf-routing' } } }]);
      const aug = nodeAt(index, '/ietf-routing:routing-state/ribs/rib/routes/route/ietf-ipv4-unicast-routing:destination-prefix', 'leaf');
      assert.deepEqual(aug.when, [{
        expr: { text: "derived-from-or-self(../../rt:address-family, 'v4ur:ipv4-unicast')", prefixes: { rt: 'ietf-routing', v4ur: 'ietf-ipv4-unicast-routing' } },
        context: '/ietf-routing:routing-state/ribs/rib/routes/route',
      }]);
      assert.equal(aug.type.typedef, 'ietf-inet-types:ipv4-prefix');
    });

    it('exports identities with bases and the transitive derived set', () => {
      const base = moduleOf(schema, 'ietf-interfaces').identities.find((i) => i.name === 'ietf-interfaces:interface-type');
      assert.ok(base);
      assert.ok(base.derived.includes('iana-if-type:iana-interface-type'));
      assert.ok(base.derived.includes('iana-if-type:ethernetCsmacd'), 'derived is transitive');
      assert.ok(base.derived.includes('iana-if-type:softwareLoopback'));
      const eth = moduleOf(schema, 'iana-if-type').identities.find((i) => i.name === 'iana-if-type:ethernetCsmacd');
      assert.deepEqual(eth?.bases, ['iana-if-type:iana-interface-type']);
      const v4 = moduleOf(schema, 'ietf-ipv4-unicast-routing').identities.find((i) => i.name === 'ietf-ipv4-unicast-routing:ipv4-unicast');
      assert.deepEqual(v4?.bases, ['ietf-routing:ipv4']);
    });

    it('exports rpcs with input/output and notifications, and features', () => {
      const nc = moduleOf(schema, 'ietf-netconf');
      assert.ok(nc.features.includes('candidate') && !nc.features.includes('url'));
      assert.ok(nc.allFeatures.includes('url'));
      const edit = nc.rpcs.find((r) => r.name === 'edit-config');
      assert.ok(edit);
      assert.equal(edit.input.path, '/ietf-netconf:edit-config/input');
      const target = nodeAt(index, '/ietf-netconf:edit-config/input/target/config-target', 'choice');
      assert.equal(target.mandatory, true);
      assert.equal(target.config, false);
      const getConfig = nodeAt(index, '/ietf-netconf:get-config/output/data', 'anyxml');
      assert.equal(getConfig.module, 'ietf-netconf');
      const change = moduleOf(schema, 'ietf-netconf-notifications').notifications.map((n) => n.name);
      assert.ok(change.includes('netconf-config-change'));
      assert.equal(moduleOf(schema, 'ietf-inet-types').implemented, false);
      assert.deepEqual(moduleOf(schema, 'ietf-inet-types').data, []);
    });

    it('validates interface configuration: valid, range, missing mandatory in the right entry, identity base, state data', async () => {
      assert.deepEqual(await ctx.validate(interfaces(2, () => ({ 'ietf-ip:ipv4': { address: [{ ip: '10.0.0.1', 'prefix-length': 24 }] } })), { datastore: 'config' }), []);

      const [mtu] = await ctx.validate(interfaces(1, () => ({ 'ietf-ip:ipv4': { mtu: 20 } })), { datastore: 'config' });
      assert.equal(mtu?.path, "/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/mtu");
      assert.equal(mtu?.errorTag, 'invalid-value');

      const doc = { 'ietf-interfaces:interfaces': { interface: [{ name: 'eth0', type: 'iana-if-type:ethernetCsmacd' }, { name: 'eth1' }] } };
      assert.deepEqual(await ctx.validate(JSON.stringify(doc), { datastore: 'config' }), [{
        path: "/ietf-interfaces:interfaces/interface[name='eth1']/type",
        message: 'Mandatory node "type" instance does not exist.',
        errorTag: 'missing-element',
      }]);

      const [base] = await ctx.validate(interfaces(1, () => ({ type: 'ietf-routing:ipv4' })), { datastore: 'config' });
      assert.equal(base?.errorTag, 'invalid-value');
      assert.match(base?.message ?? '', /not derived from the base/);

      const [state] = await ctx.validate(interfaces(1, () => ({ 'oper-status': 'up' })), { datastore: 'config' });
      assert.equal(state?.path, "/ietf-interfaces:interfaces/interface[name='eth0']/oper-status");
      assert.match(state?.message ?? '', /state node/);

      const [choice] = await ctx.validate(interfaces(1, () => ({ 'ietf-ip:ipv4': { address: [{ ip: '10.0.0.1' }] } })), { datastore: 'config' });
      assert.deepEqual(choice, {
        path: "/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/address[ip='10.0.0.1']",
        message: 'Mandatory choice "subnet" data do not exist.', errorTag: 'data-missing', appTag: 'missing-choice',
      });
    });

    it('prints modules that yanglint accepts, as YANG and as YIN', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'vrouterd-yang-'));
      try {
        const yang = ctx.printModule('ietf-ip', '2014-06-16');
        assert.match(yang, /^module ietf-ip \{/);
        await writeFile(path.join(dir, 'ietf-ip@2014-06-16.yang'), yang);
        await writeFile(path.join(dir, 'ietf-interfaces@2018-02-20.yang'), ctx.printModule('ietf-interfaces'));
        await run('yanglint', ['-p', dir, '-p', LIBYANG_DIR, path.join(dir, 'ietf-ip@2014-06-16.yang')]);
        const yin = ctx.printModule('ietf-routing', undefined, 'yin');
        assert.match(yin, /<module name="ietf-routing"/);
        await writeFile(path.join(dir, 'ietf-routing@2016-11-04.yin'), yin);
        await run('yanglint', ['-p', dir, '-p', YUMA_IETF, '-p', LIBYANG_DIR, path.join(dir, 'ietf-routing@2016-11-04.yin')]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('keeps the event loop ticking during a 20k-entry validation', async () => {
      const doc = interfaces(20_000);
      let ticks = 0;
      let spinning = true;
      const spin = (): void => {
        ticks += 1;
        if (spinning) setImmediate(spin);
      };
      setImmediate(spin);
      const t0 = performance.now();
      const errors = await ctx.validate(doc, { datastore: 'config' });
      const ms = performance.now() - t0;
      spinning = false;
      assert.deepEqual(errors, []);
      assert.ok(ticks > 20, `only ${ticks} event-loop ticks in ${ms.toFixed(0)} ms`);
      console.log(`      20k interfaces: validate ${ms.toFixed(0)} ms, ${ticks} event-loop ticks meanwhile`);
    });
  });

  describe("FRR's models", () => {
    it('compiles every FRR module of /usr/share/yang in one context', async function () {
      const files = readdirSync(FRR_DIR).filter((f) => /^frr-.*\.yang$/.test(f));
      const modules = files.filter((f) => !/^submodule\s/m.test(readFileSync(path.join(FRR_DIR, f), 'utf8'))).map((f) => f.replace(/\.yang$/, ''));
      assert.ok(modules.length >= 25, `found only ${modules.length} FRR modules`);
      const ctx = await YangContext.create({ searchDirs: defaultSearchDirs(), modules: [STANDARD_MODULES[0]!] });
      const failed: string[] = [];
      const t0 = performance.now();
      for (const name of modules) {
        try {
          await ctx.loadModule({ name });
        } catch (err) {
          failed.push(`${name}: ${(err as Error).message}`);
        }
      }
      const ms = performance.now() - t0;
      const schema = ctx.exportSchema();
      ctx.close();
      assert.deepEqual(failed, []);
      const implemented = schema.modules.filter((m) => m.implemented).map((m) => m.name);
      for (const name of modules) assert.ok(implemented.includes(name), name);
      assert.ok(moduleOf(schema, 'frr-bgp').submodules.some((s) => s.name === 'frr-bgp-neighbor'));
      console.log(`      ${modules.length} FRR modules compiled in ${ms.toFixed(0)} ms`);
    });
  });

  describe('addon-test fixture', () => {
    let ctx: YangContext;
    let schema: SchemaExport;
    let index: Map<string, SchemaNode>;
    const top = '/addon-test:top';

    before(async () => {
      ctx = await YangContext.create({
        searchDirs: [FIXTURES, ...defaultSearchDirs()],
        modules: [{ name: 'addon-test', features: ['fancy'] }, { name: 'addon-test-dev' }],
      });
      schema = ctx.exportSchema();
      index = indexSchema(schema);
    });
    after(() => ctx.close());

    it('exports the module: version, features, submodules, deviations, identities', () => {
      const m = moduleOf(schema, 'addon-test');
      assert.deepEqual([m.yangVersion, m.prefix, m.namespace, m.revision], ['1.1', 'at', 'urn:vrouterd:test:addon-test', '2024-01-01']);
      assert.deepEqual([m.features, m.allFeatures, m.deviatedBy], [['fancy'], ['fancy', 'unused-feature'], ['addon-test-dev']]);
      assert.deepEqual(m.submodules, [{ name: 'addon-test-types', revision: '2024-01-01' }]);
      const mammal = m.identities.find((i) => i.name === 'addon-test:mammal');
      assert.deepEqual(mammal?.bases, ['addon-test:animal']);
      assert.deepEqual([...(mammal?.derived ?? [])].sort(), ['addon-test:cat', 'addon-test:dog', 'addon-test:puppy']);
      assert.deepEqual(m.data.map((n) => n.name), ['top']);
      assert.deepEqual(m.rpcs.map((n) => n.name), ['reset']);
      assert.deepEqual(m.notifications.map((n) => n.name), ['alarm']);
      assert.equal(moduleOf(schema, 'addon-test-dev').data.length, 0);
    });

    it('exports containers, presence, must with error-message/app-tag, and the feature/deviation effects', () => {
      const t = nodeAt(index, top, 'container');
      assert.equal(t.presence, false);
      assert.equal(t.description, 'Everything lives here.');
      assert.deepEqual(t.must, [{
        expr: { text: "not(level > 90) or kind = 'c'", prefixes: {} },
        errorMessage: 'level above 90 needs kind c', errorAppTag: 'level-too-high',
      }]);
      assert.equal(nodeAt(index, `${top}/options`, 'container').presence, true);
      assert.ok(index.has(`${top}/fancy-leaf`), 'enabled feature');
      assert.ok(!index.has(`${top}/to-be-removed`), 'deviate not-supported');
      const dev = nodeAt(index, `${top}/deviated-max`, 'leaf');
      assert.deepEqual(dev.type, { base: 'uint8', range: { intervals: [{ min: '1', max: '10' }] } });
      assert.equal(nodeAt(index, `${top}/extra`, 'anydata').mandatory, false);
    });

    it('exports scalar types fully resolved', () => {
      const leaf = (name: string): LeafNode => nodeAt(index, `${top}/${name}`, 'leaf');
      assert.deepEqual(leaf('kind').type.enums, [{ name: 'a', value: 0 }, { name: 'b', value: 10 }, { name: 'c', value: 11 }]);
      assert.equal(leaf('kind').default, 'a');
      assert.deepEqual(leaf('ratio').type, {
        base: 'decimal64', fractionDigits: 2,
        range: { intervals: [{ min: '-1.50', max: '1.50' }, { min: '10.00', max: '20.00' }] },
      });
      assert.deepEqual(leaf('flags').type.bits, [{ name: 'zero', position: 0 }, { name: 'one', position: 1 }, { name: 'four', position: 4 }]);
      assert.deepEqual(leaf('pet').type, { base: 'identityref', bases: ['addon-test:mammal'] });
      assert.deepEqual(leaf('level').type, {
        base: 'uint8', typedef: 'addon-test:percent',
        range: { intervals: [{ min: '0', max: '100' }], errorMessage: 'percent must be 0..100', errorAppTag: 'percent-range' },
      });
      assert.deepEqual([leaf('level').default, leaf('level').units], ['50', 'percent']);
      assert.deepEqual(leaf('name').type, {
        base: 'string', typedef: 'addon-test:name-type',
        length: { intervals: [{ min: '1', max: '16' }] },
        patterns: [
          { regex: '[a-z][a-z0-9\\-]*', invert: false },
          { regex: 'admin.*', invert: true, errorMessage: 'names must not start with admin', errorAppTag: 'reserved-name' },
        ],
      });
      const target = leaf('target').type;
      assert.equal(target.base, 'union');
      assert.equal(target.typedef, 'addon-test:addr-or-name');
      assert.deepEqual(target.members?.map((m) => [m.base, m.typedef]), [
        ['string', 'ietf-inet-types:ipv4-address'], ['string', 'addon-test:name-type'], ['uint16', undefined],
      ]);
      assert.deepEqual(leaf('blob').type, { base: 'binary', length: { intervals: [{ min: '0', max: '64' }] } });
      assert.equal(leaf('big').default, '-9223372036854775808');
      assert.deepEqual(leaf('primary-server').type, {
        base: 'leafref', path: { text: '../server/name', prefixes: {} }, target: { base: 'string' }, requireInstance: true,
      });
      const weak = leaf('weak-ref').type;
      assert.deepEqual(weak.path, { text: '/at:top/at:server/at:ip', prefixes: { at: 'addon-test' } });
      assert.deepEqual([weak.requireInstance, weak.target?.base], [false, 'string']);
      assert.equal(leaf('stats').config, false);
    });

    it('exports lists, leaf-lists, unique, ordering and element bounds', () => {
      const server = nodeAt(index, `${top}/server`, 'list');
      assert.deepEqual([server.keys, server.unique], [['name'], [['ip', 'port']]]);
      assert.deepEqual([server.minElements, server.maxElements, server.orderedBy], [0, 3, 'user']);
      assert.deepEqual(server.children.map((c) => c.name), ['name', 'ip', 'port', 'note', 'ping']);
      assert.equal(nodeAt(index, `${top}/server/port`, 'leaf').default, '22');
      const tag: LeafListNode = nodeAt(index, `${top}/tag`, 'leaf-list');
      assert.deepEqual([tag.maxElements, tag.orderedBy, tag.type.length?.errorMessage], [4, 'user', 'tags are 1 to 8 characters']);
      const contact = nodeAt(index, `${top}/options/contact`, 'leaf-list');
      assert.deepEqual([contact.minElements, contact.maxElements], [1, null]);
      const state = nodeAt(index, `${top}/keyless-state`, 'leaf-list');
      assert.deepEqual([state.config, state.orderedBy], [false, 'system']);
    });

    it('exports choices with their cases, the default case and shorthand cases', () => {
      const transport: ChoiceNode = nodeAt(index, `${top}/transport`, 'choice');
      assert.deepEqual([transport.mandatory, transport.defaultCase], [false, 'tcp']);
      assert.deepEqual(transport.children.map((c) => c.name), ['tcp', 'udp', 'raw']);
      assert.equal(nodeAt(index, `${top}/transport/tcp/tcp-port`, 'leaf').default, '80');
      assert.equal(nodeAt(index, `${top}/transport/raw/raw`, 'leaf').type.base, 'empty');
      const pick = nodeAt(index, `${top}/options/pick`, 'choice');
      assert.deepEqual([pick.mandatory, pick.defaultCase], [true, undefined]);
    });

    it('exports when: own (no context), from uses (parent context) and from augment (target context)', () => {
      assert.deepEqual(nodeAt(index, `${top}/b-only`, 'leaf').when, [{ expr: { text: "../kind = 'b'", prefixes: {} } }]);
      assert.deepEqual(nodeAt(index, `${top}/c-only`, 'leaf').when, [{ expr: { text: "kind = 'c'", prefixes: {} }, context: top }]);
      const note = nodeAt(index, `${top}/server/note`, 'leaf');
      assert.deepEqual(note.when, [{ expr: { text: 'at:port != 23', prefixes: { at: 'addon-test' } }, context: `${top}/server` }]);
    });

    it('exports rpcs, actions and notifications with input and output', () => {
      const reset: OperationNode = moduleOf(schema, 'addon-test').rpcs[0]!;
      assert.deepEqual([reset.kind, reset.config, reset.description], ['rpc', false, 'Resets the counters.']);
      const delay = nodeAt(index, '/addon-test:reset/input/delay', 'leaf');
      assert.deepEqual([delay.units, delay.default, delay.config], ['seconds', '0', false]);
      assert.equal(nodeAt(index, '/addon-test:reset/output/done', 'leaf').type.base, 'boolean');
      const ping = nodeAt(index, `${top}/server/ping`, 'action');
      assert.equal(ping.input.kind, 'input');
      const count = nodeAt(index, `${top}/server/ping/input/count`, 'leaf');
      assert.deepEqual([count.default, count.type.range?.intervals], ['3', [{ min: '1', max: '10' }]]);
      assert.equal(nodeAt(index, `${top}/server/ping/output/replies`, 'leaf').type.base, 'uint8');
      const alarm = nodeAt(index, '/addon-test:alarm', 'notification');
      assert.deepEqual(alarm.children.map((c) => c.name), ['severity', 'text']);
    });

    const valid = { 'addon-test:top': { kind: 'b', 'b-only': 'x', server: [{ name: 's1', ip: '10.0.0.1' }], 'primary-server': 's1' } };
    const cases: [string, object, Partial<ValidationError>][] = [
      ['range with error-message/app-tag', { level: 101 }, { path: `${top}/level`, errorTag: 'invalid-value', appTag: 'percent-range', message: 'percent must be 0..100' }],
      ['pattern', { name: 'Abc' }, { path: `${top}/name`, errorTag: 'invalid-value', appTag: undefined }],
      ['invert-match pattern', { name: 'adminx' }, { path: `${top}/name`, errorTag: 'invalid-value', appTag: 'reserved-name' }],
      ['length with error-message', { tag: ['123456789'] }, { path: `${top}/tag`, message: 'tags are 1 to 8 characters', errorTag: 'invalid-value' }],
      ['decimal64 range', { ratio: '2.5' }, { path: `${top}/ratio`, errorTag: 'invalid-value' }],
      ['union', { target: 'Bad!' }, { path: `${top}/target`, errorTag: 'invalid-value' }],
      ['identityref base', { pet: 'addon-test:fish' }, { path: `${top}/pet`, errorTag: 'invalid-value' }],
      ['leafref', { 'primary-server': 'nope' }, { path: `${top}/primary-server`, errorTag: 'data-missing', appTag: 'instance-required' }],
      ['must with app-tag', { level: 95 }, { path: top, errorTag: 'operation-failed', appTag: 'level-too-high', message: 'level above 90 needs kind c' }],
      ['mandatory leaf', { options: { 'pick-a': 'x', contact: ['a'] } }, { path: `${top}/options/verbose`, errorTag: 'missing-element' }],
      ['mandatory choice', { options: { verbose: true, contact: ['a'] } }, { path: `${top}/options`, errorTag: 'data-missing', appTag: 'missing-choice' }],
      ['two cases of one choice', { 'tcp-port': 1, 'udp-port': 2 }, { path: top, errorTag: 'bad-element' }],
      ['min-elements', { options: { verbose: true, 'pick-b': 'y' } }, { path: `${top}/options/contact`, errorTag: 'operation-failed', appTag: 'too-few-elements' }],
      ['max-elements', { server: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }] }, { path: `${top}/server[name='d']`, errorTag: 'operation-failed', appTag: 'too-many-elements' }],
      ['unique', { server: [{ name: 'a', ip: '10.0.0.1' }, { name: 'b', ip: '10.0.0.1' }] }, { path: `${top}/server[name='b']`, errorTag: 'operation-failed', appTag: 'data-not-unique' }],
      ['missing key', { server: [{ ip: '10.0.0.1' }] }, { path: `${top}/server`, errorTag: 'missing-element' }],
      ['duplicate key', { server: [{ name: 'a' }, { name: 'a' }] }, { path: `${top}/server[name='a']`, errorTag: 'invalid-value' }],
      ['when (own)', { 'b-only': 'x' }, { path: `${top}/b-only`, errorTag: 'unknown-element' }],
      ['when (from uses)', { 'c-only': 'x' }, { path: `${top}/c-only`, errorTag: 'unknown-element' }],
      ['when (from augment)', { server: [{ name: 'a', port: 23, note: 'x' }] }, { path: `${top}/server[name='a']/note`, errorTag: 'unknown-element' }],
      ['unknown node', { bogus: 1 }, { path: top, errorTag: 'unknown-element', message: 'Node "bogus" not found as a child of "top" node.' }],
      ['deviated away', { 'to-be-removed': 'x' }, { path: top, errorTag: 'unknown-element' }],
      ['deviated type', { 'deviated-max': 11 }, { path: `${top}/deviated-max`, errorTag: 'invalid-value' }],
      ['state data in config', { stats: '5' }, { path: `${top}/stats`, errorTag: 'invalid-value', message: 'Unexpected data state node "stats" found.' }],
    ];
    for (const [what, content, expected] of cases) {
      it(`reports ${what}`, async () => {
        const errors = await ctx.validate(JSON.stringify({ 'addon-test:top': content }), { datastore: 'config' });
        assert.equal(errors.length, 1, JSON.stringify(errors));
        const [got] = errors;
        for (const [k, v] of Object.entries(expected)) assert.equal(got?.[k as keyof ValidationError], v, `${k}: ${JSON.stringify(got)}`);
      });
    }

    it('accepts valid data, empty data, and state data in the operational datastore', async () => {
      assert.deepEqual(await ctx.validate(JSON.stringify(valid), { datastore: 'config' }), []);
      assert.deepEqual(await ctx.validate('', { datastore: 'config' }), []);
      assert.deepEqual(await ctx.validate('{}', { datastore: 'config' }), []);
      const oper = JSON.stringify({ 'addon-test:top': { stats: '5', 'keyless-state': [1, 1] } });
      assert.deepEqual(await ctx.validate(oper, { datastore: 'operational', presentOnly: true }), []);
      // The whole operational datastore also needs the state of every module (yang-library's content-id).
      const [missing] = await ctx.validate(oper, { datastore: 'operational' });
      assert.equal(missing?.path, '/ietf-yang-library:yang-library/content-id');
    });

    it('reports unknown modules and malformed JSON', async () => {
      const [ns] = await ctx.validate('{"nomod:top": {}}', { datastore: 'config' });
      assert.equal(ns?.errorTag, 'unknown-namespace');
      const [syntax] = await ctx.validate('{"addon-test:top": {', { datastore: 'config' });
      assert.equal(syntax?.errorTag, 'malformed-message');
      assert.equal(syntax?.path, '');
    });

    it('runs queued validations in order and they all settle', async () => {
      const results = await Promise.all([
        ctx.validate(JSON.stringify(valid), { datastore: 'config' }),
        ctx.validate(JSON.stringify({ 'addon-test:top': { level: 101 } }), { datastore: 'config' }),
        ctx.validate(JSON.stringify(valid), { datastore: 'config' }),
      ]);
      assert.deepEqual(results.map((r) => r.length), [0, 1, 0]);
    });

    it('prints the module and its submodule as YANG that yanglint accepts', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'vrouterd-yang-'));
      try {
        await writeFile(path.join(dir, 'addon-test.yang'), ctx.printModule('addon-test'));
        await writeFile(path.join(dir, 'addon-test-types.yang'), ctx.printModule('addon-test-types', '2024-01-01'));
        await writeFile(path.join(dir, 'addon-test-dev.yin'), ctx.printModule('addon-test-dev', undefined, 'yin'));
        assert.match(ctx.printModule('addon-test-types'), /^submodule addon-test-types \{/);
        await run('yanglint', ['-p', dir, '-p', LIBYANG_DIR, path.join(dir, 'addon-test.yang'), path.join(dir, 'addon-test-dev.yin')]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      assert.throws(() => ctx.printModule('no-such-module'), /no-such-module/);
      assert.throws(() => ctx.printModule('addon-test', '1999-01-01'), /addon-test@1999-01-01/);
    });

    it('produces yang-library data in RFC 8525 and RFC 7895 form with one content-id', () => {
      const lib = ctx.yangLibrary();
      const y = lib.rfc8525['ietf-yang-library:yang-library'];
      const set = y['module-set'][0];
      const at = set?.module?.find((m) => m.name === 'addon-test');
      assert.deepEqual([at?.revision, at?.feature, at?.deviation], ['2024-01-01', ['fancy'], ['addon-test-dev']]);
      assert.deepEqual(at?.submodule?.map((s) => s.name), ['addon-test-types']);
      assert.ok(set?.['import-only-module']?.some((m) => m.name === 'ietf-inet-types'));
      assert.deepEqual(y.datastore?.map((d) => d.name), [
        'ietf-datastores:running', 'ietf-datastores:candidate', 'ietf-datastores:startup', 'ietf-datastores:operational',
      ]);
      const ms = lib.rfc7895['ietf-yang-library:modules-state'];
      const old = ms.module.find((m) => m.name === 'addon-test');
      assert.equal(old?.['conformance-type'], 'implement');
      assert.equal(ms.module.find((m) => m.name === 'ietf-inet-types')?.['conformance-type'], 'import');
      assert.match(lib.contentId, /^[0-9a-f]{16}$/);
      assert.equal(y['content-id'], lib.contentId);
      assert.equal(ms['module-set-id'], lib.contentId);
      assert.equal(schema.contentId, lib.contentId);
      assert.equal(ctx.contentId(), lib.contentId);
    });

    it('reports a module that fails to compile by name, and the context keeps working', async () => {
      await assert.rejects(ctx.loadModule({ name: 'addon-broken' }), (err: unknown) => {
        assert.ok(err instanceof LibyangError);
        assert.match(err.message, /"addon-broken"/);
        assert.match(err.message, /no-such-type/);
        assert.ok(err.records.length >= 1);
        return true;
      });
      await assert.rejects(ctx.loadModule({ name: 'no-such-module' }), /Cannot load YANG module "no-such-module".*not found/);
      assert.deepEqual(await ctx.validate(JSON.stringify(valid), { datastore: 'config' }), []);
      assert.ok(!ctx.modules().some((m) => m.name === 'addon-broken'));
    });
  });

  describe('context lifecycle', () => {
    it('rejects create() naming the broken module', async () => {
      await assert.rejects(
        YangContext.create({ searchDirs: [FIXTURES, ...defaultSearchDirs()], modules: [{ name: 'addon-broken' }] }),
        (err: unknown) => err instanceof LibyangError && /Cannot load YANG module "addon-broken": .*Referenced type "no-such-type" not found/.test(err.message),
      );
    });

    it('rejects a search directory that does not exist', async () => {
      await assert.rejects(YangContext.create({ searchDirs: ['/no/such/dir'], modules: [] }), /\/no\/such\/dir/);
    });

    it('caches the export until the module set changes, refuses reads while loading, and closes', async () => {
      const ctx = await YangContext.create({ searchDirs: [FIXTURES, ...defaultSearchDirs()], modules: [{ name: 'addon-test' }] });
      const first = ctx.exportSchema();
      assert.equal(ctx.exportSchema(), first);
      assert.deepEqual(moduleOf(first, 'addon-test').features, []);
      const loading = ctx.loadModule({ name: 'addon-test', features: '*' });
      assert.throws(() => ctx.exportSchema(), /loading modules/);
      const entry = await loading;
      assert.deepEqual(entry.features, ['fancy', 'unused-feature']);
      const second = ctx.exportSchema();
      assert.notEqual(second, first);
      assert.notEqual(second.contentId, first.contentId);
      assert.ok(indexSchema(second).has('/addon-test:top/fancy-leaf'));
      ctx.close();
      assert.throws(() => ctx.exportSchema(), /closed/);
      await assert.rejects(ctx.validate('{}', { datastore: 'config' }), /closed/);
      await assert.rejects(ctx.loadModule({ name: 'addon-test' }), /closed/);
    });

    it('measures validation of 10k list entries', async () => {
      const ctx = await YangContext.create({ searchDirs: defaultSearchDirs(), modules: STANDARD_MODULES });
      try {
        const doc = interfaces(10_000, (i) => ({ 'ietf-ip:ipv4': { address: [{ ip: `10.${(i >> 8) & 255}.${i & 255}.1`, 'prefix-length': 24 }] } }));
        const t0 = performance.now();
        assert.deepEqual(await ctx.validate(doc, { datastore: 'config' }), []);
        console.log(`      10k interfaces with an address each: validate ${(performance.now() - t0).toFixed(0)} ms`);
      } finally {
        ctx.close();
      }
    });
  });

  it('has fixtures that yanglint itself accepts', async () => {
    assert.ok(existsSync(path.join(FIXTURES, 'addon-test.yang')));
    await run('yanglint', ['-p', FIXTURES, '-p', LIBYANG_DIR, path.join(FIXTURES, 'addon-test.yang'), path.join(FIXTURES, 'addon-test-dev.yang')]);
  });
});

