// Checks and messages the XML and JSON decoders share: what to say about a child the schema
// does not have there, the one-case-per-choice rule, and the sentence for a refused value.
import type { ChildRef, DataSchemaNode, ParentSchemaNode, Schema } from '../validation/schema.js';
import type { CaseNode, ChoiceNode } from '../validation/schema-model.js';
import type { ValueError } from '../validation/types/value.js';
import { jsonChildPath, jsonPath, type Location } from './instance-path.js';

/** unknown-element or wrong-place, and a message naming the path and what would fit. */
export function unknownChild(schema: Schema, parent: ParentSchemaNode | null, at: Location | null, module: string,
  name: string): { kind: 'unknown-element' | 'wrong-place'; message: string } {
  const where = at === null ? 'at the top level' : `under ${jsonPath(at)}`;
  const elsewhere = schema.dataNodesNamed(module, name);
  if (elsewhere.length > 0) {
    const places = elsewhere.slice(0, 3).map((n) => n.path).join(', ');
    return { kind: 'wrong-place', message: `${module}:${name} cannot appear ${where}; it belongs at ${places}` };
  }
  const names = schema.children(parent).filter((r) => r.node.module === module).map((r) => r.node.name);
  const hint = names.length === 0 ? '' : `; expected one of: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', ...' : ''}`;
  return { kind: 'unknown-element', message: `${jsonChildPath(at, module, name)}: module ${module} has no node ${name} ${where}${hint}` };
}

/** The cases chosen so far under one parent instance (RFC 7950 §8.3.1: one case per choice). */
export class ChosenCases {
  private readonly chosen = new Map<ChoiceNode, { case: CaseNode; first: DataSchemaNode }>();

  /**
   * Records the cases `ref` selects under the parent at `at`; returns a message when another
   * case of one of its choices is already present.
   */
  choose(ref: ChildRef, at: Location | null): string | undefined {
    for (const cp of ref.choices) {
      const prev = this.chosen.get(cp.choice);
      if (prev !== undefined && prev.case !== cp.case) {
        const path = jsonChildPath(at, ref.node.module, ref.node.name);
        const prevPath = jsonChildPath(at, prev.first.module, prev.first.name);
        return `${path} is in case "${cp.case.name}" of choice "${cp.choice.name}", but ${prevPath} of case "${prev.case.name}" is present too: give the nodes of one case only`;
      }
    }
    for (const cp of ref.choices) if (!this.chosen.has(cp.choice)) this.chosen.set(cp.choice, { case: cp.case, first: ref.node });
    return undefined;
  }
}

/**
 * The message for a value its type refuses: the module's own error-message when the restriction
 * has one (RFC 7950 §8.3.1 says to use it), else `<value> is not a valid value for <path>: expected <what>`.
 */
export function invalidValueMessage(shown: string, path: string, error: ValueError): string {
  return error.errorMessage !== undefined
    ? `${error.errorMessage} (${path}: ${shown})`
    : `${shown} is not a valid value for ${path}: expected ${error.expected}`;
}
