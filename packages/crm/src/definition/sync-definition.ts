import type { Connector, EntityRecordMap, EntityType, UpsertRecord } from '@salesos/core';

/** One of the two systems of a sync. */
export type SyncSide = 'left' | 'right';

/**
 * Which way changes flow.
 *
 * - `both`: changes on either side reach the other.
 * - `left-to-right`: the right side mirrors the left: left changes are written to the right,
 *   right edits of mapped fields are overwritten with the left's values, and records that
 *   exist only on the right are linked when they match but never created on the left.
 * - `right-to-left`: the mirror image.
 */
export type SyncDirection = 'both' | 'left-to-right' | 'right-to-left';

/**
 * Who wins when both sides changed the same field since the last sync.
 *
 * - `last-write-wins`: the side whose record was updated last, by the sides' own `updatedAt`
 *   (a tie goes to the left).
 * - `left-wins` / `right-wins`: that side, always.
 * - `owner`: the field's `owner` (see `FieldMapping.owner`); fields without one fall back to
 *   last-write-wins.
 * - `manual`: nothing is written for that field; the conflict is stored for review with
 *   `listConflicts` and settled with `resolveConflict`.
 */
export type ConflictPolicy = 'last-write-wins' | 'left-wins' | 'right-wins' | 'owner' | 'manual';

/**
 * What happens to the partner of a record deleted on one side.
 *
 * - `ignore`: the partner is kept and unlinked; it is not synced again.
 * - `propagate`: the partner is deleted too.
 * - `archive`: the partner is kept, unlinked, and patched with the definition's `archive`
 *   values for its side (for example `{ stage: 'archived' }`).
 *
 * Deletes and archives go through the mass-delete guard (see `SyncDefinition.maxDeleteRatio`).
 */
export type DeletePolicy = 'ignore' | 'propagate' | 'archive';

/** The fields of an entity that can be mapped: every canonical field but `id`, `updatedAt` and `externalIds`. */
export type MappableField<Entity extends EntityType> = Exclude<
  keyof EntityRecordMap[Entity] & string,
  'id' | 'updatedAt' | 'externalIds'
>;

/** What a transform is told about the value it converts. */
export interface TransformContext {
  /** The side the value comes from. */
  readonly from: SyncSide;
  /** The mapped fields of the source record, by the source's field names. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** Converts a value from one side's form to the other's. Throwing fails the record (dead letter). */
export type FieldTransform = (value: unknown, context: TransformContext) => unknown;

/**
 * One mapped field: a canonical field of the left record and the canonical field of the right
 * record that hold the same information.
 *
 * Reference fields (`Person.companyId`, `Deal.companyId`, `Deal.personIds`) hold record ids,
 * which differ from system to system. The engine translates them through the id map of the
 * referenced entity's sync — the sync of the same tenant between the same left and right
 * connectors (`companyId` of a people sync uses the company sync's links) — and compares,
 * detects conflicts and plans dry runs in the translated ids. `engine.run` (and
 * `handleWebhook`, `resolveConflict`) throws `ConfigError` naming the field while that sync is
 * not defined. A reference whose record is not linked yet (the company sync has not run, or
 * that company failed) is left out of the write — the record's other fields sync — and the
 * record stays marked, so a later run writes the reference once the link exists; a list
 * (`personIds`) is written only when every id in it is linked. `null` stays `null`. A
 * reference can only be mapped to a reference to the same entity. Transforms of a reference
 * receive and return ids of the side the value comes from; the engine translates their result.
 */
export interface FieldMapping<Entity extends EntityType = EntityType> {
  /** Field of the left record. */
  left: MappableField<Entity>;
  /** Field of the right record. */
  right: MappableField<Entity>;
  /** Converts a left value before it is written to the right. Default: the value as it is. */
  toRight?: FieldTransform;
  /** Converts a right value before it is written to the left. Default: the value as it is. */
  toLeft?: FieldTransform;
  /**
   * Which way this field flows. Default: the definition's `direction`. A field can be
   * narrower than the definition (`left-to-right` in a `both` sync), never wider.
   */
  direction?: SyncDirection;
  /** The side that owns the field: it wins the field's conflicts under the `owner` policy. */
  owner?: SyncSide;
}

/**
 * One sync: which two systems, which entity, how fields map, who wins conflicts and what
 * deletes do. Register it with `engine.define(definition)`.
 *
 * The engine keeps one id map, one pair of cursors and one review queue per tenant, entity
 * and (left connector id, right connector id) pair; define at most one sync per such pair.
 */
export interface SyncDefinition<Entity extends EntityType = EntityType> {
  /** Unique id of the sync within the engine (`people-salesloft-attio`). */
  id: string;
  /** The tenant the sync belongs to; every stored key of the sync lives under it. */
  tenantId: string;
  /** The left system. */
  left: Connector;
  /** The right system. */
  right: Connector;
  /** The entity synced: `person`, `company` or `deal`. */
  entity: Entity;
  /** Which way changes flow. */
  direction: SyncDirection;
  /** The mapped fields. Fields that are not mapped are never read for comparison nor written. */
  fieldMap: readonly FieldMapping<Entity>[];
  /** Who wins when both sides changed a field. */
  conflictPolicy: ConflictPolicy;
  /** What deletes do to the partner record. */
  deletePolicy: DeletePolicy;
  /**
   * The field that links records on first contact, compared case-insensitively and trimmed.
   * Default: `email` for people, `domain` for companies, none for deals (deals are linked only
   * by the engine's own id map). `null` turns matching off.
   */
  matchBy?: 'email' | 'domain' | null;
  /** The values written to a record that is archived (`deletePolicy: 'archive'`), per side. */
  archive?: {
    left?: UpsertRecord<EntityRecordMap[Entity]>;
    right?: UpsertRecord<EntityRecordMap[Entity]>;
  };
  /**
   * The mass-delete guard: a run refuses to delete or archive more than this share of a
   * side's linked records unless it is run with `confirmDeletes: true`. Default `0.1` (10 %).
   */
  maxDeleteRatio?: number;
}

/** A sync definition of any entity: the union of `SyncDefinition<'person'>`, `<'company'>` and `<'deal'>`. */
export type AnySyncDefinition = { [Entity in EntityType]: SyncDefinition<Entity> }[EntityType];
