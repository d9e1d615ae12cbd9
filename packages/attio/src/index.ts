// @salesos/attio: Attio REST API v2 client, schema cache, value codec, filters, webhooks and connector.

export {
  ATTIO_BASE_URL,
  ATTIO_RATE_LIMITS,
  type AttioClient,
  type AttioClientCodec,
  type AttioClientOptions,
  type AttioRateLimiters,
  createAttioClient,
} from './client.ts';
export { STANDARD_ATTRIBUTES, type StandardAttribute } from './codec/standard-attributes.ts';
export {
  type AttioActorReference,
  type AttioAttributeInfo,
  type AttioCurrencyAmount,
  type AttioInteraction,
  type AttioLocation,
  type AttioPersonalName,
  type AttioPlainValue,
  type AttioPlainValues,
  type AttioRecordReference,
  decodeRecord,
  decodeValue,
  decodeValues,
  type EncodeValuesOptions,
  encodeValues,
} from './codec/value-codec.ts';
export {
  type AttioConnector,
  type AttioConnectorOptions,
  createAttioConnector,
} from './connector/attio-connector.ts';
export {
  type AttioErrorBody,
  AttioErrorBodySchema,
  type AttioValidationError,
  AttioValidationErrorSchema,
  parseAttioError,
} from './errors.ts';
export {
  type AttioAttributeConditions,
  type AttioFilter,
  type AttioFilterOperator,
  type AttioFilterScalar,
  attioFilter,
} from './filters/filter-builder.ts';
export {
  type FilterAttributeInfo,
  supportedOperators,
  type ValidateFilterOptions,
  validateFilter,
} from './filters/validate-filter.ts';
export type { AttioQueryParams } from './internal/query-pages.ts';
export { isAttioRead } from './internal/routed-http-client.ts';
export type { AttioAttributesListParams, AttioAttributesResource } from './resources/attributes.ts';
export type { AttioEntriesResource, AttioEntryUpdateOptions } from './resources/entries.ts';
export type { AttioListsResource } from './resources/lists.ts';
export type { AttioNotesListParams, AttioNotesResource } from './resources/notes.ts';
export type { AttioObjectsResource } from './resources/objects.ts';
export type {
  AttioAttributeValuesParams,
  AttioDecodedRecord,
  AttioRecordAssertInput,
  AttioRecordInput,
  AttioRecordsResource,
  AttioRecordUpdateOptions,
} from './resources/records.ts';
export type { AttioListControl, AttioRequestOptions } from './resources/resource-context.ts';
export type { AttioTasksListParams, AttioTasksResource } from './resources/tasks.ts';
export type {
  AttioCommentsResource,
  AttioThreadsListParams,
  AttioThreadsResource,
} from './resources/threads.ts';
export type { AttioWebhooksResource } from './resources/webhooks.ts';
export type { AttioWorkspaceMembersResource } from './resources/workspace-members.ts';
export {
  type AttioAttributeTarget,
  type AttioSchemaCache,
  type AttioSchemaCacheOptions,
  type AttioSchemaEvent,
  createAttioSchemaCache,
} from './schema-cache/attio-schema-cache.ts';
export {
  ATTIO_ATTRIBUTE_TYPES,
  type AttioAttribute,
  type AttioAttributeCreateInput,
  AttioAttributeSchema,
  type AttioAttributeType,
  type AttioAttributeUpdateInput,
  type AttioSelectOption,
  type AttioSelectOptionInput,
  AttioSelectOptionSchema,
  type AttioStatus,
  type AttioStatusInput,
  AttioStatusSchema,
} from './schemas/attribute.ts';
export {
  type AttioComment,
  type AttioCommentCreateInput,
  AttioCommentSchema,
  type AttioThread,
  AttioThreadSchema,
} from './schemas/comment.ts';
export { ATTIO_ACTOR_TYPES, type AttioActor, AttioActorSchema } from './schemas/common.ts';
export {
  type AttioAccessLevel,
  type AttioEntry,
  type AttioEntryCreateInput,
  AttioEntrySchema,
  type AttioEntryUpdateInput,
  type AttioList,
  type AttioListCreateInput,
  AttioListSchema,
  type AttioListUpdateInput,
} from './schemas/list.ts';
export { type AttioNote, type AttioNoteCreateInput, AttioNoteSchema } from './schemas/note.ts';
export {
  type AttioObject,
  type AttioObjectCreateInput,
  AttioObjectSchema,
  type AttioObjectUpdateInput,
} from './schemas/object.ts';
export {
  type AttioRecord,
  type AttioRecordEntry,
  AttioRecordEntrySchema,
  AttioRecordSchema,
  type AttioSort,
  type AttioWriteValue,
  type AttioWriteValues,
} from './schemas/record.ts';
export { type AttioSelf, AttioSelfSchema } from './schemas/self.ts';
export {
  type AttioAssigneeInput,
  type AttioLinkedRecordInput,
  type AttioTask,
  type AttioTaskCreateInput,
  AttioTaskSchema,
  type AttioTaskUpdateInput,
} from './schemas/task.ts';
export {
  AttioUnknownValueSchema,
  type AttioValue,
  type AttioValueOf,
  AttioValueSchema,
  AttioValueSchemas,
  type AttioValues,
  AttioValuesSchema,
} from './schemas/value.ts';
export {
  ATTIO_WEBHOOK_EVENT_TYPES,
  type AttioWebhook,
  type AttioWebhookCreateInput,
  type AttioWebhookEventType,
  type AttioWebhookFilter,
  type AttioWebhookFilterCondition,
  AttioWebhookSchema,
  type AttioWebhookSubscription,
  type AttioWebhookUpdateInput,
  type AttioWebhookWithSecret,
  AttioWebhookWithSecretSchema,
} from './schemas/webhook.ts';
export { type AttioWorkspaceMember, AttioWorkspaceMemberSchema } from './schemas/workspace-member.ts';
export { VERSION } from './version.ts';
export {
  AttioWebhookActorSchema,
  type AttioWebhookDelivery,
  type AttioWebhookEvent,
  type AttioWebhookEventMap,
  AttioWebhookEventSchemas,
  isAttioWebhookEventType,
  parseAttioDelivery,
} from './webhooks/attio-webhook-events.ts';
export {
  type AttioParsedDelivery,
  type AttioWebhookEventContext,
  type AttioWebhookHandlerOptions,
  createAttioWebhookHandler,
} from './webhooks/attio-webhook-handler.ts';
export {
  ATTIO_SIGNATURE_HEADERS,
  type VerifyAttioSignatureOptions,
  verifyAttioSignature,
} from './webhooks/verify-attio-signature.ts';
