import type { EntityType } from '@salesos/core';
import type { MappableField } from './sync-definition.ts';

/** A mappable field of any entity; the definition's `entity` narrows it. */
type AnyMappableField = { [Entity in EntityType]: MappableField<Entity> }[EntityType];

/**
 * The field map of fields that have the same name on both sides: the usual case, since every
 * connector speaks the canonical model. Each name maps to itself in both directions; add
 * `{ left, right, … }` entries for renames, transforms or owners.
 *
 * @example
 * ```ts
 * engine.define({
 *   id: 'people',
 *   tenantId: 'acme',
 *   left: book,
 *   right: crm,
 *   entity: 'person',
 *   direction: 'both',
 *   fieldMap: sameFields('email', 'firstName', 'lastName', 'title'),
 *   conflictPolicy: 'last-write-wins',
 *   deletePolicy: 'ignore',
 * });
 * ```
 */
export function sameFields<const Field extends AnyMappableField>(
  ...fields: readonly Field[]
): { left: Field; right: Field }[] {
  return fields.map((field) => ({ left: field, right: field }));
}
