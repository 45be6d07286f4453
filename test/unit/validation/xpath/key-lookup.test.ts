import { strict as assert } from 'node:assert';
import { compileXPath, evaluate, isXPathError } from '../../../../src/validation/xpath/index.js';
import { c, l, label, leaf, PREFIXES, root, TestTree, type TNode } from './test-tree.js';

function bigTree(n: number): TNode {
  const interfaces = [];
  for (let i = 0; i < n; i++) {
    interfaces.push(l('interface', ['name'],
      leaf('name', `eth${i}`),
      leaf('enabled', i % 2 === 0 ? 'true' : 'false', 'boolean'),
      c('ietf-ip:ipv4', l('address', ['ip'], leaf('ip', `10.0.${i % 256}.1`), leaf('prefix-length', '24', 'uint8')))));
  }
  return root(
    c('ietf-interfaces:interfaces', ...interfaces),
    c('vrouter-test:system', leaf('uplink', 'eth7'), leaf('names', 'eth2'), leaf('names', 'eth5'), leaf('names', 'nope')),
    c('vrouter-test:routes',
      l('route', ['dest', 'metric'], leaf('dest', '10.0.0.0/8'), leaf('metric', '1', 'uint8')),
      l('route', ['dest', 'metric'], leaf('dest', '10.0.0.0/8'), leaf('metric', '2', 'uint8')),
      l('route', ['dest', 'metric'], leaf('dest', '0.0.0.0/0'), leaf('metric', '1', 'uint8'))),
  );
}

/** Counts value() calls, to tell an index lookup from a scan without timing. */
class CountingTree extends TestTree {
  valueCalls = 0;
  override value(n: TNode): string | undefined {
    this.valueCalls++;
    return super.value(n);
  }
}

function run(tree: TestTree, expr: string, context: TNode = tree.root, variables: Record<string, string> = {}): string[] {
  const compiled = compileXPath(expr, PREFIXES, { unprefixed: 'inherit' });
  if (isXPathError(compiled)) throw new Error(compiled.message);
  const r = evaluate(compiled, context, tree, { variables });
  if (isXPathError(r)) throw new Error(r.message);
  if (r.type !== 'node-set') throw new Error('not a node-set');
  return r.nodes.map(label);
}

describe('xpath keyed list lookup', () => {
  const data = bigTree(300);
  const indexed = new TestTree(data, { index: true });
  const scanned = new TestTree(data);
  const system = data.children[1] as TNode;

  const cases: { expr: string; index: boolean; context?: TNode }[] = [
    { expr: "/if:interfaces/if:interface[if:name='eth7']", index: true },
    { expr: "/if:interfaces/if:interface[if:name='eth7']/ip:ipv4/ip:address[ip:ip='10.0.7.1']", index: true },
    { expr: "/if:interfaces/if:interface[if:name='nope']", index: true },
    { expr: "/if:interfaces/if:interface['eth7' = if:name]", index: true },
    { expr: '/if:interfaces/if:interface[if:name = $n]', index: true },
    { expr: '/if:interfaces/if:interface[if:name = /vt:system/vt:uplink]', index: true },
    { expr: '/if:interfaces/if:interface[if:name = /vt:system/vt:names]', index: true },
    // an empty node-set equals nothing: answered without index or scan
    { expr: '/if:interfaces/if:interface[if:name = /vt:system/vt:nothing]', index: false },
    { expr: '/if:interfaces/if:interface[if:name = current()/vt:uplink]', index: true, context: system },
    { expr: "/if:interfaces/if:interface[if:name='eth7'][1]", index: true },
    { expr: "/if:interfaces/if:interface[if:name='eth7'][2]", index: true },
    { expr: "/if:interfaces/if:interface[if:name='eth8'][if:enabled='true']/if:name", index: true },
    { expr: "/if:interfaces/if:interface[if:name=concat('eth', 1 + 1)]", index: true },
    { expr: "/vt:routes/vt:route[vt:dest='10.0.0.0/8' and vt:metric='01']", index: true },
    { expr: "/vt:routes/vt:route[vt:metric=' 1' and vt:dest='0.0.0.0/0']", index: true },
    // not answerable from the index: the engine scans
    { expr: "/if:interfaces/if:interface[if:name='eth7' and if:name='eth7']", index: false },
    { expr: "/vt:routes/vt:route[vt:dest='10.0.0.0/8']", index: false },
    { expr: "/vt:routes/vt:route[vt:metric=1 and vt:dest='10.0.0.0/8']", index: false },
    { expr: "/if:interfaces/if:interface[if:name='eth7' or if:name='eth9']", index: false },
    { expr: "/if:interfaces/if:interface[if:name!='eth7'][1]", index: false },
    { expr: '/if:interfaces/if:interface[if:name=../if:interface[3]/if:name]', index: false },
    { expr: "/if:interfaces/if:interface[ip:name='eth7']", index: false },
    { expr: "/if:interfaces/if:interface[position()=2 and if:name='eth1']", index: false },
  ];

  for (const { expr, index, context } of cases) {
    it(`${index ? 'index' : 'scan'}: ${expr}`, () => {
      const before = indexed.indexHits;
      const fast = run(indexed, expr, context, { n: 'eth42' });
      const slow = run(scanned, expr, context, { n: 'eth42' });
      assert.deepEqual(fast, slow);
      assert.equal(indexed.indexHits > before, index, 'index used');
    });
  }

  it('finds what a scan finds, in document order, for node-set values', () => {
    assert.deepEqual(run(indexed, '/if:interfaces/if:interface[if:name = /vt:system/vt:names]/if:name'), [
      '/interfaces/interface[eth2]/name', '/interfaces/interface[eth5]/name',
    ]);
  });

  it('answers a key predicate on 100k entries without touching them', function () {
    this.timeout(60000);
    const big = bigTree(100_000);
    const tree = new CountingTree(big, { index: true });
    const compiled = compileXPath("/if:interfaces/if:interface[if:name='eth99999']/if:enabled", PREFIXES);
    assert.ok(!isXPathError(compiled));
    // first call builds the test tree's index (that is the adapter's business)
    evaluate(compiled, tree.root, tree);
    tree.valueCalls = 0;
    const t0 = process.hrtime.bigint();
    let r;
    for (let i = 0; i < 1000; i++) r = evaluate(compiled, tree.root, tree);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.ok(r !== undefined && !isXPathError(r) && r.type === 'node-set');
    assert.deepEqual(r.nodes.map(label), ['/interfaces/interface[eth99999]/enabled']);
    assert.ok(tree.valueCalls < 10_000, `value() called ${tree.valueCalls} times for 1000 lookups`);
    assert.ok(ms < 5000, `1000 keyed lookups took ${ms} ms`);

    const scan = new CountingTree(big);
    const s = evaluate(compiled, scan.root, scan);
    assert.ok(!isXPathError(s) && s.type === 'node-set');
    assert.deepEqual(s.nodes.map(label), ['/interfaces/interface[eth99999]/enabled']);
    assert.ok(scan.valueCalls >= 100_000);
  });
});
