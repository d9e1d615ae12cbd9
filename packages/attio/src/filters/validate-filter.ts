import { attioInputError, describeValue } from '../internal/input-error.ts';
import type { AttioFilter, AttioFilterOperator } from './filter-builder.ts';

type Kind = 'string' | 'number' | 'date' | 'id' | 'boolean' | 'presence';

const OPERATORS_BY_KIND: Readonly<Record<Kind, readonly AttioFilterOperator[]>> = {
  string: ['$eq', '$in', '$contains', '$starts_with', '$ends_with', '$not_empty'],
  number: ['$eq', '$in', '$lt', '$lte', '$gt', '$gte', '$not_empty'],
  date: ['$eq', '$lt', '$lte', '$gt', '$gte', '$not_empty'],
  id: ['$eq', '$in', '$not_empty'],
  boolean: ['$eq', '$not_empty'],
  presence: ['$not_empty'],
};

interface TypeRule {
  /** Kind of the attribute when no property is named. */
  readonly default: Kind;
  readonly properties: Readonly<Record<string, Kind>>;
}

const textLike = (property: string, others: string[] = []): TypeRule => ({
  default: 'string',
  properties: Object.fromEntries([property, ...others].map((name) => [name, 'string' as const])),
});

/** Which operators each attribute type (and each property of its values) supports. */
const RULES: Readonly<Record<string, TypeRule>> = {
  text: { default: 'string', properties: { value: 'string' } },
  number: { default: 'number', properties: { value: 'number' } },
  rating: { default: 'number', properties: { value: 'number' } },
  checkbox: { default: 'boolean', properties: { value: 'boolean' } },
  currency: { default: 'number', properties: { currency_value: 'number', currency_code: 'id' } },
  date: { default: 'date', properties: { value: 'date' } },
  timestamp: { default: 'date', properties: { value: 'date' } },
  status: { default: 'id', properties: { status: 'id', title: 'string' } },
  select: { default: 'id', properties: { option: 'id', title: 'string' } },
  'record-reference': { default: 'id', properties: { target_record_id: 'id', target_object: 'id' } },
  'actor-reference': {
    default: 'id',
    properties: { referenced_actor_id: 'id', referenced_actor_type: 'id' },
  },
  location: {
    default: 'presence',
    properties: {
      line_1: 'string',
      line_2: 'string',
      line_3: 'string',
      line_4: 'string',
      locality: 'string',
      region: 'string',
      postcode: 'string',
      country_code: 'id',
      latitude: 'number',
      longitude: 'number',
    },
  },
  domain: textLike('domain', ['root_domain']),
  'email-address': textLike('email_address', [
    'original_email_address',
    'email_domain',
    'email_root_domain',
    'email_local_specifier',
  ]),
  'phone-number': {
    default: 'string',
    properties: { phone_number: 'string', original_phone_number: 'string', country_code: 'id' },
  },
  'personal-name': textLike('full_name', ['first_name', 'last_name']),
  interaction: { default: 'date', properties: { interacted_at: 'date', interaction_type: 'id' } },
};

/** Ids every record or entry can be filtered on, although no attribute lists them. */
const SPECIAL_KEYS: Readonly<Record<string, Kind>> = {
  record_id: 'id',
  entry_id: 'id',
  parent_record_id: 'id',
  parent_object: 'id',
};

/** What `validateFilter` needs to know of an attribute. */
export interface FilterAttributeInfo {
  api_slug: string;
  type: string;
  id?: { attribute_id: string };
}

/** Options of `validateFilter`. */
export interface ValidateFilterOptions {
  /** The object or list queried, for error messages (`people`). */
  target?: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The operators Attio supports on an attribute type, or on one property of its values.
 * `undefined` when the type or property is not known here (anything is let through then).
 */
export function supportedOperators(
  type: string,
  property?: string,
): readonly AttioFilterOperator[] | undefined {
  const rule = RULES[type];
  if (!rule) return undefined;
  const kind = property === undefined ? rule.default : rule.properties[property];
  return kind === undefined ? undefined : OPERATORS_BY_KIND[kind];
}

/**
 * Checks a filter against the attributes of the object or list it queries, and throws
 * `InvalidRequestError` (vendor code `filter_error`, the same Attio would answer) for an
 * unknown attribute, an operator the attribute's type does not support (`$contains` on a
 * number), an unknown logical operator or a malformed operand. Properties and attribute types
 * this package does not know are let through for Attio to judge.
 *
 * @example
 * ```ts
 * const attributes = await client.attributes.list('objects', 'companies').toArray();
 * validateFilter(attioFilter.attribute('employee_count').contains('5'), attributes);
 * // throws: Attio filter: "$contains" is not supported on "employee_count" (number)…
 * ```
 */
export function validateFilter(
  filter: AttioFilter,
  attributes: readonly FilterAttributeInfo[],
  options: ValidateFilterOptions = {},
): void {
  const bySlug = new Map<string, FilterAttributeInfo>();
  for (const attribute of attributes) {
    bySlug.set(attribute.api_slug, attribute);
    if (attribute.id?.attribute_id) bySlug.set(attribute.id.attribute_id, attribute);
  }
  const where = options.target ? ` on ${options.target}` : '';
  const fail = (message: string, path: string): never => {
    throw attioInputError(`Attio filter${where}: ${message}`, path, 'filter_error');
  };

  const checkOperator = (
    operator: string,
    operand: unknown,
    allowed: readonly AttioFilterOperator[] | undefined,
    subject: string,
    path: string,
  ) => {
    if (!operator.startsWith('$')) fail(`expected an operator at "${path}", got "${operator}".`, path);
    if (allowed && !allowed.includes(operator as AttioFilterOperator)) {
      fail(`"${operator}" is not supported on ${subject}; use one of ${allowed.join(', ')}.`, path);
    }
    if (
      !allowed &&
      !Object.values(OPERATORS_BY_KIND).some((list) => list.includes(operator as AttioFilterOperator))
    ) {
      fail(`unknown operator "${operator}" at "${path}".`, path);
    }
    if (operator === '$in' && !Array.isArray(operand))
      fail(`"$in" takes an array, got ${describeValue(operand)}.`, path);
    if (operator === '$not_empty' && typeof operand !== 'boolean') {
      fail(`"$not_empty" takes true or false, got ${describeValue(operand)}.`, path);
    }
    if (
      operator !== '$in' &&
      operator !== '$not_empty' &&
      (isPlainObject(operand) || Array.isArray(operand))
    ) {
      fail(`"${operator}" takes a single value, got ${describeValue(operand)}.`, path);
    }
  };

  const checkCondition = (slug: string, condition: unknown, path: string) => {
    const special = SPECIAL_KEYS[slug];
    const attribute = bySlug.get(slug);
    if (!attribute && !special) {
      fail(`no attribute "${slug}" exists${where}.`, path);
    }
    const type = attribute?.type;
    const subjectOf = (property?: string) =>
      `"${slug}"${property ? `.${property}` : ''} (${type ?? 'id'}${property ? ` ${property}` : ''})`;
    const allowedFor = (property?: string) =>
      special && property === undefined
        ? OPERATORS_BY_KIND[special]
        : supportedOperators(type ?? '', property);

    // Shorthand: `{ slug: value }` is an implicit `$eq`, which every type supports.
    if (!isPlainObject(condition)) return;
    for (const [key, operand] of Object.entries(condition)) {
      const keyPath = `${path}.${key}`;
      if (key.startsWith('$')) {
        checkOperator(key, operand, allowedFor(), subjectOf(), keyPath);
        continue;
      }
      // `key` names a property of the attribute's values.
      if (!isPlainObject(operand)) continue;
      const allowed = type === undefined ? undefined : supportedOperators(type, key);
      for (const [operator, value] of Object.entries(operand)) {
        checkOperator(operator, value, allowed, subjectOf(key), `${keyPath}.${operator}`);
      }
    }
  };

  const walk = (node: unknown, path: string) => {
    if (!isPlainObject(node)) fail(`expected an object at "${path}", got ${describeValue(node)}.`, path);
    const entries = Object.entries(node as Record<string, unknown>);
    // A path filter (`{ path: [[list, attribute], …], constraints }`) reaches across objects.
    if ('path' in (node as object) && 'constraints' in (node as object)) return;
    for (const [key, value] of entries) {
      const keyPath = `${path}.${key}`;
      if (key === '$and' || key === '$or') {
        if (!Array.isArray(value)) fail(`"${key}" takes an array of filters.`, keyPath);
        for (const [index, child] of (value as unknown[]).entries()) walk(child, `${keyPath}.${index}`);
      } else if (key === '$not') {
        walk(value, keyPath);
      } else if (key.startsWith('$')) {
        fail(`unknown logical operator "${key}"; use $and, $or or $not.`, keyPath);
      } else {
        checkCondition(key, value, keyPath);
      }
    }
  };

  walk(filter, 'filter');
}
