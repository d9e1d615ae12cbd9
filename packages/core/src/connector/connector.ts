import type { EntityRecordMap, EntityType } from '../model/canonical.ts';

/** A record was created or updated in the connected system. */
export interface UpsertChange<T> {
  readonly type: 'upsert';
  /** The record's id in the connected system (equal to `record.id`). */
  readonly id: string;
  /** The whole canonical record as it is now. */
  readonly record: T;
  /** When the system last changed it, ISO-8601. */
  readonly updatedAt: string;
}

/** A record was deleted (or archived) in the connected system. */
export interface DeleteChange {
  readonly type: 'delete';
  /** The record's id in the connected system. */
  readonly id: string;
  /** When it was deleted, ISO-8601 (the detection time when the system does not say). */
  readonly deletedAt: string;
}

/** One change of one record. */
export type Change<T> = UpsertChange<T> | DeleteChange;

/**
 * A batch of changes and the checkpoint that follows it.
 *
 * Storing `checkpoint` after handling `changes` and passing it back as `since` resumes
 * right after this batch. Resuming may deliver a change again (vendors filter by
 * `updated_at >= since`, so records sharing the boundary timestamp come again): consumers
 * must treat changes as idempotent. Resuming never skips a change.
 */
export interface ChangeBatch<T> {
  readonly changes: readonly Change<T>[];
  /** Opaque, serialisable resume point. */
  readonly checkpoint: string;
  /**
   * `true` on the last batch of a walk that reached its end: the consumer has caught up.
   * Connectors must set it on the last batch of every walk that listed everything asked
   * for, and must leave it unset when the walk stopped early: a sync engine infers
   * deletions from a full walk (no `since`) only when its last batch says `complete`.
   */
  readonly complete?: boolean;
}

/** Options of `EntityConnector.listChanges`. */
export interface ListChangesOptions {
  /**
   * A checkpoint from an earlier batch; omitted, the walk starts from the beginning (full sync).
   * Connectors re-deliver changes stamped exactly at the checkpoint's time (`>=`, not `>`),
   * so records that share a timestamp are never missed; consumers treat repeats as no-ops.
   * When the system no longer covers `since` (a change or delete feed with limited retention,
   * an expired cursor), the walk throws `CheckpointExpiredError` instead of skipping changes;
   * the consumer walks from the beginning instead.
   */
  since?: string | undefined;
  /** Stops the walk between batches. */
  signal?: AbortSignal | undefined;
}

/** The fields an entity can be matched by when upserting. */
export interface MatchByFieldMap {
  person: 'id' | 'email';
  company: 'id' | 'domain';
  deal: 'id';
}

/** Options of `EntityConnector.upsert`. */
export interface UpsertOptions<Field extends string = string> {
  /**
   * Fields that identify an existing record, tried in order: the first that matches a
   * record updates it; when none matches a new record is created. Matching by `email` or
   * `domain` is case-insensitive.
   */
  matchBy: readonly Field[];
}

/** What `EntityConnector.upsert` answers. */
export interface UpsertResult<T> {
  /** The record as the system stores it after the write (with its own `id`). */
  readonly record: T;
  /** `true` when a new record was created, `false` when an existing one was updated. */
  readonly created: boolean;
}

/**
 * The fields of a record to write. Fields that are absent are left as they are; `id` is the
 * target system's id when known.
 */
export type UpsertRecord<T> = Partial<T>;

/** Headers of a webhook delivery, as a `Headers` object or a plain map. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | undefined>>;

/**
 * One entity (people, companies or deals) of a connected system, in canonical form.
 *
 * Contract:
 * - `listChanges` walks changes oldest first, in batches, each with a checkpoint
 *   (see `ChangeBatch`). It never skips a change; it may repeat some. A `since` the system
 *   can no longer resume from rejects with `CheckpointExpiredError`.
 * - `get(id)` answers `null` when the record does not exist (or was deleted).
 * - `upsert(record, { matchBy })` creates or updates, reporting which. Matching a field the
 *   entity cannot be matched by rejects with `ConfigError`.
 * - `delete(id)` answers `false` when there was nothing to delete.
 * - `parseWebhook(payload, headers)` turns an already verified webhook body (parsed JSON)
 *   into changes of this entity; a payload about another entity gives `[]`.
 * Vendor failures reject with the `ApiError` family.
 */
export interface EntityConnector<T, Field extends string = string> {
  listChanges(options?: ListChangesOptions): AsyncIterable<ChangeBatch<T>>;
  get(id: string): Promise<T | null>;
  upsert(record: UpsertRecord<T>, options: UpsertOptions<Field>): Promise<UpsertResult<T>>;
  delete(id: string): Promise<boolean>;
  parseWebhook(payload: unknown, headers?: WebhookHeaders): Promise<Change<T>[]>;
}

/** The entity connectors of a system, by entity type; a system may lack some. */
export type EntityConnectors = {
  readonly [Entity in EntityType]?: EntityConnector<EntityRecordMap[Entity], MatchByFieldMap[Entity]>;
};

/**
 * A connected system (a CRM, a sales engagement tool, a data vendor) seen through the
 * canonical model. Vendor packages implement it; engines such as `@salesos/crm` consume it.
 *
 * @example
 * ```ts
 * const people = connector.entities.person;
 * if (people) {
 *   for await (const batch of people.listChanges({ since: saved })) {
 *     for (const change of batch.changes) await apply(change);
 *     saved = batch.checkpoint;
 *   }
 * }
 * ```
 */
export interface Connector {
  /** The system's id (`salesloft`, `apollo`, `attio`, `memory`): the key in `externalIds`. */
  readonly id: string;
  /** Entity connectors by type. */
  readonly entities: EntityConnectors;
}
