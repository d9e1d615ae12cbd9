/** The comparison operators of Attio's verbose filter syntax. */
export type AttioFilterOperator =
  | '$eq'
  | '$in'
  | '$contains'
  | '$starts_with'
  | '$ends_with'
  | '$lt'
  | '$lte'
  | '$gt'
  | '$gte'
  | '$not_empty';

/**
 * An Attio filter as it is sent: shorthand (`{ name: 'Ada' }`), verbose
 * (`{ email_addresses: { email_domain: { $eq: 'acme.com' } } }`) or logical
 * (`{ $and: [...] }`, `{ $or: [...] }`, `{ $not: {...} }`).
 */
export type AttioFilter = { readonly [key: string]: unknown };

/** A scalar a condition compares with. */
export type AttioFilterScalar = string | number | boolean;

/** Conditions on one attribute (or one property of it), as `attioFilter.attribute()` builds them. */
export interface AttioAttributeConditions {
  /** Equal to `value` (every type). */
  eq(value: AttioFilterScalar): AttioFilter;
  /** Equal to one of `values`. */
  in(values: readonly AttioFilterScalar[]): AttioFilter;
  /** Contains `text` (text-like types: text, email, domain, name, phone, location parts). */
  contains(text: string): AttioFilter;
  /** Starts with `text` (text-like types). */
  startsWith(text: string): AttioFilter;
  /** Ends with `text` (text-like types). */
  endsWith(text: string): AttioFilter;
  /** Less than (number, rating, currency, date, timestamp). */
  lt(value: number | string): AttioFilter;
  /** Less than or equal. */
  lte(value: number | string): AttioFilter;
  /** Greater than. */
  gt(value: number | string): AttioFilter;
  /** Greater than or equal. */
  gte(value: number | string): AttioFilter;
  /** Has a value (`true`, the default) or has none (`false`). */
  notEmpty(present?: boolean): AttioFilter;
}

const condition =
  (slug: string, property: string | undefined) =>
  (operator: AttioFilterOperator, value: unknown): AttioFilter => {
    const comparison = { [operator]: value };
    return { [slug]: property === undefined ? comparison : { [property]: comparison } };
  };

/**
 * Builds Attio filters. The client checks every filter against the attribute types of the
 * object or list before sending, and refuses an operator the type does not support with
 * `InvalidRequestError` (see `validateFilter`).
 *
 * @example
 * ```ts
 * import { attioFilter as f } from '@salesos/attio';
 *
 * const filter = f.and(
 *   f.attribute('email_addresses', 'email_domain').eq('acme.com'),
 *   f.or(f.attribute('job_title').contains('VP'), f.attribute('job_title').startsWith('Head')),
 *   f.not(f.attribute('phone_numbers').notEmpty()),
 * );
 * for await (const person of client.records.query('people', { filter })) console.log(person.id.record_id);
 * ```
 */
export const attioFilter = {
  /** Conditions on attribute `slug`, or on one `property` of its values (`email_domain`, `last_name`…). */
  attribute(slug: string, property?: string): AttioAttributeConditions {
    const make = condition(slug, property);
    return {
      eq: (value) => make('$eq', value),
      in: (values) => make('$in', [...values]),
      contains: (text) => make('$contains', text),
      startsWith: (text) => make('$starts_with', text),
      endsWith: (text) => make('$ends_with', text),
      lt: (value) => make('$lt', value),
      lte: (value) => make('$lte', value),
      gt: (value) => make('$gt', value),
      gte: (value) => make('$gte', value),
      notEmpty: (present = true) => make('$not_empty', present),
    };
  },
  /** Every filter matches. */
  and(...filters: AttioFilter[]): AttioFilter {
    return { $and: filters };
  },
  /** At least one filter matches. */
  or(...filters: AttioFilter[]): AttioFilter {
    return { $or: filters };
  },
  /** The filter does not match. */
  not(filter: AttioFilter): AttioFilter {
    return { $not: filter };
  },
} as const;
