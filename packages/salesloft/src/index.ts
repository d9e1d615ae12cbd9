// @salesos/salesloft: typed SalesLoft API v2 client, webhooks and canonical connector.

export {
  createSalesloftClient,
  SALESLOFT_BASE_URL,
  type SalesloftClient,
  type SalesloftClientOptions,
} from './client.ts';
export {
  companyToSalesloftInput,
  normalizeDomain,
  salesloftAccountToCompany,
} from './connector/map-company.ts';
export { personToSalesloftInput, salesloftPersonToPerson } from './connector/map-person.ts';
export {
  createSalesloftConnector,
  type SalesloftConnector,
  type SalesloftConnectorOptions,
} from './connector/salesloft-connector.ts';
export {
  parseSalesloftError,
  type SalesloftErrorBody,
  SalesloftErrorBodySchema,
  type SalesloftValidationErrorBody,
  SalesloftValidationErrorBodySchema,
} from './errors.ts';
export type { IterateUpdatedOptions } from './internal/iterate-updated.ts';
export {
  SALESLOFT_PAGE_COSTS,
  type SalesloftPageCostTier,
  salesloftCostOf,
  salesloftPageCost,
} from './ratelimit/salesloft-cost-of.ts';
export {
  createSalesloftRateLimiter,
  SALESLOFT_RATE_LIMIT,
  type SalesloftRateLimiterOptions,
} from './ratelimit/salesloft-rate-limiter.ts';
export type {
  SalesloftAccountInput,
  SalesloftAccountsIterateOptions,
  SalesloftAccountsListParams,
  SalesloftAccountsResource,
  SalesloftAccountUpsertInput,
} from './resources/accounts.ts';
export type {
  SalesloftActivitiesResource,
  SalesloftActivityResource,
  SalesloftCallsListParams,
  SalesloftEmailsListParams,
} from './resources/activities.ts';
export type {
  SalesloftCadenceMembershipInput,
  SalesloftCadenceMembershipsListParams,
  SalesloftCadenceMembershipsResource,
} from './resources/cadence-memberships.ts';
export type { SalesloftCadencesListParams, SalesloftCadencesResource } from './resources/cadences.ts';
export type {
  SalesloftNoteInput,
  SalesloftNotesListParams,
  SalesloftNotesResource,
  SalesloftNoteUpdate,
} from './resources/notes.ts';
export type {
  SalesloftPeopleIterateOptions,
  SalesloftPeopleListParams,
  SalesloftPeopleResource,
  SalesloftPersonInput,
  SalesloftPersonUpsertInput,
} from './resources/people.ts';
export type {
  SalesloftId,
  SalesloftListParams,
  SalesloftRequestOptions,
  SalesloftResourceContext,
  SalesloftTimeRange,
} from './resources/resource-context.ts';
export type { SalesloftStepsListParams, SalesloftStepsResource } from './resources/steps.ts';
export type {
  SalesloftTaskInput,
  SalesloftTasksListParams,
  SalesloftTasksResource,
  SalesloftTaskUpdate,
} from './resources/tasks.ts';
export type { SalesloftUsersListParams, SalesloftUsersResource } from './resources/users.ts';
export type {
  SalesloftWebhookSubscriptionInput,
  SalesloftWebhookSubscriptionsListParams,
  SalesloftWebhookSubscriptionsResource,
  SalesloftWebhookSubscriptionUpdate,
} from './resources/webhook-subscriptions.ts';
export {
  type SalesloftAccount,
  SalesloftAccountSchema,
  type SalesloftAccountUpsert,
  SalesloftAccountUpsertSchema,
} from './schemas/account.ts';
export { type SalesloftCadence, SalesloftCadenceSchema } from './schemas/cadence.ts';
export {
  type SalesloftCadenceMembership,
  SalesloftCadenceMembershipSchema,
} from './schemas/cadence-membership.ts';
export { type SalesloftCall, SalesloftCallSchema } from './schemas/call.ts';
export {
  type SalesloftEmbeddedResource,
  SalesloftEmbeddedResourceSchema,
  type SalesloftList,
  type SalesloftListMetadata,
  SalesloftListMetadataSchema,
  type SalesloftPaging,
  SalesloftPagingSchema,
  salesloftListSchema,
  salesloftRecordSchema,
} from './schemas/common.ts';
export { type SalesloftEmail, SalesloftEmailCountsSchema, SalesloftEmailSchema } from './schemas/email.ts';
export { type SalesloftMeeting, SalesloftMeetingSchema } from './schemas/meeting.ts';
export { type SalesloftNote, SalesloftNoteSchema } from './schemas/note.ts';
export {
  type SalesloftPerson,
  SalesloftPersonCountsSchema,
  SalesloftPersonSchema,
  type SalesloftPersonUpsert,
  SalesloftPersonUpsertSchema,
} from './schemas/person.ts';
export { type SalesloftStep, SalesloftStepSchema } from './schemas/step.ts';
export { type SalesloftTask, SalesloftTaskSchema } from './schemas/task.ts';
export { type SalesloftUser, SalesloftUserSchema } from './schemas/user.ts';
export {
  type SalesloftWebhookSubscription,
  SalesloftWebhookSubscriptionSchema,
} from './schemas/webhook-subscription.ts';
export { VERSION } from './version.ts';
export { SALESLOFT_EVENT_TYPES, type SalesloftEventType } from './webhooks/event-types.ts';
export {
  type ParseSalesloftEventOptions,
  parseSalesloftEvent,
  type SalesloftAccountEvent,
  type SalesloftCadenceEvent,
  type SalesloftCadenceMembershipEvent,
  type SalesloftCallEvent,
  type SalesloftEmailEvent,
  type SalesloftEvent,
  type SalesloftMeetingEvent,
  type SalesloftNoteEvent,
  type SalesloftOtherEvent,
  type SalesloftPersonEvent,
  type SalesloftStepEvent,
  type SalesloftTaskEvent,
  type SalesloftUserEvent,
} from './webhooks/parse-salesloft-event.ts';
export { salesloftEventToActivities } from './webhooks/salesloft-event-to-activities.ts';
export {
  createSalesloftWebhookHandler,
  type SalesloftWebhookHandlerOptions,
} from './webhooks/salesloft-webhook-handler.ts';
export {
  SALESLOFT_EVENT_HEADER,
  SALESLOFT_SIGNATURE_HEADER,
  type VerifySalesloftSignatureOptions,
  verifySalesloftSignature,
} from './webhooks/verify-salesloft-signature.ts';
