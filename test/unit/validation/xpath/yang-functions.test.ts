import { strict as assert } from 'node:assert';
import { defaultTree, error, nodeAt, select, value, type RunOptions } from './test-tree.js';

const tree = defaultTree();
const at = (path: string, more: RunOptions = {}): RunOptions => ({ context: nodeAt(tree, path), ...more });
const ETH0 = '/interfaces/interface[eth0]';

describe('xpath YANG 1.1 functions (RFC 7950 §10)', () => {
  describe('current()', () => {
    it('is the initial context node, inside predicates too', () => {
      assert.deepEqual(select('current()', at('/system/uplink')), ['/system/uplink']);
      assert.deepEqual(select('/if:interfaces/if:interface[if:name = current()]', at('/system/uplink')), [ETH0]);
      assert.deepEqual(select('/if:interfaces/if:interface[if:name = current()/../vt:uplink]/if:description', at('/system/hostname')), [`${ETH0}/description`]);
      assert.deepEqual(select('//ip:address[ip:prefix-length = current()/ip:prefix-length]', at(`${ETH0}/ipv4/address[10.0.0.1]`)), [
        `${ETH0}/ipv4/address[10.0.0.1]`, '/interfaces/interface[eth1]/ipv4/address[192.168.1.1]',
      ]);
    });

    it('can differ from the context node when the caller says so (when on a parent)', () => {
      assert.deepEqual(select('current()', at('/system', { current: nodeAt(tree, '/system/hostname') })), ['/system/hostname']);
      assert.deepEqual(select('.', at('/system', { current: nodeAt(tree, '/system/hostname') })), ['/system']);
    });
  });

  describe('re-match()', () => {
    it('matches the whole string against an XSD regular expression', () => {
      assert.equal(value(String.raw`re-match('1.22.333', '\d{1,3}\.\d{1,3}\.\d{1,3}')`), true);
      assert.equal(value(String.raw`re-match('1.22.333', '\d+')`), false);
      assert.equal(value("re-match('ab', '[a-z]+')"), true);
      assert.equal(value("re-match('a^b$', 'a^b$')"), true);
      assert.equal(value(String.raw`re-match(/system/hostname, 'r\d')`), true);
      assert.equal(value(String.raw`re-match('foo', '\p{IsBasicLatin}+')`), true);
      assert.equal(value("re-match('', '')"), true);
    });

    it('reports an invalid pattern from a variable at run time', () => {
      assert.match(error('re-match(., $p)', { variables: { p: '(a' } }), /^invalid regular expression "\(a" in re-match\(\) at column 1; /);
    });
  });

  describe('deref()', () => {
    it('follows a leafref to the leaf it refers to', () => {
      assert.deepEqual(select('deref(/system/vt:uplink)'), [`${ETH0}/name`]);
      assert.equal(value("deref(/system/vt:uplink)/../if:description = 'uplink'"), true);
      assert.deepEqual(select('deref(.)/../if:type', at('/system/uplink')), [`${ETH0}/type`]);
    });

    it('follows an instance-identifier', () => {
      assert.deepEqual(select('deref(/system/vt:target)'), ['/interfaces/interface[eth1]/enabled']);
      assert.equal(value("deref(/system/vt:target) = 'false'"), true);
    });

    it('gives an empty node-set for other nodes and empty arguments', () => {
      assert.deepEqual(select('deref(/system/vt:hostname)'), []);
      assert.deepEqual(select('deref(/nothing)'), []);
      assert.deepEqual(select('deref(/system)'), []);
    });
  });

  describe('derived-from() and derived-from-or-self()', () => {
    it('tests identityref values against a base', () => {
      assert.equal(value("derived-from(/if:interfaces/if:interface/if:type, 'if:interface-type')"), true);
      assert.equal(value("derived-from(/if:interfaces/if:interface[1]/if:type, 'ianaift:iana-interface-type')"), true);
      assert.equal(value("derived-from(/if:interfaces/if:interface[1]/if:type, 'ianaift:ethernetCsmacd')"), false);
      assert.equal(value("derived-from-or-self(/if:interfaces/if:interface[1]/if:type, 'ianaift:ethernetCsmacd')"), true);
      assert.equal(value("derived-from-or-self(/if:interfaces/if:interface[1]/if:type, 'ianaift:softwareLoopback')"), false);
      assert.equal(value("derived-from(/if:interfaces/if:interface/if:type, 'ianaift:softwareLoopback')"), false);
      assert.equal(value("derived-from-or-self(/if:interfaces/if:interface/if:type, 'ianaift:softwareLoopback')"), true);
    });

    it('is true when any node in the set qualifies, and false for other nodes', () => {
      assert.deepEqual(select("/if:interfaces/if:interface[derived-from-or-self(if:type, 'ianaift:ethernetCsmacd')]/if:name"), [
        `${ETH0}/name`, '/interfaces/interface[eth1]/name',
      ]);
      assert.equal(value("derived-from(/system/vt:hostname, 'if:interface-type')"), false);
      assert.equal(value("derived-from(/nothing, 'if:interface-type')"), false);
    });

    it('resolves an unprefixed identity in the expression module, and refuses unknown ones', () => {
      assert.equal(value("derived-from(vt:tunnel, 'tunnel')", at('/system', { unprefixed: { module: 'vrouter-test' } })), true);
      assert.equal(value("derived-from(tunnel, 'tunnel')", at('/system/hostname', { unprefixed: 'context-module' })), false);
      assert.equal(value("derived-from(../tunnel, 'tunnel')", at('/system/hostname', { unprefixed: 'context-module' })), true);
      assert.match(error("derived-from(/if:interfaces/if:interface/if:type, 'ianaift:nope')"), /^derived-from\(\): identity 'nope' not found in module 'iana-if-type' at column 1$/);
      assert.match(error("derived-from(., $b)", { variables: { b: 'zz:top' } }), /^derived-from\(\): unknown prefix 'zz' in identity 'zz:top'/);
    });
  });

  describe('enum-value()', () => {
    it('gives the enum integer of the first node, NaN otherwise', () => {
      assert.equal(value('enum-value(/system/vt:mode)'), 2);
      assert.equal(value('enum-value(/system/vt:mode) = 2'), true);
      assert.ok(Number.isNaN(value('enum-value(/system/vt:hostname)')));
      assert.ok(Number.isNaN(value('enum-value(/nothing)')));
    });
  });

  describe('bit-is-set()', () => {
    it('tests a bit of the first node', () => {
      assert.equal(value("bit-is-set(/system/vt:flags, 'a')"), true);
      assert.equal(value("bit-is-set(/system/vt:flags, 'b')"), false);
      assert.equal(value("bit-is-set(/system/vt:flags, 'c')"), true);
      assert.equal(value("bit-is-set(/system/vt:hostname, 'r1')"), false);
      assert.equal(value("bit-is-set(/nothing, 'a')"), false);
    });
  });
});
