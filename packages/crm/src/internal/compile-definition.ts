import {
  CompanySchema,
  ConfigError,
  DealSchema,
  type EntityConnector,
  type EntityType,
  PersonSchema,
  type UpsertRecord,
} from '@salesos/core';
import type {
  ConflictPolicy,
  DeletePolicy,
  FieldTransform,
  SyncDefinition,
  SyncDirection,
  SyncSide,
} from '../definition/sync-definition.ts';
import { REFERENCE_FIELDS, type ReferenceKind } from './references.ts';

/** 0 is the left side, 1 the right side. */
export type SideIndex = 0 | 1;

export const SIDE_NAMES: readonly [SyncSide, SyncSide] = ['left', 'right'];

export const other = (side: SideIndex): SideIndex => (side === 0 ? 1 : 0);

/** A field mapping ready to run. */
export interface CompiledField {
  /** Stable name of the mapping: `left>right`. */
  name: string;
  /** Field names by side. */
  fields: readonly [string, string];
  /** Transforms by the side the value comes from: `[toRight, toLeft]`. */
  transforms: readonly [FieldTransform | undefined, FieldTransform | undefined];
  /** Whether values may flow from a side to the other: `[leftToRight, rightToLeft]`. */
  flows: readonly [boolean, boolean];
  owner: SideIndex | undefined;
  /** Whether this is the matching key: compared trimmed and case-insensitively. */
  key: boolean;
  /** Set when the fields hold record ids of another entity, translated between the sides' id spaces. */
  reference?: ReferenceKind;
}

/** One side of a compiled definition. */
export interface CompiledSide {
  index: SideIndex;
  name: SyncSide;
  connectorId: string;
  // biome-ignore lint/suspicious/noExplicitAny: the entity type is checked when the definition is compiled
  connector: EntityConnector<any, string>;
  /** The side's mapped field names, each once. */
  fields: readonly string[];
  /** Fields written when the engine creates a record on this side. */
  createFields: readonly string[];
  /** Whether the engine may create records on this side. */
  creates: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: any canonical record patch
  archive: UpsertRecord<any> | undefined;
}

/** A definition validated and arranged for the engine. */
export interface CompiledDefinition {
  id: string;
  tenantId: string;
  entity: EntityType;
  direction: SyncDirection;
  conflictPolicy: ConflictPolicy;
  deletePolicy: DeletePolicy;
  fields: readonly CompiledField[];
  sides: readonly [CompiledSide, CompiledSide];
  /** The field that matches records on first contact. */
  matchBy: 'email' | 'domain' | null;
  maxDeleteRatio: number;
  /** The storage prefix of the sync's state inside the tenant's scope. */
  prefix: readonly string[];
}

const SCHEMAS = { person: PersonSchema, company: CompanySchema, deal: DealSchema } as const;
const RESERVED = new Set(['id', 'updatedAt', 'externalIds']);
const DIRECTIONS: readonly SyncDirection[] = ['both', 'left-to-right', 'right-to-left'];
const CONFLICT_POLICIES: readonly ConflictPolicy[] = [
  'last-write-wins',
  'left-wins',
  'right-wins',
  'owner',
  'manual',
];
const DELETE_POLICIES: readonly DeletePolicy[] = ['ignore', 'propagate', 'archive'];
const DEFAULT_MATCH: Record<EntityType, 'email' | 'domain' | null> = {
  person: 'email',
  company: 'domain',
  deal: null,
};

const flowsOf = (direction: SyncDirection): [boolean, boolean] => [
  direction !== 'right-to-left',
  direction !== 'left-to-right',
];

function fail(definitionId: string, message: string): never {
  throw new ConfigError(`Sync "${definitionId}": ${message}`);
}

/**
 * What a mapping's fields refer to: both sides must be references to the same entity (their
 * ids are translated between the sides), or neither.
 */
function referenceOf(
  definitionId: string,
  entity: EntityType,
  where: string,
  left: string,
  right: string,
): ReferenceKind | undefined {
  const leftKind = REFERENCE_FIELDS[entity][left];
  const rightKind = REFERENCE_FIELDS[entity][right];
  if (leftKind === undefined && rightKind === undefined) return undefined;
  if (leftKind?.entity !== rightKind?.entity || leftKind?.many !== rightKind?.many) {
    fail(
      definitionId,
      `${where} maps "${left}" to "${right}": a reference to ${describe(leftKind)} can only be mapped to a reference to the same (${describe(rightKind)} is not).`,
    );
  }
  return leftKind;
}

const describe = (kind: ReferenceKind | undefined): string =>
  kind === undefined
    ? 'a field that is not a reference'
    : `${kind.many ? 'a list of' : 'a'} ${kind.entity} id${kind.many ? 's' : ''}`;

/** Validates a definition and compiles it; throws `ConfigError` naming the wrong field. */
export function compileDefinition(definition: SyncDefinition<EntityType>): CompiledDefinition {
  const raw = definition as Partial<SyncDefinition<EntityType>> | undefined;
  if (typeof raw !== 'object' || raw === null)
    throw new ConfigError('engine.define: expected a sync definition object.');
  const id = raw.id;
  if (typeof id !== 'string' || id.length === 0)
    throw new ConfigError('engine.define: "id" must be a non-empty string.');
  if (typeof raw.tenantId !== 'string' || raw.tenantId.length === 0)
    fail(id, '"tenantId" must be a non-empty string.');
  const entity = raw.entity as EntityType;
  if (!(entity in SCHEMAS))
    fail(id, `"entity" must be one of person, company, deal (got ${JSON.stringify(entity)}).`);
  if (!DIRECTIONS.includes(raw.direction as SyncDirection)) {
    fail(id, `"direction" must be one of ${DIRECTIONS.join(', ')} (got ${JSON.stringify(raw.direction)}).`);
  }
  if (!CONFLICT_POLICIES.includes(raw.conflictPolicy as ConflictPolicy)) {
    fail(
      id,
      `"conflictPolicy" must be one of ${CONFLICT_POLICIES.join(', ')} (got ${JSON.stringify(raw.conflictPolicy)}).`,
    );
  }
  if (!DELETE_POLICIES.includes(raw.deletePolicy as DeletePolicy)) {
    fail(
      id,
      `"deletePolicy" must be one of ${DELETE_POLICIES.join(', ')} (got ${JSON.stringify(raw.deletePolicy)}).`,
    );
  }
  const direction = raw.direction as SyncDirection;
  const connectors = [raw.left, raw.right].map((connector, index) => {
    const name = index === 0 ? 'left' : 'right';
    if (
      typeof connector !== 'object' ||
      connector === null ||
      typeof connector.id !== 'string' ||
      !connector.entities
    ) {
      fail(id, `"${name}" must be a Connector (with "id" and "entities").`);
    }
    const entityConnector = connector.entities[entity];
    if (!entityConnector) fail(id, `the ${name} connector "${connector.id}" has no "${entity}" entity.`);
    return { connectorId: connector.id, entityConnector };
  }) as [
    { connectorId: string; entityConnector: CompiledSide['connector'] },
    { connectorId: string; entityConnector: CompiledSide['connector'] },
  ];

  const known = new Set(Object.keys(SCHEMAS[entity].shape).filter((field) => !RESERVED.has(field)));
  if (!Array.isArray(raw.fieldMap) || raw.fieldMap.length === 0)
    fail(id, '"fieldMap" must list at least one field.');
  const definitionFlows = flowsOf(direction);
  const seen: [Set<string>, Set<string>] = [new Set(), new Set()];
  const fields: CompiledField[] = raw.fieldMap.map((mapping, position) => {
    const where = `fieldMap[${position}]`;
    if (typeof mapping !== 'object' || mapping === null) fail(id, `${where} must be an object.`);
    for (const side of ['left', 'right'] as const) {
      const field = mapping[side] as string;
      if (!known.has(field)) {
        fail(
          id,
          `${where}.${side} "${String(field)}" is not a mappable ${entity} field (one of ${[...known].join(', ')}).`,
        );
      }
      const used = seen[side === 'left' ? 0 : 1];
      if (used.has(field)) fail(id, `${where}.${side} "${field}" is mapped twice.`);
      used.add(field);
    }
    for (const transform of ['toRight', 'toLeft'] as const) {
      if (mapping[transform] !== undefined && typeof mapping[transform] !== 'function') {
        fail(id, `${where}.${transform} must be a function.`);
      }
    }
    const fieldDirection = mapping.direction ?? direction;
    if (!DIRECTIONS.includes(fieldDirection))
      fail(id, `${where}.direction must be one of ${DIRECTIONS.join(', ')}.`);
    const flows = flowsOf(fieldDirection);
    if ((flows[0] && !definitionFlows[0]) || (flows[1] && !definitionFlows[1])) {
      fail(id, `${where}.direction "${fieldDirection}" is wider than the sync's direction "${direction}".`);
    }
    if (mapping.owner !== undefined && mapping.owner !== 'left' && mapping.owner !== 'right') {
      fail(id, `${where}.owner must be "left" or "right".`);
    }
    const reference = referenceOf(id, entity, where, mapping.left, mapping.right);
    return {
      name: `${mapping.left}>${mapping.right}`,
      fields: [mapping.left, mapping.right],
      transforms: [mapping.toRight, mapping.toLeft],
      flows,
      owner: mapping.owner === undefined ? undefined : mapping.owner === 'left' ? 0 : 1,
      key: false,
      ...(reference ? { reference } : {}),
    };
  });

  let matchBy = raw.matchBy === undefined ? DEFAULT_MATCH[entity] : raw.matchBy;
  if (matchBy !== null) {
    if (matchBy !== 'email' && matchBy !== 'domain') fail(id, '"matchBy" must be "email", "domain" or null.');
    if (!known.has(matchBy)) fail(id, `"matchBy" "${matchBy}" is not a ${entity} field.`);
    if (!seen[0].has(matchBy) || !seen[1].has(matchBy)) {
      // The key must be readable on both sides; an unmapped key would never be compared.
      fail(id, `"matchBy" "${matchBy}" must be mapped on both sides in "fieldMap".`);
    }
    for (const field of fields) {
      if (field.fields[0] === matchBy && field.fields[1] === matchBy) field.key = true;
    }
  } else {
    matchBy = null;
  }

  const maxDeleteRatio = raw.maxDeleteRatio ?? 0.1;
  if (typeof maxDeleteRatio !== 'number' || !(maxDeleteRatio >= 0 && maxDeleteRatio <= 1)) {
    fail(id, '"maxDeleteRatio" must be a number from 0 to 1.');
  }
  if (raw.deletePolicy === 'archive') {
    const archive = raw.archive ?? {};
    const needed = [definitionFlows[1] ? 'left' : undefined, definitionFlows[0] ? 'right' : undefined].filter(
      (side): side is 'left' | 'right' => side !== undefined,
    );
    for (const side of needed) {
      if (typeof archive[side] !== 'object' || archive[side] === null) {
        fail(
          id,
          `"deletePolicy: archive" needs "archive.${side}": the values that mark a ${side} record archived.`,
        );
      }
    }
  }

  const sides = ([0, 1] as const).map((index): CompiledSide => {
    const source = other(index);
    const createFields = fields.filter((field) => field.flows[source]).map((field) => field.fields[index]);
    return {
      index,
      name: index === 0 ? 'left' : 'right',
      connectorId: connectors[index].connectorId,
      connector: connectors[index].entityConnector,
      fields: fields.map((field) => field.fields[index]),
      createFields,
      creates: definitionFlows[source],
      archive: index === 0 ? raw.archive?.left : raw.archive?.right,
    };
  }) as unknown as [CompiledSide, CompiledSide];

  return {
    id,
    tenantId: raw.tenantId as string,
    entity,
    direction,
    conflictPolicy: raw.conflictPolicy as ConflictPolicy,
    deletePolicy: raw.deletePolicy as DeletePolicy,
    fields,
    sides,
    matchBy,
    maxDeleteRatio,
    prefix: syncPrefix(entity, connectors[0].connectorId, connectors[1].connectorId),
  };
}

/** Where the sync of `entity` between two connectors keeps its state (`['crm', '["person","book","attio"]']`). */
export function syncPrefix(entity: EntityType, leftId: string, rightId: string): readonly string[] {
  return ['crm', JSON.stringify([entity, leftId, rightId])];
}
