import assert from 'node:assert/strict';
import type { DataNode, DataTree, EntrySet, ListEntry } from '../../../src/datastore/data-tree.js';
import {
  applyWithDefaults, defaultAttributes, WITH_DEFAULTS_ALSO_SUPPORTED, WITH_DEFAULTS_BASIC_MODE, type WithDefaultsMode,
} from '../../../src/datastore/with-defaults.js';
import { encodeXmlNode } from '../../../src/datastore/xml-encoder.js';
import type { Schema } from '../../../src/validation/schema.js';
import type { ContainerNode, ListNode } from '../../../src/validation/schema-model.js';
import { compact, decode, NS, testSchema, xml } from '../netconf/filters/test-schema.js';

describe('with-defaults (RFC 6243)', () => {
  let schema: Schema;
  let settings: ContainerNode;

  before(async () => {
    schema = await testSchema();
    settings = schema.nodeByPath('/wd-test:settings') as ContainerNode;
  });

  /** The <settings> element of a tree, with wd:default attributes for the tagged nodes. */
  function settingsOf(tree: DataTree, tagged?: ReadonlySet<DataNode>): string {
    const node = tree.root.container(settings);
    if (node === undefined) return '';
    return encodeXmlNode(schema, node, tagged === undefined ? {} : { attributes: defaultAttributes(tagged) });
  }

  function apply(data: string, mode: WithDefaultsMode, content: 'config' | 'all' = 'config'): { tree: DataTree; tagged: ReadonlySet<DataNode>; input: DataTree } {
    const input = decode(schema, data);
    return { ...applyWithDefaults(input, mode, { content }), input };
  }

  const S = (inner: string): string => compact(`<settings xmlns="${NS.wdt}">${inner}</settings>`);
  const TCP_DEFAULTS = '<tcp-port>22</tcp-port><nodelay>true</nodelay>';
  const E1 = '<e1-val>4</e1-val>';
  const TIMERS = '<timers><hello>10</hello><dead>40</dead><inner><depth>2</depth></inner></timers>';
  const PORTS = '<ports>80</ports><ports>443</ports>';

  it('advertises explicit as the basic mode and the other three as also supported', () => {
    assert.equal(WITH_DEFAULTS_BASIC_MODE, 'explicit');
    assert.deepEqual([...WITH_DEFAULTS_ALSO_SUPPORTED].sort(), ['report-all', 'report-all-tagged', 'trim']);
  });

  describe('report-all', () => {
    it('adds defaults everywhere, non-presence containers that hold only defaults included', () => {
      const { tree } = apply(`<settings xmlns="${NS.wdt}"/>`, 'report-all');
      assert.equal(settingsOf(tree), S(`<mode>fast</mode><retries>3</retries>${TIMERS}${PORTS}${TCP_DEFAULTS}<fast-timer>100</fast-timer>${E1}`));
    });

    it('creates a top-level non-presence container in an empty datastore', () => {
      const { tree } = apply('', 'report-all');
      assert.equal(settingsOf(tree), S(`<mode>fast</mode><retries>3</retries>${TIMERS}${PORTS}${TCP_DEFAULTS}<fast-timer>100</fast-timer>${E1}`));
    });

    it('uses the case that has data, not the default case; a choice without default case gets nothing', () => {
      const { tree } = apply(`<settings xmlns="${NS.wdt}"><udp-port>5000</udp-port></settings>`, 'report-all');
      assert.equal(settingsOf(tree), S(`<mode>fast</mode><retries>3</retries>${TIMERS}${PORTS}<udp-port>5000</udp-port><checksum>false</checksum><fast-timer>100</fast-timer>${E1}`));
      const b = apply(`<settings xmlns="${NS.wdt}"><b-val>9</b-val></settings>`, 'report-all');
      assert.match(settingsOf(b.tree), /<b-val>9<\/b-val>/);
      assert.doesNotMatch(settingsOf(b.tree), /a-val/);
    });

    it('follows when: true with an explicit value, false by the default value', () => {
      const { tree } = apply(`<settings xmlns="${NS.wdt}"><mode>slow</mode></settings>`, 'report-all');
      assert.equal(settingsOf(tree),
        S(`<mode>slow</mode><retries>3</retries>${TIMERS}${PORTS}${TCP_DEFAULTS}<slow-timer>500</slow-timer><slow-opts><burst>5</burst></slow-opts>${E1}<aug-slow>9</aug-slow>`));
    });

    it('evaluates a case\'s when on the parent, and an augment\'s when on its target', () => {
      const low = settingsOf(apply(`<settings xmlns="${NS.wdt}"><retries>1</retries></settings>`, 'report-all').tree);
      assert.doesNotMatch(low, /e1-val/);
      assert.doesNotMatch(low, /aug-slow/);
      const e2 = settingsOf(apply(`<settings xmlns="${NS.wdt}"><e2-val>1</e2-val></settings>`, 'report-all').tree);
      assert.doesNotMatch(e2, /e1-val/);
    });

    it('adds defaults inside a presence container only when it exists', () => {
      const { tree } = apply(`<settings xmlns="${NS.wdt}"><p/></settings>`, 'report-all');
      assert.match(settingsOf(tree), /<p><inside>7<\/inside><\/p>/);
    });

    it('adds defaults in every list entry', () => {
      const { tree } = apply(`<item xmlns="${NS.wdt}"><id>1</id></item><item xmlns="${NS.wdt}"><id>2</id><weight>5</weight></item>`, 'report-all');
      assert.ok(xml(schema, tree).includes(compact(`<item xmlns="${NS.wdt}"><id>1</id><weight>1</weight><meta><color>red</color></meta></item>
        <item xmlns="${NS.wdt}"><id>2</id><weight>5</weight><meta><color>red</color></meta></item>`)));
    });

    it('adds state defaults only when asked for state', () => {
      assert.doesNotMatch(settingsOf(apply(`<settings xmlns="${NS.wdt}"/>`, 'report-all').tree), /status/);
      assert.match(settingsOf(apply(`<settings xmlns="${NS.wdt}"/>`, 'report-all', 'all').tree), /<status>ok<\/status>/);
    });

    it('fills ietf-interfaces / ietf-ip defaults where their parents exist', () => {
      const { tree } = apply(`<interfaces xmlns="${NS.if}" xmlns:ianaift="${NS.ianaift}"><interface><name>eth0</name><type>ianaift:ethernetCsmacd</type>
        <ipv4 xmlns="${NS.ip}"><mtu>1500</mtu></ipv4></interface></interfaces>`, 'report-all');
      const ifs = tree.root.container(schema.nodeByPath('/ietf-interfaces:interfaces') as ContainerNode);
      assert.ok(ifs !== undefined);
      assert.equal(encodeXmlNode(schema, ifs), compact(`<interfaces xmlns="${NS.if}"><interface><name>eth0</name>
        <type xmlns:ianaift="${NS.ianaift}">ianaift:ethernetCsmacd</type><enabled>true</enabled>
        <ipv4 xmlns="${NS.ip}"><enabled>true</enabled><forwarding>false</forwarding><mtu>1500</mtu></ipv4></interface></interfaces>`));
    });

    it('leaves the input alone and shares the subtrees without defaults', () => {
      const data = `<settings xmlns="${NS.wdt}"><label>x</label></settings><plain xmlns="${NS.wdt}"><id>1</id><note>n</note></plain>`;
      const { tree, input } = apply(data, 'report-all');
      const before = xml(schema, decode(schema, data));
      assert.equal(xml(schema, input), before);
      const plain = schema.nodeByPath('/wd-test:plain') as ListNode;
      const inSet = input.root.entries(plain);
      assert.ok(inSet !== undefined);
      assert.equal(tree.root.entries(plain), inSet);
      assert.notEqual(tree.root.container(settings), input.root.container(settings));
    });
  });

  describe('report-all-tagged', () => {
    it('tags added defaults and explicit values equal to their default', () => {
      const { tree, tagged } = apply(`<settings xmlns="${NS.wdt}"><retries>3</retries><label>x</label><udp-port>161</udp-port></settings>`, 'report-all-tagged');
      const t = (name: string, v: string): string => `<${name} xmlns:wd="${NS.wd}" wd:default="true">${v}</${name}>`;
      assert.equal(settingsOf(tree, tagged), S(`${t('mode', 'fast')}${t('retries', '3')}<label>x</label>
        <timers>${t('hello', '10')}${t('dead', '40')}<inner>${t('depth', '2')}</inner></timers>${t('ports', '80')}${t('ports', '443')}
        <udp-port>161</udp-port>${t('checksum', 'false')}${t('fast-timer', '100')}${t('e1-val', '4')}`));
    });

    it('tags nothing in the other modes', () => {
      for (const mode of ['report-all', 'trim', 'explicit'] as const) {
        assert.equal(apply(`<settings xmlns="${NS.wdt}"><retries>3</retries></settings>`, mode).tagged.size, 0, mode);
      }
    });
  });

  describe('trim', () => {
    it('removes values equal to their default and the non-presence containers left empty', () => {
      const { tree } = apply(`<settings xmlns="${NS.wdt}"><mode>fast</mode><retries>3</retries><label>x</label><timers><hello>10</hello><dead>41</dead>
        <inner><depth>2</depth></inner></timers>${PORTS}<tcp-port>22</tcp-port><nodelay>false</nodelay></settings>`, 'trim');
      assert.equal(settingsOf(tree), S('<label>x</label><timers><dead>41</dead></timers><nodelay>false</nodelay>'));
    });

    it('keeps a leaf-list unless it holds exactly its defaults', () => {
      assert.equal(settingsOf(apply(`<settings xmlns="${NS.wdt}"><label>x</label><ports>443</ports><ports>80</ports></settings>`, 'trim').tree), S('<label>x</label>'));
      assert.equal(settingsOf(apply(`<settings xmlns="${NS.wdt}"><ports>80</ports></settings>`, 'trim').tree), S('<ports>80</ports>'));
    });

    it('keeps the last data of a non-default case, which would otherwise switch the choice', () => {
      assert.equal(settingsOf(apply(`<settings xmlns="${NS.wdt}"><udp-port>161</udp-port><checksum>false</checksum></settings>`, 'trim').tree), S('<udp-port>161</udp-port>'));
      assert.equal(settingsOf(apply(`<settings xmlns="${NS.wdt}"><udp-port>162</udp-port><checksum>false</checksum></settings>`, 'trim').tree), S('<udp-port>162</udp-port>'));
      assert.equal(settingsOf(apply(`<settings xmlns="${NS.wdt}"><a-val>1</a-val></settings>`, 'trim').tree), S('<a-val>1</a-val>'));
    });

    it('trims inside list entries but never their keys', () => {
      const { tree } = apply(`<item xmlns="${NS.wdt}"><id>1</id><weight>1</weight><meta><color>red</color></meta></item>`, 'trim');
      assert.equal(xml(schema, tree), compact(`<item xmlns="${NS.wdt}"><id>1</id></item>`));
      const list = schema.nodeByPath('/wd-test:item') as ListNode;
      assert.equal((tree.root.entries(list) as EntrySet<ListEntry>).size, 1);
    });

    it('then report-all gives back what report-all gives for the original', () => {
      const data = `<settings xmlns="${NS.wdt}"><mode>slow</mode><retries>3</retries><timers><hello>10</hello></timers><udp-port>161</udp-port></settings>`;
      const trimmed = apply(data, 'trim').tree;
      assert.equal(settingsOf(applyWithDefaults(trimmed, 'report-all').tree), settingsOf(apply(data, 'report-all').tree));
    });
  });

  describe('explicit', () => {
    it('is the data as stored', () => {
      const data = `<settings xmlns="${NS.wdt}"><retries>3</retries></settings>`;
      const { tree, input } = apply(data, 'explicit');
      assert.equal(xml(schema, tree), xml(schema, input));
      assert.equal(tree.root.container(settings), input.root.container(settings));
    });
  });
});
