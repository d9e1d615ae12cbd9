import { markerCheck, SalesOSError } from './salesos-error.ts';

/** One problem with one field of a request, as the vendor reported it. */
export interface FieldError {
  /** Dotted path of the field, in the vendor's spelling (`email_addresses`, `values.name`). */
  path: string;
  /** What the vendor said was wrong with it. */
  message: string;
  /** The vendor's own code for the problem, when it sends one. */
  code?: string;
}

/** What every API error records about the failed call. Secrets are never part of it. */
export interface ApiErrorDetails {
  /** The vendor that answered (`salesloft`, `apollo`, `attio`, or the name given to `createHttpClient`). */
  vendor: string;
  /** HTTP status, or `undefined` when no response arrived. */
  status?: number | undefined;
  /** The vendor's own error code (`invalid_api_key`, `value_not_found`), when it sends one. */
  vendorCode?: string | undefined;
  /** The vendor's request id, for support tickets. */
  requestId?: string | undefined;
  /** HTTP method of the failed call. */
  method?: string | undefined;
  /** URL of the failed call, with secret query parameters removed. */
  url?: string | undefined;
  /** Whether repeating the same call later may succeed. */
  retryable?: boolean | undefined;
  /** How many attempts were made before giving up. */
  attempts?: number | undefined;
  /** Field-level problems (400/422). */
  fieldErrors?: FieldError[] | undefined;
  /** How long the vendor asked us to wait, in milliseconds (429, 503). */
  retryAfterMs?: number | undefined;
  /** The parsed error body, with secrets redacted. */
  body?: unknown;
  /** The underlying error. */
  cause?: unknown;
}

const apiMarker = Symbol.for('salesos.error.api');

/**
 * A call to a vendor API failed. Subclasses name the common statuses; `status`,
 * `vendorCode`, `requestId`, `attempts` and `fieldErrors` say the rest.
 */
export class ApiError extends SalesOSError {
  override readonly code: string = 'api_error';
  readonly vendor: string;
  readonly status: number | undefined;
  readonly vendorCode: string | undefined;
  readonly requestId: string | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly retryable: boolean;
  /** Attempts made, including the first. Set by the HTTP client when it gives up. */
  attempts: number;
  readonly fieldErrors: FieldError[];
  readonly retryAfterMs: number | undefined;
  readonly body: unknown;
  /** @internal */
  readonly [apiMarker] = true;

  constructor(message: string, details: ApiErrorDetails) {
    super(message, { cause: details.cause });
    this.vendor = details.vendor;
    this.status = details.status;
    this.vendorCode = details.vendorCode;
    this.requestId = details.requestId;
    this.method = details.method;
    this.url = details.url;
    this.retryable = details.retryable ?? false;
    this.attempts = details.attempts ?? 1;
    this.fieldErrors = details.fieldErrors ?? [];
    this.retryAfterMs = details.retryAfterMs;
    this.body = details.body;
  }

  static override isInstance = markerCheck<ApiError>(apiMarker);

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      vendor: this.vendor,
      status: this.status,
      vendorCode: this.vendorCode,
      requestId: this.requestId,
      method: this.method,
      url: this.url,
      retryable: this.retryable,
      attempts: this.attempts,
      fieldErrors: this.fieldErrors,
      retryAfterMs: this.retryAfterMs,
      body: this.body,
    };
  }
}

const authenticationMarker = Symbol.for('salesos.error.authentication');
/** 401: the API key or token is missing, wrong, expired or revoked. */
export class AuthenticationError extends ApiError {
  override readonly code: string = 'authentication_error';
  /** @internal */
  readonly [authenticationMarker] = true;
  static override isInstance = markerCheck<AuthenticationError>(authenticationMarker);
}

const permissionMarker = Symbol.for('salesos.error.permission');
/** 403: the credentials are valid but may not do this (scope, plan, role). */
export class PermissionError extends ApiError {
  override readonly code: string = 'permission_error';
  /** @internal */
  readonly [permissionMarker] = true;
  static override isInstance = markerCheck<PermissionError>(permissionMarker);
}

const notFoundMarker = Symbol.for('salesos.error.not_found');
/** 404: the record or route does not exist. */
export class NotFoundError extends ApiError {
  override readonly code: string = 'not_found';
  /** @internal */
  readonly [notFoundMarker] = true;
  static override isInstance = markerCheck<NotFoundError>(notFoundMarker);
}

const conflictMarker = Symbol.for('salesos.error.conflict');
/** 409: the write conflicts with the current state (duplicate, version mismatch). */
export class ConflictError extends ApiError {
  override readonly code: string = 'conflict';
  /** @internal */
  readonly [conflictMarker] = true;
  static override isInstance = markerCheck<ConflictError>(conflictMarker);
}

const invalidRequestMarker = Symbol.for('salesos.error.invalid_request');
/** 400 or 422: the request was malformed or failed validation; `fieldErrors` says where. */
export class InvalidRequestError extends ApiError {
  override readonly code: string = 'invalid_request';
  /** @internal */
  readonly [invalidRequestMarker] = true;
  static override isInstance = markerCheck<InvalidRequestError>(invalidRequestMarker);
}

const rateLimitMarker = Symbol.for('salesos.error.rate_limit');
/** 429: too many requests; `retryAfterMs` says how long the vendor asked us to wait. */
export class RateLimitError extends ApiError {
  override readonly code: string = 'rate_limited';
  /** @internal */
  readonly [rateLimitMarker] = true;
  static override isInstance = markerCheck<RateLimitError>(rateLimitMarker);
}

const serverMarker = Symbol.for('salesos.error.server');
/** 5xx: the vendor failed. Usually retryable. */
export class ServerError extends ApiError {
  override readonly code: string = 'server_error';
  /** @internal */
  readonly [serverMarker] = true;
  static override isInstance = markerCheck<ServerError>(serverMarker);
}

/** Statuses that are worth retrying: the same call may succeed later. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * Creates the error class that matches an HTTP status.
 *
 * | status | class |
 * | --- | --- |
 * | 400, 422 | `InvalidRequestError` |
 * | 401 | `AuthenticationError` |
 * | 403 | `PermissionError` |
 * | 404 | `NotFoundError` |
 * | 409 | `ConflictError` |
 * | 429 | `RateLimitError` |
 * | 5xx | `ServerError` |
 * | other | `ApiError` |
 */
export function createApiError(message: string, details: ApiErrorDetails): ApiError {
  const status = details.status;
  const withRetryable = {
    ...details,
    retryable: details.retryable ?? (status !== undefined && RETRYABLE_STATUSES.has(status)),
  };
  switch (status) {
    case 400:
    case 422:
      return new InvalidRequestError(message, withRetryable);
    case 401:
      return new AuthenticationError(message, withRetryable);
    case 403:
      return new PermissionError(message, withRetryable);
    case 404:
      return new NotFoundError(message, withRetryable);
    case 409:
      return new ConflictError(message, withRetryable);
    case 429:
      return new RateLimitError(message, withRetryable);
    default:
      if (status !== undefined && status >= 500) return new ServerError(message, withRetryable);
      return new ApiError(message, withRetryable);
  }
}
