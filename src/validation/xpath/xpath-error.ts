// Errors are values here, never exceptions that reach the caller: a NETCONF filter or a must
// expression with a mistake must turn into an rpc-error a person can act on.

export interface XPathError {
  kind: 'xpath-error';
  /** What went wrong and where, e.g. "unexpected ')' at column 14". */
  message: string;
  /** The expression text. */
  expression: string;
  /** 0-based offset in the expression. */
  position: number;
  /** 1-based line and column of `position` (expressions in YANG modules may span lines). */
  line: number;
  column: number;
}

export function isXPathError(v: unknown): v is XPathError {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'xpath-error';
}

/**
 * Builds an error: `what` is followed by the position, then by `detail` if given:
 * "unexpected ')' at column 14; expected an expression".
 */
export function xpathError(expression: string, position: number, what: string, detail?: string): XPathError {
  const pos = Math.max(0, Math.min(position, expression.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos; i++) {
    if (expression.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const column = pos - lineStart + 1;
  const multiLine = expression.includes('\n');
  const where = multiLine ? `at line ${line}, column ${column}` : `at column ${column}`;
  const message = detail !== undefined ? `${what} ${where}; ${detail}` : `${what} ${where}`;
  return { kind: 'xpath-error', message, expression, position: pos, line, column };
}

/** Thrown inside the engine only; `compileXPath` and `evaluate` turn it into an XPathError. */
export class XPathFailure extends Error {
  constructor(message: string, readonly position: number, readonly detail?: string) {
    super(message);
  }
}
