import { strict as assert } from 'node:assert';
import {
  ChunkedDecoder,
  DEFAULT_ENCODE_CHUNK_SIZE,
  encodeChunked,
} from '../../../../src/netconf/framing/chunked-framing.js';
import type { FramingErrorKind } from '../../../../src/netconf/framing/framing-error.js';
import { bytewise, prng, randomSplit } from '../../../support/prng.js';
import { b, decodeAll, texts } from './feed.js';




/** Chunk sizes of an encoded message, read back from its headers. */
function chunkSizes(encoded: Buffer): number[] {
  const sizes: number[] = [];
  let pos = 0;
  for (;;) {
    const m = /^\n#(\d+)\n/.exec(encoded.subarray(pos, pos + 14).toString('latin1'));
    if (!m) return sizes;
    const size = Number(m[1]);
    sizes.push(size);
    pos += m[0].length + size;
  }
}

describe('netconf/framing/chunked-framing', () => {
  describe('ChunkedDecoder', () => {
    it('decodes a one-chunk message', () => {
      const r = new ChunkedDecoder().feed(b('\n#6\n<rpc/>\n##\n'));
      assert.deepEqual(texts(r.messages), ['<rpc/>']);
      assert.equal(r.error, undefined);
    });

    it('joins many chunks into one message', () => {
      const r = new ChunkedDecoder().feed(b('\n#4\n<rpc\n#1\n \n#17\nmessage-id="101"/\n#1\n>\n##\n'));
      assert.deepEqual(texts(r.messages), ['<rpc message-id="101"/>']);
    });

    it('decodes several messages in one feed and keeps an unfinished one', () => {
      const d = new ChunkedDecoder();
      const r = d.feed(b('\n#3\n<a>\n##\n\n#3\n<b>\n##\n\n#2\n<c'));
      assert.deepEqual(texts(r.messages), ['<a>', '<b>']);
      assert.equal(d.idle, false);
      assert.equal(d.bufferedBytes, 2);
      assert.deepEqual(texts(d.feed(b('\n#1\n>\n##\n')).messages), ['<c>']);
      assert.equal(d.idle, true);
    });

    it('decodes rpcs fed byte by byte (headers split everywhere)', () => {
      const stream = b('\n#10\n<rpc>1</rp\n#4\nc>\n\n\n##\n\n#12\n<rpc>2</rpc>\n##\n');
      const d = new ChunkedDecoder();
      const r = decodeAll(d, bytewise(stream));
      assert.deepEqual(texts(r.messages), ['<rpc>1</rpc>\n\n', '<rpc>2</rpc>']);
      assert.equal(d.offset, stream.length);
    });

    it('decodes the same stream cut at every position into two feeds', () => {
      const stream = Buffer.concat([encodeChunked('<rpc message-id="1"/>', { maxChunkSize: 7 }), encodeChunked('<x/>')]);
      for (let cut = 1; cut < stream.length; cut++) {
        const r = decodeAll(new ChunkedDecoder(), [stream.subarray(0, cut), stream.subarray(cut)]);
        assert.deepEqual(texts(r.messages), ['<rpc message-id="1"/>', '<x/>'], `cut at ${cut}`);
      }
    });

    it('passes "]]>]]>" and header look-alikes inside chunk data through untouched', () => {
      const body = '<data>]]>]]>\n##\n\n#5\n</data>';
      const r = new ChunkedDecoder().feed(encodeChunked(body, { maxChunkSize: 9 }));
      assert.deepEqual(texts(r.messages), [body]);
    });

    it('accepts the largest legal chunk-size in a header', () => {
      const d = new ChunkedDecoder();
      const r = d.feed(b('\n#4294967295\nabc'));
      assert.equal(r.error, undefined);
      assert.equal(d.bufferedBytes, 3);
    });

    it('keeps multi-byte UTF-8 intact when a chunk boundary splits a character', () => {
      const text = 'ä€𝄞 — 名前 — ünïcødé';
      for (let size = 1; size <= 5; size++) {
        const encoded = encodeChunked(text, { maxChunkSize: size });
        const r = decodeAll(new ChunkedDecoder(), bytewise(encoded));
        assert.equal(r.messages.length, 1);
        assert.equal((r.messages[0] as Buffer).toString('utf8'), text, `chunk size ${size}`);
        assert.ok((r.messages[0] as Buffer).equals(b(text)));
      }
    });

    describe('framing errors (RFC 6242 §4.2)', () => {
      const cases: Array<{ name: string; input: string; kind: FramingErrorKind; offset: number }> = [
        { name: 'header without the leading LF', input: '#3\nabc\n##\n', kind: 'bad-chunk-header', offset: 0 },
        { name: 'leading space', input: ' \n#3\nabc\n##\n', kind: 'bad-chunk-header', offset: 0 },
        { name: 'LF not followed by #', input: '\nx3\nabc\n##\n', kind: 'bad-chunk-header', offset: 1 },
        { name: 'double LF before #', input: '\n\n#3\nabc\n##\n', kind: 'bad-chunk-header', offset: 1 },
        { name: 'missing LF after the size', input: '\n#3abc\n##\n', kind: 'bad-chunk-header', offset: 3 },
        { name: 'CRLF after the size', input: '\n#3\r\nabc\n##\n', kind: 'bad-chunk-header', offset: 3 },
        { name: 'size 0', input: '\n#0\n\n##\n', kind: 'bad-chunk-size', offset: 2 },
        { name: 'size with a leading zero', input: '\n#03\nabc\n##\n', kind: 'bad-chunk-size', offset: 2 },
        { name: 'non-digit size', input: '\n#x\nabc\n##\n', kind: 'bad-chunk-header', offset: 2 },
        { name: 'negative size', input: '\n#-3\nabc\n##\n', kind: 'bad-chunk-header', offset: 2 },
        { name: 'non-digit inside the size', input: '\n#1a\nabc\n##\n', kind: 'bad-chunk-header', offset: 3 },
        { name: 'size above 4294967295', input: '\n#4294967296\n', kind: 'bad-chunk-size', offset: 11 },
        { name: 'size with 11 digits', input: '\n#10000000000\n', kind: 'bad-chunk-size', offset: 12 },
        { name: 'garbage between chunks', input: '\n#3\nabcX\n#1\nd\n##\n', kind: 'bad-chunk-header', offset: 7 },
        { name: 'chunk longer than announced', input: '\n#2\nabc\n##\n', kind: 'bad-chunk-header', offset: 6 },
        { name: '## without LF', input: '\n#3\nabc\n##X', kind: 'bad-chunk-header', offset: 10 },
        { name: '## followed by CR', input: '\n#3\nabc\n##\r\n', kind: 'bad-chunk-header', offset: 10 },
        { name: 'end-of-chunks with no chunk', input: '\n##\n', kind: 'bad-chunk-header', offset: 2 },
        { name: 'an EOM-framed rpc', input: '<rpc message-id="1"/>]]>]]>', kind: 'eom-in-chunked', offset: 0 },
        { name: 'an EOM-framed rpc after a stray LF', input: '\n<rpc/>]]>]]>', kind: 'eom-in-chunked', offset: 1 },
      ];
      for (const c of cases) {
        it(`${c.name}: ${c.kind} at ${c.offset}, in one feed and byte by byte`, () => {
          const whole = new ChunkedDecoder().feed(b(c.input));
          assert.deepEqual(whole.messages, []);
          assert.equal(whole.error?.kind, c.kind, whole.error?.message);
          assert.equal(whole.error?.offset, c.offset);
          assert.ok((whole.error?.message.length ?? 0) > 10);
          const bytewiseResult = decodeAll(new ChunkedDecoder(), bytewise(b(c.input)));
          assert.deepEqual(bytewiseResult.error, whole.error);
        });
      }

      it('returns the messages completed before the error in the same feed', () => {
        const r = new ChunkedDecoder().feed(b('\n#3\n<a>\n##\n\n#0\n'));
        assert.deepEqual(texts(r.messages), ['<a>']);
        assert.equal(r.error?.kind, 'bad-chunk-size');
        assert.equal(r.error?.offset, 13);
      });

      it('counts error offsets from startOffset', () => {
        const r = new ChunkedDecoder({ startOffset: 100 }).feed(b('\n#3\nabc?'));
        assert.equal(r.error?.offset, 107);
      });

      it('refuses further input after an error', () => {
        const d = new ChunkedDecoder();
        const first = d.feed(b('\n#x'));
        const again = d.feed(b('\n#3\nabc\n##\n'));
        assert.deepEqual(again.messages, []);
        assert.deepEqual(again.error, first.error);
        assert.deepEqual(d.error, first.error);
        assert.equal(d.idle, false);
      });
    });

    describe('size limit', () => {
      it('accepts a message of exactly the limit', () => {
        const r = new ChunkedDecoder({ maxMessageSize: 10 }).feed(b('\n#6\n012345\n#4\n6789\n##\n'));
        assert.deepEqual(texts(r.messages), ['0123456789']);
      });

      it('fails at the chunk header that would cross the limit, before its data arrives', () => {
        const d = new ChunkedDecoder({ maxMessageSize: 10 });
        const r = decodeAll(d, [b('\n#6\n012345'), b('\n#5\n')]);
        assert.equal(r.error?.kind, 'message-too-large');
        assert.equal(r.error?.offset, 10); // the LF that opens the offending header
        assert.equal(d.bufferedBytes, 0, 'drops what it held');
      });

      it('fails on a single huge chunk header without buffering anything', () => {
        const d = new ChunkedDecoder({ maxMessageSize: 1024 });
        const r = d.feed(b('\n#4294967295\n'));
        assert.equal(r.error?.kind, 'message-too-large');
        assert.equal(r.error?.offset, 0);
      });

      it('applies the limit per message, not per stream', () => {
        const d = new ChunkedDecoder({ maxMessageSize: 4 });
        const r = decodeAll(d, [encodeChunked('abcd'), encodeChunked('efgh'), encodeChunked('ijkl')]);
        assert.deepEqual(texts(r.messages), ['abcd', 'efgh', 'ijkl']);
      });
    });

    it('decodes a large many-chunk message in small pieces quickly', () => {
      const body = Buffer.alloc(8 * 1024 * 1024, 0x61);
      const encoded = encodeChunked(body, { maxChunkSize: 1000 });
      const d = new ChunkedDecoder();
      const started = process.hrtime.bigint();
      const messages: Buffer[] = [];
      for (let pos = 0; pos < encoded.length; pos += 4096) messages.push(...d.feed(encoded.subarray(pos, pos + 4096)).messages);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.equal(messages.length, 1);
      assert.ok((messages[0] as Buffer).equals(body));
      assert.ok(ms < 5000, `took ${ms} ms`);
    });
  });

  describe('encodeChunked', () => {
    it('writes the RFC 6242 layout', () => {
      assert.equal(encodeChunked('<rpc/>').toString(), '\n#6\n<rpc/>\n##\n');
      assert.equal(encodeChunked('abcdefg', { maxChunkSize: 3 }).toString(), '\n#3\nabc\n#3\ndef\n#1\ng\n##\n');
    });

    it('splits into chunks of at most maxChunkSize (default 64 KiB)', () => {
      assert.deepEqual(chunkSizes(encodeChunked(Buffer.alloc(DEFAULT_ENCODE_CHUNK_SIZE * 2 + 1))), [
        DEFAULT_ENCODE_CHUNK_SIZE,
        DEFAULT_ENCODE_CHUNK_SIZE,
        1,
      ]);
      assert.deepEqual(chunkSizes(encodeChunked(Buffer.alloc(10), { maxChunkSize: 5 })), [5, 5]);
    });

    it('refuses an empty message and invalid chunk sizes', () => {
      assert.throws(() => encodeChunked(''), RangeError);
      for (const bad of [0, -1, 1.5, 4294967296, Number.NaN]) {
        assert.throws(() => encodeChunked('x', { maxChunkSize: bad }), RangeError, String(bad));
      }
    });

    it('round-trips random messages, chunk sizes and splits through the decoder (seeded)', () => {
      const seed = 0xc0ffee;
      const rng = prng(seed);
      for (let round = 0; round < 200; round++) {
        const messages: Buffer[] = [];
        for (let i = rng.int(1, 4); i > 0; i--) {
          const size = rng.next() < 0.1 ? rng.int(1, 5) : rng.int(1, 20000);
          messages.push(rng.bytes(size));
        }
        const maxChunkSize = rng.int(1, 4000);
        const stream = Buffer.concat(messages.map((m) => encodeChunked(m, { maxChunkSize })));
        const d = new ChunkedDecoder({ maxMessageSize: 20000 });
        const got = decodeAll(d, randomSplit(rng, stream, rng.int(1, 3000)));
        const where = `seed ${seed} round ${round}`;
        assert.equal(got.error, undefined, where);
        assert.equal(got.messages.length, messages.length, where);
        got.messages.forEach((m, i) => assert.ok(m.equals(messages[i] as Buffer), `${where} msg ${i}`));
        assert.equal(d.offset, stream.length, where);
        assert.equal(d.idle, true, where);
      }
    });
  });
});
