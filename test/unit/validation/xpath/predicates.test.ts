import { strict as assert } from 'node:assert';
import { defaultTree, nodeAt, select, value, type RunOptions } from './test-tree.js';

const at = (path: string): RunOptions => ({ context: nodeAt(defaultTree(), path) });
const ETH0 = '/interfaces/interface[eth0]';
const IPV4 = `${ETH0}/ipv4`;
const MTU = `${IPV4}/mtu`;

describe('xpath predicates and positions', () => {
  it('selects by number: [n] is [position() = n]', () => {
    assert.deepEqual(select('/interfaces/interface[2]'), ['/interfaces/interface[eth1]']);
    assert.deepEqual(select('/interfaces/interface[position() = 2]'), ['/interfaces/interface[eth1]']);
    assert.deepEqual(select('/interfaces/interface[last()]'), ['/interfaces/interface[lo]']);
    assert.deepEqual(select('/interfaces/interface[last() - 1]'), ['/interfaces/interface[eth1]']);
    assert.deepEqual(select('/interfaces/interface[0]'), []);
    assert.deepEqual(select('/interfaces/interface[4]'), []);
    assert.deepEqual(select('/interfaces/interface[1.5]'), []);
    assert.deepEqual(select('/interfaces/interface[position() > 1]'), ['/interfaces/interface[eth1]', '/interfaces/interface[lo]']);
  });

  it('counts positions per context node', () => {
    assert.deepEqual(select('//ip:address[1]'), [
      `${IPV4}/address[10.0.0.1]`, `${ETH0}/ipv6/address[2001:db8::1]`, '/interfaces/interface[eth1]/ipv4/address[192.168.1.1]',
    ]);
    assert.deepEqual(select('//ip:address[last()]'), [
      `${IPV4}/address[10.0.0.2]`, `${ETH0}/ipv6/address[2001:db8::1]`, '/interfaces/interface[eth1]/ipv4/address[192.168.1.1]',
    ]);
    // (…)[1] takes the first of the whole set, in document order
    assert.deepEqual(select('(//ip:address)[1]'), [`${IPV4}/address[10.0.0.1]`]);
    assert.deepEqual(select('(//ip:address)[last()]'), ['/interfaces/interface[eth1]/ipv4/address[192.168.1.1]']);
  });

  it('counts positions backwards on reverse axes', () => {
    assert.deepEqual(select('ancestor::*[1]', at(MTU)), [IPV4]);
    assert.deepEqual(select('ancestor::*[last()]', at(MTU)), ['/interfaces']);
    assert.deepEqual(select('ancestor-or-self::*[1]', at(MTU)), [MTU]);
    assert.deepEqual(select('preceding-sibling::*[1]', at(MTU)), [`${IPV4}/forwarding`]);
    assert.deepEqual(select('preceding-sibling::*[2]', at(MTU)), [`${IPV4}/enabled`]);
    assert.deepEqual(select('preceding::*[1]', at('/interfaces/interface[eth1]/name')), [`${ETH0}/ipv6/address[2001:db8::1]/prefix-length`]);
    assert.deepEqual(select('preceding::ip:address[1]', at('/interfaces/interface[eth1]')), [`${ETH0}/ipv6/address[2001:db8::1]`]);
    // the result is still a node-set in document order
    assert.deepEqual(select('ancestor::*[position() < 3]', at(MTU)), [ETH0, IPV4]);
    assert.deepEqual(select('preceding-sibling::*[position() <= 2]', at(MTU)), [`${IPV4}/enabled`, `${IPV4}/forwarding`]);
    // forward axes count forwards
    assert.deepEqual(select('following-sibling::*[1]', at(MTU)), [`${IPV4}/address[10.0.0.1]`]);
    assert.deepEqual(select('following::*[1]', at(IPV4)), [`${ETH0}/ipv6`]);
  });

  it('a parenthesised reverse-axis step counts in document order', () => {
    assert.deepEqual(select('(ancestor::*)[1]', at(MTU)), ['/interfaces']);
    assert.deepEqual(select('(preceding-sibling::*)[1]', at(MTU)), [`${IPV4}/enabled`]);
  });

  it('applies predicates one after the other', () => {
    assert.deepEqual(select('/interfaces/interface[if:enabled = "true"][2]'), ['/interfaces/interface[lo]']);
    assert.deepEqual(select('/interfaces/interface[2][if:enabled = "true"]'), []);
    assert.deepEqual(select('/interfaces/interface[position() > 1][1]'), ['/interfaces/interface[eth1]']);
    assert.deepEqual(select('/interfaces/interface[position() > 1][last()]'), ['/interfaces/interface[lo]']);
  });

  it('uses the boolean value of non-number predicates', () => {
    assert.deepEqual(select('/interfaces/interface[ip:ipv6]'), [ETH0]);
    assert.deepEqual(select('/interfaces/interface[if:description]'), [ETH0]);
    assert.deepEqual(select('/interfaces/interface["x"]').length, 3);
    assert.deepEqual(select('/interfaces/interface[""]'), []);
    assert.deepEqual(select('/interfaces/interface[false()]'), []);
    assert.deepEqual(select('/interfaces/interface[string(position())]').length, 3);
  });

  it('a number-valued predicate compares with the position, whatever computed it', () => {
    assert.deepEqual(select('/interfaces/interface[count(ip:ipv4/ip:address)]'), []); // 2≠1, 1≠2, 0≠3
    assert.deepEqual(select('/interfaces/interface[count(ip:ipv4/ip:address) + 1]'), ['/interfaces/interface[eth1]']);
    assert.deepEqual(select('/interfaces/interface[1 + 1]'), ['/interfaces/interface[eth1]']);
    assert.deepEqual(select('/system/count[number(.)]'), []); // values 3, 1, 2 at positions 1, 2, 3
    assert.deepEqual(select('/system/count[number(.) + 1]'), ['/system/count[.=1]', '/system/count[.=2]']);
    assert.deepEqual(select('//ip:address[1 + 0]').length, 3);
  });

  it('nests predicates with their own context', () => {
    assert.deepEqual(select('/interfaces/interface[ip:ipv4[ip:address[ip:prefix-length = 32]]]'), [ETH0]);
    assert.deepEqual(select('/interfaces/interface[ip:ipv4/ip:address[last()]/ip:prefix-length = 24]'), ['/interfaces/interface[eth1]']);
    assert.equal(value('count(/interfaces/interface[ip:ipv4/ip:address[2]])'), 1);
  });

  it('position() and last() in the top expression are 1', () => {
    assert.equal(value('position()'), 1);
    assert.equal(value('last()'), 1);
  });
});
