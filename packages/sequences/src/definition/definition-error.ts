import { ConfigError, type SalesOSErrorOptions, type ValidationIssue } from '@salesos/core';

const definitionMarker = Symbol.for('salesos.error.sequences.definition');

/** A sequence definition is not valid; `issues` lists every problem with its path. */
export class DefinitionError extends ConfigError {
  override readonly code: string = 'definition_error';
  /** Each problem, with its dotted path in the definition (`steps.2.subject`). */
  readonly issues: readonly ValidationIssue[];
  /** @internal */
  readonly [definitionMarker] = true;

  constructor(message: string, options: SalesOSErrorOptions & { issues: readonly ValidationIssue[] }) {
    super(message, options);
    this.issues = options.issues;
  }

  static override isInstance = (value: unknown): value is DefinitionError =>
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[definitionMarker] === true;

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}
