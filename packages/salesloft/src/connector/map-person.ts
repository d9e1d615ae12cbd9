import type { Person, Seniority, UpsertRecord } from '@salesos/core';
import { normalizeTimestamp } from '../internal/timestamp.ts';
import type { SalesloftPersonInput } from '../resources/people.ts';
import type { SalesloftPerson } from '../schemas/person.ts';

const TO_SENIORITY: Record<string, Seniority | null> = {
  individual_contributor: 'entry',
  manager: 'manager',
  director: 'director',
  vice_president: 'vp',
  executive: 'c_suite',
  unknown: null,
};

const FROM_SENIORITY: Record<Seniority, string> = {
  entry: 'individual_contributor',
  senior: 'individual_contributor',
  manager: 'manager',
  head: 'director',
  director: 'director',
  vp: 'vice_president',
  c_suite: 'executive',
  partner: 'executive',
  founder: 'executive',
  owner: 'executive',
};

const present = (value: string | null | undefined): string | null =>
  value && value.trim() !== '' ? value : null;

/** Maps a SalesLoft person onto the canonical `Person` (`id` and `externalIds.salesloft` are SalesLoft's id). */
export function salesloftPersonToPerson(person: SalesloftPerson): Person {
  const id = String(person.id);
  const accountId = person.account?.id;
  return {
    id,
    email: present(person.email_address),
    firstName: present(person.first_name),
    lastName: present(person.last_name),
    title: present(person.title),
    seniority: person.job_seniority ? (TO_SENIORITY[person.job_seniority] ?? null) : null,
    phone: present(person.phone) ?? present(person.mobile_phone),
    linkedinUrl: present(person.linkedin_url),
    companyId: accountId === null || accountId === undefined ? null : String(accountId),
    timeZone: present(person.locale),
    country: present(person.country) ?? present(person.work_country),
    updatedAt: person.updated_at ? (normalizeTimestamp(person.updated_at) ?? null) : null,
    externalIds: { salesloft: id },
  };
}

/** Maps canonical person fields onto SalesLoft's input; absent fields are left out, so they stay as they are. */
export function personToSalesloftInput(person: UpsertRecord<Person>): SalesloftPersonInput {
  const input: SalesloftPersonInput = {};
  if (person.email !== undefined) input.email_address = person.email;
  if (person.firstName !== undefined) input.first_name = person.firstName;
  if (person.lastName !== undefined) input.last_name = person.lastName;
  if (person.title !== undefined) input.title = person.title;
  if (person.phone !== undefined) input.phone = person.phone;
  if (person.linkedinUrl !== undefined) input.linkedin_url = person.linkedinUrl;
  if (person.country !== undefined) input.country = person.country;
  if (person.timeZone !== undefined) input.locale = person.timeZone;
  if (person.seniority !== undefined)
    input.job_seniority = person.seniority ? FROM_SENIORITY[person.seniority] : null;
  if (person.companyId !== undefined) {
    // Only SalesLoft account ids (numbers) can link a person to an account.
    if (person.companyId === null) input.account_id = null;
    else if (/^\d+$/.test(person.companyId)) input.account_id = Number(person.companyId);
  }
  return input;
}
