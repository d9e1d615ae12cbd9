import type { Company, Person, Seniority } from '@salesos/core';
import { bareDomain } from '../internal/enrichment-identity.ts';
import type { ApolloAccountInput } from '../resources/accounts.ts';
import type { ApolloContactInput } from '../resources/contacts.ts';
import type { ApolloAccount } from '../schemas/account.ts';
import type { ApolloPhoneNumber } from '../schemas/common.ts';
import type { ApolloContact } from '../schemas/contact.ts';
import type { ApolloOrganization } from '../schemas/organization.ts';
import type { ApolloPerson, ApolloSearchPerson } from '../schemas/person.ts';

/** The key of Apollo ids in canonical `externalIds`. */
export const APOLLO_SYSTEM_ID = 'apollo';

const SENIORITY: Record<string, Seniority> = {
  owner: 'owner',
  founder: 'founder',
  c_suite: 'c_suite',
  partner: 'partner',
  vp: 'vp',
  head: 'head',
  director: 'director',
  manager: 'manager',
  senior: 'senior',
  entry: 'entry',
  intern: 'entry',
};

const APOLLO_ID = /^[0-9a-f]{24}$/i;

const isoOrNull = (value: string | null | undefined): string | null => {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
};

const seniorityOf = (value: string | null | undefined): Seniority | null =>
  value ? (SENIORITY[value.toLowerCase()] ?? null) : null;

const phoneOf = (
  numbers: ApolloPhoneNumber[] | null | undefined,
  fallback?: string | null,
): string | null => {
  const mobile = numbers?.find((number) => (number.type_cd ?? number.type) === 'mobile');
  const chosen = mobile ?? numbers?.[0];
  return chosen?.sanitized_number ?? chosen?.raw_number ?? fallback ?? null;
};

const departmentOf = (departments: string[] | null | undefined): string | null =>
  departments?.[0]?.replace(/^master_/, '') ?? null;

/** A contact (a person your team saved) as a canonical `Person`; `companyId` is the Apollo account id. */
export function apolloContactToPerson(contact: ApolloContact): Person {
  return {
    id: contact.id,
    email: contact.email ?? null,
    firstName: contact.first_name ?? null,
    lastName: contact.last_name ?? null,
    title: contact.title ?? null,
    seniority: seniorityOf(contact.seniority),
    department: departmentOf(contact.departments),
    phone: phoneOf(contact.phone_numbers, contact.sanitized_phone),
    linkedinUrl: contact.linkedin_url ?? null,
    companyId: contact.account_id ?? null,
    timeZone: contact.time_zone ?? null,
    country: contact.country ?? null,
    updatedAt: isoOrNull(contact.updated_at ?? contact.created_at),
    externalIds: { [APOLLO_SYSTEM_ID]: contact.id },
  };
}

/** An enriched person (or one read by id) as a canonical `Person`; `companyId` is the Apollo organization id. */
export function apolloPersonToPerson(person: ApolloPerson): Person {
  return {
    id: person.id,
    email: person.email ?? null,
    firstName: person.first_name ?? null,
    lastName: person.last_name ?? null,
    title: person.title ?? null,
    seniority: seniorityOf(person.seniority),
    department: departmentOf(person.departments),
    phone: phoneOf(person.phone_numbers),
    linkedinUrl: person.linkedin_url ?? null,
    companyId: person.organization_id ?? person.organization?.id ?? null,
    timeZone: person.time_zone ?? null,
    country: person.country ?? null,
    updatedAt: null,
    externalIds: { [APOLLO_SYSTEM_ID]: person.id },
  };
}

/** A People API Search result as a canonical `Person` (no email, and the last name only once enriched). */
export function apolloSearchPersonToPerson(person: ApolloSearchPerson): Person {
  return {
    id: person.id,
    email: null,
    firstName: person.first_name ?? null,
    lastName: person.last_name ?? null,
    title: person.title ?? null,
    updatedAt: isoOrNull(person.last_refreshed_at),
    externalIds: { [APOLLO_SYSTEM_ID]: person.id },
  };
}

/** An account (a company your team saved) as a canonical `Company`. */
export function apolloAccountToCompany(account: ApolloAccount): Company {
  const domain = account.domain ?? (account.website_url ? bareDomain(account.website_url) : null);
  return {
    id: account.id,
    name: account.name ?? null,
    domain: domain ? bareDomain(domain) : null,
    updatedAt: isoOrNull(account.updated_at ?? account.created_at),
    technologies: [],
    externalIds: { [APOLLO_SYSTEM_ID]: account.id },
  };
}

/** An organization from enrichment or search as a canonical `Company`. */
export function apolloOrganizationToCompany(organization: ApolloOrganization): Company {
  const domain = organization.primary_domain ?? organization.domain ?? organization.website_url ?? null;
  const employees = organization.estimated_num_employees;
  const revenue = organization.annual_revenue;
  return {
    id: organization.id,
    name: organization.name ?? null,
    domain: domain ? bareDomain(domain) : null,
    industry: organization.industry ?? null,
    employeeCount: typeof employees === 'number' && employees >= 0 ? Math.round(employees) : null,
    annualRevenue: typeof revenue === 'number' && revenue >= 0 ? revenue : null,
    country: organization.country ?? null,
    technologies: organization.technology_names ?? [],
    updatedAt: null,
    externalIds: { [APOLLO_SYSTEM_ID]: organization.id },
  };
}

/** The Apollo contact fields of a canonical person (absent fields are left out). */
export function personToApolloContact(person: Partial<Person>): ApolloContactInput {
  const input: ApolloContactInput = {};
  if (person.firstName != null) input.first_name = person.firstName;
  if (person.lastName != null) input.last_name = person.lastName;
  if (person.email != null) input.email = person.email;
  if (person.title != null) input.title = person.title;
  if (person.phone != null) input.direct_phone = person.phone;
  // Only an Apollo account id can go in account_id; other systems' ids would be refused.
  if (person.companyId != null && APOLLO_ID.test(person.companyId)) input.account_id = person.companyId;
  return input;
}

/** The Apollo account fields of a canonical company (absent fields are left out). */
export function companyToApolloAccount(company: Partial<Company>): ApolloAccountInput {
  const input: ApolloAccountInput = {};
  if (company.name != null) input.name = company.name;
  if (company.domain != null) input.domain = bareDomain(company.domain);
  return input;
}
