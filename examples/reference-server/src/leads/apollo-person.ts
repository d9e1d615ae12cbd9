import type { ApolloPerson } from '@salesos/apollo';
import { type Company, type Person, SENIORITIES, type Seniority } from '@salesos/core';

const toSeniority = (value: string | null | undefined): Seniority | null => {
  if (!value) return null;
  if (value === 'intern') return 'entry';
  return (SENIORITIES as readonly string[]).includes(value) ? (value as Seniority) : null;
};

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const count = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;

/**
 * The canonical person and company of an Apollo enrichment. Ids are derived from Apollo's
 * (`pe_<apollo id>`, `co_<apollo id>`), so enriching a person again updates the same contact.
 */
export function apolloToCanonical(apollo: ApolloPerson): { person: Person; company: Company | null } {
  const organization = apollo.organization;
  const company: Company | null = organization
    ? {
        id: `co_${organization.id}`,
        name: text(organization.name),
        domain: text(organization.primary_domain),
        industry: text(organization.industry),
        employeeCount: count(organization.estimated_num_employees),
        annualRevenue: count(organization.annual_revenue),
        country: text(organization.country),
        technologies: Array.isArray(organization.technology_names)
          ? organization.technology_names.filter((item): item is string => typeof item === 'string')
          : [],
        externalIds: { apollo: String(organization.id) },
      }
    : null;
  const person: Person = {
    id: `pe_${apollo.id}`,
    email: apollo.email ?? null,
    firstName: apollo.first_name ?? null,
    lastName: apollo.last_name ?? null,
    title: apollo.title ?? null,
    seniority: toSeniority(apollo.seniority),
    department: apollo.departments?.[0]?.replace(/^master_/, '').replace(/_/g, ' ') ?? null,
    linkedinUrl: apollo.linkedin_url ?? null,
    companyId: company?.id ?? null,
    timeZone: apollo.time_zone ?? null,
    country: apollo.country ?? null,
    externalIds: { apollo: apollo.id },
  };
  return { person, company };
}
