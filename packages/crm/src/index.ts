// @salesos/crm: the bi-directional CRM sync engine. Named exports only; see shared STYLE.
import './events.ts';

export { sameFields } from './definition/same-fields.ts';
export type {
  AnySyncDefinition,
  ConflictPolicy,
  DeletePolicy,
  FieldMapping,
  FieldTransform,
  MappableField,
  SyncDefinition,
  SyncDirection,
  SyncSide,
  TransformContext,
} from './definition/sync-definition.ts';
export { createSyncEngine } from './engine/sync-engine.ts';
export type {
  ConflictResolution,
  FailureReason,
  PlannedWrite,
  RunCounts,
  RunOptions,
  RunSummary,
  SyncConflict,
  SyncDeadLetter,
  SyncEngine,
  SyncEngineOptions,
  SyncStatus,
  WebhookIntake,
} from './engine/types.ts';
export { SyncLockedError } from './errors/sync-locked-error.ts';
export type {
  SyncCheckpointExpiredEvent,
  SyncDeletesBlockedEvent,
  SyncDeleteUnconfirmedEvent,
  SyncEventBase,
  SyncProgressEvent,
  SyncRecordFailedEvent,
  SyncRunStartedEvent,
} from './events.ts';
export {
  createSyncPersonalDataStore,
  type SyncPersonalDataStoreOptions,
} from './privacy/sync-personal-data-store.ts';
export { VERSION } from './version.ts';
