// instance-identifier (RFC 7950 §9.13, RFC 7951 §6.11). The syntax is the restricted XPath of
// §9.13 / §14 (ABNF "instance-identifier"): "/" node steps, each with optional predicates
// [key='v'], [.='v'] or a positional [n]. XML form: every node name carries a namespace prefix
// (libyang refuses an unprefixed one). JSON form: the first name carries its module, later names
// only where the module changes, and unprefixed names inherit their parent's module.
// Canonical: the JSON form with the module written only where it changes. Whether the nodes
// exist, and require-instance, are checked later by validation against the schema and data;
// key values stay as written (their canonical form depends on the key's type, known only there).
import { fail, ok, quote, wrongJson, type TypeCodec } from './codec.js';
import type { ValueContext, ValueResult } from './value.js';

export type InstancePredicate =
  | { kind: 'key'; module: string; name: string; value: string }
  | { kind: 'leaf-list'; value: string }
  | { kind: 'position'; position: number };

export interface InstanceStep {
  module: string;
  name: string;
  predicates: InstancePredicate[];
}

/** Resolves a name's prefix ('' when it has none) given the module it inherits; a string is an error. */
type Resolve = (prefix: string, inherited: string | undefined) => { module: string } | string;

class PathError extends Error {}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_.-]/;

class PathParser {
  private pos = 0;
  constructor(private readonly s: string, private readonly resolve: Resolve) {}

  parse(): InstanceStep[] {
    const steps: InstanceStep[] = [];
    let parent: string | undefined;
    this.ws();
    if (this.pos >= this.s.length) throw new PathError('it is empty; expected a path starting with "/"');
    while (this.pos < this.s.length) {
      if (this.s[this.pos] !== '/') throw this.error('expected "/"');
      this.pos++;
      const [module, name] = this.nodeIdentifier(parent);
      const predicates: InstancePredicate[] = [];
      while (this.peekAfterWs() === '[') predicates.push(this.predicate(module));
      steps.push({ module, name, predicates });
      parent = module;
      this.ws();
    }
    return steps;
  }

  private error(what: string): PathError {
    return new PathError(`${what} at offset ${this.pos}`);
  }

  private ws(): void {
    while (this.pos < this.s.length && ' \t\n\r'.includes(this.s[this.pos] as string)) this.pos++;
  }

  private peekAfterWs(): string | undefined {
    this.ws();
    return this.s[this.pos];
  }

  private identifier(): string {
    const start = this.pos;
    if (!NAME_START.test(this.s[this.pos] ?? '')) throw this.error('expected a node name');
    this.pos++;
    while (this.pos < this.s.length && NAME_CHAR.test(this.s[this.pos] as string)) this.pos++;
    return this.s.slice(start, this.pos);
  }

  /** [prefix ":"] identifier, resolved to [module, name]. */
  private nodeIdentifier(inherited: string | undefined): [string, string] {
    const start = this.pos;
    let prefix = '';
    let name = this.identifier();
    if (this.s[this.pos] === ':') {
      this.pos++;
      prefix = name;
      name = this.identifier();
    }
    const r = this.resolve(prefix, inherited);
    if (typeof r === 'string') throw new PathError(`${r} (${quote(this.s.slice(start, this.pos))} at offset ${start})`);
    return [r.module, name];
  }

  private predicate(stepModule: string): InstancePredicate {
    this.pos++; // [
    this.ws();
    let pred: InstancePredicate;
    const c = this.s[this.pos] ?? '';
    if (c >= '0' && c <= '9') {
      const start = this.pos;
      while (this.pos < this.s.length && /[0-9]/.test(this.s[this.pos] as string)) this.pos++;
      const position = Number(this.s.slice(start, this.pos));
      if (position < 1 || !Number.isSafeInteger(position)) throw this.error('a position must be a positive integer');
      pred = { kind: 'position', position };
    } else if (c === '.') {
      this.pos++;
      pred = { kind: 'leaf-list', value: this.equalsLiteral() };
    } else {
      const [module, name] = this.nodeIdentifier(stepModule);
      pred = { kind: 'key', module, name, value: this.equalsLiteral() };
    }
    this.ws();
    if (this.s[this.pos] !== ']') throw this.error('expected "]"');
    this.pos++;
    return pred;
  }

  private equalsLiteral(): string {
    this.ws();
    if (this.s[this.pos] !== '=') throw this.error('expected "="');
    this.pos++;
    this.ws();
    const q = this.s[this.pos];
    if (q !== "'" && q !== '"') throw this.error('expected a quoted value');
    const end = this.s.indexOf(q, this.pos + 1);
    if (end < 0) throw this.error('unterminated quoted value');
    const value = this.s.slice(this.pos + 1, end);
    this.pos = end + 1;
    return value;
  }
}

/** Parses an instance-identifier; `format` says how prefixes are written. A string is an error. */
export function parseInstanceIdentifier(s: string, ctx: ValueContext, format: 'xml' | 'json'): InstanceStep[] | string {
  const resolve: Resolve = format === 'xml'
    ? (prefix) => {
      if (prefix === '') return 'every node name in an XML instance-identifier needs a namespace prefix';
      const m = ctx.resolvePrefix(prefix);
      return m === undefined ? `prefix ${quote(prefix)} is not declared in scope` : { module: m };
    }
    : (prefix, inherited) => {
      if (prefix === '') return inherited === undefined ? 'the first node name must be qualified with its module name' : { module: inherited };
      const m = ctx.resolvePrefix(prefix);
      return m === undefined ? `module ${quote(prefix)} is not loaded` : { module: m };
    };
  try {
    return new PathParser(s, resolve).parse();
  } catch (e) {
    if (e instanceof PathError) return e.message;
    throw e;
  }
}

/** A literal in the quotes XPath needs: single unless the value holds a single quote. */
function literal(v: string): string {
  return v.includes("'") ? `"${v}"` : `'${v}'`;
}

/** Writes steps; `name` gives the written form of a node name given its module and its parent's. */
function print(steps: readonly InstanceStep[], name: (module: string, parent: string | undefined, id: string) => string): string {
  let out = '';
  let parent: string | undefined;
  for (const step of steps) {
    out += `/${name(step.module, parent, step.name)}`;
    for (const p of step.predicates) {
      if (p.kind === 'position') out += `[${p.position}]`;
      else if (p.kind === 'leaf-list') out += `[.=${literal(p.value)}]`;
      else out += `[${name(p.module, step.module, p.name)}=${literal(p.value)}]`;
    }
    parent = step.module;
  }
  return out;
}

export function instanceIdentifierToJson(steps: readonly InstanceStep[]): string {
  return print(steps, (module, parent, id) => (module === parent ? id : `${module}:${id}`));
}

export function instanceIdentifierToXml(steps: readonly InstanceStep[], prefixFor: (module: string) => string): string {
  return print(steps, (module, _parent, id) => {
    const p = prefixFor(module);
    return p === '' ? id : `${p}:${id}`;
  });
}

/** XML text of a canonical (JSON-form) value. */
export function canonicalInstanceIdToXml(canonical: string, prefixFor: (module: string) => string): string {
  // The canonical form names modules, which resolve to themselves.
  const ctx: ValueContext = {
    format: 'json',
    resolvePrefix: (m) => m,
    localModule: '',
    identities: { hasIdentity: () => false, isDerivedFrom: () => false },
  };
  const steps = parseInstanceIdentifier(canonical, ctx, 'json');
  return typeof steps === 'string' ? canonical : instanceIdentifierToXml(steps, prefixFor);
}

export function compileInstanceIdentifier(expected: string): TypeCodec {
  const check = (s: string, ctx: ValueContext, format: 'xml' | 'json'): ValueResult => {
    const steps = parseInstanceIdentifier(s, ctx, format);
    if (typeof steps === 'string') return fail(`${quote(s)} is not a valid instance-identifier: ${steps}`, expected);
    return ok(instanceIdentifierToJson(steps), 'instance-identifier');
  };
  return {
    text: (s, ctx) => check(s, ctx, ctx.format),
    json(json: unknown, ctx: ValueContext): ValueResult {
      if (typeof json !== 'string') return wrongJson(json, expected, 'a JSON string');
      return check(json, ctx, 'json');
    },
  };
}
