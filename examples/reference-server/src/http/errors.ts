import { CreditBudgetExceededError } from '@salesos/apollo';
import {
  ApiError,
  CircuitOpenError,
  ConfigError,
  NotFoundError,
  RateLimitError,
  SalesOSError,
  TimeoutError,
} from '@salesos/core';
import { SyncLockedError } from '@salesos/crm';
import { DefinitionError, EnrollmentError } from '@salesos/sequences';
import type { ZodError } from 'zod';

/** A field that failed validation: its path in the body and what was wrong. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; requestId?: string; fieldErrors?: FieldProblem[] };
}

/** An error the routes throw to answer with a status, a code and a message. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: FieldProblem[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: { fieldErrors?: FieldProblem[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
    this.fieldErrors = extra.fieldErrors;
    this.headers = extra.headers ?? {};
  }
}

/** The field problems of a zod error, with dotted paths (`people.0.email`). */
export function fieldProblems(error: ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}

/**
 * Maps any error to an HTTP answer. Engine and vendor errors keep their stable `code`; their
 * messages are already free of secrets. Unknown errors become a 500 without details.
 */
export function toHttpProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (DefinitionError.isInstance(error)) {
    return new HttpProblem(400, 'invalid_sequence', error.message, {
      fieldErrors: error.issues.map((issue) => ({ path: issue.path || '(body)', message: issue.message })),
    });
  }
  if (EnrollmentError.isInstance(error)) {
    const status =
      error.reason === 'sequence_not_found' || error.reason === 'enrollment_not_found' ? 404 : 409;
    return new HttpProblem(status, error.reason, error.message);
  }
  if (CreditBudgetExceededError.isInstance(error))
    return new HttpProblem(409, 'credit_budget_exceeded', error.message);
  if (SyncLockedError.isInstance(error)) return new HttpProblem(409, 'sync_running', error.message);
  if (RateLimitError.isInstance(error)) {
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 60_000) / 1000));
    return new HttpProblem(503, 'vendor_rate_limited', error.message, {
      headers: { 'retry-after': String(seconds) },
    });
  }
  if (CircuitOpenError.isInstance(error) || TimeoutError.isInstance(error))
    return new HttpProblem(503, error.code, error.message);
  if (NotFoundError.isInstance(error)) return new HttpProblem(404, 'not_found', error.message);
  if (ApiError.isInstance(error)) return new HttpProblem(502, `vendor_${error.code}`, error.message);
  if (ConfigError.isInstance(error))
    return new HttpProblem(500, 'config_error', 'The server is misconfigured.');
  if (SalesOSError.isInstance(error))
    return new HttpProblem(500, error.code, 'The request could not be completed.');
  return new HttpProblem(500, 'internal_error', 'The request could not be completed.');
}
