import { SalesOSError, type SalesOSErrorOptions } from '@salesos/core';

/** Why the engine refused an enrolment or a change to one. */
export type EnrollmentErrorReason =
  | 'sequence_not_found'
  | 'enrollment_not_found'
  | 'invalid_person'
  | 'missing_email'
  | 'suppressed'
  | 'already_enrolled'
  | 'missing_variables'
  | 'invalid_transition';

const enrollmentMarker = Symbol.for('salesos.error.sequences.enrollment');

/** Options of `EnrollmentError`. */
export interface EnrollmentErrorOptions extends SalesOSErrorOptions {
  reason: EnrollmentErrorReason;
  /** For `missing_variables`: each variable without value or fallback. */
  missingVariables?: readonly string[];
}

/**
 * The engine refused an enrolment (`reason` says why; `missingVariables` names template
 * variables with neither a value nor a fallback) or a change the enrolment's status does not allow.
 */
export class EnrollmentError extends SalesOSError {
  override readonly code: string = 'enrollment_error';
  readonly reason: EnrollmentErrorReason;
  readonly missingVariables: readonly string[];
  /** @internal */
  readonly [enrollmentMarker] = true;

  constructor(message: string, options: EnrollmentErrorOptions) {
    super(message, options);
    this.reason = options.reason;
    this.missingVariables = options.missingVariables ?? [];
  }

  static override isInstance = (value: unknown): value is EnrollmentError =>
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[enrollmentMarker] === true;

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, missingVariables: this.missingVariables };
  }
}
