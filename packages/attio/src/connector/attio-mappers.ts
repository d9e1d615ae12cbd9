import type { Company, Deal, EntityType, Person, UpsertRecord } from '@salesos/core';
import type {
  AttioCurrencyAmount,
  AttioLocation,
  AttioPersonalName,
  AttioPlainValues,
  AttioRecordReference,
} from '../codec/value-codec.ts';
import type { AttioRecord } from '../schemas/record.ts';

/** Turns an Attio record into a canonical record, and canonical fields into plain Attio values. */
export interface AttioEntityMapper<T> {
  /** Slug of the Attio object holding the entity (`people`). */
  readonly object: string;
  toCanonical(record: AttioRecord, plain: AttioPlainValues): T;
  /**
   * Plain values (for `encodeValues`) of the fields present in `record`; `null` clears a value.
   * Fields whose attribute the object lacks are left out by the caller.
   */
  toPlain(record: UpsertRecord<T>): Record<string, unknown>;
}

const first = <T>(value: unknown): T | undefined =>
  Array.isArray(value) ? (value[0] as T | undefined) : (value as T);

const text = (value: unknown): string | null => {
  const item = first<unknown>(value);
  return typeof item === 'string' ? item : null;
};

const toIso = (attioTimestamp: string): string => {
  const epoch = Date.parse(attioTimestamp);
  return Number.isNaN(epoch) ? attioTimestamp : new Date(epoch).toISOString();
};

/**
 * When the record last changed, as far as Attio tells: the newest `active_from` of its
 * current values (a value changed), or its creation.
 */
export function lastChangedAt(record: AttioRecord): string {
  let newest = Date.parse(record.created_at);
  for (const values of Object.values(record.values)) {
    for (const value of values) {
      const from = value.active_from ? Date.parse(value.active_from) : Number.NaN;
      if (!Number.isNaN(from) && (Number.isNaN(newest) || from > newest)) newest = from;
    }
  }
  return Number.isNaN(newest) ? toIso(record.created_at) : new Date(newest).toISOString();
}

const reference = (value: unknown): string | null => {
  const item = first<AttioRecordReference | null>(value);
  return item && typeof item === 'object' && 'targetRecordId' in item ? item.targetRecordId : null;
};

const countryOf = (value: unknown): string | null => {
  const location = first<AttioLocation | null>(value);
  return location && typeof location === 'object' && 'countryCode' in location ? location.countryCode : null;
};

/** Copies `key` of `record` into `target` under `slug` through `convert`, when the record has the key. */
const put = <T extends object, Key extends keyof T>(
  target: Record<string, unknown>,
  record: T,
  key: Key,
  slug: string,
  convert: (value: NonNullable<T[Key]>) => unknown,
) => {
  if (!(key in record) || record[key] === undefined) return;
  const value = record[key];
  target[slug] = value === null ? null : convert(value as NonNullable<T[Key]>);
};

/** `people` ⇄ `Person`. */
export function createPersonMapper(object = 'people'): AttioEntityMapper<Person> {
  return {
    object,
    toCanonical(record, plain) {
      const name = first<AttioPersonalName | null>(plain.name);
      return {
        id: record.id.record_id,
        email: text(plain.email_addresses),
        firstName: name && typeof name === 'object' ? name.firstName || null : null,
        lastName: name && typeof name === 'object' ? name.lastName || null : null,
        title: text(plain.job_title),
        phone: text(plain.phone_numbers),
        linkedinUrl: text(plain.linkedin),
        companyId: reference(plain.company),
        country: countryOf(plain.primary_location),
        updatedAt: lastChangedAt(record),
        externalIds: { attio: record.id.record_id },
      };
    },
    toPlain(person) {
      const values: Record<string, unknown> = {};
      put(values, person, 'email', 'email_addresses', (email) => [email]);
      if (person.firstName !== undefined || person.lastName !== undefined) {
        values.name = { firstName: person.firstName ?? '', lastName: person.lastName ?? '' };
      }
      put(values, person, 'title', 'job_title', (title) => title);
      put(values, person, 'phone', 'phone_numbers', (phone) => [phone]);
      put(values, person, 'linkedinUrl', 'linkedin', (url) => url);
      put(values, person, 'companyId', 'company', (id) => ({
        targetObject: 'companies',
        targetRecordId: id,
      }));
      return values;
    },
  };
}

/** Lower bound of an `employee_range` option such as `51-250` or `100K+`. */
const rangeFloor = (range: string | null): number | null => {
  if (!range) return null;
  const match = /^(\d+)(K)?/i.exec(range.trim());
  if (!match) return null;
  return Number(match[1]) * (match[2] ? 1000 : 1);
};

/** `companies` ⇄ `Company`. */
export function createCompanyMapper(object = 'companies'): AttioEntityMapper<Company> {
  return {
    object,
    toCanonical(record, plain) {
      const count = first<unknown>(plain.employee_count);
      const categories = Array.isArray(plain.categories) ? plain.categories : [];
      return {
        id: record.id.record_id,
        name: text(plain.name),
        domain: text(plain.domains)?.toLowerCase() ?? null,
        industry: typeof categories[0] === 'string' ? categories[0] : null,
        employeeCount:
          typeof count === 'number' && Number.isInteger(count) && count >= 0
            ? count
            : rangeFloor(text(plain.employee_range)),
        country: countryOf(plain.primary_location),
        technologies: [],
        updatedAt: lastChangedAt(record),
        externalIds: { attio: record.id.record_id },
      };
    },
    toPlain(company) {
      const values: Record<string, unknown> = {};
      put(values, company, 'name', 'name', (name) => name);
      put(values, company, 'domain', 'domains', (domain) => [domain.toLowerCase()]);
      put(values, company, 'employeeCount', 'employee_count', (count) => count);
      return values;
    },
  };
}

/** `deals` ⇄ `Deal`. */
export function createDealMapper(object = 'deals'): AttioEntityMapper<Deal> {
  return {
    object,
    toCanonical(record, plain) {
      const value = first<AttioCurrencyAmount | null>(plain.value);
      const people = Array.isArray(plain.associated_people) ? plain.associated_people : [];
      return {
        id: record.id.record_id,
        name: text(plain.name),
        amount: value && typeof value === 'object' ? value.amount : null,
        currency: value && typeof value === 'object' ? value.currencyCode : null,
        stage: text(plain.stage),
        companyId: reference(plain.associated_company),
        personIds: people
          .map((person) =>
            person && typeof person === 'object' && 'targetRecordId' in person ? person.targetRecordId : null,
          )
          .filter((id): id is string => typeof id === 'string'),
        closeDate: text(plain.close_date),
        updatedAt: lastChangedAt(record),
        externalIds: { attio: record.id.record_id },
      };
    },
    toPlain(deal) {
      const values: Record<string, unknown> = {};
      put(values, deal, 'name', 'name', (name) => name);
      put(values, deal, 'amount', 'value', (amount) => amount);
      put(values, deal, 'stage', 'stage', (stage) => stage);
      put(values, deal, 'companyId', 'associated_company', (id) => ({
        targetObject: 'companies',
        targetRecordId: id,
      }));
      put(values, deal, 'personIds', 'associated_people', (ids) =>
        ids.map((id) => ({ targetObject: 'people', targetRecordId: id })),
      );
      put(values, deal, 'closeDate', 'close_date', (date) => date);
      return values;
    },
  };
}

/** The unique attribute each match field asserts on. */
export const MATCH_ATTRIBUTES: Readonly<Record<EntityType, Readonly<Record<string, string>>>> = {
  person: { email: 'email_addresses' },
  company: { domain: 'domains' },
  deal: {},
};
