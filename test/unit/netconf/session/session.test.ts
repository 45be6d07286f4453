// One NETCONF session over an in-memory stream pair, byte-level: framing and the hello switch,
// strict request order, every bad-input path, close-session, kill-session, timers, counters.
import assert from 'node:assert/strict';
import { encodeChunked } from '../../../../src/netconf/framing/chunked-framing.js';
import { encodeEom } from '../../../../src/netconf/framing/eom-framing.js';
import { OPERATIONS } from '../../../../src/netconf/operations/index.js';
import { fail, ok, type OperationDefinition } from '../../../../src/netconf/operations/registry.js';
import { RpcErrorException } from '../../../../src/netconf/rpc-error.js';
import type { NetconfCore } from '../../../../src/netconf/server.js';
import { textOf } from '../../../../src/netconf/xml/element.js';
import {
  BASE_NS, captureLogs, connect, established, isOk, makeCore, parseXml, rpcErrors, type LogCapture, type RawClient,
} from './harness.js';

const T = 'urn:test:ops';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Test operations: sleep (records start / end), boom (throws), refuse (RpcErrorException). */
function testOperations(events: string[]): OperationDefinition[] {
  return [
    {
      namespace: T, name: 'sleep',
      handler: async (req) => {
        const ms = Number(textOf(req.operation.child(T, 'ms')) ?? '0');
        events.push(`start ${req.messageId}`);
        await sleep(ms);
        events.push(`end ${req.messageId}`);
        return ok();
      },
    },
    { namespace: T, name: 'boom', handler: () => Promise.reject(new Error('secret internal detail /etc/shadow')) },
    {
      namespace: T, name: 'refuse',
      handler: () => { throw new RpcErrorException({ type: 'application', tag: 'data-missing', message: 'nothing there' }); },
    },
    { namespace: T, name: 'fail', handler: () => Promise.resolve(fail({ type: 'application', tag: 'in-use', message: 'busy' })) },
  ];
}

const sleepRpc = (ms: number): string => `<sleep xmlns="${T}"><ms>${ms}</ms></sleep>`;

describe('netconf/session', function () {
  this.timeout(10_000);
  let core: NetconfCore;
  let events: string[];
  let logs: LogCapture;
  const clients: RawClient[] = [];

  async function open(version: '1.0' | '1.1' = '1.1'): Promise<RawClient> {
    const c = await established(core, version);
    clients.push(c);
    return c;
  }

  beforeEach(async () => {
    events = [];
    logs = captureLogs('debug');
    core = await makeCore({ operations: [...OPERATIONS, ...testOperations(events)], logs });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.stream.destroy();
    await core.closeAll();
  });

  describe('framing and hello', () => {
    it('answers a hello and an rpc sent in one write (chunked right after the hello)', async () => {
      const c = connect(core);
      clients.push(c);
      await c.serverHello();
      c.sendHelloWith('1.1', encodeChunked(`<rpc xmlns="${BASE_NS}" message-id="1"><sleep xmlns="${T}"/></rpc>`));
      const reply = await c.reply('1');
      assert.ok(isOk(reply));
      assert.equal(c.session.baseVersion, '1.1');
    });

    it('base:1.0 clients stay with end-of-message framing, also in one write', async () => {
      const c = connect(core);
      clients.push(c);
      await c.serverHello();
      c.sendHelloWith('1.0', encodeEom(`<rpc xmlns="${BASE_NS}" message-id="a"><sleep xmlns="${T}"/></rpc>`));
      assert.ok(isOk(await c.reply('a')));
      assert.equal(c.session.baseVersion, '1.0');
    });

    it('decodes an rpc that arrives byte by byte', async () => {
      const c = await open();
      const bytes = c.frame(`<rpc xmlns="${BASE_NS}" message-id="b">${sleepRpc(0)}</rpc>`);
      for (const b of bytes) c.write(Buffer.from([b]));
      assert.ok(isOk(await c.reply('b')));
    });

    it('processes several rpcs of one write strictly in order, one at a time', async () => {
      const c = await open();
      c.write(Buffer.concat([60, 0, 30].map((ms, i) => c.frame(`<rpc xmlns="${BASE_NS}" message-id="${i + 1}">${sleepRpc(ms)}</rpc>`))));
      await c.reply('3');
      assert.deepEqual(events, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
      const ids = c.parsed().map((m) => m.attribute('message-id'));
      assert.deepEqual(ids, ['1', '2', '3']);
    });

    it('a bad chunk header ends the session (RFC 6242 §4.2)', async () => {
      const c = await open();
      c.write('\n#abc\n<rpc/>\n##\n');
      await c.until('the server to close', () => c.ended);
      await c.session.ended;
      assert.equal(c.messages.length, 1, 'no reply, only the hello');
      assert.equal(core.totals.droppedSessions, 1);
      assert.ok(logs.lines.some((l) => String(l['msg']).startsWith('framing error')));
    });

    it('a message over max-message-size ends the session before it is buffered whole', async () => {
      core = await makeCore({ operations: OPERATIONS, settings: { maxMessageSize: 4096 }, logs });
      const c = await open();
      c.write(encodeChunked(`<rpc xmlns="${BASE_NS}" message-id="1"><get>${'x'.repeat(5000)}</get></rpc>`));
      await c.until('the server to close', () => c.ended);
      assert.equal(c.messages.length, 1);
    });

    it('a client hello with a session-id, without a base capability, or an rpc first, ends the session', async () => {
      const hellos = [
        `<hello xmlns="${BASE_NS}"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities><session-id>5</session-id></hello>`,
        `<hello xmlns="${BASE_NS}"><capabilities><capability>urn:x</capability></capabilities></hello>`,
        `<rpc xmlns="${BASE_NS}" message-id="1"><get/></rpc>`,
        '<hello',
      ];
      for (const h of hellos) {
        const c = connect(core);
        clients.push(c);
        await c.serverHello();
        c.write(encodeEom(h));
        await c.until('the server to close', () => c.ended);
        assert.equal(c.messages.length, 1, h);
      }
      assert.equal(core.totals.inBadHellos, 4);
      assert.equal(core.totals.inSessions, 4);
    });

    it('ends a session whose client sends no hello in time', async () => {
      const c = connect(core, { helloTimeoutMs: 50 });
      clients.push(c);
      await c.until('the server to close', () => c.ended);
    });
  });

  describe('bad requests keep the session', () => {
    it('malformed XML gets malformed-message (base:1.1), then the next rpc is answered', async () => {
      const c = await open();
      c.write(c.frame(`<rpc xmlns="${BASE_NS}" message-id="m1"><get></rpc>`));
      const r = await c.reply('m1');
      assert.deepEqual(rpcErrors(r).map((e) => [e.type, e.tag]), [['rpc', 'malformed-message']]);
      assert.ok(isOk(await c.rpc('m2', sleepRpc(0))));
      assert.equal(c.session.counters.inBadRpcs, 1);
      assert.equal(c.session.counters.inRpcs, 1);
      assert.equal(c.session.counters.outRpcErrors, 1);
    });

    it('base:1.0 clients get operation-failed instead (malformed-message is new in 1.1)', async () => {
      const c = await open('1.0');
      c.write(c.frame('<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="z"><a></b></rpc>'));
      const r = await c.reply('z');
      assert.deepEqual(rpcErrors(r).map((e) => [e.type, e.tag]), [['rpc', 'operation-failed']]);
      assert.ok(isOk(await c.rpc('y', sleepRpc(0))));
    });

    it('a DOCTYPE is refused as malformed', async () => {
      const c = await open();
      c.write(c.frame(`<!DOCTYPE rpc [<!ENTITY e "x">]><rpc xmlns="${BASE_NS}" message-id="d">${sleepRpc(0)}</rpc>`));
      const [msg] = await waitForMessages(c, 2);
      const r = parseXml(msg);
      assert.equal(r.attribute('message-id'), undefined, 'nothing was parsed before the DOCTYPE');
      assert.equal(rpcErrors(r)[0]?.tag, 'malformed-message');
      assert.match(rpcErrors(r)[0]?.message ?? '', /DOCTYPE/);
      assert.deepEqual(events, []);
    });

    it('a missing message-id is answered with missing-attribute and a reply without message-id', async () => {
      const c = await open();
      c.write(c.frame(`<rpc xmlns="${BASE_NS}">${sleepRpc(0)}</rpc>`));
      const [msg] = await waitForMessages(c, 2);
      const r = parseXml(msg);
      assert.equal(r.attribute('message-id'), undefined);
      const [e] = rpcErrors(r);
      assert.equal(e?.tag, 'missing-attribute');
      assert.deepEqual(e?.info, { 'bad-attribute': 'message-id', 'bad-element': 'rpc' });
      assert.deepEqual(events, []);
    });

    it('echoes the other <rpc> attributes with their namespace declarations', async () => {
      const c = await open();
      c.write(c.frame(`<rpc xmlns="${BASE_NS}" message-id="e" xmlns:ex="http://example.net/content/1.0" ex:user-id="fred">${sleepRpc(0)}</rpc>`));
      const r = await c.reply('e');
      assert.equal(r.attribute('user-id', 'http://example.net/content/1.0'), 'fred');
    });

    it('accepts a prefixed <nc:rpc> as ncclient sends it', async () => {
      const c = await open();
      c.write(c.frame(`<?xml version="1.0" encoding="UTF-8"?><nc:rpc xmlns:nc="${BASE_NS}" message-id="urn:uuid:42"><t:sleep xmlns:t="${T}"/></nc:rpc>`));
      assert.ok(isOk(await c.reply('urn:uuid:42')));
    });

    it('unknown operations: unknown-namespace, operation-not-supported, unknown-element', async () => {
      const c = await open();
      assert.deepEqual(rpcErrors(await c.rpc('1', '<frob xmlns="urn:nowhere"/>')).map((e) => [e.type, e.tag, e.info]),
        [['protocol', 'unknown-namespace', { 'bad-element': 'frob', 'bad-namespace': 'urn:nowhere' }]]);
      assert.deepEqual(rpcErrors(await c.rpc('2', '<get/>')).map((e) => [e.type, e.tag]), [['protocol', 'operation-not-supported']]);
      assert.deepEqual(rpcErrors(await c.rpc('3', '<frob/>')).map((e) => [e.tag, e.info]), [['unknown-element', { 'bad-element': 'frob' }]]);
    });

    it('an unexpected exception becomes operation-failed with a reference; the stack goes to the log only', async () => {
      const c = await open();
      const [e] = rpcErrors(await c.rpc('x', `<boom xmlns="${T}"/>`));
      assert.equal(e?.tag, 'operation-failed');
      assert.ok(!e?.message.includes('secret'));
      const ref = /reference ([0-9a-f]+)/.exec(e?.message ?? '')?.[1];
      assert.ok(ref);
      const line = logs.lines.find((l) => l['ref'] === ref);
      assert.ok(line, 'the log line carries the same reference');
      assert.match(JSON.stringify(line['err']), /secret internal detail/);
      assert.equal(line['messageId'], 'x');
      assert.ok(isOk(await c.rpc('y', sleepRpc(0))), 'the session goes on');
    });

    it('RpcErrorException and fail() answer with their rpc-errors', async () => {
      const c = await open();
      assert.deepEqual(rpcErrors(await c.rpc('1', `<refuse xmlns="${T}"/>`)).map((e) => [e.tag, e.message]), [['data-missing', 'nothing there']]);
      assert.deepEqual(rpcErrors(await c.rpc('2', `<fail xmlns="${T}"/>`)).map((e) => e.tag), ['in-use']);
    });
  });

  describe('ending sessions', () => {
    it('close-session replies <ok/>, ignores what follows, and closes', async () => {
      const c = await open();
      c.write(Buffer.concat([
        c.frame(`<rpc xmlns="${BASE_NS}" message-id="c"><close-session/></rpc>`),
        c.frame(`<rpc xmlns="${BASE_NS}" message-id="after">${sleepRpc(0)}</rpc>`),
      ]));
      assert.ok(isOk(await c.reply('c')));
      await c.until('the server to close', () => c.ended);
      await c.session.ended;
      assert.deepEqual(events, []);
      assert.equal(c.messages.length, 2);
      assert.equal(core.totals.droppedSessions, 0);
      // ECONNRESET-like errors after close-session are tolerated.
      c.stream.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    });

    it('kill-session ends the other session, releasing its resources before the <ok/>', async () => {
      const released: string[] = [];
      core.onSessionEnd(async (s, reason, by) => {
        await sleep(30);
        released.push(`${s.id} ${reason} ${by ?? '-'}`);
      });
      const a = await open();
      const b = await open();
      b.sendRpc('long', sleepRpc(2000));
      await b.until('b to be busy', () => events.includes('start long'));
      const r = await a.rpc('k', `<kill-session><session-id>${b.session.id}</session-id></kill-session>`);
      assert.ok(isOk(r));
      assert.deepEqual(released, [`${b.session.id} killed ${a.session.id}`], 'released before the reply');
      await b.until('the killed session to close', () => b.ended);
      assert.equal(b.messages.length, 1, 'the killed session gets no reply');
      assert.equal(core.get(b.session.id), undefined);
      assert.equal(core.totals.droppedSessions, 0);
    });

    it('kill-session refuses the own session, unknown ids, bad and missing ids', async () => {
      const a = await open();
      const tags = async (body: string): Promise<string[]> => rpcErrors(await a.rpc(String(Math.random()), body)).map((e) => `${e.tag} ${e.info['bad-element'] ?? ''}`);
      assert.deepEqual(await tags(`<kill-session><session-id>${a.session.id}</session-id></kill-session>`), ['invalid-value session-id']);
      assert.deepEqual(await tags('<kill-session><session-id>999</session-id></kill-session>'), ['invalid-value session-id']);
      assert.deepEqual(await tags('<kill-session><session-id>0</session-id></kill-session>'), ['invalid-value session-id']);
      assert.deepEqual(await tags('<kill-session><session-id>x1</session-id></kill-session>'), ['invalid-value session-id']);
      assert.deepEqual(await tags('<kill-session/>'), ['missing-element session-id']);
    });

    it('the idle timeout ends a quiet session (reason timeout)', async () => {
      const reasons: string[] = [];
      core.onSessionEnd((_s, reason) => void reasons.push(reason));
      const c = connect(core, { idleTimeoutMs: 80 });
      clients.push(c);
      await c.serverHello();
      c.sendHello('1.1');
      assert.ok(isOk(await c.rpc('1', sleepRpc(120))), 'a long request is not idleness');
      await c.until('the server to close', () => c.ended, 2000);
      await c.session.ended;
      assert.deepEqual(reasons, ['timeout']);
      assert.equal(core.totals.droppedSessions, 1);
    });

    it('requests received before the peer closes its side are still answered', async () => {
      const c = await open();
      c.sendRpc('last', sleepRpc(30));
      c.stream.end();
      const r = await c.reply('last');
      assert.ok(isOk(r));
      await c.session.ended;
    });
  });
});

/** Waits for n messages (hello included) and returns the first one after the hello. */
async function waitForMessages(c: RawClient, n: number): Promise<[string, ...string[]]> {
  await c.until(`${n} messages`, () => c.messages.length >= n);
  const [first, ...rest] = c.messages.slice(1);
  if (first === undefined) throw new Error('no message after the hello');
  return [first, ...rest];
}
