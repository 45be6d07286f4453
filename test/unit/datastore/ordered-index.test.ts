import assert from 'node:assert/strict';
import { OrderedIndex } from '../../../src/datastore/ordered-index.js';

describe('OrderedIndex', () => {
  const keys = (ix: OrderedIndex<number>): string[] => [...ix.keys()];

  it('keeps insertion order and finds by key', () => {
    const ix = new OrderedIndex<number>();
    ix.set('a', 1);
    ix.set('b', 2);
    ix.set('a', 10);
    assert.deepEqual(keys(ix), ['a', 'b']);
    assert.equal(ix.get('a'), 10);
    assert.equal(ix.size, 2);
  });

  it('inserts first, last, before and after, moving an existing key', () => {
    const ix = new OrderedIndex<number>();
    ix.insert('c', 3, { where: 'last' });
    ix.insert('a', 1, { where: 'first' });
    ix.insert('b', 2, { where: 'before', anchor: 'c' });
    ix.insert('d', 4, { where: 'after', anchor: 'c' });
    assert.deepEqual(keys(ix), ['a', 'b', 'c', 'd']);
    ix.insert('a', 1, { where: 'after', anchor: 'd' });
    assert.deepEqual(keys(ix), ['b', 'c', 'd', 'a']);
    ix.insert('a', 1, { where: 'before', anchor: 'b' });
    assert.deepEqual(keys(ix), ['a', 'b', 'c', 'd']);
    assert.equal(ix.first(), 1);
    assert.equal(ix.last(), 4);
    assert.equal(ix.next('b'), 3);
    assert.equal(ix.previous('b'), 1);
  });

  it('refuses a missing anchor or the key as its own anchor', () => {
    const ix = new OrderedIndex<number>();
    ix.set('a', 1);
    assert.equal(ix.insert('b', 2, { where: 'before', anchor: 'x' }), false);
    assert.equal(ix.insert('a', 1, { where: 'after', anchor: 'a' }), false);
    assert.deepEqual(keys(ix), ['a']);
  });

  it('deletes anywhere', () => {
    const ix = new OrderedIndex<number>();
    for (const k of ['a', 'b', 'c']) ix.set(k, 0);
    assert.ok(ix.delete('b'));
    assert.ok(!ix.delete('b'));
    assert.deepEqual(keys(ix), ['a', 'c']);
    ix.delete('a');
    ix.delete('c');
    assert.equal(ix.first(), undefined);
    assert.equal(ix.size, 0);
  });

  it('copies independently', () => {
    const ix = new OrderedIndex<number>();
    ix.set('a', 1);
    ix.set('b', 2);
    const cp = ix.copy();
    cp.insert('c', 3, { where: 'first' });
    cp.delete('a');
    assert.deepEqual(keys(ix), ['a', 'b']);
    assert.deepEqual(keys(cp), ['c', 'b']);
  });
});
