import {
  type ApiError,
  type ErrorBodyParser,
  type FieldError,
  type ParsedErrorBody,
  PermissionError,
  RateLimitError,
  SalesOSError,
} from '@salesos/core';
import { z } from 'zod';
import type { ApolloRateWindow } from './ratelimit/rate-limit-headers.ts';

/**
 * The vendor code Apollo sends with a 403 when the API key's scope does not include
 * the endpoint (`{"error":"This API key is not authorized to access api/v1/...","error_code":"API_INACCESSIBLE"}`).
 * Set on `ApiError.vendorCode` even when Apollo leaves `error_code` out of that body.
 */
export const APOLLO_KEY_SCOPE_CODE = 'API_INACCESSIBLE';

/**
 * The code this SDK puts on `ApiError.vendorCode` for Apollo's plan gate, a 403
 * `{"message":"This endpoint is only available to Apollo users on paid plans."}` that
 * carries no code of its own.
 */
export const APOLLO_PAID_PLAN_CODE = 'PAID_PLAN_REQUIRED';

/** The bulk endpoints' 400: `{ status: "failed", error_code, error_message }`. */
export const ApolloBulkErrorBodySchema = z.looseObject({
  status: z.string(),
  error_code: z.string(),
  error_message: z.string().nullish(),
});

/** Most routes' 4xx: `{ error, error_code? }` (422, key-scope 403, 404). */
export const ApolloErrorBodySchema = z.looseObject({
  error: z.string(),
  error_code: z.string().nullish(),
});

/** The plan-gate 403 and the 429: `{ message }`. */
export const ApolloMessageBodySchema = z.looseObject({
  message: z.string(),
});

/** `GET /webhook_result/{request_id}` and similar: `{ error_code, retry_after_seconds? }`. */
const ApolloCodeOnlyBodySchema = z.looseObject({
  error_code: z.string(),
  retry_after_seconds: z.number().optional(),
});

const KEY_SCOPE_PATTERN = /not authorized to access ([\w/{}.-]+)/i;
const PAID_PLAN_PATTERN = /only available to Apollo users on paid plans/i;
const MISSING_PARAMETER_PATTERN =
  /(?:required parameter:?\s*'([\w[\]]+)'|missing required parameter:\s*([\w[\]]+)|param is missing or the value is empty:\s*([\w[\]]+))/i;
const NOT_EXIST_PATTERN = /^[\w ]+ does not exist\.?$/i;

const fieldErrorsOf = (message: string, code?: string): FieldError[] | undefined => {
  const match = MISSING_PARAMETER_PATTERN.exec(message);
  const path = match?.[1] ?? match?.[2] ?? match?.[3];
  if (!path) return undefined;
  return [{ path, message, ...(code ? { code } : {}) }];
};

/**
 * Reads Apollo's error bodies, whose shape varies by route, onto core's error classes:
 *
 * - 401 `text/plain` ("Invalid API key…") → `AuthenticationError`;
 * - 403 key scope (`error_code: API_INACCESSIBLE`, or the "not authorized to access" text)
 *   → `PermissionError` with `vendorCode` `API_INACCESSIBLE`;
 * - 403 plan gate (`{message: "...only available to Apollo users on paid plans."}`) →
 *   `PermissionError` with `vendorCode` `PAID_PLAN_REQUIRED`;
 * - 400 bulk `{status, error_code, error_message}` → `InvalidRequestError` with the code;
 * - 422 `{error}` → `InvalidRequestError` (or `NotFoundError` for "X does not exist.");
 * - 429 `{message}` → `RateLimitError`.
 */
export const parseApolloErrorBody: ErrorBodyParser = ({ status, body }) => {
  if (typeof body === 'string') {
    const text = body.trim();
    // Some 400s arrive as text/plain holding a JSON bulk error body.
    if (text.startsWith('{')) {
      try {
        return parseApolloErrorBody({ status, body: JSON.parse(text), headers: new Headers() });
      } catch {
        // Not JSON after all: fall through to the plain-text handling.
      }
    }
    if (status === 401) {
      return { message: `${text.slice(0, 200)} Send the key in the x-api-key header (the apiKey option).` };
    }
    return { message: text.slice(0, 300) || undefined };
  }

  const bulk = ApolloBulkErrorBodySchema.safeParse(body);
  if (bulk.success) {
    const message = bulk.data.error_message ?? bulk.data.error_code;
    return {
      message,
      vendorCode: bulk.data.error_code,
      fieldErrors: fieldErrorsOf(message, bulk.data.error_code),
    };
  }

  const withError = ApolloErrorBodySchema.safeParse(body);
  if (withError.success) {
    const message = withError.data.error;
    const code = withError.data.error_code ?? undefined;
    const scope = KEY_SCOPE_PATTERN.exec(message);
    if (status === 403 && (code === APOLLO_KEY_SCOPE_CODE || scope)) {
      const route = scope?.[1] ? ` (${scope[1]})` : '';
      return {
        message: `The API key is not allowed to call this endpoint${route}: add the endpoint to the key's scopes in Apollo (Settings > Integrations > API Keys) or use a master key.`,
        vendorCode: code ?? APOLLO_KEY_SCOPE_CODE,
      };
    }
    const parsed: ParsedErrorBody = { message, vendorCode: code, fieldErrors: fieldErrorsOf(message, code) };
    // Apollo answers a missing person or deal with a 422; it is a 404 in meaning.
    if (status === 422 && NOT_EXIST_PATTERN.test(message.trim())) parsed.status = 404;
    return parsed;
  }

  const withMessage = ApolloMessageBodySchema.safeParse(body);
  if (withMessage.success) {
    const message = withMessage.data.message;
    if (status === 403 && PAID_PLAN_PATTERN.test(message)) {
      return {
        message: `${message} The call needs a paid Apollo plan; a different API key will not help.`,
        vendorCode: APOLLO_PAID_PLAN_CODE,
      };
    }
    return { message };
  }

  const codeOnly = ApolloCodeOnlyBodySchema.safeParse(body);
  if (codeOnly.success) {
    return {
      message: codeOnly.data.error_code,
      vendorCode: codeOnly.data.error_code,
      ...(codeOnly.data.error_code === 'result_pending' ? { retryable: true } : {}),
    };
  }
  return {};
};

/**
 * True when `error` is Apollo's 403 for an API key whose scope lacks the endpoint.
 * Fix it by adding the endpoint to the key, or by using a master key.
 */
export function isApolloKeyScopeError(error: unknown): error is PermissionError {
  return PermissionError.isInstance(error) && (error as ApiError).vendorCode === APOLLO_KEY_SCOPE_CODE;
}

/**
 * True when `error` is Apollo's 403 for an endpoint reserved to paid plans. No API key
 * change helps; the team needs a paid plan.
 */
export function isApolloPlanError(error: unknown): error is PermissionError {
  return PermissionError.isInstance(error) && (error as ApiError).vendorCode === APOLLO_PAID_PLAN_CODE;
}

const resultLimitMarker = Symbol.for('salesos.error.apollo.result_limit');

/**
 * A search matched more records than Apollo lets a caller page through (50 000 records,
 * 500 pages of 100). Raised when the walk reaches that ceiling with records left, so a
 * listing is never cut short without notice. Narrow the filters (split by location,
 * size range or date) and search again.
 */
export class ApolloResultLimitError extends SalesOSError {
  override readonly code: string = 'apollo_result_limit';
  /** `METHOD /path` of the search. */
  readonly endpoint: string;
  /** How many records matched, as Apollo reported it. */
  readonly totalEntries: number | undefined;
  /** The most records Apollo returns for one search. */
  readonly maxRecords: number;
  /** The most pages Apollo returns for one search. */
  readonly maxPages: number;
  /** @internal */
  readonly [resultLimitMarker] = true;

  constructor(
    message: string,
    options: { endpoint: string; totalEntries: number | undefined; maxRecords: number; maxPages: number },
  ) {
    super(message);
    this.endpoint = options.endpoint;
    this.totalEntries = options.totalEntries;
    this.maxRecords = options.maxRecords;
    this.maxPages = options.maxPages;
  }

  static override isInstance(value: unknown): value is ApolloResultLimitError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[resultLimitMarker] === true
    );
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      endpoint: this.endpoint,
      totalEntries: this.totalEntries,
      maxRecords: this.maxRecords,
      maxPages: this.maxPages,
    };
  }
}

const rateWindowMarker = Symbol.for('salesos.error.apollo.rate_window');

/** Options of `ApolloRateLimitExceededError`. */
export interface ApolloRateLimitExceededDetails {
  /** `METHOD /path/template` whose window is exhausted. */
  route: string;
  window: ApolloRateWindow;
  /** When the window is expected to reopen (epoch milliseconds). */
  resetAt: number;
  /** How long until then. */
  retryAfterMs: number;
  /** The window's limit, when Apollo sent it. */
  limit: number | undefined;
}

/**
 * An Apollo rate-limit window (minute, hour or day) of the route is exhausted and the
 * client was asked not to wait (`failFast`, or a wait longer than `maxWaitMs`). The call
 * was not sent. `retryAfterMs` says when the window is expected to reopen. It is a
 * `RateLimitError`, so code that handles 429s handles it too; the HTTP client does not
 * retry it on its own.
 */
export class ApolloRateLimitExceededError extends RateLimitError {
  override readonly code: string = 'apollo_rate_window_exhausted';
  readonly route: string;
  readonly window: ApolloRateWindow;
  readonly resetAt: number;
  readonly limit: number | undefined;
  /** @internal */
  readonly [rateWindowMarker] = true;

  constructor(message: string, details: ApolloRateLimitExceededDetails) {
    const [method] = details.route.split(' ');
    super(message, {
      vendor: 'apollo',
      method: method === '*' ? undefined : method,
      retryable: false,
      retryAfterMs: details.retryAfterMs,
    });
    this.route = details.route;
    this.window = details.window;
    this.resetAt = details.resetAt;
    this.limit = details.limit;
  }

  static override isInstance(value: unknown): value is ApolloRateLimitExceededError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[rateWindowMarker] === true
    );
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      route: this.route,
      window: this.window,
      resetAt: new Date(this.resetAt).toISOString(),
      limit: this.limit,
    };
  }
}
