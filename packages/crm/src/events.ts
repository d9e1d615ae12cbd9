import type { EntityType } from '@salesos/core';
import type { SyncSide } from './definition/sync-definition.ts';
import type { FailureReason, RunCounts, RunSummary, SyncConflict } from './engine/types.ts';

/** Fields every sync event carries. */
export interface SyncEventBase {
  syncId: string;
  tenantId: string;
  entity: EntityType;
}

/** Payload of `crm.run_started`. */
export interface SyncRunStartedEvent extends SyncEventBase {
  runId: string;
  mode: 'full' | 'incremental';
  dryRun: boolean;
  resumed: boolean;
}

/** Payload of `crm.progress`, emitted after every batch. */
export interface SyncProgressEvent extends SyncEventBase {
  runId: string;
  /** The step of the run: reading a side, settling pending records, deletes. */
  phase: string;
  /** Batches committed so far in this run. */
  batches: number;
  /** Counters so far. */
  counts: RunCounts;
}

/** Payload of `crm.record_failed`. */
export interface SyncRecordFailedEvent extends SyncEventBase {
  side: SyncSide;
  id: string;
  reason: FailureReason;
  message: string;
}

/** Payload of `crm.deletes_blocked`. */
export interface SyncDeletesBlockedEvent extends SyncEventBase {
  runId: string;
  /** The side that would have lost records. */
  side: SyncSide;
  /** Deletes and archives held back. */
  count: number;
  /** Linked records before the deletes. */
  linked: number;
  /** The guard's ratio. */
  maxDeleteRatio: number;
}

/**
 * Payload of `crm.delete_unconfirmed`: a webhook reported a delete, but the record still
 * exists in its system, so nothing was deleted and the record was synced as it is.
 */
export interface SyncDeleteUnconfirmedEvent extends SyncEventBase {
  /** The side whose webhook reported the delete. */
  side: SyncSide;
  /** The record's id on that side. */
  id: string;
  /** The delete time the webhook gave. */
  deletedAt: string;
}

/**
 * Payload of `crm.checkpoint_expired`: a side's connector threw `CheckpointExpiredError` for
 * the saved checkpoint, so the run reads that side from the beginning (deletes are inferred
 * only if that listing completes).
 */
export interface SyncCheckpointExpiredEvent extends SyncEventBase {
  runId: string;
  /** The side whose checkpoint expired. */
  side: SyncSide;
  /** The step of the run that was reading it. */
  phase: string;
  /** The checkpoint the connector refused. */
  checkpoint: string;
  /** The oldest point the system still covers, when the connector said. */
  oldestAvailable?: string;
  /** The connector's message. */
  message: string;
}

declare module '@salesos/core' {
  interface SalesOSEventMap {
    /** A sync run started (or resumed). */
    'crm.run_started': SyncRunStartedEvent;
    /** A batch of a run was committed. */
    'crm.progress': SyncProgressEvent;
    /** A run finished, stopped or failed; the summary says which. */
    'crm.run_completed': RunSummary & { entity: EntityType };
    /** Both sides changed the same field since the last sync. */
    'crm.conflict_detected': SyncConflict;
    /** A record failed and went to dead letters. */
    'crm.record_failed': SyncRecordFailedEvent;
    /** The mass-delete guard held deletes back. */
    'crm.deletes_blocked': SyncDeletesBlockedEvent;
    /** A webhook delete was not confirmed by the record's system: the record was kept. */
    'crm.delete_unconfirmed': SyncDeleteUnconfirmedEvent;
    /** A side's saved checkpoint expired: the run reads that side in full. */
    'crm.checkpoint_expired': SyncCheckpointExpiredEvent;
  }
}
