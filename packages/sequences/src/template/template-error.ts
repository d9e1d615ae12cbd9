import { SalesOSError, type SalesOSErrorOptions } from '@salesos/core';

const templateMarker = Symbol.for('salesos.error.sequences.template');

/** Options of `TemplateError`. */
export interface TemplateErrorOptions extends SalesOSErrorOptions {
  /** Variables that had neither a value nor a fallback. */
  missingVariables?: readonly string[];
}

/**
 * A template cannot be rendered: a `{{variable}}` has neither a value nor a fallback
 * (`missingVariables` names them), or a `{{…}}` tag is malformed.
 */
export class TemplateError extends SalesOSError {
  override readonly code: string = 'template_error';
  /** Variables that had neither a value nor a fallback. */
  readonly missingVariables: readonly string[];
  /** @internal */
  readonly [templateMarker] = true;

  constructor(message: string, options: TemplateErrorOptions = {}) {
    super(message, options);
    this.missingVariables = options.missingVariables ?? [];
  }

  static override isInstance = (value: unknown): value is TemplateError =>
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[templateMarker] === true;

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), missingVariables: this.missingVariables };
  }
}
