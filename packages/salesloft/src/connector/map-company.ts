import type { Company, UpsertRecord } from '@salesos/core';
import { normalizeTimestamp } from '../internal/timestamp.ts';
import type { SalesloftAccountInput } from '../resources/accounts.ts';
import type { SalesloftAccount } from '../schemas/account.ts';

/** A bare lower-case domain (`acme.com`) from a domain or a URL. */
export function normalizeDomain(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[/?#:].*$/, '');
}

// SalesLoft writes sizes and revenue as text ("1500", "51-200", "1,000,000-2,000,000"): take the first number.
const firstNumber = (value: string | number | null | undefined): number | null => {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const match = /\d[\d,]*(\.\d+)?/.exec(value);
  if (!match) return null;
  const number = Number(match[0].replace(/,/g, ''));
  return Number.isFinite(number) ? number : null;
};

/** Maps a SalesLoft account onto the canonical `Company` (`id` and `externalIds.salesloft` are SalesLoft's id). */
export function salesloftAccountToCompany(account: SalesloftAccount): Company {
  const id = String(account.id);
  const employees = firstNumber(account.size);
  const domain = account.domain ?? account.website;
  return {
    id,
    name: account.name ?? null,
    domain: domain ? normalizeDomain(domain) || null : null,
    industry: account.industry ?? null,
    employeeCount: employees === null ? null : Math.floor(employees),
    annualRevenue: firstNumber(account.revenue_range),
    country: account.country ?? null,
    technologies: [],
    updatedAt: account.updated_at ? (normalizeTimestamp(account.updated_at) ?? null) : null,
    externalIds: { salesloft: id },
  };
}

/** Maps canonical company fields onto SalesLoft's input; absent fields are left out. */
export function companyToSalesloftInput(company: UpsertRecord<Company>): SalesloftAccountInput {
  const input: SalesloftAccountInput = {};
  if (company.name !== undefined && company.name !== null) input.name = company.name;
  if (company.domain !== undefined && company.domain !== null) input.domain = normalizeDomain(company.domain);
  if (company.industry !== undefined) input.industry = company.industry;
  if (company.country !== undefined) input.country = company.country;
  if (company.employeeCount !== undefined)
    input.size = company.employeeCount === null ? null : String(company.employeeCount);
  return input;
}
