// XPath 1.0 tokens (§3.7), with the spec's disambiguation rules:
// - after a token that is not one of @ :: ( [ , or an operator, `*` is the multiply operator and
//   an NCName is an operator name (and, or, mod, div);
// - a name followed by `(` is a node type or a function name;
// - a name followed by `::` is an axis name.
import { NODE_TYPES } from './ast.js';
import { XPathFailure } from './xpath-error.js';

export type Token =
  | { kind: '(' | ')' | '[' | ']' | '.' | '..' | '@' | ',' | '::' | 'eof'; pos: number }
  /** `*`, `prefix:*` (local '*') or a QName. */
  | { kind: 'name-test'; prefix: string | undefined; local: string; pos: number }
  | { kind: 'node-type'; name: string; pos: number }
  | { kind: 'function-name'; prefix: string | undefined; local: string; pos: number }
  | { kind: 'axis-name'; name: string; pos: number }
  | { kind: 'literal'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'variable'; name: string; pos: number }
  | { kind: 'operator'; op: Operator; pos: number };

export type Operator =
  | 'and' | 'or' | 'mod' | 'div' | '/' | '//' | '|' | '+' | '-' | '=' | '!=' | '<' | '<=' | '>' | '>=' | '*';

// XML 1.0 (5th edition) NameStartChar and NameChar without ':' (an NCName).
const NC_START = 'A-Z_a-z\\u{C0}-\\u{D6}\\u{D8}-\\u{F6}\\u{F8}-\\u{2FF}\\u{370}-\\u{37D}\\u{37F}-\\u{1FFF}'
  + '\\u{200C}-\\u{200D}\\u{2070}-\\u{218F}\\u{2C00}-\\u{2FEF}\\u{3001}-\\u{D7FF}\\u{F900}-\\u{FDCF}'
  + '\\u{FDF0}-\\u{FFFD}\\u{10000}-\\u{EFFFF}';
const NC_CHAR = `${NC_START}\\-.0-9\\u{B7}\\u{300}-\\u{36F}\\u{203F}-\\u{2040}`;
// Combining marks (U+0300–U+036F) are NameChars in XML; here they are class ranges, not sequences.
// eslint-disable-next-line no-misleading-character-class
const NCNAME = new RegExp(`[${NC_START}][${NC_CHAR}]*`, 'uy');
const NUMBER = /[0-9]+(?:\.[0-9]*)?|\.[0-9]+/y;
const WHITESPACE = /[ \t\n\r]*/y;

const OPERATOR_NAMES: ReadonlySet<string> = new Set(['and', 'or', 'mod', 'div']);

/** Describes a token for an error message: "')'", "name 'foo'", "end of expression". */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'end of expression';
    case 'name-test': return `'${t.prefix !== undefined ? `${t.prefix}:` : ''}${t.local}'`;
    case 'node-type': return `'${t.name}'`;
    case 'function-name': return `'${t.prefix !== undefined ? `${t.prefix}:` : ''}${t.local}'`;
    case 'axis-name': return `'${t.name}'`;
    case 'literal': return `string literal ${JSON.stringify(t.value)}`;
    case 'number': return `number ${String(t.value)}`;
    case 'variable': return `'$${t.name}'`;
    case 'operator': return `'${t.op}'`;
    default: return `'${t.kind}'`;
  }
}

/** Splits an expression into tokens; throws XPathFailure (caught by the parser's caller). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const skipSpace = (at: number): number => {
    WHITESPACE.lastIndex = at;
    WHITESPACE.exec(text);
    return WHITESPACE.lastIndex;
  };
  const matchName = (at: number): string | undefined => {
    NCNAME.lastIndex = at;
    const m = NCNAME.exec(text);
    return m?.[0];
  };
  // §3.7: is the previous token such that `*` and NCNames are operators?
  const operatorExpected = (): boolean => {
    const prev = tokens[tokens.length - 1];
    if (prev === undefined) return false;
    switch (prev.kind) {
      case '@': case '::': case '(': case '[': case ',': case 'operator': return false;
      default: return true;
    }
  };

  for (;;) {
    pos = skipSpace(pos);
    if (pos >= text.length) {
      tokens.push({ kind: 'eof', pos });
      return tokens;
    }
    const start = pos;
    const c = text[pos] as string;
    const c2 = text[pos + 1];
    switch (c) {
      case '(': case ')': case '[': case ']': case '@': case ',':
        tokens.push({ kind: c, pos: start });
        pos++;
        continue;
      case '.':
        if (c2 === '.') {
          tokens.push({ kind: '..', pos: start });
          pos += 2;
          continue;
        }
        if (c2 === undefined || c2 < '0' || c2 > '9') {
          tokens.push({ kind: '.', pos: start });
          pos++;
          continue;
        }
        break; // a number such as .5
      case ':':
        if (c2 === ':') {
          tokens.push({ kind: '::', pos: start });
          pos += 2;
          continue;
        }
        throw new XPathFailure("unexpected ':'", start, "a prefix is written 'prefix:name', without spaces");
      case '/':
        if (c2 === '/') {
          tokens.push({ kind: 'operator', op: '//', pos: start });
          pos += 2;
        } else {
          tokens.push({ kind: 'operator', op: '/', pos: start });
          pos++;
        }
        continue;
      case '|': case '+': case '-': case '=':
        tokens.push({ kind: 'operator', op: c, pos: start });
        pos++;
        continue;
      case '!':
        if (c2 === '=') {
          tokens.push({ kind: 'operator', op: '!=', pos: start });
          pos += 2;
          continue;
        }
        throw new XPathFailure("unexpected '!'", start, "did you mean '!='?");
      case '<': case '>':
        if (c2 === '=') {
          tokens.push({ kind: 'operator', op: c === '<' ? '<=' : '>=', pos: start });
          pos += 2;
        } else {
          tokens.push({ kind: 'operator', op: c, pos: start });
          pos++;
        }
        continue;
      case '*':
        if (operatorExpected()) tokens.push({ kind: 'operator', op: '*', pos: start });
        else tokens.push({ kind: 'name-test', prefix: undefined, local: '*', pos: start });
        pos++;
        continue;
      case '"': case "'": {
        const end = text.indexOf(c, pos + 1);
        if (end < 0) throw new XPathFailure('unterminated string literal', start, `no closing ${c}`);
        tokens.push({ kind: 'literal', value: text.slice(pos + 1, end), pos: start });
        pos = end + 1;
        continue;
      }
      case '$': {
        const qname = readQName(pos + 1);
        if (qname === undefined || qname.local === '*') {
          throw new XPathFailure("expected a variable name after '$'", start);
        }
        tokens.push({ kind: 'variable', name: qname.prefix !== undefined ? `${qname.prefix}:${qname.local}` : qname.local, pos: start });
        pos = qname.end;
        continue;
      }
      default:
        break;
    }
    if ((c >= '0' && c <= '9') || c === '.') {
      NUMBER.lastIndex = pos;
      const m = NUMBER.exec(text);
      if (m === null) throw new XPathFailure(`unexpected '${c}'`, start);
      tokens.push({ kind: 'number', value: Number(m[0]), pos: start });
      pos = NUMBER.lastIndex;
      continue;
    }
    const qname = readQName(pos);
    if (qname === undefined) {
      const cp = text.codePointAt(pos) ?? 0;
      throw new XPathFailure(`unexpected '${String.fromCodePoint(cp)}'`, start);
    }
    if (operatorExpected()) {
      if (qname.prefix === undefined && OPERATOR_NAMES.has(qname.local)) {
        tokens.push({ kind: 'operator', op: qname.local as Operator, pos: start });
        pos = qname.end;
        continue;
      }
      const shown = qname.prefix !== undefined ? `${qname.prefix}:${qname.local}` : qname.local;
      throw new XPathFailure(`unexpected '${shown}'`, start, 'expected an operator (and, or, =, |, …) or the end of the expression');
    }
    const after = skipSpace(qname.end);
    if (qname.local !== '*' && text[after] === '(') {
      if (qname.prefix === undefined && NODE_TYPES.has(qname.local)) {
        tokens.push({ kind: 'node-type', name: qname.local, pos: start });
      } else {
        tokens.push({ kind: 'function-name', prefix: qname.prefix, local: qname.local, pos: start });
      }
      pos = qname.end;
      continue;
    }
    if (qname.prefix === undefined && qname.local !== '*' && text[after] === ':' && text[after + 1] === ':') {
      tokens.push({ kind: 'axis-name', name: qname.local, pos: start });
      pos = qname.end;
      continue;
    }
    tokens.push({ kind: 'name-test', prefix: qname.prefix, local: qname.local, pos: start });
    pos = qname.end;
  }

  /** NCName, NCName ':' NCName, or NCName ':' '*'; undefined if no NCName starts at `at`. */
  function readQName(at: number): { prefix: string | undefined; local: string; end: number } | undefined {
    const first = matchName(at);
    if (first === undefined) return undefined;
    let end = at + first.length;
    if (text[end] === ':' && text[end + 1] !== ':') {
      if (text[end + 1] === '*') return { prefix: first, local: '*', end: end + 2 };
      const local = matchName(end + 1);
      if (local === undefined) {
        throw new XPathFailure(`expected a name or '*' after '${first}:'`, end + 1);
      }
      end += 1 + local.length;
      return { prefix: first, local, end };
    }
    return { prefix: undefined, local: first, end };
  }
}
