import assert from 'node:assert/strict';
import type { DataTree, ListEntry } from '../../../../src/datastore/data-tree.js';
import { applyEdit } from '../../../../src/datastore/edit/apply-edit.js';
import { decodeXml } from '../../../../src/datastore/xml-decoder.js';
import type { Schema } from '../../../../src/validation/schema.js';
import { NS, node, schemaVariants } from '../../../support/schema-fixtures.js';
import { ETH, Harness, IF, IP, RT, RUNNING, VT, summary } from './edit-harness.js';

const IFP = '/ietf-interfaces:interfaces';
const ETH0 = `${IFP}/interface[name='eth0']`;
const TOP = '/vr-test:top';

function suite(schema: Schema, variant: string): void {
  const h = new Harness(schema);
  const interfaces = node(schema, IFP, 'container');
  const iface = node(schema, `${IFP}/interface`, 'list');
  const routing = node(schema, '/ietf-routing:routing', 'container');
  const entry = (t: DataTree, name: string): ListEntry | undefined => t.root.container(interfaces)?.entries(iface)?.get(name);
  const running = (): DataTree => h.data(RUNNING);

  describe(`applyEdit: merge (${variant})`, () => {
    it('changes a leaf, adds one, and leaves everything else shared with the target', () => {
      const target = running();
      const { tree, changes } = h.ok(target, `<interfaces ${IF}><interface><name>eth0</name><description>core</description>
        <enabled>false</enabled></interface></interfaces>`);
      assert.deepEqual(summary(changes), [`replace ${ETH0}/description`, `create ${ETH0}/enabled`]);
      const [replace] = changes.changes;
      assert.equal(replace?.old?.kind === 'leaf' && replace.old.value.canonical, 'uplink');
      assert.equal(replace?.node?.kind === 'leaf' && replace.node.value.canonical, 'core');
      assert.ok(entry(tree, 'lo') === entry(target, 'lo'), 'an untouched list entry is shared');
      assert.ok(tree.root.container(routing) === target.root.container(routing), 'an untouched top-level subtree is shared');
      const ipv4 = node(schema, `${IFP}/interface/ietf-ip:ipv4`, 'container');
      assert.ok(entry(tree, 'eth0')?.container(ipv4) === entry(target, 'eth0')?.container(ipv4), 'an untouched sibling subtree is shared');
    });

    it('changes nothing, and keeps every node shared, when the edit repeats what is there', () => {
      const target = running();
      const { tree, changes } = h.ok(target, `<interfaces ${IF}><interface><name>eth0</name><description>uplink</description>
        <ipv4 ${IP}><mtu>1500</mtu></ipv4></interface></interfaces>`);
      assert.deepEqual(changes.changes, []);
      assert.ok(tree.root.container(interfaces) === target.root.container(interfaces));
    });

    it('creates a missing list entry as one change for the whole subtree', () => {
      const { tree, changes } = h.ok(running(), `<interfaces ${IF}><interface><name>eth1</name>${ETH}
        <ipv4 ${IP}><address><ip>10.0.0.1</ip><prefix-length>8</prefix-length></address></ipv4></interface></interfaces>`);
      assert.deepEqual(summary(changes), [`create ${IFP}/interface[name='eth1']`]);
      assert.ok(changes.changes[0]?.node === entry(tree, 'eth1'), 'the change holds the node of the new tree');
      assert.match(h.xml(tree), /<name>eth1<\/name>.*<ip>10\.0\.0\.1<\/ip>/);
    });

    it('creates the missing containers above new data as one create', () => {
      const { changes } = h.ok(h.data(''), `<interfaces ${IF}><interface><name>eth1</name>${ETH}</interface></interfaces>`);
      assert.deepEqual(summary(changes), [`create ${IFP}`]);
    });

    it('does not create an empty non-presence container, but does create an empty presence container', () => {
      const { tree, changes } = h.ok(h.data(''), `<interfaces ${IF}/><top ${VT}><pc/></top>`);
      assert.equal(tree.root.container(interfaces), undefined);
      assert.deepEqual(summary(changes), [`create ${TOP}`]);
      assert.equal(h.xml(tree), `<top xmlns="${NS.vt}"><pc/></top>`);
    });

    it('changes anydata when its content differs', () => {
      // Same xmlns in scope for both: anydata keeps the bindings its content may need, as text.
      const target = h.data(`<top ${VT}><blob><a xmlns="urn:x">1</a></blob></top>`);
      assert.deepEqual(h.ok(target, `<top ${VT}><blob><a xmlns="urn:x">1</a></blob></top>`).changes.changes, []);
      assert.deepEqual(summary(h.ok(target, `<top ${VT}><blob><a xmlns="urn:x">2</a></blob></top>`).changes), [`replace ${TOP}/blob`]);
    });

    it('adds leaf-list values by value, once', () => {
      const { tree, changes } = h.ok(running(), `<top ${VT}><sys-tags>s</sys-tags><sys-tags>t</sys-tags></top>`);
      assert.deepEqual(summary(changes), [`create ${TOP}/sys-tags[.='t']`]);
      assert.match(h.xml(tree), /<sys-tags>s<\/sys-tags><sys-tags>t<\/sys-tags>/);
    });
  });

  describe(`applyEdit: replace (${variant})`, () => {
    it('replaces a list entry: what the edit does not mention goes away, the keys stay', () => {
      const target = running();
      const { tree, changes } = h.ok(target, `<interfaces ${IF}><interface nc:operation="replace"><name>eth0</name>${ETH}
        <enabled>false</enabled></interface></interfaces>`);
      assert.deepEqual(summary(changes), [`delete ${ETH0}/description`, `create ${ETH0}/enabled`, `delete ${ETH0}/ietf-ip:ipv4`]);
      assert.equal(h.xml(tree).includes('uplink'), false);
      assert.ok(entry(tree, 'lo') === entry(target, 'lo'));
    });

    it('replaces a leaf, and creates what is missing', () => {
      const { changes } = h.ok(running(), `<top ${VT}><small nc:operation="replace">2</small><name nc:operation="replace">n</name></top>`);
      assert.deepEqual(summary(changes), [`replace ${TOP}/small`, `create ${TOP}/name`]);
    });

    it('replaces a container with a list inside: old entries go, kept ones are not changes', () => {
      const { changes } = h.ok(running(), `<interfaces ${IF}><interface><name>eth0</name><ipv4 ${IP} nc:operation="replace">
        <address><ip>192.0.2.1</ip><prefix-length>24</prefix-length></address>
        <address><ip>192.0.2.9</ip><prefix-length>24</prefix-length></address></ipv4></interface></interfaces>`);
      assert.deepEqual(summary(changes), [`delete ${ETH0}/ietf-ip:ipv4/mtu`, `create ${ETH0}/ietf-ip:ipv4/address[ip='192.0.2.9']`]);
    });

    it('with default-operation replace, replaces the whole datastore', () => {
      const { tree, changes } = h.ok(running(), `<top ${VT}><small>1</small></top>`, { defaultOperation: 'replace' });
      assert.deepEqual(summary(changes), [`delete ${IFP}`, 'delete /ietf-routing:routing',
        `delete ${TOP}/tags[.='a']`, `delete ${TOP}/tags[.='b']`, `delete ${TOP}/sys-tags[.='s']`, `delete ${TOP}/tcp-port`, `delete ${TOP}/pc`]);
      assert.equal(h.xml(tree), `<top xmlns="${NS.vt}"><small>1</small></top>`);
    });
  });

  describe(`applyEdit: more node kinds (${variant})`, () => {
    it('merges into and replaces a presence container', () => {
      assert.deepEqual(summary(h.ok(running(), `<top ${VT}><pc><x>2</x></pc></top>`).changes), [`replace ${TOP}/pc/x`]);
      const { tree, changes } = h.ok(running(), `<top ${VT}><pc nc:operation="replace"/></top>`);
      assert.deepEqual(summary(changes), [`delete ${TOP}/pc/x`]);
      assert.match(h.xml(tree), /<pc\/>/, 'an emptied presence container stays');
    });

    it('addresses entries of a list with two keys', () => {
      const pair = `${TOP}/pair[a='x'][b='1']`;
      const { tree, changes } = h.ok(running(), `<top ${VT}><pair><a>x</a><b>1</b><v>p</v></pair><pair><a>x</a><b>2</b></pair></top>`);
      assert.deepEqual(summary(changes), [`create ${pair}`, `create ${TOP}/pair[a='x'][b='2']`]);
      assert.deepEqual(summary(h.ok(tree, `<top ${VT}><pair nc:operation="delete"><a>x</a><b>1</b></pair></top>`).changes), [`delete ${pair}`]);
      assert.equal(h.fails(tree, `<top ${VT}><pair nc:operation="create"><b>2</b><a>x</a></pair></top>`).path, `${TOP}/pair[a='x'][b='2']`);
    });

    it('creates and deletes anydata and top-level leaves and lists', () => {
      const { tree, changes } = h.ok(running(), `<top ${VT}><blob><a xmlns="urn:x"/></blob></top>
        <top-leaf xmlns="${NS.vt}">v</top-leaf><widget xmlns="${NS.vt}"><id>1</id></widget>`);
      assert.deepEqual(summary(changes), [`create ${TOP}/blob`, "create /vr-test:widget[id='1']", 'create /vr-test:top-leaf']);
      const back = h.ok(tree, `<top ${VT}><blob nc:operation="delete"/></top><top-leaf ${VT} nc:operation="remove"/>
        <widget ${VT} nc:operation="delete"><id>1</id></widget>`);
      assert.deepEqual(summary(back.changes), [`delete ${TOP}/blob`, "delete /vr-test:widget[id='1']", 'delete /vr-test:top-leaf']);
    });
  });

  describe(`applyEdit: create (${variant})`, () => {
    it('creates what is missing', () => {
      const { changes } = h.ok(running(), `<top ${VT}><name nc:operation="create">n</name><sys-tags nc:operation="create">t</sys-tags></top>`);
      assert.deepEqual(summary(changes), [`create ${TOP}/name`, `create ${TOP}/sys-tags[.='t']`]);
    });

    const exists: [string, string, string][] = [
      ['a list entry', `<interfaces ${IF}><interface nc:operation="create"><name>lo</name></interface></interfaces>`, `${IFP}/interface[name='lo']`],
      ['a leaf (even with the same value)', `<top ${VT}><small nc:operation="create">1</small></top>`, `${TOP}/small`],
      ['a leaf-list value', `<top ${VT}><tags nc:operation="create">b</tags></top>`, `${TOP}/tags[.='b']`],
      ['a presence container', `<top ${VT}><pc nc:operation="create"/></top>`, `${TOP}/pc`],
      ['a non-presence container with content', `<top ${VT} nc:operation="create"/>`, TOP],
    ];
    for (const [what, edit, path] of exists) {
      it(`refuses ${what} that exists: data-exists`, () => {
        const e = h.fails(running(), edit);
        assert.equal(e.tag, 'data-exists');
        assert.equal(e.type, 'application');
        assert.equal(e.path, path);
        assert.match(e.message, /already exists: create needs a node that is not there/);
      });
    }
  });

  describe(`applyEdit: delete and remove (${variant})`, () => {
    it('deletes an existing list entry, reporting the old subtree', () => {
      const target = running();
      const { tree, changes } = h.ok(target, `<interfaces ${IF}><interface nc:operation="delete"><name>eth0</name></interface></interfaces>`);
      assert.deepEqual(summary(changes), [`delete ${ETH0}`]);
      assert.ok(changes.changes[0]?.old === entry(target, 'eth0'));
      assert.equal(entry(tree, 'eth0'), undefined);
    });

    it('refuses to delete what is not there (data-missing), remove does nothing', () => {
      const edit = (op: string): string => `<interfaces ${IF}><interface nc:operation="${op}"><name>eth9</name></interface></interfaces>`;
      const e = h.fails(running(), edit('delete'));
      assert.deepEqual([e.tag, e.type, e.path], ['data-missing', 'application', `${IFP}/interface[name='eth9']`]);
      assert.match(e.message, /does not exist: delete needs an existing node \(use remove to ignore a missing one\)/);
      assert.deepEqual(h.ok(running(), edit('remove')).changes.changes, []);
    });

    it('deletes a leaf whatever value the request gives (a leaf is named, not matched by value)', () => {
      assert.deepEqual(summary(h.ok(running(), `<top ${VT}><small nc:operation="delete">7</small></top>`).changes), [`delete ${TOP}/small`]);
      assert.deepEqual(summary(h.ok(running(), `<top ${VT}><small nc:operation="remove"/></top>`).changes), [`delete ${TOP}/small`]);
    });

    it('treats a leaf that only has its default as not set', () => {
      const e = h.fails(running(), `<interfaces ${IF}><interface><name>eth0</name><enabled nc:operation="delete"/></interface></interfaces>`);
      assert.deepEqual([e.tag, e.path], ['data-missing', `${ETH0}/enabled`]);
      assert.match(e.message, /only takes its default value "true"/);
      assert.deepEqual(h.ok(running(), `<interfaces ${IF}><interface><name>eth0</name><enabled nc:operation="remove"/></interface></interfaces>`).changes.changes, []);
    });

    it('deletes leaf-list values by value', () => {
      const { changes } = h.ok(running(), `<top ${VT}><tags nc:operation="delete">a</tags><sys-tags nc:operation="remove">zz</sys-tags></top>`);
      assert.deepEqual(summary(changes), [`delete ${TOP}/tags[.='a']`]);
      assert.equal(h.fails(running(), `<top ${VT}><tags nc:operation="delete">zz</tags></top>`).tag, 'data-missing');
    });

    it('deletes presence and non-presence containers; an empty non-presence container is not there', () => {
      assert.deepEqual(summary(h.ok(running(), `<top ${VT}><pc nc:operation="delete"/></top>`).changes), [`delete ${TOP}/pc`]);
      assert.deepEqual(summary(h.ok(running(), `<top ${VT} nc:operation="delete"/>`).changes), [`delete ${TOP}`]);
      const e = h.fails(h.data(''), `<top ${VT} nc:operation="delete"/>`);
      assert.deepEqual([e.tag, e.path], ['data-missing', TOP]);
    });

    it('removes a non-presence container that the edit empties, reported as its delete', () => {
      const target = h.data(`<top xmlns="${NS.vt}"><small>1</small></top>`);
      const { tree, changes } = h.ok(target, `<top ${VT}><small nc:operation="delete"/></top>`);
      assert.deepEqual(summary(changes), [`delete ${TOP}`]);
      assert.equal(h.xml(tree), '');
    });
  });

  describe(`applyEdit: inheritance and nested operations (${variant})`, () => {
    it('applies an operation to the whole subtree below it', () => {
      const { changes } = h.ok(running(), `<interfaces ${IF}><interface nc:operation="create"><name>eth1</name>${ETH}
        <description nc:operation="merge">x</description></interface></interfaces>`);
      assert.deepEqual(summary(changes), [`create ${IFP}/interface[name='eth1']`]);
    });

    it('applies a delete nested in a merge (the usual way to delete one leaf)', () => {
      const { changes } = h.ok(running(), `<interfaces ${IF}><interface><name>eth0</name><description nc:operation="delete"/>
        <ipv4 ${IP}><mtu>9000</mtu></ipv4></interface></interfaces>`);
      assert.deepEqual(summary(changes), [`delete ${ETH0}/description`, `replace ${ETH0}/ietf-ip:ipv4/mtu`]);
    });

    it('refuses data-adding operations inside a delete: operation-not-supported, nothing applied', () => {
      const e = h.fails(running(), `<interfaces ${IF}><interface nc:operation="delete"><name>eth0</name>
        <description nc:operation="create">x</description></interface></interfaces>`);
      assert.deepEqual([e.tag, e.type, e.path], ['operation-not-supported', 'protocol', `${ETH0}/description`]);
      assert.match(e.message, /inside delete of ".*interface\[name='eth0'\]"/);
      const r = h.apply(running(), `<top ${VT} nc:operation="remove"><pc nc:operation="merge"/></top>`, { errorOption: 'continue-on-error' });
      assert.ok(r.ok);
      assert.deepEqual(r.changes.changes, [], 'the remove around it is not applied either');
      assert.equal(r.errors[0]?.path, `${TOP}/pc`);
    });

    it('lets a delete inside a create find nothing (data-missing), and a remove there do nothing', () => {
      const e = h.fails(running(), `<interfaces ${IF}><interface nc:operation="create"><name>eth1</name>
        <description nc:operation="delete"/></interface></interfaces>`);
      assert.deepEqual([e.tag, e.path], ['data-missing', `${IFP}/interface[name='eth1']/description`]);
      assert.deepEqual(summary(h.ok(running(), `<interfaces ${IF}><interface nc:operation="create"><name>eth1</name>
        <description nc:operation="remove"/></interface></interfaces>`).changes), [`create ${IFP}/interface[name='eth1']`]);
    });

    it('applies delete and create nested in a replace to what was there', () => {
      const { changes } = h.ok(running(), `<top ${VT} nc:operation="replace"><small nc:operation="delete"/><tags>b</tags>
        <pc nc:operation="remove"/></top>`);
      assert.deepEqual(summary(changes), [`delete ${TOP}/small`, `delete ${TOP}/tags[.='a']`, `delete ${TOP}/sys-tags[.='s']`,
        `delete ${TOP}/tcp-port`, `delete ${TOP}/pc`]);
      assert.equal(h.fails(running(), `<top ${VT} nc:operation="replace"><small nc:operation="create">1</small></top>`).tag, 'data-exists');
    });

    it('refuses delete on a list key', () => {
      const e = h.fails(running(), `<interfaces ${IF}><interface><name nc:operation="delete">eth0</name></interface></interfaces>`);
      assert.deepEqual([e.tag, e.path], ['operation-not-supported', `${ETH0}/name`]);
    });
  });

  describe(`applyEdit: default-operation none (${variant})`, () => {
    it('walks existing data without changing it, applying only explicit operations', () => {
      const { changes } = h.ok(running(), `<interfaces ${IF}><interface><name>eth0</name><description>ignored</description>
        <ipv4 ${IP}><mtu nc:operation="delete"/></ipv4></interface></interfaces>`, { defaultOperation: 'none' });
      assert.deepEqual(summary(changes), [`delete ${ETH0}/ietf-ip:ipv4/mtu`]);
    });

    it('does not create the hierarchy above a delete: data-missing', () => {
      const e = h.fails(running(), `<interfaces ${IF}><interface><name>eth9</name><description nc:operation="delete"/></interface></interfaces>`,
        { defaultOperation: 'none' });
      assert.deepEqual([e.tag, e.path], ['data-missing', `${IFP}/interface[name='eth9']`]);
      assert.match(e.message, /default-operation none/);
      assert.equal(h.fails(running(), `<top ${VT}><name>x</name></top>`, { defaultOperation: 'none' }).path, `${TOP}/name`);
    });

    it('counts a non-presence container as there, so a create inside an empty one works', () => {
      const { changes } = h.ok(h.data(''), `<top ${VT}><pc nc:operation="create"><x>1</x></pc></top>`, { defaultOperation: 'none' });
      assert.deepEqual(summary(changes), [`create ${TOP}`]);
      assert.equal(h.fails(h.data(''), `<top ${VT}><pc><x>1</x></pc></top>`, { defaultOperation: 'none' }).path, `${TOP}/pc`);
    });
  });

  describe(`applyEdit: choice (${variant})`, () => {
    it('creating a node of one case deletes the nodes of the other cases', () => {
      const { tree, changes } = h.ok(running(), `<top ${VT}><udp-port>53</udp-port></top>`);
      assert.deepEqual(summary(changes), [`delete ${TOP}/tcp-port`, `create ${TOP}/udp-port`]);
      assert.equal(h.xml(tree).includes('tcp-port'), false);
    });

    it('switches a static route from a next hop to a special next hop', () => {
      const route = "/ietf-routing:routing/control-plane-protocols/control-plane-protocol[type='ietf-routing:static'][name='st0']"
        + "/static-routes/ietf-ipv4-unicast-routing:ipv4/route[destination-prefix='0.0.0.0/0']/next-hop";
      const { changes } = h.ok(running(), `<routing ${RT}><control-plane-protocols><control-plane-protocol>
        <type xmlns:rt="${NS.rt}">rt:static</type><name>st0</name><static-routes><ipv4 xmlns="${NS.v4ur}"><route>
        <destination-prefix>0.0.0.0/0</destination-prefix><next-hop><special-next-hop>blackhole</special-next-hop></next-hop>
        </route></ipv4></static-routes></control-plane-protocol></control-plane-protocols></routing>`);
      assert.deepEqual(summary(changes), [`delete ${route}/outgoing-interface`, `delete ${route}/next-hop-address`, `create ${route}/special-next-hop`]);
    });

    it('keeps the other case when the edit only removes', () => {
      assert.deepEqual(h.ok(running(), `<top ${VT}><udp-port nc:operation="remove"/></top>`).changes.changes, []);
    });
  });

  describe(`applyEdit: with-defaults tag (${variant})`, () => {
    it('wd:default="true" with the default value unsets the leaf', () => {
      const target = h.ok(running(), `<interfaces ${IF}><interface><name>eth0</name><enabled>true</enabled></interface></interfaces>`).tree;
      const wd = `xmlns:wd="urn:ietf:params:xml:ns:netconf:default:1.0"`;
      const { changes } = h.ok(target, `<interfaces ${IF} ${wd}><interface><name>eth0</name><enabled wd:default="true">true</enabled></interface></interfaces>`);
      assert.deepEqual(summary(changes), [`delete ${ETH0}/enabled`]);
      const e = h.fails(target, `<interfaces ${IF} ${wd}><interface><name>eth0</name><enabled wd:default="true">false</enabled></interface></interfaces>`);
      assert.deepEqual([e.tag, e.path], ['invalid-value', `${ETH0}/enabled`]);
    });
  });

  describe(`applyEdit: contract (${variant})`, () => {
    it('refuses rpc input as an edit', () => {
      const reset = schema.rpc('vr-test', 'reset');
      assert.ok(reset !== undefined);
      const input = decodeXml(schema, `<delay xmlns="${NS.vt}">1</delay>`, { root: { schema: reset.input } });
      assert.ok(input.ok);
      assert.throws(() => applyEdit(running(), { ...h.request(''), edit: input.tree }), /datastore content/);
    });
  });
}

for (const v of await schemaVariants()) suite(v.schema, v.name);
