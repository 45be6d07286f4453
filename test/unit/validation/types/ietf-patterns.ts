// Pattern strings of ietf-inet-types@2013-07-15 and ietf-yang-types@2013-07-15 (RFC 6991), as
// written in those modules (YANG string concatenation already applied) — test data.
import type { TypeSpec } from '../../../../src/validation/schema-model.js';
export const IETF_PATTERNS: Record<string, string[]> = {
  'ietf-inet-types:ipv4-address': [
    '(([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])(%[\\p{N}\\p{L}]+)?',
  ],
  'ietf-inet-types:ipv6-address': [
    '((:|[0-9a-fA-F]{0,4}):)([0-9a-fA-F]{0,4}:){0,5}((([0-9a-fA-F]{0,4}:)?(:|[0-9a-fA-F]{0,4}))|(((25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])))(%[\\p{N}\\p{L}]+)?',
    '(([^:]+:){6}(([^:]+:[^:]+)|(.*\\..*)))|((([^:]+:)*[^:]+)?::(([^:]+:)*[^:]+)?)(%.+)?',
  ],
  'ietf-inet-types:ipv4-prefix': [
    '(([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])/(([0-9])|([1-2][0-9])|(3[0-2]))',
  ],
  'ietf-inet-types:ipv6-prefix': [
    '((:|[0-9a-fA-F]{0,4}):)([0-9a-fA-F]{0,4}:){0,5}((([0-9a-fA-F]{0,4}:)?(:|[0-9a-fA-F]{0,4}))|(((25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])))(/(([0-9])|([0-9]{2})|(1[0-1][0-9])|(12[0-8])))',
    '(([^:]+:){6}(([^:]+:[^:]+)|(.*\\..*)))|((([^:]+:)*[^:]+)?::(([^:]+:)*[^:]+)?)(/.+)',
  ],
  'ietf-inet-types:domain-name': [
    '((([a-zA-Z0-9_]([a-zA-Z0-9\\-_]){0,61})?[a-zA-Z0-9]\\.)*([a-zA-Z0-9_]([a-zA-Z0-9\\-_]){0,61})?[a-zA-Z0-9]\\.?)|\\.',
  ],
  'ietf-yang-types:object-identifier': ['(([0-1](\\.[1-3]?[0-9]))|(2\\.(0|([1-9]\\d*))))(\\.(0|([1-9]\\d*)))*'],
  'ietf-yang-types:object-identifier-128': ['\\d*(\\.\\d*){1,127}'],
  'ietf-yang-types:yang-identifier': ['[a-zA-Z_][a-zA-Z0-9\\-_.]*', '.|..|[^xX].*|.[^mM].*|..[^lL].*'],
  'ietf-yang-types:date-and-time': ['\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[\\+\\-]\\d{2}:\\d{2})'],
  'ietf-yang-types:phys-address': ['([0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*)?'],
  'ietf-yang-types:mac-address': ['[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}'],
  'ietf-yang-types:hex-string': ['([0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*)?'],
  'ietf-yang-types:uuid': ['[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'],
  'ietf-yang-types:dotted-quad': [
    '(([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])',
  ],
};

/** A string typedef with its patterns, as the schema export would give it. */
export function ietfType(typedef: string, extra: Partial<TypeSpec> = {}): TypeSpec {
  const patterns = (IETF_PATTERNS[typedef] ?? []).map((regex) => ({ regex, invert: false }));
  return { base: 'string', typedef, patterns, ...extra };
}
