import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { compileXsdRegex, isXsdRegexError, xsdToJsSource, type XsdRegexError } from '../../../../src/validation/types/xsd-regex.js';
import { UNICODE_BLOCKS } from '../../../../src/validation/types/unicode-blocks.js';
import { IETF_PATTERNS } from './ietf-patterns.js';

function re(pattern: string): RegExp {
  const r = compileXsdRegex(pattern);
  if (isXsdRegexError(r)) assert.fail(`${pattern}: ${r.error} at ${r.position}`);
  return r;
}

function err(pattern: string): XsdRegexError {
  const r = compileXsdRegex(pattern);
  if (!isXsdRegexError(r)) assert.fail(`${pattern} should not compile, got /${r.source}/`);
  return r;
}

function matches(pattern: string, yes: string[], no: string[]): void {
  const r = re(pattern);
  for (const s of yes) assert.ok(r.test(s), `${pattern} should match ${JSON.stringify(s)}`);
  for (const s of no) assert.ok(!r.test(s), `${pattern} should not match ${JSON.stringify(s)}`);
}

const pat = (name: string, i = 0): string => {
  const p = IETF_PATTERNS[name]?.[i];
  assert.ok(p !== undefined, name);
  return p;
};

describe('XSD regular expressions → JavaScript', () => {
  it('compiles every pattern of ietf-inet-types and ietf-yang-types', () => {
    for (const [name, list] of Object.entries(IETF_PATTERNS)) {
      for (const p of list) assert.ok(compileXsdRegex(p) instanceof RegExp, name);
    }
  });

  it('ipv4-address', () => {
    matches(pat('ietf-inet-types:ipv4-address'),
      ['0.0.0.0', '192.168.1.254', '255.255.255.255', '10.0.0.1%eth0', '10.0.0.1%éth٣'],
      ['256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.', ' 1.2.3.4', '1.2.3.4%', '1.2.3.4%eth-0', '1.2.3.4\n']);
  });

  it('ipv6-address (both patterns)', () => {
    const a = pat('ietf-inet-types:ipv6-address', 0);
    const b = pat('ietf-inet-types:ipv6-address', 1);
    for (const ok of ['::', '::1', '2001:db8::1', 'FE80::1%eth0', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8', '2001:db8:0:0:1:0:0:1']) {
      assert.ok(re(a).test(ok) && re(b).test(ok), ok);
    }
    for (const bad of ['1:2:3:4:5:6:7:8:9', '12345::1', 'g::1', '1.2.3.4']) {
      assert.ok(!(re(a).test(bad) && re(b).test(bad)), bad);
    }
  });

  it('prefixes', () => {
    matches(pat('ietf-inet-types:ipv4-prefix'), ['10.0.0.0/8', '0.0.0.0/0', '1.2.3.4/32'], ['10.0.0.0/33', '10.0.0.0', '10.0.0.0/08x']);
    const p6 = [re(pat('ietf-inet-types:ipv6-prefix', 0)), re(pat('ietf-inet-types:ipv6-prefix', 1))];
    for (const ok of ['::/0', '2001:db8::/32', 'fe80::/10', '2001:db8::1/128']) assert.ok(p6.every((r) => r.test(ok)), ok);
    for (const bad of ['2001:db8::/129', '2001:db8::', '2001:db8::1%e/64']) assert.ok(!p6.every((r) => r.test(bad)), bad);
  });

  it('domain-name', () => {
    matches(pat('ietf-inet-types:domain-name'),
      ['example.com', 'example.com.', '.', 'a', '_sip._udp.example.com', 'xn--bcher-kva.example', `${'a'.repeat(63)}.com`],
      ['', 'exa mple.com', '-a.com', 'a..b', `${'a'.repeat(64)}.com`, 'a.com..']);
  });

  it('mac-address, phys-address, hex-string, uuid, dotted-quad', () => {
    matches(pat('ietf-yang-types:mac-address'), ['00:1b:21:AA:bb:0f'], ['00:1b:21:aa:bb', '001b21aabb0f', '00-1b-21-aa-bb-0f', '00:1b:21:aa:bb:0g']);
    matches(pat('ietf-yang-types:phys-address'), ['', '0a', '0a:0B:cc'], ['0', '0a:', ':0a']);
    matches(pat('ietf-yang-types:hex-string'), ['', 'ff:00'], ['f', 'ff:0']);
    matches(pat('ietf-yang-types:uuid'), ['f81d4fae-7dec-11d0-a765-00a0c91e6bf6'], ['f81d4fae7dec11d0a76500a0c91e6bf6', 'g81d4fae-7dec-11d0-a765-00a0c91e6bf6']);
    matches(pat('ietf-yang-types:dotted-quad'), ['1.2.3.4'], ['1.2.3.4%x']);
  });

  it('date-and-time', () => {
    matches(pat('ietf-yang-types:date-and-time'),
      ['2024-01-02T03:04:05Z', '2024-01-02T03:04:05.123456+02:00', '2024-01-02T03:04:05-00:00'],
      ['2024-01-02 03:04:05Z', '2024-01-02T03:04:05', '2024-01-02t03:04:05z', '2024-1-02T03:04:05Z', '2024-01-02T03:04:05.Z']);
    // \d is any Unicode decimal digit in XSD, as in libyang (PCRE2 with UCP).
    assert.ok(re('\\d').test('٣'));
  });

  it('object-identifier and yang-identifier (two patterns, one excluding "xml...")', () => {
    matches(pat('ietf-yang-types:object-identifier'), ['1.3.6.1.2.1', '2.999.1', '0.39'], ['3.1', '1.40', '1.3.06']);
    matches(pat('ietf-yang-types:object-identifier-128'), ['1.3', '.'], ['1']);
    matches(pat('ietf-yang-types:yang-identifier', 1), ['x', 'xm', 'abc', 'xmm'], ['xml', 'XmLfoo']);
  });

  it('is implicitly anchored; "^" and "$" are ordinary characters', () => {
    matches('abc', ['abc'], ['xabc', 'abcx', 'abc\n']);
    matches('a|b', ['a', 'b'], ['ab']);
    matches('^a$', ['^a$'], ['a']);
    matches('[$^]+', ['$^$'], ['a']);
    matches('[a^]', ['^', 'a'], ['b']);
  });

  it('multi-character escapes: \\d \\w \\s \\i \\c and their negations, "." and \\p categories', () => {
    matches('\\d+', ['0123', '٣'], ['a', '']);
    matches('\\D', ['a'], ['5']);
    matches('\\s*', [' \t\r\n', ''], ['\u00a0', '\v']);
    matches('\\S', ['a'], [' ']);
    matches('\\w+', ['aZ9é_'.slice(0, 4), 'ж'], ['a b', 'a-b', 'a.b', '\u0000']);
    matches('\\W', ['-', ' ', '.'], ['a', '5']);
    matches('\\i\\c*', ['_a.b-c:d', ':x', 'é1'], ['1a', '-a', '.a']);
    matches('\\I', ['1', '-'], ['a', '_']);
    matches('\\C', [' ', '/'], ['a', '-', '.']);
    matches('.', ['a', '😀'], ['\n', '\r', '']);
    matches('\\p{Lu}\\P{Lu}', ['Ab'], ['AB', 'ab']);
    matches('[\\p{N}\\p{L}]+', ['a1٣'], ['-']);
    matches('\\p{IsBasicLatin}+', ['abc~'], ['é']);
    matches('\\P{IsBasicLatin}', ['é'], ['a']);
    matches('[\\p{IsGreek}\\p{IsLatin-1Supplement}]', ['λ', 'é'], ['a']);
    matches('\\p{IsCJKUnifiedIdeographs}', ['中'], ['a']);
  });

  it('single-character escapes and escaped punctuation', () => {
    matches('\\n\\r\\t', ['\n\r\t'], ['nrt']);
    matches('\\.\\?\\*\\+\\(\\)\\{\\}\\|\\[\\]\\\\\\-\\^', ['.?*+(){}|[]\\-^'], []);
    matches('[\\]\\[\\-]+', ['][-'], ['a']);
  });

  it('character classes: ranges, negation, literal "-" at the ends, subtraction', () => {
    matches('[a-c]+', ['abc'], ['d']);
    matches('[^a-c]', ['d'], ['a']);
    matches('[-a]+', ['-a'], ['b']);
    matches('[a-]+', ['-a'], ['b']);
    matches('[a-z-[aeiou]]+', ['bcd'], ['a', 'bad']);
    matches('[^a-z-[AEIOU]]', ['B', '1'], ['a', 'b', 'A']);
    matches('[\\p{L}-[\\p{Lu}]]', ['a'], ['A']);
    matches('[a-z-[d-[d]]]', ['d'], []);
    matches('[\\w-[_]]+', ['ab'], ['a_b']);
    matches('[a-c-x]+', ['a-x'], ['d']); // "-" after a range: literal, as PCRE2 reads it
    matches('[\\d-]+', ['1-'], ['a']);
  });

  it('quantifiers {n}, {n,}, {n,m}', () => {
    matches('a{2}', ['aa'], ['a', 'aaa']);
    matches('a{2,}', ['aa', 'aaaa'], ['a']);
    matches('a{0,2}', ['', 'aa'], ['aaa']);
    matches('(ab){1,2}c?', ['ab', 'ababc'], ['abc c']);
  });

  it('characters outside the BMP are one character', () => {
    matches('.', ['😀'], []);
    matches('[😀-😂]', ['😁'], ['😃']);
  });

  it('translates to a `v`-flag RegExp, anchored', () => {
    const r = re('a');
    assert.equal(r.flags, 'v');
    assert.equal(r.source, '^(?:a)$');
    assert.equal(xsdToJsSource('$'), '^(?:\\u{24})$');
  });

  it('caches compiled patterns', () => {
    assert.equal(compileXsdRegex('[0-9]+x'), compileXsdRegex('[0-9]+x'));
  });

  it('maps every XSD 1.0 block name', () => {
    for (const name of Object.keys(UNICODE_BLOCKS)) re(`\\p{Is${name}}`);
    for (const name of ['BasicLatin', 'Latin-1Supplement', 'Greek', 'PrivateUse', 'Specials', 'CJKUnifiedIdeographsExtensionB', 'Tags']) {
      assert.ok(Object.hasOwn(UNICODE_BLOCKS, name), name);
    }
  });

  it('reports what it cannot accept as an error object, with a position', () => {
    const cases: [string, RegExp][] = [
      ['(a', /missing "\)"/],
      ['a)', /unbalanced/],
      ['[a', /missing "]"/],
      ['[]', /empty character class/],
      ['[z-a]', /out of order/],
      ['*a', /nothing to repeat/],
      ['a**', /cannot follow another quantifier/],
      ['a*+', /cannot follow another quantifier/],
      ['a?*', /cannot follow another quantifier/],
      ['a]', /without a "\["/],
      ['[\\d-z]', /range cannot start with a multi-character escape/],
      ['a{3,2}', /maximum below its minimum/],
      ['(?:a)', /"\(\?" groups/],
      ['(?=a)', /"\(\?" groups/],
      ['(a)\\1', /not an XSD escape/],
      ['\\bword', /not an XSD escape/],
      ['\\x41', /not an XSD escape/],
      ['\\p{IsKlingon}', /unsupported Unicode block "IsKlingon"/],
      ['\\p{Isconstructor}', /unsupported Unicode block/],
      ['\\p{Latin}', /unknown Unicode category "Latin"/],
      ['\\p{L', /malformed/],
      ['a\\', /lone "\\"/],
      ['[a-\\d]', /multi-character escape/],
      ['[a-z-[b]c]', /must end its character class/],
    ];
    for (const [p, m] of cases) {
      const e = err(p);
      assert.match(e.error, m, p);
      assert.ok(e.position >= 0 && e.position <= p.length, p);
    }
    assert.equal(err('ab(c').position, 2);
  });

  it('is lenient where PCRE2 (and so libyang) is: a lone "}", "{" not starting a quantifier, lazy quantifiers', () => {
    matches('a*?', ['', 'aa'], ['b']);
    matches('a{1,2}?b', ['ab', 'aab'], ['b']);
    matches('\\$', ['$'], []);
    matches('a}', ['a}'], []);
    matches('a{b', ['a{b'], []);
    matches('a{,2}', ['a{,2}'], ['aa']); // PCRE2 10.42 (Debian 12) reads it literally too
    matches('{1}', ['{1}'], []);
  });
});
