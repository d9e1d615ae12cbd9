/** The mapped fields of one record, by that side's field names; missing values are `null`. */
export type Values = Record<string, unknown>;

/** Picks `fields` out of a record; `undefined` becomes `null` so "absent" and "empty" compare equal. */
export function project(record: Readonly<Record<string, unknown>>, fields: readonly string[]): Values {
  const values: Values = {};
  for (const field of fields) {
    const value = record[field];
    values[field] = value === undefined ? null : value;
  }
  return values;
}

/** Structural equality of JSON-like values; `undefined` and `null` are the same. */
export function valuesEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (left === undefined || left === null) return right === undefined || right === null;
  if (right === undefined || right === null) return false;
  if (typeof left !== 'object' || typeof right !== 'object') return false;
  if (Array.isArray(left)) {
    if (!Array.isArray(right) || left.length !== right.length) return false;
    for (let index = 0; index < left.length; index += 1) {
      if (!valuesEqual(left[index], right[index])) return false;
    }
    return true;
  }
  if (Array.isArray(right)) return false;
  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  const leftKeys = Object.keys(leftRecord).filter((key) => leftRecord[key] !== undefined);
  const rightKeys = Object.keys(rightRecord).filter((key) => rightRecord[key] !== undefined);
  if (leftKeys.length !== rightKeys.length) return false;
  for (const key of leftKeys) {
    if (!valuesEqual(leftRecord[key], rightRecord[key])) return false;
  }
  return true;
}

/** Whether every field in `fields` is equal in both value sets. */
export function sameValues(left: Values, right: Values, fields: readonly string[]): boolean {
  for (const field of fields) {
    if (!valuesEqual(left[field], right[field])) return false;
  }
  return true;
}

/** `null`, `undefined`, an empty or blank string, or an empty array. */
export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** The form a matching key is compared in: trimmed and lower-case; `null` when there is none. */
export function normaliseKey(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const key = value.trim().toLowerCase();
  return key === '' ? null : key;
}

/** An exact content fingerprint of `values` over `fields`, in that order. */
export function fingerprint(values: Values, fields: readonly string[]): string {
  return JSON.stringify(fields.map((field) => values[field] ?? null));
}

/** Milliseconds of an ISO-8601 time; `-Infinity` when it is missing or unreadable. */
export function timeOf(value: string | null | undefined): number {
  if (!value) return Number.NEGATIVE_INFINITY;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
}
