// @salesos/apollo: typed Apollo.io API v1 client, credit tracking and canonical connector.

export { APOLLO_BASE_URL, type ApolloClient, createApolloClient } from './client.ts';
export type { ApolloClientOptions } from './client-options.ts';
export {
  type ApolloConnector,
  type ApolloConnectorOptions,
  createApolloConnector,
} from './connector/apollo-connector.ts';
export {
  APOLLO_SYSTEM_ID,
  apolloAccountToCompany,
  apolloContactToPerson,
  apolloOrganizationToCompany,
  apolloPersonToPerson,
  apolloSearchPersonToPerson,
  companyToApolloAccount,
  personToApolloContact,
} from './connector/canonical-mapping.ts';
export {
  type CreditBudgetExceededDetails,
  CreditBudgetExceededError,
  type CreditBudgetPeriod,
} from './credits/credit-budget-exceeded-error.ts';
export { APOLLO_CREDIT_PRICES } from './credits/credit-prices.ts';
export {
  type CreditBudget,
  type CreditPeriodUsage,
  type CreditReservation,
  type CreditTracker,
  type CreditTrackerOptions,
  type CreditUsage,
  createCreditTracker,
  type EnrichmentKind,
} from './credits/credit-tracker.ts';
export {
  APOLLO_KEY_SCOPE_CODE,
  APOLLO_PAID_PLAN_CODE,
  ApolloBulkErrorBodySchema,
  ApolloErrorBodySchema,
  ApolloMessageBodySchema,
  type ApolloRateLimitExceededDetails,
  ApolloRateLimitExceededError,
  ApolloResultLimitError,
  isApolloKeyScopeError,
  isApolloPlanError,
  parseApolloErrorBody,
} from './errors.ts';
export type {
  ApolloCreditBudgetEvent,
  ApolloCreditsSpentEvent,
  ApolloEnrichmentCacheEvent,
  ApolloRateLimitEvent,
} from './events.ts';
export type { ApolloRange } from './internal/query.ts';
export {
  type ApolloRateLimiter,
  type ApolloRateLimiterOptions,
  type ApolloRateWindowState,
  createApolloRateLimiter,
} from './ratelimit/apollo-rate-limiter.ts';
export {
  type ApolloRateWindow,
  readRateLimitHeaders,
  type WindowReading,
} from './ratelimit/rate-limit-headers.ts';
export type {
  AccountsResource,
  ApolloAccountInput,
  ApolloAccountSearchFilters,
} from './resources/accounts.ts';
export type {
  ApolloBulkContactInput,
  ApolloContactBulkCreateOptions,
  ApolloContactBulkUpdateInput,
  ApolloContactCreateOptions,
  ApolloContactInput,
  ApolloContactSearchFilters,
  ContactsResource,
} from './resources/contacts.ts';
export type { ApolloDealInput, ApolloDealSearchFilters, DealsResource } from './resources/deals.ts';
export type {
  ApolloOrganizationDetails,
  ApolloOrganizationEnrichment,
  ApolloOrganizationEnrichOptions,
  ApolloOrganizationSearchFilters,
  OrganizationsResource,
} from './resources/organizations.ts';
export {
  type ApolloEmailStatus,
  type ApolloListOptions,
  type ApolloPeopleSearchFilters,
  type ApolloPersonDetails,
  type ApolloPersonEnrichment,
  type ApolloPersonEnrichOptions,
  type ApolloSeniority,
  BULK_ENRICH_CHUNK,
  type PeopleResource,
} from './resources/people.ts';
export type {
  ApolloAddContactsInput,
  ApolloRemoveOrStopInput,
  ApolloSequenceSearchFilters,
  SequencesResource,
} from './resources/sequences.ts';
export type {
  ApolloTaskInput,
  ApolloTaskSearchFilters,
  ApolloTaskType,
  TasksResource,
} from './resources/tasks.ts';
export type { UsageResource } from './resources/usage.ts';
export type { EmailAccountsResource, UsersResource } from './resources/users.ts';
export { type ApolloAccount, ApolloAccountSchema } from './schemas/account.ts';
export { type ApolloPagination, ApolloPaginationSchema, type ApolloPhoneNumber } from './schemas/common.ts';
export {
  type ApolloContact,
  type ApolloContactBulkCreateResponse,
  type ApolloContactBulkUpdateResponse,
  ApolloContactSchema,
} from './schemas/contact.ts';
export {
  type ApolloOpportunity,
  ApolloOpportunitySchema,
  type ApolloOpportunityStage,
  ApolloOpportunityStageSchema,
} from './schemas/opportunity.ts';
export {
  type ApolloJobPosting,
  ApolloJobPostingSchema,
  type ApolloOrganization,
  ApolloOrganizationSchema,
} from './schemas/organization.ts';
export {
  type ApolloPeopleBulkMatchResponse,
  type ApolloPerson,
  type ApolloPersonMatchResponse,
  ApolloPersonSchema,
  type ApolloSearchPerson,
  ApolloSearchPersonSchema,
} from './schemas/person.ts';
export {
  type ApolloAddContactsResponse,
  type ApolloRemoveOrStopResponse,
  type ApolloSequence,
  ApolloSequenceSchema,
} from './schemas/sequence.ts';
export { type ApolloTask, ApolloTaskSchema } from './schemas/task.ts';
export type {
  ApolloApiUsageStats,
  ApolloCreditUsageStats,
  ApolloUsageCounter,
} from './schemas/usage.ts';
export {
  type ApolloEmailAccount,
  ApolloEmailAccountSchema,
  type ApolloUser,
  ApolloUserSchema,
} from './schemas/user.ts';
export { VERSION } from './version.ts';
