// The operation table and the helpers operations use: registration and lookup, the answers for
// operations the table lacks, a YANG-defined rpc with its input decoded (streamed or replayed)
// and its output encoded, and <get-schema>.
import assert from 'node:assert/strict';
import { decodeJson } from '../../../src/datastore/json-decoder.js';
import { decodeRpcInput, yangRpcInput } from '../../../src/netconf/operations/content.js';
import { OPERATIONS } from '../../../src/netconf/operations/index.js';
import { OperationRegistry, unsupportedOperation, type OperationDefinition } from '../../../src/netconf/operations/registry.js';
import type { NetconfCore } from '../../../src/netconf/server.js';
import { MONITORING_NS } from '../../../src/netconf/xml/namespaces.js';
import { BASE_NS, established, isOk, makeCore, parseXml, rpcErrors, type RawClient } from './session/harness.js';

const VA_NS = 'urn:vrouterd:params:xml:ns:yang:vrouter-agent';

/** vrouter-agent:list-commits answering from a fixed list, its input decoded through the schema. */
function listCommits(streamed: boolean, seen: number[]): OperationDefinition {
  return {
    namespace: VA_NS,
    name: 'list-commits',
    ...(streamed ? { streamed: [yangRpcInput('vrouter-agent', 'list-commits')] } : {}),
    handler: (request, ctx) => {
      const schema = ctx.server.schema;
      const input = decodeRpcInput(request, schema, 'vrouter-agent');
      const rpc = schema.rpc('vrouter-agent', 'list-commits');
      assert.ok(rpc);
      const maxRef = schema.child(rpc.input, 'vrouter-agent', 'max-entries');
      assert.ok(maxRef?.node.kind === 'leaf');
      const max = Number(input.tree.root.leaf(maxRef.node)?.value.canonical ?? '1000');
      seen.push(max);
      const commits = [{ id: '3', user: 'alice', confirmed: false }, { id: '2', user: 'bob' }, { id: '1', user: 'alice' }].slice(0, max);
      const out = decodeJson(schema, { 'vrouter-agent:commit': commits }, { root: { schema: rpc.output } });
      assert.ok(out.ok, out.ok ? '' : out.errors[0].message);
      return Promise.resolve({ kind: 'output', tree: out.tree });
    },
  };
}

describe('netconf/operations registry', () => {
  describe('the table', () => {
    it('looks operations up by namespace and local name, refuses duplicates', () => {
      const reg = new OperationRegistry(OPERATIONS);
      assert.equal(reg.get(BASE_NS, 'close-session')?.name, 'close-session');
      assert.equal(reg.get(MONITORING_NS, 'get-schema')?.name, 'get-schema');
      assert.equal(reg.get(MONITORING_NS, 'close-session'), undefined);
      assert.equal(reg.lookup(BASE_NS, 'kill-session')?.streamed, undefined);
      assert.throws(() => reg.register(OPERATIONS[0] as OperationDefinition), /registered twice/);
      const names = reg.list().map((d) => d.name);
      for (const op of ['close-session', 'kill-session', 'get-schema', 'create-subscription', 'get', 'get-config', 'edit-config',
        'copy-config', 'delete-config', 'lock', 'unlock', 'validate', 'commit', 'discard-changes', 'cancel-commit',
        'list-commits', 'rollback']) {
        assert.ok(names.includes(op), `${op} is registered`);
      }
      assert.equal(new Set(names).size, names.length);
    });

    it('answers for what it lacks: unknown namespace, unimplemented rpc of a loaded module, unknown element', async () => {
      const core = await makeCore();
      const el = (xml: string): Parameters<typeof unsupportedOperation>[1] => parseXml(xml);
      assert.equal(unsupportedOperation(core.schema, el('<x xmlns="urn:none"/>')).tag, 'unknown-namespace');
      assert.equal(unsupportedOperation(core.schema, el('<x/>')).tag, 'unknown-namespace');
      const notSupported = unsupportedOperation(core.schema, el(`<commit xmlns="${BASE_NS}"/>`));
      assert.deepEqual([notSupported.tag, notSupported.type], ['operation-not-supported', 'protocol']);
      assert.equal(unsupportedOperation(core.schema, el(`<rollback xmlns="${VA_NS}"/>`)).tag, 'operation-not-supported');
      const unknown = unsupportedOperation(core.schema, el(`<agent xmlns="${VA_NS}"/>`));
      assert.deepEqual([unknown.tag, unknown.info?.badElement], ['unknown-element', 'agent']);
    });
  });

  describe('a YANG-defined rpc', () => {
    let core: NetconfCore;
    const clients: RawClient[] = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) c.stream.destroy();
      await core.closeAll();
    });

    for (const streamed of [true, false]) {
      it(`decodes the input against the schema (${streamed ? 'streamed while parsing' : 'replayed from the light tree'}) and encodes the output`, async () => {
        const seen: number[] = [];
        // A stand-in for the real list-commits, to see exactly what the handler receives.
        core = await makeCore({ operations: [...OPERATIONS.filter((d) => d.name !== 'list-commits'), listCommits(streamed, seen)] });
        const c = await established(core);
        clients.push(c);
        const r = await c.rpc('1', `<list-commits xmlns="${VA_NS}"><max-entries>2</max-entries></list-commits>`);
        assert.deepEqual(seen, [2]);
        const commits = r.childrenNamed(VA_NS, 'commit');
        assert.deepEqual(commits.map((x) => x.child(VA_NS, 'id')?.text), ['3', '2'], 'output nodes sit directly in <rpc-reply>');
        assert.equal(commits[0]?.child(VA_NS, 'confirmed')?.text, 'false');

        const bad = rpcErrors(await c.rpc('2', `<list-commits xmlns="${VA_NS}"><max-entries>0</max-entries></list-commits>`));
        assert.equal(bad[0]?.tag, 'invalid-value');
        assert.equal(bad[0]?.type, 'application');
        assert.match(bad[0]?.message ?? '', /max-entries/);
        const unknown = rpcErrors(await c.rpc('3', `<list-commits xmlns="${VA_NS}"><bogus/></list-commits>`));
        assert.equal(unknown[0]?.tag, 'unknown-element');
        assert.deepEqual(seen, [2]);
      });
    }
  });

  describe('get-schema', () => {
    let core: NetconfCore;
    let c: RawClient;
    before(async () => {
      core = await makeCore();
      c = await established(core);
    });
    after(async () => {
      c.stream.destroy();
      await core.closeAll();
    });

    const getSchema = (body: string, prefix = ''): string => {
      const p = prefix === '' ? '' : `${prefix}:`;
      const decl = prefix === '' ? `xmlns="${MONITORING_NS}"` : `xmlns:${prefix}="${MONITORING_NS}"`;
      return `<${p}get-schema ${decl}>${body.replaceAll('<', `<${p}`).replaceAll(`<${p}/`, `</${p}`)}</${p}get-schema>`;
    };

    it('returns the YANG text of a module in <data> of the monitoring namespace', async () => {
      const r = await c.rpc('1', getSchema('<identifier>ietf-interfaces</identifier><version>2018-02-20</version><format>yang</format>'));
      const data = r.child(MONITORING_NS, 'data');
      assert.ok(data, 'data is in the ietf-netconf-monitoring namespace');
      assert.match(data.text, /^module ietf-interfaces \{/);
      assert.match(data.text, /revision 2018-02-20/);
    });

    it('accepts the format as ncclient writes it (prefixed elements, unprefixed identity) and as a prefixed identity', async () => {
      assert.match((await c.rpc('2', getSchema('<identifier>ietf-ip</identifier><format>yang</format>', 'ncm'))).child(MONITORING_NS, 'data')?.text ?? '', /module ietf-ip/);
      const r = await c.rpc('3', `<get-schema xmlns="${MONITORING_NS}" xmlns:m="${MONITORING_NS}"><identifier>ietf-ip</identifier><format>m:yang</format></get-schema>`);
      assert.ok(r.child(MONITORING_NS, 'data'));
    });

    it('serves YIN as XML inside <data>, and submodules', async () => {
      const r = await c.rpc('4', getSchema('<identifier>ietf-interfaces</identifier><format>yin</format>'));
      const module = r.child(MONITORING_NS, 'data')?.child('urn:ietf:params:xml:ns:yang:yin:1', 'module');
      assert.equal(module?.attribute('name'), 'ietf-interfaces');
      const sub = await c.rpc('5', getSchema('<identifier>ietf-ipv6-router-advertisements</identifier>'));
      assert.match(sub.child(MONITORING_NS, 'data')?.text ?? '', /^submodule ietf-ipv6-router-advertisements/);
    });

    it('refuses unknown identifiers and versions, unsupported formats, and a missing identifier', async () => {
      const errs = async (body: string): Promise<string[]> => rpcErrors(await c.rpc(String(Math.random()), getSchema(body))).map((e) => `${e.tag}/${e.type}/${e.info['bad-element'] ?? ''}`);
      assert.deepEqual(await errs('<identifier>nope</identifier>'), ['invalid-value/application/identifier']);
      assert.deepEqual(await errs('<identifier>ietf-ip</identifier><version>1999-01-01</version>'), ['invalid-value/application/version']);
      assert.deepEqual(await errs('<identifier>ietf-ip</identifier><format>xsd</format>'), ['invalid-value/application/format']);
      assert.deepEqual(await errs('<identifier>ietf-ip</identifier><format>frob</format>'), ['invalid-value/application/format']);
      assert.deepEqual(await errs(''), ['missing-element/application/identifier']);
      const r = await c.rpc('m', getSchema('<identifier>nope</identifier>'));
      assert.match(rpcErrors(r)[0]?.message ?? '', /"nope"/);
      assert.ok(isOk(await c.rpc('z', '<close-session/>')));
    });
  });
});
