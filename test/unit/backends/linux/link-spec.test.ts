import assert from 'node:assert/strict';

import {
  addressKey, canonicalAddress, invalidInterfaceName, linkDependencies, normalizePrefix, normalizeRoute, objectKey, routeKey,
} from '../../../../src/backends/linux/link-spec.js';

describe('linux link-spec', () => {
  it('canonical addresses and prefixes as iproute2 prints them', () => {
    assert.equal(canonicalAddress('2001:0DB8:0000::0001'), '2001:db8::1');
    assert.equal(canonicalAddress('192.0.2.1'), '192.0.2.1');
    assert.equal(canonicalAddress('not:an:address:zz'), 'not:an:address:zz');
    assert.equal(normalizePrefix('default', 4), '0.0.0.0/0');
    assert.equal(normalizePrefix('default', 6), '::/0');
    assert.equal(normalizePrefix('198.18.0.5', 4), '198.18.0.5/32');
    assert.equal(normalizePrefix('2001:db8::5', 6), '2001:db8::5/128');
    assert.equal(normalizePrefix('2001:DB8:0::/48', 6), '2001:db8::/48');
  });

  it('keys: table, destination and metric identify a route; defaults filled in', () => {
    assert.equal(routeKey({ family: 4, destination: 'default', type: 'unicast', gateway: '192.0.2.1' }), 'route/254/0.0.0.0/0/0');
    assert.equal(routeKey({ family: 6, destination: '2001:db8::/32', type: 'blackhole', table: 10 }), 'route/10/2001:db8::/32/1024');
    assert.equal(addressKey({ dev: 'a', address: '2001:DB8::1', prefixLength: 64 }), 'address/a/2001:db8::1/64');
    assert.equal(objectKey({ type: 'link', spec: { kind: 'bridge', name: 'br0' } }), 'link/br0');
  });

  it('normalizeRoute drops next-hop fields of non-unicast routes and folds one-entry lists', () => {
    assert.deepEqual(normalizeRoute({ family: 6, destination: '2001:db8::/32', type: 'blackhole', dev: 'lo', protocol: 'boot' }),
      { family: 6, destination: '2001:db8::/32', type: 'blackhole', table: 254, metric: 1024 });
    assert.deepEqual(normalizeRoute({ family: 4, destination: '10.0.0.0/8', type: 'unicast', nexthops: [{ gateway: '192.0.2.1', weight: 1 }] }),
      { family: 4, destination: '10.0.0.0/8', type: 'unicast', table: 254, metric: 0, gateway: '192.0.2.1' });
  });

  it('dependencies and interface names', () => {
    assert.deepEqual(linkDependencies({ kind: 'macvlan', name: 'm', parent: 'p', mode: 'bridge', master: 'br0' }), ['p', 'br0']);
    assert.deepEqual(linkDependencies({ kind: 'vxlan', name: 'v', vni: 1, dev: 'u' }), ['u']);
    assert.deepEqual(linkDependencies({ kind: 'veth', name: 'a', peer: 'b' }), []);
    assert.equal(invalidInterfaceName('eth0'), undefined);
    assert.equal(invalidInterfaceName('exactly15bytes_'), undefined);
    assert.match(invalidInterfaceName('sixteen_bytes___') ?? '', /15 bytes/u);
  });
});
