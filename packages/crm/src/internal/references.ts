import type { EntityType, Storage } from '@salesos/core';
import {
  type CompiledDefinition,
  type CompiledField,
  type SideIndex,
  syncPrefix,
} from './compile-definition.ts';
import { keyLayout, type RecordState } from './state.ts';
import type { Values } from './values.ts';

/** A canonical field that holds the id (or ids) of another entity's records. */
export interface ReferenceKind {
  /** The entity the ids belong to. */
  entity: EntityType;
  /** Whether the field holds a list of ids (`Deal.personIds`) rather than one. */
  many: boolean;
}

/** The reference fields of each canonical entity. */
export const REFERENCE_FIELDS: Readonly<Record<EntityType, Readonly<Record<string, ReferenceKind>>>> = {
  person: { companyId: { entity: 'company', many: false } },
  company: {},
  deal: { companyId: { entity: 'company', many: false }, personIds: { entity: 'person', many: true } },
};

/** The storage prefix of the sync of `entity` between the same two connectors as `definition`. */
export function referencedPrefix(definition: CompiledDefinition, entity: EntityType): readonly string[] {
  const [left, right] = definition.sides;
  return syncPrefix(entity, left.connectorId, right.connectorId);
}

/** A reference whose record has no partner yet: it cannot be written to the other side. */
export const UNLINKED: unique symbol = Symbol('unlinked reference');

/**
 * Translates reference values from one side's id space to the other's, through the id maps of
 * the referenced entities' syncs.
 */
export interface ReferenceLinks {
  /** `value` of `field` as held by side `from`, in the other side's ids; `UNLINKED` when an id has no partner. */
  translate(field: CompiledField, from: SideIndex, value: unknown): unknown;
}

/** Links that know no partner: every id is unlinked (`null` stays `null`). */
export const NO_LINKS: ReferenceLinks = {
  translate: (field, from, value) => translateWith(field, value, () => undefined, from),
};

const idOf = (field: CompiledField, from: SideIndex, id: unknown): string => {
  if (typeof id === 'string' && id !== '') return id;
  throw new TypeError(
    `The reference field "${field.fields[from]}" holds ${JSON.stringify(id)}, not a record id.`,
  );
};

function translateWith(
  field: CompiledField,
  value: unknown,
  partnerOf: (id: string) => string | undefined,
  from: SideIndex,
): unknown {
  if (value === null || value === undefined) return null;
  if (!field.reference?.many) return partnerOf(idOf(field, from, value)) ?? UNLINKED;
  if (!Array.isArray(value)) return translateWith(field, [value], partnerOf, from);
  const partners: string[] = [];
  for (const id of value) {
    const partner = partnerOf(idOf(field, from, id));
    // A partial list would read as "only these": the field waits until every id is linked.
    if (partner === undefined) return UNLINKED;
    partners.push(partner);
  }
  return partners;
}

/** The ids a field's value refers to (none when it holds no ids). */
function idsIn(value: unknown): string[] {
  if (typeof value === 'string' && value !== '') return [value];
  if (!Array.isArray(value)) return [];
  return value.filter((id): id is string => typeof id === 'string' && id !== '');
}

/**
 * The ids side `from`'s `values` hold in `field` that may need translating: as they are and as
 * the field's transform (which works in `from`'s ids) turns them. A transform that throws
 * fails the record later, where it is applied.
 */
function idsToTranslate(field: CompiledField, from: SideIndex, values: Values): string[] {
  const value = values[field.fields[from]] ?? null;
  const ids = idsIn(value);
  const transform = field.transforms[from];
  if (transform) {
    try {
      ids.push(...idsIn(transform(value, { from: from === 0 ? 'left' : 'right', values })));
    } catch {
      // Reported when the value is converted for real.
    }
  }
  return ids;
}

/**
 * Reads from the referenced syncs' id maps the partners of every id that `values` (mapped
 * values by side) refer to, and answers links over them.
 */
export async function loadReferenceLinks(
  storage: Storage,
  definition: CompiledDefinition,
  values: readonly [Iterable<Values>, Iterable<Values>],
): Promise<ReferenceLinks> {
  const fields = definition.fields.filter((field) => field.reference !== undefined);
  if (fields.length === 0) return NO_LINKS;
  // `${entity}:${side}` → id → partner id on the other side.
  const partners = new Map<string, Map<string, string>>();
  const wanted = new Map<string, Set<string>>();
  for (const side of [0, 1] as const) {
    for (const record of values[side]) {
      for (const field of fields) {
        const scope = `${field.reference?.entity}:${side}`;
        const ids = wanted.get(scope) ?? new Set<string>();
        for (const id of idsToTranslate(field, side, record)) ids.add(id);
        wanted.set(scope, ids);
      }
    }
  }
  for (const [scope, ids] of wanted) {
    const [entity, side] = scope.split(':') as [EntityType, string];
    const index = Number(side) as SideIndex;
    const keys = keyLayout(referencedPrefix(definition, entity));
    const list = [...ids];
    const found = new Map<string, string>();
    if (list.length > 0) {
      const entries = await storage.getMany<RecordState>(list.map((id) => keys.record(index, id)));
      list.forEach((id, position) => {
        const partner = entries[position]?.value?.p;
        if (partner) found.set(id, partner);
      });
    }
    partners.set(scope, found);
  }
  return {
    translate: (field, from, value) =>
      translateWith(field, value, (id) => partners.get(`${field.reference?.entity}:${from}`)?.get(id), from),
  };
}
