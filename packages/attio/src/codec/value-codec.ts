import { attioInputError, describeValue } from '../internal/input-error.ts';
import type { AttioAttribute } from '../schemas/attribute.ts';
import type { AttioRecord } from '../schemas/record.ts';
import type { AttioValue } from '../schemas/value.ts';
import { standardMultiselect } from './standard-attributes.ts';

/** A personal name, decoded. */
export interface AttioPersonalName {
  firstName: string | null;
  lastName: string | null;
  fullName: string | null;
}

/** A currency amount, decoded. */
export interface AttioCurrencyAmount {
  amount: number;
  currencyCode: string | null;
}

/** A record reference, decoded. */
export interface AttioRecordReference {
  targetObject: string;
  targetRecordId: string;
}

/** An actor reference, decoded. */
export interface AttioActorReference {
  type: string;
  id: string | null;
}

/** A location, decoded; every part may be missing. */
export interface AttioLocation {
  line1: string | null;
  line2: string | null;
  line3: string | null;
  line4: string | null;
  locality: string | null;
  region: string | null;
  postcode: string | null;
  countryCode: string | null;
  latitude: string | null;
  longitude: string | null;
}

/** An interaction (first/last email, meeting…), decoded. */
export interface AttioInteraction {
  interactionType: string;
  interactedAt: string;
  ownerActor: { type: string | null; id: string | null } | null;
}

/**
 * One plain value. By attribute type: text, date (`YYYY-MM-DD`), timestamp (ISO-8601),
 * select and status (the title), domain, email-address and phone-number → `string`;
 * number and rating → `number`; checkbox → `boolean`; the others → the objects above.
 */
export type AttioPlainValue =
  | string
  | number
  | boolean
  | AttioPersonalName
  | AttioCurrencyAmount
  | AttioRecordReference
  | AttioActorReference
  | AttioLocation
  | AttioInteraction
  | Record<string, unknown>;

/**
 * Plain values of a record or entry, keyed by attribute slug: a single-value attribute maps to
 * its value or `null`, a multiselect attribute to an array.
 *
 * @example
 * ```ts
 * { email_addresses: ['ada@example.com'], name: { firstName: 'Ada', lastName: 'Lovelace', fullName: 'Ada Lovelace' } }
 * ```
 */
export type AttioPlainValues = Record<string, AttioPlainValue | AttioPlainValue[] | null>;

/** What the codec needs to know of an attribute. */
export type AttioAttributeInfo = Pick<AttioAttribute, 'api_slug' | 'type' | 'is_multiselect'> &
  Partial<Pick<AttioAttribute, 'is_writable' | 'title'>> & { id?: { attribute_id: string } };

const LOCATION_KEYS = [
  ['line1', 'line_1'],
  ['line2', 'line_2'],
  ['line3', 'line_3'],
  ['line4', 'line_4'],
  ['locality', 'locality'],
  ['region', 'region'],
  ['postcode', 'postcode'],
  ['countryCode', 'country_code'],
  ['latitude', 'latitude'],
  ['longitude', 'longitude'],
] as const;

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Decodes one read value into its plain form (see `AttioPlainValue`). */
export function decodeValue(value: AttioValue): AttioPlainValue {
  const raw = value as Record<string, unknown>;
  switch (value.attribute_type) {
    case 'text':
    case 'number':
    case 'rating':
    case 'checkbox':
    case 'date':
    case 'timestamp':
      return raw.value as string | number | boolean;
    case 'currency':
      return { amount: raw.currency_value as number, currencyCode: stringOrNull(raw.currency_code) };
    case 'status': {
      const status = raw.status;
      return typeof status === 'string' ? status : (status as { title: string }).title;
    }
    case 'select': {
      const option = raw.option;
      return typeof option === 'string' ? option : (option as { title: string }).title;
    }
    case 'record-reference':
      return { targetObject: raw.target_object as string, targetRecordId: raw.target_record_id as string };
    case 'actor-reference':
      return { type: raw.referenced_actor_type as string, id: stringOrNull(raw.referenced_actor_id) };
    case 'location': {
      const location = {} as Record<string, string | null>;
      for (const [plain, wire] of LOCATION_KEYS) location[plain] = stringOrNull(raw[wire]);
      return location as unknown as AttioLocation;
    }
    case 'domain':
      return raw.domain as string;
    case 'email-address':
      return raw.email_address as string;
    case 'phone-number':
      return (raw.phone_number as string | undefined) ?? (raw.original_phone_number as string);
    case 'personal-name':
      return {
        firstName: stringOrNull(raw.first_name),
        lastName: stringOrNull(raw.last_name),
        fullName: stringOrNull(raw.full_name),
      };
    case 'interaction': {
      const owner = raw.owner_actor as { type?: string | null; id?: string | null } | null | undefined;
      return {
        interactionType: raw.interaction_type as string,
        interactedAt: raw.interacted_at as string,
        ownerActor: owner ? { type: owner.type ?? null, id: owner.id ?? null } : null,
      };
    }
    default: {
      const { active_from: _from, active_until: _until, created_by_actor: _actor, ...rest } = raw;
      return rest;
    }
  }
}

const isCurrent = (value: AttioValue): boolean =>
  value.active_until === null || value.active_until === undefined;

const indexAttributes = (attributes: readonly AttioAttributeInfo[] | undefined) => {
  const bySlug = new Map<string, AttioAttributeInfo>();
  for (const attribute of attributes ?? []) {
    bySlug.set(attribute.api_slug, attribute);
    if (attribute.id?.attribute_id) bySlug.set(attribute.id.attribute_id, attribute);
  }
  return bySlug;
};

/**
 * Decodes `values` (or `entry_values`) from Attio's read shape into plain values. Only current
 * values are kept (historic ones carry an `active_until`). With `attributes` (from
 * `attributes.list` or the client's schema cache) single and multiselect attributes are told
 * apart exactly; without, standard attributes are known and any other attribute becomes an
 * array only when it holds several values.
 */
export function decodeValues(
  values: Readonly<Record<string, readonly AttioValue[]>>,
  attributes?: readonly AttioAttributeInfo[],
): AttioPlainValues {
  const bySlug = indexAttributes(attributes);
  const plain: AttioPlainValues = {};
  for (const [slug, list] of Object.entries(values)) {
    const current = list.filter(isCurrent).map(decodeValue);
    const multiselect =
      bySlug.get(slug)?.is_multiselect ??
      standardMultiselect(slug) ??
      (current.length > 1 ? true : undefined);
    plain[slug] = multiselect ? current : (current[0] ?? null);
  }
  return plain;
}

/**
 * Decodes a record's values into plain values (see `decodeValues`). The record's id stays on
 * `record.id.record_id`.
 *
 * @example
 * ```ts
 * const person = await client.records.get('people', recordId);
 * const { email_addresses, name } = decodeRecord(person);
 * // email_addresses: ['ada@example.com'], name: { firstName: 'Ada', lastName: 'Lovelace', fullName: 'Ada Lovelace' }
 * ```
 */
export function decodeRecord(
  record: Pick<AttioRecord, 'values'>,
  attributes?: readonly AttioAttributeInfo[],
): AttioPlainValues {
  return decodeValues(record.values, attributes);
}

// ---------------------------------------------------------------- encoding

type Encoder = (value: unknown, fail: (expected: string) => never) => unknown;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

const DATE_PATTERN = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/;

const encodeDate: Encoder = (value, fail) => {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return fail('a valid date');
    return { value: value.toISOString().slice(0, 10) };
  }
  const match = typeof value === 'string' ? DATE_PATTERN.exec(value) : null;
  if (!match) return fail('a date string "YYYY-MM-DD"');
  const [, year, month = '01', day = '01'] = match;
  return { value: `${year}-${month}-${day}` };
};

const encodeTimestamp: Encoder = (value, fail) => {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return fail('a valid Date');
    return { value: value.toISOString() };
  }
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return fail('an ISO-8601 timestamp');
  return { value };
};

const encodeTitle =
  (key: 'status' | 'option'): Encoder =>
  (value, fail) => {
    if (typeof value === 'string' && value !== '') return { [key]: value };
    if (isObject(value) && typeof value[key] === 'string') return { [key]: value[key] };
    return fail(`a ${key === 'option' ? 'select option' : 'status'} title or id`);
  };

const splitName = (text: string) => {
  const comma = text.indexOf(',');
  if (comma >= 0) {
    const lastName = text.slice(0, comma).trim();
    const firstName = text.slice(comma + 1).trim();
    return { first_name: firstName, last_name: lastName, full_name: `${firstName} ${lastName}`.trim() };
  }
  const trimmed = text.trim();
  const space = trimmed.indexOf(' ');
  const firstName = space < 0 ? trimmed : trimmed.slice(0, space);
  const lastName = space < 0 ? '' : trimmed.slice(space + 1).trim();
  return { first_name: firstName, last_name: lastName, full_name: trimmed };
};

const ENCODERS: Readonly<Record<string, Encoder>> = {
  text: (value, fail) => (typeof value === 'string' ? { value } : fail('a string')),
  number: (value, fail) =>
    typeof value === 'number' && Number.isFinite(value) ? { value } : fail('a finite number'),
  rating: (value, fail) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 5
      ? { value }
      : fail('an integer rating from 0 to 5'),
  checkbox: (value, fail) => {
    if (typeof value === 'boolean') return { value };
    if (value === 'true' || value === 'false') return { value: value === 'true' };
    return fail('a boolean');
  },
  currency: (value, fail) => {
    const amount = isObject(value) ? (value.amount ?? value.currency_value) : value;
    if (typeof amount !== 'number' || !Number.isFinite(amount)) return fail('a number or { amount }');
    return { currency_value: amount };
  },
  date: encodeDate,
  timestamp: encodeTimestamp,
  status: encodeTitle('status'),
  select: encodeTitle('option'),
  'record-reference': (value, fail) => {
    if (isObject(value)) {
      if (typeof value.targetObject === 'string' && typeof value.targetRecordId === 'string') {
        return { target_object: value.targetObject, target_record_id: value.targetRecordId };
      }
      if (typeof value.target_object === 'string') return value;
    }
    return fail('{ targetObject, targetRecordId }');
  },
  'actor-reference': (value, fail) => {
    if (typeof value === 'string' && value !== '') {
      return value.includes('@')
        ? { workspace_member_email_address: value }
        : { referenced_actor_type: 'workspace-member', referenced_actor_id: value };
    }
    if (isObject(value)) {
      if (typeof value.id === 'string') {
        return {
          referenced_actor_type: (value.type as string | undefined) ?? 'workspace-member',
          referenced_actor_id: value.id,
        };
      }
      if (
        typeof value.referenced_actor_id === 'string' ||
        typeof value.workspace_member_email_address === 'string'
      ) {
        return value;
      }
    }
    return fail('a workspace member id, email address or { type, id }');
  },
  location: (value, fail) => {
    if (!isObject(value)) return fail('a location object');
    const location: Record<string, unknown> = {};
    for (const [plain, wire] of LOCATION_KEYS) {
      const part = value[plain] ?? value[wire] ?? null;
      if (part !== null && typeof part !== 'string') return fail(`a location whose "${plain}" is a string`);
      location[wire] = part;
    }
    return location;
  },
  domain: (value, fail) => {
    if (typeof value === 'string' && value !== '') return { domain: value };
    if (isObject(value) && typeof value.domain === 'string') return { domain: value.domain };
    return fail('a domain string');
  },
  'email-address': (value, fail) => {
    const email = isObject(value) ? value.email_address : value;
    if (typeof email !== 'string' || !email.includes('@')) return fail('an email address string');
    return { email_address: email };
  },
  'phone-number': (value, fail) => {
    if (typeof value === 'string' && value !== '') return { original_phone_number: value };
    if (isObject(value) && typeof value.original_phone_number === 'string') return value;
    return fail('a phone number string');
  },
  'personal-name': (value, fail) => {
    if (typeof value === 'string') return splitName(value);
    if (!isObject(value)) return fail('{ firstName, lastName } or "Last, First"');
    const firstName = value.firstName ?? value.first_name ?? '';
    const lastName = value.lastName ?? value.last_name ?? '';
    if (typeof firstName !== 'string' || typeof lastName !== 'string') {
      return fail('{ firstName, lastName } with string parts');
    }
    const fullName = value.fullName ?? value.full_name ?? `${firstName} ${lastName}`.trim();
    return { first_name: firstName, last_name: lastName, full_name: fullName };
  },
  interaction: (value, fail) => {
    if (!isObject(value)) return fail('{ interactionType, interactedAt, ownerActor }');
    const owner = (value.ownerActor ?? value.owner_actor ?? null) as Record<string, unknown> | null;
    const interactionType = value.interactionType ?? value.interaction_type;
    const interactedAt = value.interactedAt ?? value.interacted_at;
    if (typeof interactionType !== 'string' || typeof interactedAt !== 'string') {
      return fail('{ interactionType, interactedAt, ownerActor }');
    }
    return {
      interaction_type: interactionType,
      interacted_at: interactedAt,
      owner_actor: owner ? { type: owner.type ?? null, id: owner.id ?? null } : null,
    };
  },
};

/** Options of `encodeValues`. */
export interface EncodeValuesOptions {
  /**
   * What to do with a value for an attribute Attio manages itself (`is_writable: false`, such
   * as `created_at`): `'error'` (default) refuses, `'skip'` leaves it out, so a decoded record
   * can be written back as it is.
   */
  readOnly?: 'error' | 'skip';
  /** Where the values go, for error messages (`people`). */
  target?: string;
}

/**
 * Encodes plain values into Attio's input shape, using the attributes to pick each value's
 * type and whether it is single or multiselect. Values already in Attio's input shape
 * (`{ email_address }`, `{ target_object, target_record_id }`) pass through. `null` clears an
 * attribute. A value of the wrong type, an unknown attribute or several values for a
 * single-value attribute throw `InvalidRequestError` naming the attribute, before anything is sent.
 *
 * @example
 * ```ts
 * const attributes = await client.attributes.list('objects', 'people').toArray();
 * const values = encodeValues(
 *   { email_addresses: ['ada@example.com'], name: { firstName: 'Ada', lastName: 'Lovelace' } },
 *   attributes,
 * );
 * await client.records.create('people', { values });
 * ```
 */
export function encodeValues(
  values: Readonly<Record<string, unknown>>,
  attributes: readonly AttioAttributeInfo[],
  options: EncodeValuesOptions = {},
): Record<string, unknown> {
  const bySlug = indexAttributes(attributes);
  const where = options.target ? ` on ${options.target}` : '';
  const encoded: Record<string, unknown> = {};
  for (const [slug, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const path = `values.${slug}`;
    const attribute = bySlug.get(slug);
    if (!attribute) {
      const known = attributes.slice(0, 8).map((item) => item.api_slug);
      throw attioInputError(
        `Attio has no attribute "${slug}"${where} (known: ${known.join(', ')}${attributes.length > 8 ? ', …' : ''}).`,
        path,
        'value_not_found',
      );
    }
    if (attribute.is_writable === false) {
      if (options.readOnly === 'skip') continue;
      throw attioInputError(
        `Attio attribute "${slug}"${where} is managed by Attio and cannot be written; leave it out or pass { readOnly: 'skip' }.`,
        path,
        'immutable_value',
      );
    }
    const encoder = ENCODERS[attribute.type];
    const encodeOne = (item: unknown, index?: number) => {
      const itemPath = index === undefined ? path : `${path}.${index}`;
      if (!encoder) return item;
      return encoder(item, (expected) => {
        throw attioInputError(
          `Attio attribute "${slug}"${where} (${attribute.type}) expects ${expected}, got ${describeValue(item)}.`,
          itemPath,
          'validation_type',
        );
      });
    };
    if (value === null) {
      encoded[slug] = [];
    } else if (attribute.is_multiselect) {
      encoded[slug] = (Array.isArray(value) ? value : [value]).map((item, index) => encodeOne(item, index));
    } else if (Array.isArray(value)) {
      if (value.length > 1) {
        throw attioInputError(
          `Attio attribute "${slug}"${where} holds one value, got ${value.length}.`,
          path,
          'validation_type',
        );
      }
      encoded[slug] = value.length === 0 ? [] : encodeOne(value[0]);
    } else {
      encoded[slug] = encodeOne(value);
    }
  }
  return encoded;
}
