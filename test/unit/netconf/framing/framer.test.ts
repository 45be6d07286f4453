import { strict as assert } from 'node:assert';
import { encodeChunked } from '../../../../src/netconf/framing/chunked-framing.js';
import { encodeEom } from '../../../../src/netconf/framing/eom-framing.js';
import { Framer } from '../../../../src/netconf/framing/framer.js';
import type { FeedResult } from '../../../../src/netconf/framing/framing-error.js';
import { bytewise, prng, randomSplit } from '../../../support/prng.js';
import { b, texts } from './feed.js';


const HELLO = '<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities/></hello>';
const RPC1 = '<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get/></rpc>';
const RPC2 = '<rpc message-id="2" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><close-session/></rpc>';

/**
 * A minimal session: feeds the pieces, and as soon as the first message (the hello) comes out,
 * decides the mode synchronously, exactly as the real session must.
 */
function session(framer: Framer, pieces: Buffer[], chunked: boolean): { messages: string[]; results: FeedResult[] } {
  const messages: string[] = [];
  const results: FeedResult[] = [];
  const take = (r: FeedResult): void => {
    results.push(r);
    for (const m of r.messages) {
      messages.push(m.toString('utf8'));
      if (messages.length === 1) take(chunked ? framer.useChunked() : framer.useEom());
    }
  };
  for (const piece of pieces) take(framer.feed(piece));
  return { messages, results };
}

describe('netconf/framing/framer', () => {
  it('starts in the hello phase and frames its own hello with ]]>]]>', () => {
    const f = new Framer();
    assert.equal(f.phase, 'hello');
    assert.equal(f.encode(HELLO).toString(), `${HELLO}]]>]]>`);
  });

  it('hands out the hello alone and holds what followed it in the same feed', () => {
    const f = new Framer();
    const r = f.feed(Buffer.concat([encodeEom(HELLO), encodeChunked(RPC1)]));
    assert.deepEqual(texts(r.messages), [HELLO]);
    assert.equal(f.phase, 'awaiting-mode');
    const after = f.useChunked();
    assert.equal(f.phase, 'chunked');
    assert.deepEqual(texts(after.messages), [RPC1]);
    assert.equal(after.error, undefined);
  });

  it('decodes hello + chunked rpc + another rpc in one feed with the switch in between', () => {
    const stream = Buffer.concat([encodeEom(HELLO), encodeChunked(RPC1, { maxChunkSize: 10 }), encodeChunked(RPC2)]);
    const { messages } = session(new Framer(), [stream], true);
    assert.deepEqual(messages, [HELLO, RPC1, RPC2]);
  });

  it('decodes the chunked part correctly even if it contains ]]>]]>', () => {
    const tricky = '<rpc message-id="3"><x>]]>]]></x></rpc>';
    const stream = Buffer.concat([encodeEom(HELLO), encodeChunked(tricky, { maxChunkSize: 8 })]);
    assert.deepEqual(session(new Framer(), [stream], true).messages, [HELLO, tricky]);
  });

  it('stays in EOM framing with useEom()', () => {
    const f = new Framer();
    const stream = Buffer.concat([encodeEom(HELLO), encodeEom(RPC1), encodeEom(RPC2)]);
    const { messages } = session(f, [stream], false);
    assert.deepEqual(messages, [HELLO, RPC1, RPC2]);
    assert.equal(f.phase, 'eom');
    assert.equal(f.encode('<ok/>').toString(), '<ok/>]]>]]>');
  });

  it('works when everything arrives byte by byte, in both modes', () => {
    const chunked = Buffer.concat([encodeEom(HELLO), encodeChunked(RPC1, { maxChunkSize: 5 }), encodeChunked(RPC2)]);
    assert.deepEqual(session(new Framer(), bytewise(chunked), true).messages, [HELLO, RPC1, RPC2]);
    const eom = Buffer.concat([encodeEom(HELLO), encodeEom(RPC1), encodeEom(RPC2)]);
    assert.deepEqual(session(new Framer(), bytewise(eom), false).messages, [HELLO, RPC1, RPC2]);
  });

  it('handles the hello delimiter split across feeds right before chunked data', () => {
    const stream = Buffer.concat([encodeEom(HELLO), encodeChunked(RPC1)]);
    const helloEnd = HELLO.length + 6;
    for (let cut = helloEnd - 6; cut <= helloEnd + 3; cut++) {
      const { messages } = session(new Framer(), [stream.subarray(0, cut), stream.subarray(cut)], true);
      assert.deepEqual(messages, [HELLO, RPC1], `cut at ${cut}`);
    }
  });

  it('round-trips random sessions split at random points (seeded)', () => {
    const seed = 7;
    const rng = prng(seed);
    for (let round = 0; round < 60; round++) {
      const chunked = rng.next() < 0.5;
      const rpcs: string[] = [];
      for (let i = rng.int(0, 4); i > 0; i--) rpcs.push(`<rpc message-id="${i}">${'é€x'.repeat(rng.int(0, 3000))}</rpc>`);
      const maxChunkSize = rng.int(1, 2000);
      const stream = Buffer.concat([
        encodeEom(HELLO),
        ...rpcs.map((r) => (chunked ? encodeChunked(r, { maxChunkSize }) : encodeEom(r))),
      ]);
      const { messages, results } = session(new Framer(), randomSplit(rng, stream, rng.int(1, 5000)), chunked);
      assert.deepEqual(messages, [HELLO, ...rpcs], `seed ${seed} round ${round}`);
      assert.ok(results.every((r) => r.error === undefined));
    }
  });

  it('holds input that arrives while the session is still deciding', () => {
    const f = new Framer();
    assert.deepEqual(texts(f.feed(encodeEom(HELLO)).messages), [HELLO]);
    assert.deepEqual(f.feed(encodeChunked(RPC1).subarray(0, 5)).messages, []);
    assert.deepEqual(f.feed(encodeChunked(RPC1).subarray(5)).messages, []);
    assert.deepEqual(texts(f.useChunked().messages), [RPC1]);
    assert.deepEqual(texts(f.feed(encodeChunked(RPC2)).messages), [RPC2]);
  });

  it('frames outbound messages as chunks once chunked, honouring maxChunkSize', () => {
    const f = new Framer({ maxChunkSize: 4 });
    f.feed(encodeEom(HELLO));
    f.useChunked();
    assert.equal(f.encode('<ok/>').toString(), '\n#4\n<ok/\n#1\n>\n##\n');
  });

  it('throws on a mode decision at the wrong time (a session bug)', () => {
    const f = new Framer();
    assert.throws(() => f.useChunked(), /awaiting-mode/);
    f.feed(encodeEom(HELLO));
    f.useEom();
    assert.throws(() => f.useChunked(), /phase 'eom'/);
    assert.throws(() => f.useEom(), /phase 'eom'/);
  });

  describe('framing errors', () => {
    it('reports an EOM-framed rpc after base:1.1 was negotiated', () => {
      const stream = Buffer.concat([encodeEom(HELLO), encodeEom(RPC1)]);
      const { results } = session(new Framer(), [stream], true);
      const error = results.find((r) => r.error)?.error;
      assert.equal(error?.kind, 'eom-in-chunked');
      assert.equal(error?.offset, HELLO.length + 6, 'offset counts from the start of the session');
    });

    it('reports a bad chunk header with a session-wide offset and then refuses input', () => {
      const f = new Framer();
      f.feed(encodeEom(HELLO));
      f.useChunked();
      const r = f.feed(b('\n#3\nabc\n#0\n'));
      assert.equal(r.error?.kind, 'bad-chunk-size');
      assert.equal(r.error?.offset, HELLO.length + 6 + 9);
      assert.deepEqual(f.error, r.error);
      const again = f.feed(encodeChunked(RPC1));
      assert.deepEqual(again, { messages: [], error: r.error });
    });

    it('limits the hello', () => {
      const f = new Framer({ maxMessageSize: 100 });
      const r = f.feed(Buffer.alloc(101, 0x61));
      assert.equal(r.error?.kind, 'message-too-large');
      assert.equal(r.error?.offset, 100);
      assert.deepEqual(f.feed(encodeEom(HELLO)), { messages: [], error: r.error });
      assert.deepEqual(f.useChunked(), { messages: [], error: r.error });
    });

    it('limits messages in EOM mode as soon as the limit is crossed', () => {
      const f = new Framer({ maxMessageSize: HELLO.length });
      session(f, [encodeEom(HELLO)], false);
      assert.deepEqual(f.feed(Buffer.alloc(HELLO.length, 0x61)).messages, []);
      const r = f.feed(b('b'));
      assert.equal(r.error?.kind, 'message-too-large');
      assert.equal(r.error?.offset, 2 * HELLO.length + 6);
    });

    it('limits messages in chunked mode at the header that crosses the limit', () => {
      const f = new Framer({ maxMessageSize: HELLO.length });
      const { messages } = session(f, [encodeEom(HELLO), encodeChunked(HELLO, { maxChunkSize: 30 })], true);
      assert.deepEqual(messages, [HELLO, HELLO], 'exactly the limit is fine');
      const r = f.feed(b(`\n#${HELLO.length + 1}\n`));
      assert.equal(r.error?.kind, 'message-too-large');
    });

    it('bounds what it holds while the mode is undecided', () => {
      const f = new Framer({ maxMessageSize: 100 });
      f.feed(encodeEom(HELLO.slice(0, 50)));
      assert.equal(f.feed(Buffer.alloc(60)).error, undefined);
      const r = f.feed(Buffer.alloc(60));
      assert.equal(r.error?.kind, 'message-too-large');
      assert.deepEqual(f.useChunked(), { messages: [], error: r.error });
    });
  });
});
