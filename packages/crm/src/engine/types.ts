import type { Clock, EntityType, EventBus, Logger, Queue, Storage, WebhookHeaders } from '@salesos/core';
import type { AnySyncDefinition, SyncSide } from '../definition/sync-definition.ts';

/** Options of `createSyncEngine`. */
export interface SyncEngineOptions {
  /** Where id maps, cursors, checkpoints, conflicts and dead letters live. Keys are scoped per tenant. */
  storage: Storage;
  /** Carries webhook-driven single-record syncs (see `handleWebhook`). */
  queue: Queue;
  /** Receives the `crm.*` events. Default: none. */
  events?: EventBus;
  /** Where the engine logs. Default: no logging. */
  logger?: Logger;
  /** Time source for retries, leases and summaries. Default `systemClock`. */
  clock?: Clock;
  /** How many writes to a connector run at the same time within a batch. Default `8`. */
  concurrency?: number;
  /**
   * Retries of a write that failed with a transient error (429, 5xx, timeout, network) within a
   * run, before the record is dead-lettered (and retried again on the next run).
   * Default `{ attempts: 3, delayMs: 500, maxDelayMs: 10_000 }`.
   */
  retry?: { attempts?: number; delayMs?: number; maxDelayMs?: number };
  /** Name of the queue jobs of webhook-driven syncs. Default `crm.sync-record`. */
  queueName?: string;
  /** How long a run or job holds the sync's lease in storage before another process may take it. Default 60 s. */
  leaseMs?: number;
  /** Records per batch when the engine walks its own state (dirty records, delete inference). Default `500`. */
  batchSize?: number;
}

/** Options of `engine.run`. */
export interface RunOptions {
  /**
   * `full` walks both systems from the beginning and infers deletes from complete listings;
   * `incremental` walks from the saved cursors. The first run of a sync is always full. A side
   * whose connector reports its cursor expired (`CheckpointExpiredError`) is walked in full.
   * Default `incremental`.
   */
  mode?: 'full' | 'incremental';
  /** Computes and reports everything without writing to either system or to storage. Default `false`. */
  dryRun?: boolean;
  /** Lets this run delete or archive more than the mass-delete guard allows. Default `false`. */
  confirmDeletes?: boolean;
  /** Stops the run between batches; it resumes from its last checkpoint next time. */
  signal?: AbortSignal;
}

/** Counters of one run. */
export interface RunCounts {
  /** Changes read from the systems. */
  seen: number;
  /** Records created. */
  created: number;
  /** Records updated. */
  updated: number;
  /** Records deleted. */
  deleted: number;
  /** Records archived. */
  archived: number;
  /** Changes that needed no write: unchanged content, our own writes coming back, stale versions. */
  skipped: number;
  /** Records that failed and went to dead letters. */
  failed: number;
  /** Conflicts detected. */
  conflicts: number;
  /** Pairs linked on first contact (matched by key, or created). */
  linked: number;
}

/** What a run did, emitted as `crm.run_completed` and answered by `engine.run`. */
export interface RunSummary {
  syncId: string;
  tenantId: string;
  runId: string;
  mode: 'full' | 'incremental';
  dryRun: boolean;
  /** `true` when the run continued one that stopped (crash, abort, failure) before finishing. */
  resumed: boolean;
  status: 'completed' | 'aborted' | 'failed';
  /** ISO-8601. */
  startedAt: string;
  /** ISO-8601. */
  finishedAt: string;
  durationMs: number;
  counts: RunCounts;
  /**
   * The same counters by side: `created`, `updated`, `deleted` and `archived` count on the side
   * written; the others on the side the change was read from.
   */
  sides: { left: RunCounts; right: RunCounts };
  /** Whether each side's listing reached its end in this run (deletes are inferred only then). */
  complete: { left: boolean; right: boolean };
  /**
   * Sides whose saved checkpoint the connector reported expired (`CheckpointExpiredError`, event
   * `crm.checkpoint_expired`): this run read them from the beginning, as a full run does, and
   * inferred their deletes when that listing completed. `mode` stays the mode of the run.
   */
  checkpointExpired: { left: boolean; right: boolean };
  /** Deletes held back by the mass-delete guard, per side that would have lost records. */
  blockedDeletes: { left: number; right: number };
  /** The failure, when `status` is `failed`. */
  error?: string;
  /** In a dry run: the writes that would have been made. */
  plan?: PlannedWrite[];
}

/** A write a dry run would have made. */
export interface PlannedWrite {
  side: SyncSide;
  action: 'create' | 'update' | 'delete' | 'archive';
  /** The record id on `side`, when it exists. */
  id?: string;
  /** The fields that would be written. */
  values?: Record<string, unknown>;
}

/** What `engine.status` answers. */
export interface SyncStatus {
  syncId: string;
  tenantId: string;
  entity: EntityType;
  /** `running` while a run of this engine is in progress; `interrupted` when a run stopped before finishing. */
  state: 'idle' | 'running' | 'interrupted';
  /** Whether a first full run has completed. */
  initialized: boolean;
  /** Linked pairs in the id map. */
  linked: number;
  /** Conflicts waiting for review. */
  conflicts: number;
  /** Records in dead letters. */
  deadLetters: number;
  /** Deletes waiting for confirmation. */
  pendingDeletes: number;
  /** The last finished run. */
  lastRun: RunSummary | null;
}

/** A conflict stored for review (`conflictPolicy: 'manual'`) or resolved by a policy and reported. */
export interface SyncConflict {
  /** Stable id: the same pair and field always give the same id. */
  id: string;
  syncId: string;
  tenantId: string;
  entity: EntityType;
  leftId: string;
  rightId: string;
  /** The left field name. */
  leftField: string;
  /** The right field name. */
  rightField: string;
  leftValue: unknown;
  rightValue: unknown;
  /** The left record's `updatedAt`. */
  leftUpdatedAt: string | null;
  /** The right record's `updatedAt`. */
  rightUpdatedAt: string | null;
  /** ISO-8601 time of detection. */
  detectedAt: string;
  /** The side that won, or `manual` when the conflict waits for review. */
  resolution: SyncSide | 'manual';
}

/** How to settle a stored conflict: keep one side's value, or write a value to both sides. */
export type ConflictResolution = { winner: SyncSide } | { value: unknown };

/** Why a record failed. */
export type FailureReason =
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'permission'
  | 'transform'
  | 'duplicate_key'
  | 'transient'
  | 'error';

/** A record that could not be synced. It is retried on every later run until it succeeds. */
export interface SyncDeadLetter {
  syncId: string;
  /** The side the record comes from. */
  side: SyncSide;
  /** Its id on that side. */
  id: string;
  reason: FailureReason;
  /** What went wrong, without secrets. */
  message: string;
  /** How many runs or jobs tried it. */
  attempts: number;
  /** ISO-8601 time of the last failure. */
  failedAt: string;
}

/** What `engine.handleWebhook` answers. */
export interface WebhookIntake {
  /** Changes put on the queue (a repeated delivery of the same version is not queued twice). */
  enqueued: number;
  /** Changes in the payload. */
  changes: number;
}

/**
 * The sync engine. See `createSyncEngine`.
 */
export interface SyncEngine {
  /** Registers a sync. Throws `ConfigError` naming what is wrong with the definition. */
  define(definition: AnySyncDefinition): void;
  /** Runs a sync: a full backfill the first time, incremental after. Resumes a run that stopped. */
  run(syncId: string, options?: RunOptions): Promise<RunSummary>;
  /** Where a sync stands. */
  status(syncId: string): Promise<SyncStatus>;
  /** Conflicts waiting for review, oldest first. */
  listConflicts(syncId: string): Promise<SyncConflict[]>;
  /** Settles a stored conflict: writes the chosen value to the side(s) that need it. */
  resolveConflict(syncId: string, conflictId: string, resolution: ConflictResolution): Promise<void>;
  /** Records that failed and will be retried on the next run. */
  listDeadLetters(syncId: string): Promise<SyncDeadLetter[]>;
  /**
   * Turns a verified webhook body of one side into changes (with the side's `parseWebhook`) and
   * queues a single-record sync for each. Out-of-order deliveries are resolved by `updatedAt`.
   */
  handleWebhook(
    syncId: string,
    side: SyncSide,
    payload: unknown,
    headers?: WebhookHeaders,
  ): Promise<WebhookIntake>;
}
