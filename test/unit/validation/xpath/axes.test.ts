import { strict as assert } from 'node:assert';
import { defaultTree, nodeAt, select, TestTree, sampleTree, type RunOptions } from './test-tree.js';

const at = (path: string): RunOptions => ({ context: nodeAt(defaultTree(), path) });
const ETH0 = '/interfaces/interface[eth0]';
const IPV4 = `${ETH0}/ipv4`;

describe('xpath axes', () => {
  it('child', () => {
    assert.deepEqual(select('child::*', at(IPV4)), [
      `${IPV4}/enabled`, `${IPV4}/forwarding`, `${IPV4}/mtu`, `${IPV4}/address[10.0.0.1]`, `${IPV4}/address[10.0.0.2]`,
    ]);
    assert.deepEqual(select('address', at(IPV4)), [`${IPV4}/address[10.0.0.1]`, `${IPV4}/address[10.0.0.2]`]);
    assert.deepEqual(select('/*'), ['/interfaces', '/system']);
    assert.deepEqual(select('child::node()', at(`${IPV4}/mtu`)), []);
  });

  it('descendant and descendant-or-self', () => {
    assert.deepEqual(select('descendant::address', at(ETH0)), [
      `${IPV4}/address[10.0.0.1]`, `${IPV4}/address[10.0.0.2]`, `${ETH0}/ipv6/address[2001:db8::1]`,
    ]);
    assert.deepEqual(select('descendant::*', at(`${IPV4}/address[10.0.0.1]`)), [
      `${IPV4}/address[10.0.0.1]/ip`, `${IPV4}/address[10.0.0.1]/prefix-length`,
    ]);
    assert.deepEqual(select('descendant-or-self::*', at(`${IPV4}/address[10.0.0.1]`)), [
      `${IPV4}/address[10.0.0.1]`, `${IPV4}/address[10.0.0.1]/ip`, `${IPV4}/address[10.0.0.1]/prefix-length`,
    ]);
    assert.deepEqual(select('descendant::ip:mtu'), [`${IPV4}/mtu`, '/interfaces/interface[eth1]/ipv4/mtu']);
    assert.equal(select('descendant-or-self::node()').length, select('//node()').length + 1);
  });

  it('parent and ancestor', () => {
    assert.deepEqual(select('..', at(`${IPV4}/mtu`)), [IPV4]);
    assert.deepEqual(select('parent::if:interface', at(IPV4)), [ETH0]);
    assert.deepEqual(select('parent::if:interfaces', at(IPV4)), []);
    assert.deepEqual(select('ancestor::*', at(`${IPV4}/mtu`)), ['/interfaces', ETH0, IPV4]);
    assert.deepEqual(select('ancestor::node()', at(`${IPV4}/mtu`)), ['/', '/interfaces', ETH0, IPV4]);
    assert.deepEqual(select('ancestor-or-self::*', at(`${IPV4}/mtu`)), ['/interfaces', ETH0, IPV4, `${IPV4}/mtu`]);
    assert.deepEqual(select('..', at('/interfaces')), ['/']);
    assert.deepEqual(select('..'), []);
  });

  it('following-sibling and preceding-sibling', () => {
    assert.deepEqual(select('following-sibling::*', at(`${IPV4}/mtu`)), [`${IPV4}/address[10.0.0.1]`, `${IPV4}/address[10.0.0.2]`]);
    assert.deepEqual(select('preceding-sibling::*', at(`${IPV4}/mtu`)), [`${IPV4}/enabled`, `${IPV4}/forwarding`]);
    assert.deepEqual(select('following-sibling::node()'), []);
  });

  it('following and preceding', () => {
    const eth1 = '/interfaces/interface[eth1]';
    assert.deepEqual(select('following::if:name', at(`${ETH0}/ipv6`)), [`${eth1}/name`, '/interfaces/interface[lo]/name']);
    assert.deepEqual(select('following::*', at(`${eth1}/ipv4/address[192.168.1.1]`)).slice(0, 2), [
      '/interfaces/interface[lo]', '/interfaces/interface[lo]/name',
    ]);
    assert.deepEqual(select('preceding::ip:address', at(`${eth1}/ipv4/mtu`)), [
      `${IPV4}/address[10.0.0.1]`, `${IPV4}/address[10.0.0.2]`, `${ETH0}/ipv6/address[2001:db8::1]`,
    ]);
    // preceding excludes ancestors; following excludes descendants
    assert.deepEqual(select('preceding::*', at(ETH0)), []);
    assert.ok(!select('following::*', at(ETH0)).some((p) => p.startsWith(`${ETH0}/`)));
  });

  it('partitions the document: ancestor, descendant, following, preceding and self', () => {
    const all = select('//node()').length + 1;
    for (const path of [IPV4, `${IPV4}/mtu`, '/interfaces/interface[lo]', '/system/count[.=1]']) {
      const o = at(path);
      const parts = ['ancestor::node()', 'descendant::node()', 'following::node()', 'preceding::node()', 'self::node()']
        .map((x) => select(x, o));
      assert.equal(parts.reduce((n, p) => n + p.length, 0), all, path);
      assert.equal(new Set(parts.flat()).size, all, path);
    }
  });

  it('attribute and namespace select nothing in YANG data', () => {
    assert.deepEqual(select('@*', at(ETH0)), []);
    assert.deepEqual(select('attribute::node()', at(ETH0)), []);
    assert.deepEqual(select('namespace::*', at(ETH0)), []);
  });

  it('self', () => {
    assert.deepEqual(select('self::if:interface', at(ETH0)), [ETH0]);
    assert.deepEqual(select('self::ip:interface', at(ETH0)), []);
    assert.deepEqual(select('.', at(ETH0)), [ETH0]);
    assert.deepEqual(select('self::node()'), ['/']);
    assert.deepEqual(select('self::*'), []);
  });

  it('node tests: names, prefixes and wildcards', () => {
    assert.deepEqual(select('if:*', at(IPV4)), []);
    assert.deepEqual(select('ip:*', at(ETH0)), [IPV4, `${ETH0}/ipv6`]);
    assert.deepEqual(select('*/ip:mtu', at('/interfaces')).length, 0);
    assert.deepEqual(select('*/*/ip:mtu', at('/interfaces')), [`${IPV4}/mtu`, '/interfaces/interface[eth1]/ipv4/mtu']);
    assert.deepEqual(select('comment()', at(ETH0)), []);
    assert.deepEqual(select('processing-instruction()', at(ETH0)), []);
  });

  it('text(): a leaf stands for its text node, as in libyang', () => {
    assert.deepEqual(select('text()', at(`${IPV4}/mtu`)), [`${IPV4}/mtu`]);
    assert.deepEqual(select('ip:ipv4/ip:mtu/text()', at(ETH0)), [`${IPV4}/mtu`]);
    assert.deepEqual(select('text()', at(IPV4)), []);
    assert.deepEqual(select('.//text()', at(`${IPV4}/address[10.0.0.1]`)), [`${IPV4}/address[10.0.0.1]/ip`, `${IPV4}/address[10.0.0.1]/prefix-length`]);
    assert.deepEqual(select('descendant::text()', at(`${IPV4}/address[10.0.0.1]`)), [`${IPV4}/address[10.0.0.1]/ip`, `${IPV4}/address[10.0.0.1]/prefix-length`]);
  });

  it('returns node-sets in document order without duplicates', () => {
    assert.deepEqual(select('//ip:address/..'), [IPV4, `${ETH0}/ipv6`, '/interfaces/interface[eth1]/ipv4']);
    assert.deepEqual(select('//ip:address/ancestor::if:interface'), [ETH0, '/interfaces/interface[eth1]']);
    assert.deepEqual(select('//*[ip:mtu]/preceding-sibling::if:name'), [`${ETH0}/name`, '/interfaces/interface[eth1]/name']);
    const deep = select('/interfaces//node()');
    assert.equal(new Set(deep).size, deep.length);
    // mixed depths as context: descendant results need sorting
    assert.deepEqual(select('(//ip:ipv4 | /interfaces/interface[1])/descendant::ip:mtu'), [`${IPV4}/mtu`, '/interfaces/interface[eth1]/ipv4/mtu']);
  });

  it('gives the same answers with an adapter document-order key', () => {
    const keyed = new TestTree(sampleTree(), { orderKeys: true });
    for (const expr of ['//ip:address/..', '//*[ip:mtu]/preceding-sibling::if:name', '//ip:address | //if:name', '(//ip:mtu | //if:name)[last()]']) {
      assert.deepEqual(select(expr, { tree: keyed }), select(expr), expr);
    }
  });
});
