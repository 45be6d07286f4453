// YANG patterns are XML Schema regular expressions (RFC 7950 §9.4.5, XSD 1.0 Part 2 Appendix F).
// They differ from JavaScript's: implicitly anchored, "^" and "$" are ordinary characters,
// \i \c \w \d have XML meanings, \p{IsBlock} names Unicode blocks, and a class may subtract
// another ("[a-z-[aeiou]]"). This file translates one to a RegExp with the `v` flag (code points,
// nested classes, "--" set difference). Failures come back as an error object, never a throw.
// Where XSD is stricter than PCRE2 (which libyang 2.1.30 uses, compared with yanglint) and a
// module compiled by libyang may rely on it, this follows PCRE2: a lone "{" or "}", "\" before any
// ASCII punctuation and "-" after a range are literal; a lazy "?" after a quantifier is accepted
// (with implicit anchoring it matches the same strings). Where libyang is wrong, this follows XSD:
// class subtraction works, \i \c exist, \p{IsGreek} matches Greek.
import { UNICODE_BLOCKS } from './unicode-blocks.js';

export interface XsdRegexError {
  error: string;
  /** Offset in the pattern where the problem was found. */
  position: number;
}

export function isXsdRegexError(r: RegExp | XsdRegexError): r is XsdRegexError {
  return !(r instanceof RegExp);
}

const cache = new Map<string, RegExp | XsdRegexError>();

/** Compiles (once per distinct pattern text) an XSD regular expression to an anchored RegExp. */
export function compileXsdRegex(pattern: string): RegExp | XsdRegexError {
  let r = cache.get(pattern);
  if (r === undefined) {
    r = translate(pattern);
    cache.set(pattern, r);
  }
  return r;
}

/** The JavaScript source a pattern translates to (for tests and diagnostics). */
export function xsdToJsSource(pattern: string): string | XsdRegexError {
  const r = compileXsdRegex(pattern);
  return r instanceof RegExp ? r.source : r;
}

class RegexSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
  }
}

function translate(pattern: string): RegExp | XsdRegexError {
  try {
    const body = new Parser(pattern).parseAll();
    return new RegExp(`^(?:${body})$`, 'v');
  } catch (e) {
    if (e instanceof RegexSyntaxError) return { error: e.message, position: e.position };
    return { error: `cannot translate to a JavaScript regular expression: ${(e as Error).message}`, position: 0 };
  }
}

/** A code point as an escape that is valid anywhere in a `v`-mode pattern, inside or outside a class. */
function esc(cp: number): string {
  if ((cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122)) return String.fromCharCode(cp);
  return `\\u{${cp.toString(16)}}`;
}

// XSD multi-character escapes (Part 2 §F.1.1), as v-mode class contents.
const S_CLASS = '\\u{20}\\u{9}\\u{a}\\u{d}';
// XML 1.0 (5th ed.) NameStartChar and NameChar; XSD defers to XML for \i and \c.
const I_CLASS = ':A-Z_a-z\\u{c0}-\\u{d6}\\u{d8}-\\u{f6}\\u{f8}-\\u{2ff}\\u{370}-\\u{37d}\\u{37f}-\\u{1fff}'
  + '\\u{200c}-\\u{200d}\\u{2070}-\\u{218f}\\u{2c00}-\\u{2fef}\\u{3001}-\\u{d7ff}\\u{f900}-\\u{fdcf}'
  + '\\u{fdf0}-\\u{fffd}\\u{10000}-\\u{effff}';
const C_CLASS = `${I_CLASS}\\u{2d}\\u{2e}0-9\\u{b7}\\u{300}-\\u{36f}\\u{203f}-\\u{2040}`;
const MULTI: Record<string, string> = {
  s: `[${S_CLASS}]`, S: `[^${S_CLASS}]`,
  i: `[${I_CLASS}]`, I: `[^${I_CLASS}]`,
  c: `[${C_CLASS}]`, C: `[^${C_CLASS}]`,
  d: '\\p{Nd}', D: '\\P{Nd}',
  // \w is every character except punctuation, separators and "other" (§F.1.1).
  w: '[^\\p{P}\\p{Z}\\p{C}]', W: '[\\p{P}\\p{Z}\\p{C}]',
};

// Single-character escapes XSD defines; any other escaped ASCII punctuation is taken literally.
const SINGLE: Record<string, number> = { n: 10, r: 13, t: 9 };

const CATEGORIES = new Set([
  'L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'M', 'Mn', 'Mc', 'Me', 'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po', 'Z', 'Zs', 'Zl', 'Zp',
  'S', 'Sm', 'Sc', 'Sk', 'So', 'C', 'Cc', 'Cf', 'Co', 'Cn',
]);

/** One element of a character class: a single code point (may start a range) or a set. */
type ClassItem = { cp: number } | { set: string };

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parseAll(): string {
    const out = this.regExp();
    if (this.pos < this.src.length) {
      // Only an unbalanced ")" can stop regExp() early.
      throw new RegexSyntaxError('unbalanced ")"', this.pos);
    }
    return out;
  }

  private peek(): number {
    return this.pos < this.src.length ? (this.src.codePointAt(this.pos) as number) : -1;
  }

  private next(): number {
    const cp = this.peek();
    if (cp < 0) throw new RegexSyntaxError('unexpected end of pattern', this.pos);
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private regExp(): string {
    let out = this.branch();
    while (this.peek() === 0x7c /* | */) {
      this.pos++;
      out += `|${this.branch()}`;
    }
    return out;
  }

  private branch(): string {
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c < 0 || c === 0x7c || c === 0x29 /* ) */) return out;
      out += this.atom();
      out += this.quantifier();
    }
  }

  private quantifier(): string {
    const c = this.peek();
    if (c === 0x3f || c === 0x2a || c === 0x2b) {
      this.pos++;
      return this.noSecondQuantifier(String.fromCharCode(c));
    }
    if (c !== 0x7b /* { */) return '';
    const start = this.pos;
    const m = /^\{([0-9]+)(,([0-9]*))?\}/.exec(this.src.slice(this.pos, this.pos + 24));
    // Like PCRE2, a "{" that does not start {n}, {n,} or {n,m} is an ordinary character.
    if (m === null) return '';
    this.pos += m[0].length;
    const min = Number(m[1]);
    if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < min) {
      throw new RegexSyntaxError(`quantifier ${m[0]} has its maximum below its minimum`, start);
    }
    return this.noSecondQuantifier(m[0]);
  }

  // XSD allows one quantifier per atom. PCRE2 reads "a*?" as lazy, which under anchoring matches
  // what "a*" matches, so it is kept; "a**", "a*+" (possessive in PCRE2) and the like are refused.
  private noSecondQuantifier(q: string): string {
    if (this.peek() === 0x3f) {
      this.pos++;
      q += '?';
    }
    const c = this.peek();
    if (c === 0x3f || c === 0x2a || c === 0x2b || (c === 0x7b && /^\{[0-9]+(,[0-9]*)?\}/.test(this.src.slice(this.pos, this.pos + 24)))) {
      throw new RegexSyntaxError('a quantifier cannot follow another quantifier', this.pos);
    }
    return q;
  }

  private atom(): string {
    const start = this.pos;
    const c = this.next();
    switch (c) {
      case 0x28: { // (
        if (this.peek() === 0x3f) throw new RegexSyntaxError('"(?" groups (lookaround, named or non-capturing) are not XSD', start);
        const inner = this.regExp();
        if (this.peek() !== 0x29) throw new RegexSyntaxError('missing ")"', start);
        this.pos++;
        return `(?:${inner})`;
      }
      case 0x5b: // [
        return this.charClassExpr(start);
      case 0x2e: // .
        return '[^\\n\\r]';
      case 0x5c: { // backslash
        const item = this.escape(start);
        return 'cp' in item ? esc(item.cp) : item.set;
      }
      case 0x3f: case 0x2a: case 0x2b:
        throw new RegexSyntaxError(`quantifier "${String.fromCharCode(c)}" has nothing to repeat`, start);
      case 0x5d:
        throw new RegexSyntaxError('"]" without a "[" (write "\\]" for the character)', start);
      default:
        // "^", "$", "{", "}" and everything else are ordinary characters here.
        return esc(c);
    }
  }

  /** After a backslash; `start` is the backslash's offset. */
  private escape(start: number): ClassItem {
    if (this.pos >= this.src.length) throw new RegexSyntaxError('pattern ends with a lone "\\"', start);
    const c = this.next();
    const ch = String.fromCodePoint(c);
    const single = SINGLE[ch];
    if (single !== undefined) return { cp: single };
    const multi = MULTI[ch];
    if (multi !== undefined) return { set: multi };
    if (ch === 'p' || ch === 'P') return { set: this.property(ch === 'P', start) };
    if (c < 0x80 && !/[0-9A-Za-z]/.test(ch)) return { cp: c };
    throw new RegexSyntaxError(`"\\${ch}" is not an XSD escape (no back-references, \\b, \\x or \\u)`, start);
  }

  private property(negated: boolean, start: number): string {
    const m = /^\{([A-Za-z0-9-]+)\}/.exec(this.src.slice(this.pos));
    if (m === null) throw new RegexSyntaxError('malformed \\p{...}', start);
    this.pos += m[0].length;
    const name = m[1] as string;
    if (name.startsWith('Is')) {
      const block = name.slice(2);
      const ranges = Object.hasOwn(UNICODE_BLOCKS, block) ? UNICODE_BLOCKS[block] : undefined;
      if (ranges === undefined) throw new RegexSyntaxError(`unsupported Unicode block "${name}"`, start);
      let body = '';
      for (let i = 0; i + 1 < ranges.length; i += 2) body += `${esc(ranges[i] as number)}-${esc(ranges[i + 1] as number)}`;
      return negated ? `[^${body}]` : `[${body}]`;
    }
    if (!CATEGORIES.has(name)) throw new RegexSyntaxError(`unknown Unicode category "${name}"`, start);
    return `\\${negated ? 'P' : 'p'}{${name}}`;
  }

  /** After "["; returns a v-mode class, with "--" for an XSD subtraction. */
  private charClassExpr(start: number): string {
    let negated = false;
    if (this.peek() === 0x5e /* ^ */) {
      negated = true;
      this.pos++;
    }
    const items: string[] = [];
    let subtract: string | undefined;
    let first = true;
    for (;;) {
      const itemStart = this.pos;
      if (this.pos >= this.src.length) throw new RegexSyntaxError('missing "]"', start);
      let c = this.next();
      if (c === 0x5d /* ] */) {
        if (first) throw new RegexSyntaxError('empty character class', start);
        break;
      }
      if (c === 0x2d /* - */) {
        if (this.peek() === 0x5b) {
          if (first) throw new RegexSyntaxError('character class subtraction needs something to subtract from', itemStart);
          this.pos++;
          subtract = this.charClassExpr(this.pos - 1);
          if (this.peek() !== 0x5d) throw new RegexSyntaxError('a subtracted class must end its character class', this.pos);
          this.pos++;
          break;
        }
        // A "-" that cannot form a range (first, last, or after a range or set) is literal.
        items.push(esc(c));
        first = false;
        continue;
      }
      let item: ClassItem;
      if (c === 0x5c) item = this.escape(itemStart);
      else item = { cp: c };
      first = false;
      if ('set' in item) {
        items.push(item.set);
        // "[\\d-z]": XSD and PCRE2 both refuse a range that starts with a multi-character escape.
        if (this.peek() === 0x2d && !'[]'.includes(this.src[this.pos + 1] ?? ']')) {
          throw new RegexSyntaxError('a range cannot start with a multi-character escape', this.pos);
        }
        continue;
      }
      const lo = item.cp;
      // A range: "-" followed by anything but "]" or "[" (those make the "-" literal / a subtraction).
      if (this.peek() === 0x2d && this.pos + 1 < this.src.length) {
        const after = this.src.charCodeAt(this.pos + 1);
        if (after !== 0x5d && after !== 0x5b) {
          this.pos++;
          const hiStart = this.pos;
          c = this.next();
          let hi: number;
          if (c === 0x5c) {
            const e = this.escape(hiStart);
            if ('set' in e) throw new RegexSyntaxError('a range cannot end with a multi-character escape', hiStart);
            hi = e.cp;
          } else {
            hi = c;
          }
          if (hi < lo) throw new RegexSyntaxError(`range ${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)} is out of order`, itemStart);
          items.push(`${esc(lo)}-${esc(hi)}`);
          continue;
        }
      }
      items.push(esc(lo));
    }
    const base = `[${negated ? '^' : ''}${items.join('')}]`;
    return subtract === undefined ? base : `[${base}--${subtract}]`;
  }
}
