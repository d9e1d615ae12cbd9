import { ApiError, type ApiErrorDetails } from './api-error.ts';
import { markerCheck, SalesOSError, type SalesOSErrorOptions } from './salesos-error.ts';

const timeoutMarker = Symbol.for('salesos.error.timeout');
/** A call got no response within `timeoutMs`. Retryable for idempotent calls. */
export class TimeoutError extends ApiError {
  override readonly code: string = 'timeout';
  /** @internal */
  readonly [timeoutMarker] = true;
  constructor(message: string, details: ApiErrorDetails) {
    super(message, { retryable: true, ...details });
  }
  static override isInstance = markerCheck<TimeoutError>(timeoutMarker);
}

const networkMarker = Symbol.for('salesos.error.network');
/** The connection failed (DNS, refused, reset) before a response arrived. */
export class NetworkError extends ApiError {
  override readonly code: string = 'network_error';
  /** @internal */
  readonly [networkMarker] = true;
  constructor(message: string, details: ApiErrorDetails) {
    super(message, { retryable: true, ...details });
  }
  static override isInstance = markerCheck<NetworkError>(networkMarker);
}

const circuitOpenMarker = Symbol.for('salesos.error.circuit_open');
/** The circuit breaker is open after repeated failures: the call was not sent. */
export class CircuitOpenError extends SalesOSError {
  override readonly code: string = 'circuit_open';
  /** Milliseconds until the breaker lets a trial call through. */
  readonly retryAfterMs: number;
  /** @internal */
  readonly [circuitOpenMarker] = true;
  constructor(message: string, options: SalesOSErrorOptions & { retryAfterMs: number }) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
  static override isInstance = markerCheck<CircuitOpenError>(circuitOpenMarker);
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

/** One mismatch between a response and its schema. */
export interface ValidationIssue {
  /** Dotted path into the body (`data.0.email_addresses`). */
  path: string;
  message: string;
}

const responseValidationMarker = Symbol.for('salesos.error.response_validation');
/** A vendor response did not match the schema the call expected. */
export class ResponseValidationError extends SalesOSError {
  override readonly code: string = 'response_validation';
  readonly vendor: string;
  /** `METHOD /path/template` of the call whose response failed. */
  readonly endpoint: string;
  readonly issues: ValidationIssue[];
  /** @internal */
  readonly [responseValidationMarker] = true;
  constructor(
    message: string,
    options: SalesOSErrorOptions & { vendor: string; endpoint: string; issues: ValidationIssue[] },
  ) {
    super(message, options);
    this.vendor = options.vendor;
    this.endpoint = options.endpoint;
    this.issues = options.issues;
  }
  static override isInstance = markerCheck<ResponseValidationError>(responseValidationMarker);
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), vendor: this.vendor, endpoint: this.endpoint, issues: this.issues };
  }
}

const webhookVerificationMarker = Symbol.for('salesos.error.webhook_verification');
/** A webhook delivery failed verification (signature, timestamp, or shape). */
export class WebhookVerificationError extends SalesOSError {
  override readonly code: string = 'webhook_verification';
  /** @internal */
  readonly [webhookVerificationMarker] = true;
  static override isInstance = markerCheck<WebhookVerificationError>(webhookVerificationMarker);
}

const configMarker = Symbol.for('salesos.error.config');
/** Options or configuration are missing or invalid; the message names the field. */
export class ConfigError extends SalesOSError {
  override readonly code: string = 'config_error';
  /** @internal */
  readonly [configMarker] = true;
  static override isInstance = markerCheck<ConfigError>(configMarker);
}
