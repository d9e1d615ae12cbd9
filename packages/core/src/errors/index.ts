export {
  ApiError,
  type ApiErrorDetails,
  AuthenticationError,
  ConflictError,
  createApiError,
  type FieldError,
  InvalidRequestError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  RETRYABLE_STATUSES,
  ServerError,
} from './api-error.ts';
export {
  CircuitOpenError,
  ConfigError,
  NetworkError,
  ResponseValidationError,
  TimeoutError,
  type ValidationIssue,
  WebhookVerificationError,
} from './client-errors.ts';
export { SalesOSError, type SalesOSErrorOptions } from './salesos-error.ts';
