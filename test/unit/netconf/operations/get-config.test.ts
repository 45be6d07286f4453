// <get-config> through a NETCONF session: sources, subtree and XPath filters, RFC 6243
// with-defaults modes, and the parameter errors.
import assert from 'node:assert/strict';
import type { RawClient } from '../session/harness.js';
import {
  configTree, dataInterfaceNames, dataOf, errorOf, find, findAll, getConfigRpc, IF_NS, interfacesXml, makeWorld, WD_ATTR_NS, WD_NS, type World,
} from './datastore-harness.js';

describe('netconf/operations/get-config', function () {
  this.timeout(30_000);
  let w: World;
  let a: RawClient;

  beforeEach(async () => {
    w = await makeWorld();
    a = await w.open();
    const running = configTree(w.schema, interfacesXml({ eth0: '<description>uplink</description>', eth1: '<enabled>false</enabled>', lo: '<enabled>true</enabled>' }));
    w.ds.datastores.runningReplaced(running);
  });
  afterEach(async () => {
    await w.close();
  });

  it('returns running, candidate and startup', async () => {
    assert.deepEqual(dataInterfaceNames(await dataOf(a, getConfigRpc('running'))), ['eth0', 'eth1', 'lo']);
    // An unmodified candidate follows running.
    assert.deepEqual(dataInterfaceNames(await dataOf(a, getConfigRpc('candidate'))), ['eth0', 'eth1', 'lo']);
    // Nothing stored in startup yet: it reads as empty.
    const startup = await dataOf(a, getConfigRpc('startup'));
    assert.equal(startup.children.length, 0);
  });

  it('a subtree filter selects one interface by key, and a leaf of it', async () => {
    const filter = `<filter type="subtree"><interfaces xmlns="${IF_NS}"><interface><name>eth0</name><description/></interface></interfaces></filter>`;
    const data = await dataOf(a, getConfigRpc('running', filter));
    assert.deepEqual(dataInterfaceNames(data), ['eth0']);
    assert.equal(find(data, 'description', IF_NS)?.text, 'uplink');
    assert.equal(find(data, 'type', IF_NS), undefined);
  });

  it('a filter without type is a subtree filter; an empty filter selects nothing', async () => {
    let data = await dataOf(a, getConfigRpc('running', `<filter><interfaces xmlns="${IF_NS}"/></filter>`));
    assert.deepEqual(dataInterfaceNames(data), ['eth0', 'eth1', 'lo']);
    data = await dataOf(a, getConfigRpc('running', '<filter type="subtree"/>'));
    assert.equal(data.children.length, 0);
  });

  it('an xpath filter resolves prefixes declared on the filter element', async () => {
    const filter = `<filter xmlns:x="${IF_NS}" type="xpath" select="/x:interfaces/x:interface[x:name='eth1']"/>`;
    const data = await dataOf(a, getConfigRpc('running', filter));
    assert.deepEqual(dataInterfaceNames(data), ['eth1']);
    assert.equal(find(data, 'enabled', IF_NS)?.text, 'false');
  });

  it('an xpath filter resolves prefixes declared on the rpc', async () => {
    const body = `<get-config xmlns:if="${IF_NS}"><source><running/></source><filter type="xpath" select="/if:interfaces/if:interface[if:enabled='true']/if:name"/></get-config>`;
    const data = await dataOf(a, body);
    assert.deepEqual(dataInterfaceNames(data), ['lo']);
  });

  it('xpath errors: bad expression → invalid-value, no select → missing-attribute, unknown type → bad-attribute', async () => {
    let e = await errorOf(a, getConfigRpc('running', '<filter type="xpath" select="/nope:interfaces"/>'));
    assert.equal(e.tag, 'invalid-value');
    assert.equal(e.type, 'protocol');
    assert.equal(e.info['bad-element'], 'filter');
    e = await errorOf(a, getConfigRpc('running', '<filter type="xpath"/>'));
    assert.equal(e.tag, 'missing-attribute');
    assert.equal(e.info['bad-attribute'], 'select');
    assert.equal(e.info['bad-element'], 'filter');
    e = await errorOf(a, getConfigRpc('running', '<filter type="regex"/>'));
    assert.equal(e.tag, 'bad-attribute');
    assert.equal(e.info['bad-attribute'], 'type');
    assert.match(e.message, /subtree.*xpath/);
  });

  describe('with-defaults (RFC 6243)', () => {
    const wd = (mode: string): string => `<with-defaults xmlns="${WD_NS}">${mode}</with-defaults>`;
    const enabledOf = (data: Awaited<ReturnType<typeof dataOf>>): Record<string, string | undefined> => {
      const out: Record<string, string | undefined> = {};
      for (const i of findAll(data, 'interface', IF_NS)) out[i.child(IF_NS, 'name')?.text ?? '?'] = i.child(IF_NS, 'enabled')?.text;
      return out;
    };

    it('explicit (the basic mode, also when absent) returns what was set', async () => {
      assert.deepEqual(enabledOf(await dataOf(a, getConfigRpc('running'))), { eth0: undefined, eth1: 'false', lo: 'true' });
      assert.deepEqual(enabledOf(await dataOf(a, getConfigRpc('running', wd('explicit')))), { eth0: undefined, eth1: 'false', lo: 'true' });
    });

    it('report-all adds the defaults', async () => {
      assert.deepEqual(enabledOf(await dataOf(a, getConfigRpc('running', wd('report-all')))), { eth0: 'true', eth1: 'false', lo: 'true' });
    });

    it('trim removes values equal to their default', async () => {
      assert.deepEqual(enabledOf(await dataOf(a, getConfigRpc('running', wd('trim')))), { eth0: undefined, eth1: 'false', lo: undefined });
    });

    it('report-all-tagged marks default values with wd:default="true"', async () => {
      const data = await dataOf(a, getConfigRpc('running', wd('report-all-tagged')));
      const tags: Record<string, string | undefined> = {};
      for (const i of findAll(data, 'interface', IF_NS)) {
        tags[i.child(IF_NS, 'name')?.text ?? '?'] = i.child(IF_NS, 'enabled')?.attribute('default', WD_ATTR_NS);
      }
      // eth0's is the default; lo's was set to the default value, which trim would remove: tagged too.
      assert.deepEqual(tags, { eth0: 'true', eth1: undefined, lo: 'true' });
    });

    it('is applied before the filter: report-all lets a content match see a default', async () => {
      const filter = `<filter type="subtree"><interfaces xmlns="${IF_NS}"><interface><enabled>true</enabled><name/></interface></interfaces></filter>`;
      assert.deepEqual(dataInterfaceNames(await dataOf(a, getConfigRpc('running', filter))), ['lo']);
      assert.deepEqual(dataInterfaceNames(await dataOf(a, getConfigRpc('running', filter + wd('report-all')))), ['eth0', 'lo']);
    });

    it('a mode that does not exist → invalid-value', async () => {
      const e = await errorOf(a, getConfigRpc('running', wd('report-some')));
      assert.equal(e.tag, 'invalid-value');
      assert.equal(e.info['bad-element'], 'with-defaults');
      assert.match(e.message, /report-all-tagged/);
    });
  });

  describe('parameter errors', () => {
    it('no <source> → missing-element', async () => {
      const e = await errorOf(a, '<get-config/>');
      assert.equal(e.tag, 'missing-element');
      assert.equal(e.type, 'protocol');
      assert.equal(e.info['bad-element'], 'source');
    });

    it('an empty or doubled <source> → missing-element / bad-element', async () => {
      let e = await errorOf(a, '<get-config><source/></get-config>');
      assert.equal(e.tag, 'missing-element');
      e = await errorOf(a, '<get-config><source><running/><candidate/></source></get-config>');
      assert.equal(e.tag, 'bad-element');
      assert.equal(e.info['bad-element'], 'source');
    });

    it('<url> → operation-not-supported', async () => {
      const e = await errorOf(a, '<get-config><source><url>file:///tmp/x.xml</url></source></get-config>');
      assert.equal(e.tag, 'operation-not-supported');
      assert.match(e.message, /:url/);
    });

    it('a datastore that does not exist → unknown-element', async () => {
      const e = await errorOf(a, '<get-config><source><intended/></source></get-config>');
      assert.equal(e.tag, 'unknown-element');
      assert.equal(e.info['bad-element'], 'intended');
    });

    it('a parameter get-config does not have → unknown-element', async () => {
      const e = await errorOf(a, `${getConfigRpc('running').replace('</get-config>', '<depth>3</depth></get-config>')}`);
      assert.equal(e.tag, 'unknown-element');
      assert.equal(e.info['bad-element'], 'depth');
    });
  });
});
