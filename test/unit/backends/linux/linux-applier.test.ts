// LinuxApplier: translation problems refuse the commit before the engine runs; an engine failure
// becomes an error with the YANG path of the failing item and the backend's words; success hands
// the engine every translated item.
import assert from 'node:assert/strict';

import { LinuxApplier, LinuxApplyError } from '../../../../src/backends/linux/linux-applier.js';
import type { TransactionEngine, TransactionOutcome } from '../../../../src/commit/engine.js';
import type { Item } from '../../../../src/commit/item.js';
import type { ApplyContext } from '../../../../src/datastore/commit.js';
import type { DataTree } from '../../../../src/datastore/data-tree.js';
import { openLinuxSchema, type LinuxSchema } from '../../../support/linux-schema.js';

const IFS = 'xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces" xmlns:vl="urn:vrouterd:params:xml:ns:yang:vrouter-linux"'
  + ' xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type"';
const VL = 'xmlns="urn:vrouterd:params:xml:ns:yang:vrouter-linux"';

class FakeEngine implements Pick<TransactionEngine, 'commit'> {
  readonly calls: (readonly Item[])[] = [];
  constructor(private readonly outcome: (items: readonly Item[]) => TransactionOutcome) {}
  commit(desired: readonly Item[]): Promise<TransactionOutcome> {
    this.calls.push(desired);
    return Promise.resolve(this.outcome(desired));
  }
}

describe('LinuxApplier (commit pipeline → transaction engine)', function () {
  this.timeout(60_000);
  let linux: LinuxSchema | undefined;

  before(async () => {
    linux = await openLinuxSchema();
  });
  after(() => linux?.close());

  function tree(xml: string): DataTree {
    if (linux === undefined) throw new Error('the schema is not loaded');
    return linux.tree(xml);
  }
  function context(after: DataTree): ApplyContext {
    return { transactionId: 7, before: tree(''), after, changes: { changes: [] }, by: { user: 'tester', sessionId: 1 } };
  }
  const pairXml = `<namespaces ${VL}><namespace><name>a</name></namespace></namespaces>`
    + `<interfaces ${IFS}>`
    + '<interface><name>x</name><type>vl:veth</type><linux xmlns="urn:vrouterd:params:xml:ns:yang:vrouter-linux">'
    + '<namespace>a</namespace><veth><peer>y</peer></veth></linux></interface>'
    + '<interface><name>y</name><type>vl:veth</type><linux xmlns="urn:vrouterd:params:xml:ns:yang:vrouter-linux">'
    + '<veth><peer>x</peer></veth></linux></interface></interfaces>';

  it('hands the engine every translated item and resolves when the engine succeeds', async () => {
    const engine = new FakeEngine(() => ({ ok: true, transactionId: 't1' }));
    await new LinuxApplier({ engine }).apply(context(tree(pairXml)));
    assert.equal(engine.calls.length, 1);
    assert.deepEqual(engine.calls[0]?.map((i) => i.key), ['linux/a/link/x', 'linux/default/link/y', 'linux/netns/a']);
  });

  it('interfaces without the linux container give no items (the engine gets an empty configuration)', async () => {
    const engine = new FakeEngine(() => ({ ok: true }));
    const plain = `<interfaces ${IFS}><interface><name>eth0</name><type>ianaift:ethernetCsmacd</type></interface></interfaces>`;
    await new LinuxApplier({ engine }).apply(context(tree(plain)));
    assert.deepEqual(engine.calls, [[]]);
  });

  it('a translation problem refuses the commit with invalid-value and the node\'s path; the engine is not called', async () => {
    const engine = new FakeEngine(() => ({ ok: true }));
    const noLinux = `<interfaces ${IFS}><interface><name>v</name><type>vl:veth</type></interface></interfaces>`;
    await assert.rejects(new LinuxApplier({ engine }).apply(context(tree(noLinux))), (e: unknown) => {
      assert.ok(e instanceof LinuxApplyError);
      assert.equal(e.tag, 'invalid-value');
      assert.equal(e.path, "/ietf-interfaces:interfaces/interface[name='v']");
      assert.match(e.message, /no linux container/u);
      return true;
    });
    assert.equal(engine.calls.length, 0);
  });

  it('an engine failure names the YANG node behind the failing item and keeps the kernel\'s words', async () => {
    const engine = new FakeEngine((items) => {
      const link = items.find((i) => i.key.includes('/link/x'));
      assert.ok(link);
      return { ok: false, transactionId: 't2', error: { op: 'create', key: link.key, message: 'RTNETLINK answers: File exists', revertFailures: [] } };
    });
    await assert.rejects(new LinuxApplier({ engine }).apply(context(tree(pairXml))), (e: unknown) => {
      assert.ok(e instanceof LinuxApplyError);
      assert.equal(e.tag, 'operation-failed');
      assert.equal(e.path, "/ietf-interfaces:interfaces/interface[name='x']");
      assert.match(e.message, /^create linux\/a\/link\/x: RTNETLINK answers: File exists$/u);
      return true;
    });
  });

  it('a failed revert is rollback-failed and says what could not be undone', async () => {
    const engine = new FakeEngine(() => ({
      ok: false,
      error: { op: 'create', key: 'linux/a/link/x', message: 'boom', revertFailures: [{ op: 'create', key: 'linux/netns/a', message: 'busy' }] },
    }));
    await assert.rejects(new LinuxApplier({ engine }).apply(context(tree(pairXml))), (e: unknown) => {
      assert.ok(e instanceof LinuxApplyError);
      assert.equal(e.tag, 'rollback-failed');
      assert.match(e.message, /linux\/netns\/a: busy/u);
      return true;
    });
  });
});
