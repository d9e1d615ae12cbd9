// @salesos/core: contracts and runtime. Named exports only; see shared STYLE.

// -- contracts (storage, queue, webhooks, model, connector) --
export type { Cache, CacheSetOptions } from './cache/cache.ts';
export { createMemoryCache, type MemoryCacheOptions } from './cache/memory-cache.ts';
export { type Clock, systemClock } from './clock/clock.ts';
export type {
  Change,
  ChangeBatch,
  Connector,
  DeleteChange,
  EntityConnector,
  EntityConnectors,
  ListChangesOptions,
  MatchByFieldMap,
  UpsertChange,
  UpsertOptions,
  UpsertRecord,
  UpsertResult,
  WebhookHeaders,
} from './connector/connector.ts';
export {
  type ConnectorMethod,
  createMemoryConnector,
  type MemoryConnector,
  type MemoryConnectorOptions,
  type MemoryWebhookChange,
  type RemoteRecords,
} from './connector/memory-connector.ts';
export {
  createStorageConnector,
  type StorageConnector,
  type StorageConnectorOptions,
  type StorageEntityConnector,
} from './connector/storage-connector.ts';
export {
  CheckpointExpiredError,
  type CheckpointExpiredErrorOptions,
} from './errors/checkpoint-expired-error.ts';
export {
  ApiError,
  type ApiErrorDetails,
  AuthenticationError,
  CircuitOpenError,
  ConfigError,
  ConflictError,
  createApiError,
  type FieldError,
  InvalidRequestError,
  NetworkError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  RETRYABLE_STATUSES,
  ResponseValidationError,
  SalesOSError,
  type SalesOSErrorOptions,
  ServerError,
  TimeoutError,
  type ValidationIssue,
  WebhookVerificationError,
} from './errors/index.ts';
export {
  createEventBus,
  type EventBus,
  type HttpEventBase,
  type SalesOSEventMap,
} from './events/event-bus.ts';
export { createEventEnvelope, type EventEnvelope, EventEnvelopeSchema } from './events/event-envelope.ts';
export { createHttpClient } from './http/http-client.ts';
export { fullJitterDelay, retryAfterMs } from './http/retry-policy.ts';
export type {
  ErrorBodyParser,
  HttpAuth,
  HttpClient,
  HttpClientOptions,
  HttpMethod,
  HttpResponse,
  ParsedErrorBody,
  Query,
  QueryValue,
  RequestOptions,
  ShorthandOptions,
  TokenProvider,
} from './http/types.ts';
export { errorMessage } from './internal/error-message.ts';
export {
  backoffDelay,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF,
  MAX_PRIORITY,
  type ResolvedJobOptions,
  resolveConcurrency,
  resolveJobOptions,
} from './internal/job-options.ts';
export { createRedactor, isSecretKey, REDACTED, type Redactor } from './internal/redact.ts';
export { type LogFunction, type Logger, noopLogger } from './logger/logger.ts';
export {
  ACTIVITY_TYPES,
  type Activity,
  ActivitySchema,
  type ActivityType,
  ActivityTypeSchema,
  type Company,
  CompanySchema,
  type Deal,
  DealSchema,
  ENTITY_TYPES,
  type EntityRecordMap,
  type EntityType,
  type ExternalIds,
  ExternalIdsSchema,
  type Person,
  PersonSchema,
  SENIORITIES,
  type Seniority,
  SenioritySchema,
  SIGNAL_TYPES,
  type Signal,
  SignalSchema,
  type SignalType,
  SignalTypeSchema,
} from './model/canonical.ts';
export {
  type Page,
  type PageFetcher,
  type PageResult,
  type PaginateOptions,
  type Paginator,
  paginate,
  paginateByOffset,
  paginateByPage,
} from './pagination/paginator.ts';
export type {
  ForgetResult,
  PersonalDataRecord,
  PersonalDataStore,
  PersonalDataSubject,
  PersonalDataSuppression,
} from './privacy/personal-data-store.ts';
export {
  createPrivacyService,
  type PersonalDataErasure,
  type PersonalDataExport,
  type PersonalDataRequest,
  type PrivacyService,
  type PrivacyServiceOptions,
} from './privacy/privacy-service.ts';
export { createMemoryQueue, type MemoryQueueOptions } from './queue/memory-queue.ts';
export { PermanentJobError } from './queue/permanent-job-error.ts';
export type {
  AddResult,
  Backoff,
  CloseOptions,
  DeadLetter,
  Job,
  JobCounts,
  JobHandler,
  JobOptions,
  ProcessOptions,
  Queue,
} from './queue/queue.ts';
export { createStorageQueue, type StorageQueueOptions } from './queue/storage-queue.ts';
export {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  createCircuitBreaker,
} from './ratelimit/circuit-breaker.ts';
export {
  type ConcurrencyLimiterOptions,
  createConcurrencyLimiter,
} from './ratelimit/concurrency-limiter.ts';
export {
  type CostBudgetLimiter,
  type CostBudgetLimiterOptions,
  createCostBudgetLimiter,
} from './ratelimit/cost-budget-limiter.ts';
export type { ObservedResponse, RateLimiter, RateLimitRequest } from './ratelimit/rate-limiter.ts';
export {
  createTokenBucketLimiter,
  type TokenBucketLimiter,
  type TokenBucketLimiterOptions,
} from './ratelimit/token-bucket-limiter.ts';
export {
  type AtomicMutation,
  type AtomicOperationOptions,
  createAtomicOperation,
  expiryTime,
  formatVersionstamp,
  normalizeAtomicChecks,
  parseStorageValue,
  serializeStorageValue,
} from './storage/adapter-helpers.ts';
export { compareKeyParts, compareKeys, compareStrings } from './storage/compare-keys.ts';
export { decodeKey, encodeKey } from './storage/encode-key.ts';
export {
  type CreateListIteratorOptions,
  compareBytes,
  createListIterator,
  cursorAfter,
  type KeyRange,
  type ListBatchFetcher,
  type ListBatchRequest,
  resolveListRange,
} from './storage/list-iterator.ts';
export {
  createMemoryStorage,
  type MemoryStorage,
  type MemoryStorageOptions,
} from './storage/memory-storage.ts';
export { scopeStorage, TENANT_KEY_PREFIX } from './storage/scope-storage.ts';
export type {
  AtomicCheck,
  AtomicCheckArguments,
  AtomicOperation,
  CommitFailure,
  CommitResult,
  CommitSuccess,
  Entry,
  EntryMaybe,
  EntryMissing,
  Key,
  KeyPart,
  ListIterator,
  ListOptions,
  ListSelector,
  SetOptions,
  Storage,
} from './storage/storage.ts';
export { InvalidKeyError, type InvalidKeyErrorOptions, StorageError } from './storage/storage-error.ts';
export { type ValidateKeyOptions, validateKey } from './storage/validate-key.ts';
export { VERSION } from './version.ts';
export { type VerifyHmacSignatureOptions, verifyHmacSignature } from './webhooks/verify-hmac-signature.ts';
export {
  createWebhookHandler,
  DEFAULT_MAX_WEBHOOK_BODY_BYTES,
  type WebhookDedupeOptions,
  type WebhookDelivery,
  type WebhookEventContext,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from './webhooks/webhook-handler.ts';
