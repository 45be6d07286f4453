import assert from 'node:assert/strict';

import { assertAcyclic, CycleError, ranks } from '../../../src/commit/graph.js';
import { backendOfKey, canonicalJson, escapeKeyPart, makeKey, splitKey, valuesEqual } from '../../../src/commit/item.js';
import { DescriptorRegistry } from '../../../src/commit/registry.js';
import { FakeBackend, fakeDescriptor, item } from './fake-backend.js';

describe('commit/item keys', () => {
  it('escapes / and % inside key parts and splits back', () => {
    const key = makeKey('linux', 'ns1', 'route', '0.0.0.0/0');
    assert.equal(key, 'linux/ns1/route/0.0.0.0%2F0');
    assert.deepEqual(splitKey(key), ['linux', 'ns1', 'route', '0.0.0.0/0']);
    assert.equal(escapeKeyPart('50%/x'), '50%25%2Fx');
    assert.deepEqual(splitKey(makeKey('a', '50%2F', 'b/c')), ['a', '50%2F', 'b/c']);
    assert.equal(backendOfKey('vpp/interface/loop0'), 'vpp');
    assert.equal(backendOfKey('linux'), 'linux');
  });

  it('compares values structurally, whatever the key order', () => {
    assert.ok(valuesEqual({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 }));
    assert.ok(!valuesEqual({ a: 1 }, { a: 2 }));
    assert.equal(canonicalJson({ b: 1, a: 2 }), '{"a":2,"b":1}');
  });
});

describe('commit/graph and registry', () => {
  it('ranks dependencies below dependents', () => {
    const r = ranks(new Map([['c', ['b']], ['b', ['a', 'outside']], ['a', []]]));
    assert.deepEqual([r.get('a'), r.get('b'), r.get('c')], [0, 1, 2]);
  });

  it('detects a self-contained cycle and ignores external keys', () => {
    assertAcyclic(new Map([['a', ['x']], ['b', ['a']]]));
    assert.throws(() => assertAcyclic(new Map([['a', ['b']], ['b', ['a']], ['c', ['a']]])), (e: unknown) => {
      assert.ok(e instanceof CycleError);
      assert.deepEqual(e.keys, ['a', 'b']);
      return true;
    });
  });

  it('finds descriptors by key and refuses a kind registered twice', () => {
    const backend = new FakeBackend();
    const reg = new DescriptorRegistry();
    reg.register(fakeDescriptor(backend, 'if'));
    assert.equal(reg.forKey('fake/if/x').kind, 'if');
    assert.equal(reg.byKind('if')?.kind, 'if');
    assert.equal(reg.tryForKey('fake/route/x'), undefined);
    assert.throws(() => reg.register(fakeDescriptor(backend, 'if')), /already registered/);
    assert.ok(reg.equivalent(item('fake/if/x', { a: 1, b: 2 }), item('fake/if/x', { b: 2, a: 1 })));
  });
});
