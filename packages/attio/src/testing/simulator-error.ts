/** An Attio error the simulator answers with, in Attio's exact body shape. */
export class SimulatorError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly validationErrors: readonly Record<string, unknown>[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: {
      type?: string;
      validationErrors?: Record<string, unknown>[];
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.type =
      extra.type ??
      (status === 401 ? 'auth_error' : status === 429 ? 'rate_limit_error' : 'invalid_request_error');
    this.validationErrors = extra.validationErrors;
    this.headers = extra.headers ?? {};
  }

  /** The body Attio sends. */
  toBody(): Record<string, unknown> {
    return {
      status_code: this.status,
      type: this.type,
      code: this.code,
      message: this.message,
      ...(this.validationErrors ? { validation_errors: this.validationErrors } : {}),
    };
  }
}

/** A 400 `validation_type` with one `validation_errors` entry pointing at `path`. */
export function validationError(
  path: readonly (string | number)[],
  message: string,
  expected: unknown,
  received: unknown,
): SimulatorError {
  return new SimulatorError(400, 'validation_type', `Body payload validation error: ${message}`, {
    validationErrors: [{ code: 'invalid_type', path: [...path], message, expected, received }],
  });
}

/** A 404 `not_found`. */
export const notFound = (message: string): SimulatorError => new SimulatorError(404, 'not_found', message);
