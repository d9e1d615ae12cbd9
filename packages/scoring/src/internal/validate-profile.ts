import { SENIORITIES } from '@salesos/core';
import { ScoringInputError } from '../errors/scoring-input-error.ts';
import type { CompanyProfile, PersonProfile, ScoreInput } from '../scorer/types.ts';

const PERSON_TEXT = ['email', 'title', 'department', 'country', 'companyId'] as const;
const COMPANY_TEXT = ['name', 'domain', 'industry', 'country'] as const;
const COMPANY_NUMBERS = ['employeeCount', 'annualRevenue'] as const;
const LEVELS: ReadonlySet<unknown> = new Set(SENIORITIES);

const at = (prefix: string, field: string) => (prefix === '' ? field : `${prefix}.${field}`);

/** A bad input value as an error message shows it: short, and never by calling the value's own methods. */
export const shown = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a string' : JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  return `a value of type ${typeof value}`;
};

const reject = (what: string, path: string, expected: string, value: unknown): never => {
  throw new ScoringInputError(`${what}: "${path}" must be ${expected}, got ${shown(value)}`, { path });
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const requireRecord = (value: unknown, what: string, path: string): Record<string, unknown> => {
  if (!isRecord(value)) reject(what, path === '' ? '(root)' : path, 'an object', value);
  return value as Record<string, unknown>;
};

const requireId = (record: Record<string, unknown>, what: string, path: string): void => {
  const id = record.id;
  if (typeof id !== 'string' || id.length === 0) reject(what, path, 'a non-empty string', id);
};

const optionalText = (record: Record<string, unknown>, field: string, what: string, prefix: string) => {
  const value = record[field];
  if (value !== undefined && value !== null && typeof value !== 'string') {
    reject(what, at(prefix, field), 'a string or null', value);
  }
};

/**
 * Checks every person field scoring reads or stores, so a profile is refused before anything
 * is written. `prefix` is the field's place in the caller's input (`person`).
 *
 * @throws ScoringInputError naming the first unusable field (`person.title`).
 */
export function validatePerson(value: unknown, what: string, prefix: string): PersonProfile {
  const person = requireRecord(value, what, prefix);
  requireId(person, what, at(prefix, 'id'));
  for (const field of PERSON_TEXT) optionalText(person, field, what, prefix);
  const seniority = person.seniority;
  if (seniority !== undefined && seniority !== null && !LEVELS.has(seniority)) {
    reject(what, at(prefix, 'seniority'), `one of ${SENIORITIES.join(', ')} or null`, seniority);
  }
  return person as PersonProfile;
}

/**
 * Checks every company field scoring reads or stores, so a profile is refused before anything
 * is written. `prefix` is the field's place in the caller's input (`company`, or `''` for the root).
 *
 * @throws ScoringInputError naming the first unusable field (`company.industry`, `technologies[2]`).
 */
export function validateCompany(value: unknown, what: string, prefix: string): CompanyProfile {
  const company = requireRecord(value, what, prefix);
  requireId(company, what, at(prefix, 'id'));
  for (const field of COMPANY_TEXT) optionalText(company, field, what, prefix);
  for (const field of COMPANY_NUMBERS) {
    const number = company[field];
    if (
      number !== undefined &&
      number !== null &&
      !(typeof number === 'number' && Number.isFinite(number) && number >= 0)
    ) {
      reject(what, at(prefix, field), 'a number of 0 or more, or null', number);
    }
  }
  const technologies = company.technologies;
  if (technologies !== undefined && technologies !== null) {
    if (!Array.isArray(technologies)) {
      reject(what, at(prefix, 'technologies'), 'an array of strings', technologies);
    }
    (technologies as unknown[]).forEach((technology, position) => {
      if (typeof technology !== 'string') {
        reject(what, `${at(prefix, 'technologies')}[${position}]`, 'a string', technology);
      }
    });
  }
  return company as CompanyProfile;
}

/**
 * Checks one input of `score`: its person and company as `validatePerson`/`validateCompany`
 * do, and that `activities` and `signals` are lists. Unusable events in the lists are skipped
 * while scoring, not refused.
 *
 * @throws ScoringInputError naming the first unusable field (`[3].person.title`).
 */
export function validateScoreInput(value: unknown, what: string, prefix: string): ScoreInput {
  const input = requireRecord(value, what, prefix);
  validatePerson(input.person, what, at(prefix, 'person'));
  if (input.company !== undefined && input.company !== null) {
    validateCompany(input.company, what, at(prefix, 'company'));
  }
  for (const field of ['activities', 'signals'] as const) {
    const events = input[field];
    if (events !== undefined && events !== null && !Array.isArray(events)) {
      reject(what, at(prefix, field), 'an array', events);
    }
  }
  return input as unknown as ScoreInput;
}
