import { ConfigError, type Paginator } from '@salesos/core';
import { APOLLO_CREDIT_PRICES } from '../credits/credit-prices.ts';
import { type ApolloContext, withCredits } from '../internal/apollo-context.ts';
import { bareDomain, organizationIdentities } from '../internal/enrichment-identity.ts';
import { type ApolloRange, assertKnownFilters, definedFields, toApolloQuery } from '../internal/query.ts';
import { pageOf, searchApollo } from '../internal/search-apollo.ts';
import {
  type ApolloJobPosting,
  ApolloJobPostingsResponseSchema,
  type ApolloOrganization,
  ApolloOrganizationBulkEnrichResponseSchema,
  ApolloOrganizationEnrichResponseSchema,
  ApolloOrganizationGetResponseSchema,
  ApolloOrganizationSearchResponseSchema,
} from '../schemas/organization.ts';
import type { ApolloListOptions } from './people.ts';

/** Filters of Organization Search (`POST /mixed_companies/search`), in Apollo's spelling. */
export interface ApolloOrganizationSearchFilters {
  /** Company domains, without `www.`. */
  q_organization_domains_list?: string[];
  /** Employee-count ranges such as `"1,10"`. */
  organization_num_employees_ranges?: string[];
  /** Headquarters locations: cities, US states, countries. */
  organization_locations?: string[];
  organization_not_locations?: string[];
  revenue_range?: ApolloRange;
  currently_using_any_of_technology_uids?: string[];
  q_organization_keyword_tags?: string[];
  q_organization_name?: string;
  organization_ids?: string[];
  latest_funding_amount_range?: ApolloRange;
  total_funding_range?: ApolloRange;
  /** Dates as `YYYY-MM-DD`. */
  latest_funding_date_range?: ApolloRange<string>;
  q_organization_job_titles?: string[];
  organization_job_locations?: string[];
  organization_num_jobs_range?: ApolloRange;
  /** Dates as `YYYY-MM-DD`. */
  organization_job_posted_at_range?: ApolloRange<string>;
  /** First page to fetch. Default 1. */
  page?: number;
  /** Records per page, 1–100. Default 100 (each page costs a credit). */
  per_page?: number;
}

/** What identifies an organization to enrich. Give at least one. */
export interface ApolloOrganizationDetails {
  /** Bare domain (`apollo.io`). */
  domain?: string;
  linkedin_url?: string;
  name?: string;
  /** Full website URL. */
  website?: string;
}

/** What `organizations.enrich` answers: `organization` is `null` when Apollo knows no match. */
export interface ApolloOrganizationEnrichment {
  organization: ApolloOrganization | null;
  /** `true` when the credit tracker's cache answered and nothing was spent. */
  fromCache: boolean;
}

/** Options of organization enrichment. */
export interface ApolloOrganizationEnrichOptions {
  /** Skip the credit tracker's cache and pay for fresh data. Default `false`. */
  refresh?: boolean;
}

const SEARCH_FILTERS = [
  'q_organization_domains_list',
  'organization_num_employees_ranges',
  'organization_locations',
  'organization_not_locations',
  'revenue_range',
  'currently_using_any_of_technology_uids',
  'q_organization_keyword_tags',
  'q_organization_name',
  'organization_ids',
  'latest_funding_amount_range',
  'total_funding_range',
  'latest_funding_date_range',
  'q_organization_job_titles',
  'organization_job_locations',
  'organization_num_jobs_range',
  'organization_job_posted_at_range',
  'page',
  'per_page',
] as const;

const DETAIL_FIELDS = ['domain', 'linkedin_url', 'name', 'website'] as const;

/** Apollo's limit of organizations per bulk enrichment call. */
const BULK_CHUNK = 10;

/** The `organizations` namespace. */
export interface OrganizationsResource {
  /**
   * Organization Enrichment (`GET /organizations/enrich`, 1 credit when found). Answered
   * from the credit tracker's cache when it holds the domain.
   *
   * @example
   * ```ts
   * const { organization } = await client.organizations.enrich({ domain: 'apollo.io' });
   * ```
   */
  enrich(
    details: ApolloOrganizationDetails,
    options?: ApolloOrganizationEnrichOptions,
  ): Promise<ApolloOrganizationEnrichment>;
  /** Bulk Organization Enrichment: one result per input, in order (`null` for no match), in calls of 10. */
  bulkEnrich(
    details: readonly ApolloOrganizationDetails[],
    options?: ApolloOrganizationEnrichOptions,
  ): Promise<(ApolloOrganization | null)[]>;
  /** Organization Search over Apollo's database: the team's accounts first, then other organizations (1 credit per page). */
  search(
    filters?: ApolloOrganizationSearchFilters,
    options?: ApolloListOptions,
  ): Paginator<ApolloOrganization>;
  /** An organization by Apollo id (1 credit). */
  get(id: string): Promise<ApolloOrganization>;
  /** An organization's job postings (1 credit per page). */
  jobPostings(
    organizationId: string,
    filters?: { page?: number; per_page?: number },
    options?: ApolloListOptions,
  ): Paginator<ApolloJobPosting>;
}

const checkDetails = (details: ApolloOrganizationDetails, where: string) => {
  if (!details || typeof details !== 'object')
    throw new ConfigError(`${where}: expected an object of company details.`);
  assertKnownFilters(details, DETAIL_FIELDS, where);
  if (!DETAIL_FIELDS.some((field) => typeof details[field] === 'string' && details[field] !== '')) {
    throw new ConfigError(`${where}: give at least one of ${DETAIL_FIELDS.join(', ')}.`);
  }
};

/** Creates the `organizations` namespace. */
export function createOrganizationsResource(context: ApolloContext): OrganizationsResource {
  const cacheResult = async (detail: Record<string, unknown>, organization: ApolloOrganization) => {
    const identities = [...organizationIdentities(detail), ...organizationIdentities(organization)];
    await context.creditTracker?.cacheEnrichment(context.tenantId, 'organization', identities, organization);
  };
  const cached = async (detail: ApolloOrganizationDetails) =>
    context.creditTracker?.getCachedEnrichment<ApolloOrganization>(
      context.tenantId,
      'organization',
      organizationIdentities(detail as Record<string, unknown>),
    );

  return {
    async enrich(details, options = {}) {
      const where = 'organizations.enrich';
      checkDetails(details, where);
      const useCache = context.creditTracker !== undefined && options.refresh !== true;
      if (useCache) {
        const hit = await cached(details);
        if (hit) return { organization: hit, fromCache: true };
      }
      const body = await withCredits(
        context,
        where,
        APOLLO_CREDIT_PRICES.organizationEnrichment,
        async () => {
          const response = await context.request({
            method: 'GET',
            path: '/organizations/enrich',
            query: toApolloQuery(definedFields(details)),
            schema: ApolloOrganizationEnrichResponseSchema,
          });
          const spent = response.organization ? APOLLO_CREDIT_PRICES.organizationEnrichment : 0;
          return { result: response, spent, source: 'price' as const };
        },
      );
      const organization = body.organization ?? null;
      if (organization && useCache) await cacheResult(details as Record<string, unknown>, organization);
      return { organization, fromCache: false };
    },

    async bulkEnrich(details, options = {}) {
      const where = 'organizations.bulkEnrich';
      if (!Array.isArray(details)) throw new ConfigError(`${where}: expected an array of company details.`);
      for (const [index, detail] of details.entries()) checkDetails(detail, `${where} (details[${index}])`);
      const useCache = context.creditTracker !== undefined && options.refresh !== true;
      const results: (ApolloOrganization | null)[] = details.map(() => null);
      const pending = new Map<string, { detail: ApolloOrganizationDetails; indexes: number[] }>();
      for (const [index, detail] of details.entries()) {
        if (useCache) {
          const hit = await cached(detail);
          if (hit) {
            results[index] = hit;
            continue;
          }
        }
        const key = organizationIdentities(detail as Record<string, unknown>)[0] ?? `index:${index}`;
        const entry = pending.get(key);
        if (entry) entry.indexes.push(index);
        else pending.set(key, { detail, indexes: [index] });
      }
      const queue = Array.from(pending.values());
      if (queue.length === 0) return results;

      const reservation = await context.creditTracker?.reserve(
        context.tenantId,
        where,
        queue.length * APOLLO_CREDIT_PRICES.organizationEnrichment,
      );
      let spent = 0;
      try {
        for (let start = 0; start < queue.length; start += BULK_CHUNK) {
          const chunk = queue.slice(start, start + BULK_CHUNK);
          const body = await context.request({
            method: 'POST',
            path: '/organizations/bulk_enrich',
            body: { details: chunk.map((entry) => definedFields(entry.detail)) },
            schema: ApolloOrganizationBulkEnrichResponseSchema,
            idempotent: true,
          });
          // Apollo leaves misses out of `organizations`: match answers back to inputs.
          const found = body.organizations.filter((item): item is ApolloOrganization => item !== null);
          for (const entry of chunk) {
            const wanted = new Set(organizationIdentities(entry.detail as Record<string, unknown>));
            const organization =
              found.find((item) => organizationIdentities(item).some((identity) => wanted.has(identity))) ??
              (entry.detail.name
                ? found.find((item) => item.name?.toLowerCase() === entry.detail.name?.toLowerCase())
                : undefined) ??
              null;
            for (const index of entry.indexes) results[index] = organization;
            if (organization) {
              spent += APOLLO_CREDIT_PRICES.organizationEnrichment;
              if (useCache) await cacheResult(entry.detail as Record<string, unknown>, organization);
            }
          }
        }
      } catch (error) {
        if (spent > 0) await reservation?.settle(spent, 'price');
        else await reservation?.release();
        throw error;
      }
      await reservation?.settle(spent, 'price');
      return results;
    },

    search: (filters = {}, options = {}) =>
      searchApollo(
        context,
        {
          method: 'POST',
          path: '/mixed_companies/search',
          known: SEARCH_FILTERS,
          ceiling: true,
          params: (rest) => ({
            query: toApolloQuery({
              ...rest,
              q_organization_domains_list: rest.q_organization_domains_list?.map(bareDomain),
            }),
          }),
          schema: ApolloOrganizationSearchResponseSchema,
          page: (body) => pageOf([...body.accounts, ...body.organizations], body.pagination),
          credits: {
            operation: 'organizations.search',
            pricePerPage: APOLLO_CREDIT_PRICES.organizationSearchPage,
          },
        },
        filters,
        options,
      ),

    async get(id) {
      if (typeof id !== 'string' || id === '')
        throw new ConfigError('organizations.get: expected an Apollo organization id.');
      const body = await withCredits(
        context,
        'organizations.get',
        APOLLO_CREDIT_PRICES.organizationById,
        async () => ({
          result: await context.request({
            method: 'GET',
            path: '/organizations/{id}',
            pathParams: { id },
            schema: ApolloOrganizationGetResponseSchema,
          }),
          spent: APOLLO_CREDIT_PRICES.organizationById,
          source: 'price' as const,
        }),
      );
      return body.organization;
    },

    jobPostings(organizationId, filters = {}, options = {}) {
      if (typeof organizationId !== 'string' || organizationId === '') {
        throw new ConfigError('organizations.jobPostings: expected an Apollo organization id.');
      }
      return searchApollo(
        context,
        {
          method: 'GET',
          path: '/organizations/{organization_id}/job_postings',
          pathParams: { organization_id: organizationId },
          known: ['page', 'per_page'],
          ceiling: false,
          params: () => ({ query: {} }),
          schema: ApolloJobPostingsResponseSchema,
          page: (body) => ({ items: body.organization_job_postings }),
          credits: {
            operation: 'organizations.jobPostings',
            pricePerPage: APOLLO_CREDIT_PRICES.jobPostingsPage,
          },
        },
        filters,
        options,
      );
    },
  };
}
