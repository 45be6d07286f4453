import { strict as assert } from 'node:assert';
import { compileXPath, evaluate, evaluateBoolean, filterPrefixes, isXPathError } from '../../../../src/validation/xpath/index.js';
import { defaultTree, error, nodeAt, select, value, type RunOptions } from './test-tree.js';

const tree = defaultTree();
const ETH0 = '/interfaces/interface[eth0]';
const at = (path: string, more: RunOptions = {}): RunOptions => ({ context: nodeAt(tree, path), ...more });

describe('xpath prefixes, modules and variables', () => {
  it('maps prefixes to modules through the caller’s map; the names in the data are what counts', () => {
    const other = { i: 'ietf-interfaces', addr: 'ietf-ip' };
    assert.deepEqual(select('/i:interfaces/i:interface[1]/addr:ipv4/addr:mtu', { prefixes: other }), [`${ETH0}/ipv4/mtu`]);
    assert.deepEqual(select('/i:interfaces/i:interface[1]/i:ipv4', { prefixes: other }), []);
    assert.deepEqual(select('/i:interfaces/i:interface[1]/addr:*', { prefixes: other }), [`${ETH0}/ipv4`, `${ETH0}/ipv6`]);
  });

  it('refuses an unknown prefix', () => {
    assert.match(error('/if:interfaces/x:interface'), /^unknown prefix 'x' at column 16; /);
    assert.match(error('/if:interfaces[x:*]'), /^unknown prefix 'x' at column 16/);
    assert.match(error('/if:interfaces', { prefixes: {} }), /^unknown prefix 'if' at column 2/);
    // Object.prototype names are not prefixes
    assert.match(error('/constructor:a', { prefixes: {} }), /^unknown prefix 'constructor'/);
  });

  describe('unprefixed names', () => {
    it("'context-module': the module of the context node (YANG 1.1 §6.4.1)", () => {
      const o = at(ETH0, { unprefixed: 'context-module' });
      assert.deepEqual(select('name', o), [`${ETH0}/name`]);
      assert.deepEqual(select('ipv4', o), []);
      assert.deepEqual(select('ip:ipv4/mtu', o), []);
      assert.deepEqual(select('ip:ipv4/ip:mtu', o), [`${ETH0}/ipv4/mtu`]);
      assert.deepEqual(select('../interface[name = "lo"]/name', o), ['/interfaces/interface[lo]/name']);
      // the context module stays that of current(), also inside predicates and other contexts
      assert.deepEqual(select('ip:ipv4[../name = "eth0"]/ip:mtu', o), [`${ETH0}/ipv4/mtu`]);
    });

    it('{ module }: a fixed module', () => {
      assert.deepEqual(select('ipv4/mtu', at(ETH0, { unprefixed: { module: 'ietf-ip' } })), [`${ETH0}/ipv4/mtu`]);
      assert.deepEqual(select('name', at(ETH0, { unprefixed: { module: 'ietf-ip' } })), []);
    });

    it("'any': any module", () => {
      assert.deepEqual(select('//mtu', { unprefixed: 'any' }), [`${ETH0}/ipv4/mtu`, '/interfaces/interface[eth1]/ipv4/mtu']);
      assert.equal(value('count(/interfaces/interface/ipv4)', { unprefixed: 'any' }), 2);
    });

    it("'inherit': the module of the previous name step (RFC 7951 style)", () => {
      const o: RunOptions = { unprefixed: 'inherit' };
      assert.deepEqual(select('/if:interfaces/interface[name="eth1"]/ip:ipv4/mtu', o), ['/interfaces/interface[eth1]/ipv4/mtu']);
      assert.deepEqual(select('/if:interfaces/interface/ip:ipv4/address[ip="10.0.0.2"]', o), [`${ETH0}/ipv4/address[10.0.0.2]`]);
      assert.deepEqual(select('/if:interfaces/interface/ipv4', o), []);
    });
  });

  it('filter prefixes: the declared ones, plus module names as prefixes', () => {
    const prefixes = filterPrefixes({ if: 'ietf-interfaces', 'ietf-ip': 'ietf-interfaces' }, ['ietf-interfaces', 'ietf-ip', 'iana-if-type']);
    assert.deepEqual(select('/ietf-interfaces:interfaces/if:interface[if:name="eth0"]', { prefixes }), [ETH0]);
    // the declared prefix wins over a module name
    assert.deepEqual(select('//ietf-ip:ipv4', { prefixes }), []);
    assert.equal(value("/if:interfaces/if:interface[1]/if:type = 'iana-if-type:ethernetCsmacd'", { prefixes }), true);
    assert.match(error('/nope:interfaces', { prefixes }), /unknown prefix 'nope'/);
    const fn = filterPrefixes((p) => (p === 'i' ? 'ietf-interfaces' : undefined), ['ietf-ip']);
    assert.deepEqual(select('/i:interfaces/i:interface[1]/ietf-ip:ipv4', { prefixes: fn }), [`${ETH0}/ipv4`]);
  });

  it('identity literals use the expression’s prefixes', () => {
    const prefixes = { x: 'ietf-interfaces', t: 'iana-if-type' };
    assert.equal(value("/x:interfaces/x:interface[1]/x:type = 't:ethernetCsmacd'", { prefixes }), true);
    assert.equal(value("/x:interfaces/x:interface[1]/x:type = 'ianaift:ethernetCsmacd'", { prefixes }), false);
    assert.equal(value("derived-from(/x:interfaces/x:interface/x:type, 't:iana-interface-type')", { prefixes }), true);
  });

  describe('variables', () => {
    it('are bound by the caller', () => {
      assert.equal(value('$a + $b', { variables: { a: 1, b: 2 } }), 3);
      assert.equal(value("concat($s, '!')", { variables: { s: 'hi' } }), 'hi!');
      assert.deepEqual(select('/if:interfaces/if:interface[if:name = $n]', { variables: { n: 'lo' } }), ['/interfaces/interface[lo]']);
      assert.equal(value('$p:q', { variables: { 'p:q': true } }), true);
    });

    it('an unbound variable is an error', () => {
      assert.match(error('1 + $nope'), /^variable '\$nope' is not bound at column 5$/);
    });

    it('node-set variables are put in document order', () => {
      const c = compileXPath('$v[1]', {});
      assert.ok(!isXPathError(c));
      const nodes = [nodeAt(tree, '/system'), nodeAt(tree, '/interfaces'), nodeAt(tree, '/system')];
      const r = evaluate(c, tree.root, tree, { variables: { v: { type: 'node-set', nodes } } });
      assert.ok(!isXPathError(r) && r.type === 'node-set');
      assert.equal(r.nodes.length, 1);
      assert.equal(r.nodes[0], nodeAt(tree, '/interfaces'));
    });
  });

  it('evaluateBoolean gives a must/when verdict', () => {
    const must = compileXPath("../ip:mtu >= 1280 or not(../ip:enabled = 'true')", { ip: 'ietf-ip' }, { unprefixed: { module: 'ietf-ip' } });
    assert.ok(!isXPathError(must));
    assert.equal(evaluateBoolean(must, nodeAt(tree, `${ETH0}/ipv4/enabled`), tree), true);
    const bad = compileXPath('count($x)', {});
    assert.ok(!isXPathError(bad));
    assert.ok(isXPathError(evaluateBoolean(bad, tree.root, tree)));
  });
});
