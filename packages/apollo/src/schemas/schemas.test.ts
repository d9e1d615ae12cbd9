import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { ApolloAccountResponseSchema, ApolloAccountSearchResponseSchema } from './account.ts';
import {
  ApolloContactBulkCreateResponseSchema,
  ApolloContactBulkUpdateResponseSchema,
  ApolloContactResponseSchema,
  ApolloContactSearchResponseSchema,
} from './contact.ts';
import {
  ApolloOpportunityResponseSchema,
  ApolloOpportunitySearchResponseSchema,
  ApolloOpportunityStagesResponseSchema,
} from './opportunity.ts';
import {
  ApolloJobPostingsResponseSchema,
  ApolloOrganizationBulkEnrichResponseSchema,
  ApolloOrganizationEnrichResponseSchema,
  ApolloOrganizationGetResponseSchema,
  ApolloOrganizationSearchResponseSchema,
} from './organization.ts';
import {
  ApolloPeopleBulkMatchResponseSchema,
  ApolloPeopleSearchResponseSchema,
  ApolloPersonGetResponseSchema,
  ApolloPersonMatchResponseSchema,
} from './person.ts';
import {
  ApolloAddContactsResponseSchema,
  ApolloRemoveOrStopResponseSchema,
  ApolloSequenceSearchResponseSchema,
} from './sequence.ts';
import { ApolloTaskResponseSchema, ApolloTaskSearchResponseSchema } from './task.ts';
import { ApolloApiUsageStatsSchema, ApolloCreditUsageStatsSchema } from './usage.ts';
import { ApolloEmailAccountsResponseSchema, ApolloUserSearchResponseSchema } from './user.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../__fixtures__/${name}.json`, import.meta.url), 'utf8'));

const cases: [string, ZodType][] = [
  ['people-match', ApolloPersonMatchResponseSchema],
  ['people-bulk-match', ApolloPeopleBulkMatchResponseSchema],
  ['people-api-search', ApolloPeopleSearchResponseSchema],
  ['people-get', ApolloPersonGetResponseSchema],
  ['organizations-enrich', ApolloOrganizationEnrichResponseSchema],
  ['organizations-bulk-enrich', ApolloOrganizationBulkEnrichResponseSchema],
  ['organizations-search', ApolloOrganizationSearchResponseSchema],
  ['organizations-get', ApolloOrganizationGetResponseSchema],
  ['organizations-job-postings', ApolloJobPostingsResponseSchema],
  ['contacts-create', ApolloContactResponseSchema],
  ['contacts-update', ApolloContactResponseSchema],
  ['contacts-get', ApolloContactResponseSchema],
  ['contacts-search', ApolloContactSearchResponseSchema],
  ['contacts-bulk-create', ApolloContactBulkCreateResponseSchema],
  ['contacts-bulk-update', ApolloContactBulkUpdateResponseSchema],
  ['accounts-create', ApolloAccountResponseSchema],
  ['accounts-update', ApolloAccountResponseSchema],
  ['accounts-get', ApolloAccountResponseSchema],
  ['accounts-search', ApolloAccountSearchResponseSchema],
  ['opportunities-create', ApolloOpportunityResponseSchema],
  ['opportunities-get', ApolloOpportunityResponseSchema],
  ['opportunities-update', ApolloOpportunityResponseSchema],
  ['opportunities-search', ApolloOpportunitySearchResponseSchema],
  ['opportunity-stages', ApolloOpportunityStagesResponseSchema],
  ['emailer-campaigns-search', ApolloSequenceSearchResponseSchema],
  ['emailer-campaigns-add-contact-ids', ApolloAddContactsResponseSchema],
  ['emailer-campaigns-remove-or-stop', ApolloRemoveOrStopResponseSchema],
  ['tasks-create', ApolloTaskResponseSchema],
  ['tasks-search', ApolloTaskSearchResponseSchema],
  ['users-search', ApolloUserSearchResponseSchema],
  ['email-accounts', ApolloEmailAccountsResponseSchema],
  ['usage-credit-usage-stats', ApolloCreditUsageStatsSchema],
  ['usage-api-usage-stats', ApolloApiUsageStatsSchema],
];

describe('Apollo response schemas', () => {
  it.each(cases)('accept the documented example of %s', (name, schema) => {
    const result = schema.safeParse(fixture(name));
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('keep fields they do not declare', () => {
    const parsed = ApolloPersonMatchResponseSchema.parse(fixture('people-match'));
    expect(parsed.person?.employment_history).toBeDefined();
    expect((parsed.person as Record<string, unknown>).revealed_for_current_team).toBe(true);
  });

  it('turn the numeric request_id into a string', () => {
    const parsed = ApolloPeopleBulkMatchResponseSchema.parse(fixture('people-bulk-match'));
    expect(typeof parsed.request_id).toBe('string');
  });

  it('reject a person without an id', () => {
    expect(ApolloPersonGetResponseSchema.safeParse({ person: { first_name: 'Ann' } }).success).toBe(false);
  });
});
