import type { CompiledDefinition, CompiledField, SideIndex } from './compile-definition.ts';
import { other, SIDE_NAMES } from './compile-definition.ts';
import { NO_LINKS, type ReferenceLinks, UNLINKED } from './references.ts';
import { isBlank, normaliseKey, type Values, valuesEqual } from './values.ts';

const sameKey = (left: unknown, right: unknown): boolean =>
  valuesEqual(left, right) || (normaliseKey(left) !== null && normaliseKey(left) === normaliseKey(right));

/** What the engine knows of one side of a linked (or matched) pair. */
export interface SideView {
  /** The mapped values the side holds now. */
  current: Values;
  /** The values it held after the last sync of the pair; `null` on first contact. */
  base: Values | null;
  /** The record's `updatedAt` in milliseconds (`-Infinity` when unknown). */
  updatedAt: number;
}

/** A field both sides changed. */
export interface DetectedConflict {
  field: CompiledField;
  /** The values by side. */
  values: readonly [unknown, unknown];
  winner: SideIndex | 'manual';
}

/** What to do with a pair. */
export interface PairDecision {
  /** The fields to write to each side (by that side's field names), or `null` for none. */
  writes: [Values | null, Values | null];
  conflicts: DetectedConflict[];
  /** Mapped fields left unsettled for review (`manual`): their base must not move. */
  unsettled: CompiledField[];
  /**
   * Reference fields whose value should flow from `from` but refers to a record not linked
   * yet: left out of the write, and still to sync from that side.
   */
  pending: { field: CompiledField; from: SideIndex }[];
}

const convert = (field: CompiledField, from: SideIndex, value: unknown, values: Values): unknown => {
  const transform = field.transforms[from];
  return transform ? transform(value, { from: SIDE_NAMES[from], values }) : value;
};

/**
 * A value of side `from` as the other side should hold it: transformed (in `from`'s ids), then,
 * for a reference, translated to the other side's ids (`UNLINKED` when one has no partner).
 */
const outbound = (
  field: CompiledField,
  from: SideIndex,
  value: unknown,
  values: Values,
  links: ReferenceLinks,
): unknown => {
  const converted = convert(field, from, value, values);
  return field.reference ? links.translate(field, from, converted) : converted;
};

function conflictWinner(
  definition: CompiledDefinition,
  field: CompiledField,
  views: readonly [SideView, SideView],
) {
  const lastWrite = (): SideIndex => (views[1].updatedAt > views[0].updatedAt ? 1 : 0);
  switch (definition.conflictPolicy) {
    case 'left-wins':
      return 0;
    case 'right-wins':
      return 1;
    case 'owner':
      return field.owner ?? lastWrite();
    case 'manual':
      return 'manual';
    default:
      return lastWrite();
  }
}

/**
 * The three-way merge of one pair: each side's current values against its own base. A field
 * that changed on one side flows to the other; a field that changed on both sides to
 * different values is a conflict the policy settles. One-way fields always take the source's
 * value. On first contact (no base, or a field newly mapped) a blank value never wins against
 * a filled one.
 * Reference fields are compared in the other side's ids (through `links`); a reference that
 * should flow but is not linked yet is left out of the writes and reported as `pending`.
 * Transforms may throw; the caller fails the record.
 */
export function decidePair(
  definition: CompiledDefinition,
  views: readonly [SideView, SideView],
  links: ReferenceLinks = NO_LINKS,
): PairDecision {
  const writes: [Values | null, Values | null] = [null, null];
  const conflicts: DetectedConflict[] = [];
  const unsettled: CompiledField[] = [];
  const pending: PairDecision['pending'] = [];
  const firstContact = views[0].base === null || views[1].base === null;
  const write = (side: SideIndex, field: CompiledField, value: unknown) => {
    const patch = writes[side] ?? {};
    patch[field.fields[side]] = value;
    writes[side] = patch;
  };

  for (const field of definition.fields) {
    const [leftField, rightField] = field.fields;
    const leftValue = views[0].current[leftField] ?? null;
    const rightValue = views[1].current[rightField] ?? null;
    // A field missing from a base was not mapped at the last sync: it meets for the first time.
    const firstForField =
      firstContact || !(leftField in (views[0].base ?? {})) || !(rightField in (views[1].base ?? {}));
    const leftChanged = firstForField || !valuesEqual(leftValue, views[0].base?.[leftField]);
    const rightChanged = firstForField || !valuesEqual(rightValue, views[1].base?.[rightField]);
    if (!leftChanged && !rightChanged) continue;

    const towardRight = field.flows[0] ? outbound(field, 0, leftValue, views[0].current, links) : undefined;
    const towardLeft = field.flows[1] ? outbound(field, 1, rightValue, views[1].current, links) : undefined;
    const same = field.key ? sameKey : valuesEqual;
    if (
      (field.flows[0] && towardRight !== UNLINKED && same(towardRight, rightValue)) ||
      (field.flows[1] && towardLeft !== UNLINKED && same(towardLeft, leftValue))
    ) {
      continue;
    }
    const apply = (winner: SideIndex) => {
      const value = winner === 0 ? towardRight : towardLeft;
      if (value === UNLINKED) pending.push({ field, from: winner });
      else write(other(winner), field, value);
    };

    if (!field.flows[1]) {
      apply(0);
      continue;
    }
    if (!field.flows[0]) {
      apply(1);
      continue;
    }
    if (leftChanged && !rightChanged) {
      apply(0);
      continue;
    }
    if (rightChanged && !leftChanged) {
      apply(1);
      continue;
    }
    if (firstForField && isBlank(rightValue) !== isBlank(leftValue)) {
      apply(isBlank(rightValue) ? 0 : 1);
      continue;
    }
    const winner = conflictWinner(definition, field, views);
    conflicts.push({ field, values: [leftValue, rightValue], winner });
    if (winner === 'manual') unsettled.push(field);
    else apply(winner);
  }
  return { writes, conflicts, unsettled, pending };
}

/**
 * The values to create a record with on `target`, from the source's values: every field
 * that flows that way, transformed (references translated to `target`'s ids); blank values
 * are left out, and so are references not linked yet, which are added to `pending`.
 */
export function createValues(
  definition: CompiledDefinition,
  target: SideIndex,
  source: Values,
  links: ReferenceLinks = NO_LINKS,
  pending: CompiledField[] = [],
): Values {
  const from = other(target);
  const values: Values = {};
  for (const field of definition.fields) {
    if (!field.flows[from]) continue;
    const value = outbound(field, from, source[field.fields[from]] ?? null, source, links);
    if (value === UNLINKED) pending.push(field);
    if (value === null || value === undefined || value === UNLINKED) continue;
    values[field.fields[target]] = value;
  }
  return values;
}
