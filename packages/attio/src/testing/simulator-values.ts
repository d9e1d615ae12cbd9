import type { AttioAttribute, AttioSelectOption, AttioStatus } from '../schemas/attribute.ts';
import { SimulatorError, validationError } from './simulator-error.ts';

/** What converting a written value needs to look up in the store. */
export interface ValueContext {
  option(attribute: AttioAttribute, titleOrId: string): AttioSelectOption | undefined;
  status(attribute: AttioAttribute, titleOrId: string): AttioStatus | undefined;
  /** The record id a reference points at, or `undefined` when there is none. */
  resolveRecord(targetObject: string, reference: Record<string, unknown>): string | undefined;
  /** The object slug of `targetObject` (a slug or an object id). */
  objectSlug(targetObject: string): string | undefined;
  /** The workspace member id of an id or email address. */
  member(idOrEmail: string): string | undefined;
  currencyCode(attribute: AttioAttribute): string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const typeName = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/** Attio writes nine fractional digits: `2023-01-01T15:00:00.000000000Z`. */
export function attioTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

const rootDomain = (domain: string): string => domain.split('.').slice(-2).join('.');

const normaliseDomain = (input: string): string =>
  input
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/.*$/, '');

/**
 * Turns one written value (Attio's input shape, or the bare forms Attio accepts) into the
 * type-specific fields of its read shape, or throws the 400 Attio would answer.
 */
export function readValueOf(
  attribute: AttioAttribute,
  input: unknown,
  path: readonly (string | number)[],
  context: ValueContext,
): Record<string, unknown> {
  const type = attribute.type;
  const invalid = (expected: string): never => {
    throw validationError(
      path,
      `Invalid value for attribute "${attribute.api_slug}" (${type}).`,
      expected,
      typeName(input),
    );
  };
  const field = (name: string): unknown => (isObject(input) ? input[name] : input);
  const base = { attribute_type: type };

  switch (type) {
    case 'text': {
      const value = field('value');
      return typeof value === 'string' ? { ...base, value } : invalid('string');
    }
    case 'number':
    case 'rating': {
      const value = field('value');
      if (typeof value !== 'number' || !Number.isFinite(value)) return invalid('number');
      if (type === 'rating' && (value < 0 || value > 5 || !Number.isInteger(value)))
        return invalid('integer 0-5');
      return { ...base, value };
    }
    case 'checkbox': {
      const value = field('value');
      if (typeof value === 'boolean') return { ...base, value };
      if (value === 'true' || value === 'false') return { ...base, value: value === 'true' };
      return invalid('boolean');
    }
    case 'currency': {
      const value = field('currency_value');
      if (typeof value !== 'number' || !Number.isFinite(value)) return invalid('number');
      return {
        ...base,
        currency_value: Math.round(value * 10_000) / 10_000,
        currency_code: context.currencyCode(attribute),
      };
    }
    case 'date': {
      const value = field('value');
      const match = typeof value === 'string' ? /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(value) : null;
      if (!match) return invalid('date string');
      return { ...base, value: `${match[1]}-${match[2] ?? '01'}-${match[3] ?? '01'}` };
    }
    case 'timestamp': {
      const value = field('value');
      const epoch = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(epoch)) return invalid('ISO-8601 timestamp');
      return { ...base, value: attioTimestamp(epoch) };
    }
    case 'select': {
      const value = field('option');
      if (typeof value !== 'string') return invalid('select option title or id');
      const option = context.option(attribute, value);
      if (!option) {
        throw new SimulatorError(
          400,
          'value_not_found',
          `Cannot find select attribute with select option title "${value}".`,
        );
      }
      return { ...base, option };
    }
    case 'status': {
      const value = field('status');
      if (typeof value !== 'string') return invalid('status title or id');
      const status = context.status(attribute, value);
      if (!status) {
        throw new SimulatorError(
          400,
          'value_not_found',
          `Cannot find status attribute with status title "${value}".`,
        );
      }
      return { ...base, status };
    }
    case 'record-reference': {
      if (!isObject(input) || typeof input.target_object !== 'string')
        return invalid('record reference object');
      const slug = context.objectSlug(input.target_object);
      if (!slug)
        throw new SimulatorError(400, 'value_not_found', `Object "${input.target_object}" not found.`);
      const id = context.resolveRecord(slug, input);
      if (!id) {
        throw new SimulatorError(
          400,
          'value_not_found',
          `Cannot find the record referenced by "${attribute.api_slug}".`,
        );
      }
      return { ...base, target_object: slug, target_record_id: id };
    }
    case 'actor-reference': {
      const reference = isObject(input)
        ? (input.referenced_actor_id ?? input.workspace_member_email_address)
        : input;
      if (typeof reference !== 'string') return invalid('workspace member reference');
      const member = context.member(reference);
      if (!member)
        throw new SimulatorError(400, 'value_not_found', `Cannot find workspace member "${reference}".`);
      return { ...base, referenced_actor_type: 'workspace-member', referenced_actor_id: member };
    }
    case 'location': {
      if (!isObject(input)) return invalid('location object');
      const keys = [
        'line_1',
        'line_2',
        'line_3',
        'line_4',
        'locality',
        'region',
        'postcode',
        'country_code',
        'latitude',
        'longitude',
      ];
      const location: Record<string, unknown> = { ...base };
      for (const key of keys) {
        const part = input[key] ?? null;
        if (part !== null && typeof part !== 'string') return invalid(`string or null at ${key}`);
        location[key] = part;
      }
      return location;
    }
    case 'domain': {
      const value = field('domain');
      if (typeof value !== 'string' || value.trim() === '') return invalid('domain string');
      const domain = normaliseDomain(value);
      return { ...base, domain, root_domain: rootDomain(domain) };
    }
    case 'email-address': {
      const value = field('email_address');
      if (typeof value !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value.trim()))
        return invalid('email address');
      const original = value.trim();
      const email = original.toLowerCase();
      const [local = '', domain = ''] = email.split('@');
      return {
        ...base,
        original_email_address: original,
        email_address: email,
        email_domain: domain,
        email_root_domain: rootDomain(domain),
        email_local_specifier: local.split('+')[0] ?? local,
      };
    }
    case 'phone-number': {
      const value = field('original_phone_number');
      if (typeof value !== 'string' || !/\d/.test(value)) return invalid('phone number');
      const countryCode =
        isObject(input) && typeof input.country_code === 'string' ? input.country_code : 'US';
      const digits = value.replace(/[^\d]/g, '');
      const phone = value.trim().startsWith('+') ? `+${digits}` : `+1${digits}`;
      return { ...base, original_phone_number: value, country_code: countryCode, phone_number: phone };
    }
    case 'personal-name': {
      if (typeof input === 'string') {
        const [last = '', first = ''] = input.includes(',')
          ? input.split(',').map((part) => part.trim())
          : ['', input.trim()];
        return { ...base, first_name: first, last_name: last, full_name: `${first} ${last}`.trim() };
      }
      if (!isObject(input)) return invalid('personal name object');
      const first = input.first_name ?? '';
      const last = input.last_name ?? '';
      if (typeof first !== 'string' || typeof last !== 'string')
        return invalid('first_name and last_name strings');
      const full = typeof input.full_name === 'string' ? input.full_name : `${first} ${last}`.trim();
      return { ...base, first_name: first, last_name: last, full_name: full };
    }
    case 'interaction': {
      if (
        !isObject(input) ||
        typeof input.interaction_type !== 'string' ||
        typeof input.interacted_at !== 'string'
      ) {
        return invalid('interaction object');
      }
      const owner = isObject(input.owner_actor) ? input.owner_actor : { type: null, id: null };
      return {
        ...base,
        interaction_type: input.interaction_type,
        interacted_at: attioTimestamp(Date.parse(input.interacted_at)),
        owner_actor: { type: owner.type ?? null, id: owner.id ?? null },
      };
    }
    default:
      return isObject(input) ? { ...input, ...base } : { ...base, value: input };
  }
}

/** The identity of a value: two values with the same key are the same (for uniqueness and de-duplication). */
export function valueKey(value: Record<string, unknown>): string {
  switch (value.attribute_type) {
    case 'email-address':
      return String(value.email_address);
    case 'domain':
      return String(value.domain);
    case 'phone-number':
      return String(value.phone_number);
    case 'record-reference':
      return `${value.target_object}/${value.target_record_id}`;
    case 'actor-reference':
      return String(value.referenced_actor_id);
    case 'select':
      return String((value.option as AttioSelectOption).id.option_id);
    case 'status':
      return String((value.status as AttioStatus).id.status_id);
    case 'currency':
      return String(value.currency_value);
    case 'personal-name':
      return String(value.full_name).toLowerCase();
    default:
      return JSON.stringify(value.value ?? value);
  }
}
