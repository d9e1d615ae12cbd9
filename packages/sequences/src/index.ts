// @salesos/sequences: the outreach sequence engine. Named exports only; see shared STYLE.
import './events.ts';

export {
  createUnsubscribeHandler,
  type UnsubscribeHandlerOptions,
} from './compliance/create-unsubscribe-handler.ts';
export {
  createSuppressionList,
  type SuppressionEntry,
  type SuppressionList,
  type SuppressionListOptions,
  type SuppressionReason,
} from './compliance/suppression-list.ts';
export {
  createUnsubscribeTokens,
  type UnsubscribeRecipient,
  type UnsubscribeTokens,
  type UnsubscribeTokensOptions,
} from './compliance/unsubscribe-tokens.ts';
export { DefinitionError } from './definition/definition-error.ts';
export {
  CallStepSchema,
  type EmailStep,
  EmailStepSchema,
  EmailVariantSchema,
  LinkedInStepSchema,
  parseSequenceDefinition,
  SendWindowSchema,
  type SequenceDefinition,
  type SequenceDefinitionInput,
  SequenceDefinitionSchema,
  type SequenceSettings,
  SequenceSettingsSchema,
  type SequenceStep,
  SequenceStepSchema,
  StepDelaySchema,
  type StepType,
  TaskStepSchema,
  WaitStepSchema,
} from './definition/sequence-definition.ts';
export {
  createSequenceEngine,
  type EnrollInput,
  type EnrollmentReport,
  type PreviewInput,
  type SequenceEngine,
  type SequenceEngineOptions,
  type StepPreview,
  type StoredDefinition,
} from './engine/create-sequence-engine.ts';
export {
  EnrollmentError,
  type EnrollmentErrorOptions,
  type EnrollmentErrorReason,
} from './engine/enrollment-error.ts';
export { SEQUENCE_JOB_NAMES } from './engine/job-names.ts';
export type {
  ChannelContext,
  EmailSender,
  Enrollment,
  EnrollmentStatus,
  EnrollmentThread,
  EnrollmentTransition,
  FinishReason,
  LinkedInAction,
  Mailbox,
  OutgoingEmail,
  PauseReason,
  SentEmail,
  SequenceTask,
  StepExecution,
  TaskSink,
  TransitionReason,
} from './engine/types.ts';
export type { DeferReason, EnrollmentTransitionEvent, SequenceStepEventBase } from './events.ts';
export {
  createSequencePersonalDataStore,
  type SequencePersonalDataStoreOptions,
} from './privacy/sequence-personal-data-store.ts';
export { sequenceForTier, type TierSequenceMap } from './routing/sequence-for-tier.ts';
export { type ScheduleStepOptions, type StepDelay, scheduleStep } from './schedule/schedule-step.ts';
export {
  isWithinSendWindow,
  nextWindowOpening,
  type SendWindow,
  WEEKDAYS,
  type Weekday,
} from './schedule/send-window.ts';
export {
  createRecordingSender,
  type RecordedEmail,
  type RecordingSender,
  type RecordingSenderOptions,
} from './senders/recording-sender.ts';
export {
  escapeHtml,
  findMissingVariables,
  parseTemplate,
  type RenderTemplateOptions,
  renderTemplate,
  type TemplateTag,
  type TemplateVariables,
} from './template/render-template.ts';
export { TemplateError, type TemplateErrorOptions } from './template/template-error.ts';
export {
  createTracking,
  type InstrumentOptions,
  type Tracking,
  type TrackingContext,
  type TrackingOptions,
} from './tracking/create-tracking.ts';
export { VERSION } from './version.ts';
