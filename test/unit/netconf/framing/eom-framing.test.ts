import { strict as assert } from 'node:assert';
import { EOM_DELIMITER, EomDecoder, encodeEom } from '../../../../src/netconf/framing/eom-framing.js';
import { bytewise, prng, randomSplit } from '../../../support/prng.js';
import { b, decodeAll, texts } from './feed.js';




/** What a decoder must produce: split on the delimiter, dropping the unterminated remainder. */
function reference(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const at = stream.indexOf(EOM_DELIMITER, pos);
    if (at < 0) return out;
    out.push(stream.subarray(pos, at));
    pos = at + EOM_DELIMITER.length;
  }
}

describe('netconf/framing/eom-framing', () => {
  describe('EomDecoder', () => {
    it('decodes one message in one feed', () => {
      const r = new EomDecoder().feed(b('<hello/>]]>]]>'));
      assert.deepEqual(texts(r.messages), ['<hello/>']);
      assert.equal(r.error, undefined);
    });

    it('decodes several messages in one feed and keeps the unterminated rest', () => {
      const d = new EomDecoder();
      const r = d.feed(b('<a/>]]>]]><b/>]]>]]><c'));
      assert.deepEqual(texts(r.messages), ['<a/>', '<b/>']);
      assert.equal(d.bufferedBytes, 2);
      assert.deepEqual(texts(d.feed(b('/>]]>]]>')).messages), ['<c/>']);
    });

    it('finds the delimiter split across two feeds at every position', () => {
      const stream = b('<rpc/>]]>]]><x/>]]>]]>');
      for (let cut = 1; cut < stream.length; cut++) {
        const r = decodeAll(new EomDecoder(), [stream.subarray(0, cut), stream.subarray(cut)]);
        assert.deepEqual(texts(r.messages), ['<rpc/>', '<x/>'], `cut at ${cut}`);
      }
    });

    it('decodes messages fed byte by byte', () => {
      const r = decodeAll(new EomDecoder(), bytewise(b('<a/>]]>]]><b>x</b>]]>]]>]]>]]>')));
      assert.deepEqual(texts(r.messages), ['<a/>', '<b>x</b>', '']);
    });

    it('handles delimiter look-alikes', () => {
      const cases: Array<[string, string[]]> = [
        [']]]>]]>', [']']],
        [']]>]]]>]]>', [']]>]']],
        ['a]]>]]b]]>]]>', ['a]]>]]b']],
        [']]>]]>]]>]]>', ['', '']],
        [']]>]>]]>]]>', [']]>]>']],
      ];
      for (const [input, expected] of cases) {
        assert.deepEqual(texts(new EomDecoder().feed(b(input)).messages), expected, input);
        assert.deepEqual(texts(decodeAll(new EomDecoder(), bytewise(b(input))).messages), expected, `${input} bytewise`);
      }
    });

    it('matches a reference split on random streams of delimiter fragments (seeded)', () => {
      const seed = 0x5eed;
      const rng = prng(seed);
      const alphabet = b(']>a');
      for (let round = 0; round < 300; round++) {
        const stream = Buffer.alloc(rng.int(0, 80));
        for (let i = 0; i < stream.length; i++) stream[i] = alphabet[rng.int(0, 2)] as number;
        const d = new EomDecoder();
        const got = decodeAll(d, randomSplit(rng, stream, 8));
        assert.deepEqual(texts(got.messages), texts(reference(stream)), `seed ${seed} round ${round}: ${stream.toString()}`);
        assert.equal(d.offset, stream.length, `seed ${seed} round ${round}: offset`);
      }
    });

    it('keeps multi-byte UTF-8 intact when split inside a character', () => {
      const text = 'ünïcødé € 𝄞 名前';
      const stream = encodeEom(text);
      for (let cut = 1; cut < stream.length; cut++) {
        const r = decodeAll(new EomDecoder(), [stream.subarray(0, cut), stream.subarray(cut)]);
        assert.equal(r.messages.length, 1);
        assert.equal((r.messages[0] as Buffer).toString('utf8'), text);
      }
      const r = decodeAll(new EomDecoder(), bytewise(stream));
      assert.equal((r.messages[0] as Buffer).toString('utf8'), text);
    });

    it('returned messages do not alias the fed buffers', () => {
      const input = b('abc]]>]]>');
      const msg = new EomDecoder().feed(input).messages[0] as Buffer;
      input.fill(0x7a);
      assert.equal(msg.toString(), 'abc');
    });

    it('stops after maxMessages and returns the rest unconsumed', () => {
      const d = new EomDecoder();
      const r = d.feed(b('<hello/>]]>]]>\n#4\n<rp'), 1);
      assert.deepEqual(texts(r.messages), ['<hello/>']);
      assert.equal(r.rest?.toString(), '\n#4\n<rp');
      assert.equal(d.offset, 14);
      assert.equal(d.bufferedBytes, 0);
    });

    it('stops after maxMessages when the delimiter was split across feeds', () => {
      const d = new EomDecoder();
      assert.deepEqual(d.feed(b('<hello/>]]>'), 1).messages, []);
      const r = d.feed(b(']]>rest'), 1);
      assert.deepEqual(texts(r.messages), ['<hello/>']);
      assert.equal(r.rest?.toString(), 'rest');
      assert.equal(d.offset, 14);
    });

    it('has no rest when the message ends exactly at the end of the chunk', () => {
      const r = new EomDecoder().feed(b('<hello/>]]>]]>'), 1);
      assert.equal(r.rest, undefined);
    });

    describe('size limit', () => {
      it('accepts a message of exactly the limit, also fed byte by byte', () => {
        const stream = b('0123456789]]>]]>');
        assert.deepEqual(texts(new EomDecoder({ maxMessageSize: 10 }).feed(stream).messages), ['0123456789']);
        const r = decodeAll(new EomDecoder({ maxMessageSize: 10 }), bytewise(stream));
        assert.deepEqual(texts(r.messages), ['0123456789']);
        assert.equal(r.error, undefined);
      });

      it('fails as soon as the limit is crossed, before any delimiter', () => {
        const d = new EomDecoder({ maxMessageSize: 10 });
        const r = decodeAll(d, bytewise(b('<a/>]]>]]>' + 'x'.repeat(11))));
        assert.deepEqual(texts(r.messages), ['<a/>']);
        assert.equal(r.error?.kind, 'message-too-large');
        assert.equal(r.error?.offset, 10 + 10); // first byte past the limit in the second message
        assert.equal(d.bufferedBytes, 0, 'drops what it held');
      });

      it('fails in one big feed without waiting for a delimiter', () => {
        const r = new EomDecoder({ maxMessageSize: 1000 }).feed(Buffer.alloc(5000, 0x61));
        assert.equal(r.error?.kind, 'message-too-large');
        assert.equal(r.error?.offset, 1000);
      });

      it('counts bytes that only looked like the start of a delimiter', () => {
        // The first feed ends in ']]>]]' (a 5-byte delimiter prefix), but the delimiter that
        // completes starts 4 bytes later: the message is 14 bytes, not 10.
        const pieces = [b('0123456789]]>]]'), b(']>]]>')];
        const r = decodeAll(new EomDecoder({ maxMessageSize: 13 }), pieces);
        assert.equal(r.error?.kind, 'message-too-large');
        assert.equal(r.error?.offset, 13);
        const ok = decodeAll(new EomDecoder({ maxMessageSize: 14 }), pieces);
        assert.deepEqual(texts(ok.messages), ['0123456789]]>]']);
      });

      it('refuses further input after the error', () => {
        const d = new EomDecoder({ maxMessageSize: 3 });
        const first = d.feed(b('abcd'));
        assert.equal(first.error?.kind, 'message-too-large');
        const again = d.feed(b(']]>]]><ok/>]]>]]>'));
        assert.deepEqual(again.messages, []);
        assert.deepEqual(again.error, first.error);
        assert.deepEqual(d.error, first.error);
      });
    });

    it('decodes a large message in small pieces in linear time', () => {
      const body = Buffer.alloc(8 * 1024 * 1024, 0x5d); // all ']' — the worst case for the scanner
      const d = new EomDecoder();
      const started = process.hrtime.bigint();
      for (let pos = 0; pos < body.length; pos += 4096) {
        assert.equal(d.feed(body.subarray(pos, pos + 4096)).messages.length, 0);
      }
      const got = d.feed(b('x]]>]]>')).messages[0];
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.equal(got?.length, body.length + 1);
      // Generous bound for a shared machine; quadratic rescanning would take minutes.
      assert.ok(ms < 5000, `took ${ms} ms`);
    });
  });

  describe('encodeEom', () => {
    it('appends the delimiter to strings and buffers', () => {
      assert.equal(encodeEom('<hello/>').toString(), '<hello/>]]>]]>');
      assert.equal(encodeEom(b('é')).toString('utf8'), 'é]]>]]>');
    });

    it('refuses a message that contains the delimiter', () => {
      assert.throws(() => encodeEom('<a><!-- ]]>]]> --></a>'), RangeError);
    });

    it('round-trips random messages through the decoder (seeded)', () => {
      const seed = 42;
      const rng = prng(seed);
      for (let round = 0; round < 50; round++) {
        const messages: Buffer[] = [];
        for (let i = rng.int(1, 5); i > 0; i--) {
          // Random bytes almost never contain the delimiter; re-draw if they do.
          let m = rng.bytes(rng.int(0, 3000));
          while (m.indexOf(EOM_DELIMITER) >= 0) m = rng.bytes(m.length);
          messages.push(m);
        }
        const stream = Buffer.concat(messages.map((m) => encodeEom(m)));
        const got = decodeAll(new EomDecoder(), randomSplit(rng, stream, rng.int(1, 700)));
        assert.equal(got.messages.length, messages.length, `seed ${seed} round ${round}`);
        got.messages.forEach((m, i) => assert.ok(m.equals(messages[i] as Buffer), `seed ${seed} round ${round} msg ${i}`));
      }
    });
  });
});
