import { ConfigError, type Paginator } from '@salesos/core';
import { APOLLO_CREDIT_PRICES } from '../credits/credit-prices.ts';
import { type ApolloContext, withCredits } from '../internal/apollo-context.ts';
import { personIdentities } from '../internal/enrichment-identity.ts';
import { type ApolloRange, assertKnownFilters, definedFields, toApolloQuery } from '../internal/query.ts';
import { searchApollo } from '../internal/search-apollo.ts';
import {
  ApolloPeopleBulkMatchResponseSchema,
  ApolloPeopleSearchResponseSchema,
  type ApolloPerson,
  ApolloPersonGetResponseSchema,
  type ApolloPersonMatchResponse,
  ApolloPersonMatchResponseSchema,
  type ApolloSearchPerson,
} from '../schemas/person.ts';

/** Seniorities People API Search filters on. */
export type ApolloSeniority =
  | 'owner'
  | 'founder'
  | 'c_suite'
  | 'partner'
  | 'vp'
  | 'head'
  | 'director'
  | 'manager'
  | 'senior'
  | 'entry'
  | 'intern';

/** Email statuses People API Search filters on. */
export type ApolloEmailStatus = 'verified' | 'unverified' | 'likely to engage' | 'unavailable';

/** Filters of People API Search (`POST /mixed_people/api_search`), in Apollo's spelling. */
export interface ApolloPeopleSearchFilters {
  /** Job titles; a person matches one of them. */
  person_titles?: string[];
  /** Also match titles similar to `person_titles`. Apollo's default: `true`. */
  include_similar_titles?: boolean;
  /** Free-text keywords. */
  q_keywords?: string;
  /** Where people live: cities, US states, countries. */
  person_locations?: string[];
  person_seniorities?: ApolloSeniority[];
  /** Headquarters location of the current employer. */
  organization_locations?: string[];
  /** Employer domains (current or past), up to 1 000, without `www.`. */
  q_organization_domains_list?: string[];
  contact_email_status?: ApolloEmailStatus[];
  /** Apollo ids of employers. */
  organization_ids?: string[];
  /** Employee-count ranges such as `"1,10"` or `"250,500"`. */
  organization_num_employees_ranges?: string[];
  /** Employer revenue range in dollars. */
  revenue_range?: ApolloRange;
  currently_using_all_of_technology_uids?: string[];
  currently_using_any_of_technology_uids?: string[];
  currently_not_using_any_of_technology_uids?: string[];
  /** Titles in the employer's active job postings. */
  q_organization_job_titles?: string[];
  organization_job_locations?: string[];
  organization_num_jobs_range?: ApolloRange;
  /** Dates as `YYYY-MM-DD`. */
  organization_job_posted_at_range?: ApolloRange<string>;
  /** First page to fetch. Default 1. */
  page?: number;
  /** Records per page, 1–100. Default 100. */
  per_page?: number;
}

/** Options of a search that returns a `Paginator`. */
export interface ApolloListOptions {
  /** A `Paginator.cursor` saved earlier: the walk resumes right after it. */
  cursor?: string | undefined;
  /** Stops the walk between pages. */
  signal?: AbortSignal | undefined;
}

/** The fields that identify a person to enrich, in Apollo's spelling. Give at least one strong identifier. */
export interface ApolloPersonDetails {
  first_name?: string;
  last_name?: string;
  name?: string;
  email?: string;
  /** MD5 or SHA-256 of the email. */
  hashed_email?: string;
  organization_name?: string;
  /** Employer domain, without `www.`. */
  domain?: string;
  /** Apollo person id. */
  id?: string;
  linkedin_url?: string;
}

/** Options of people enrichment, in Apollo's spelling. */
export interface ApolloPersonEnrichOptions {
  reveal_personal_emails?: boolean;
  /** Reveal phone numbers (8 more credits when a mobile is found); needs `webhook_url`. */
  reveal_phone_number?: boolean;
  run_waterfall_email?: boolean;
  run_waterfall_phone?: boolean;
  /** Public HTTPS URL Apollo posts asynchronous results to. */
  webhook_url?: string;
  /** Skip the credit tracker's cache and pay for fresh data. Default `false`. */
  refresh?: boolean;
}

const SEARCH_FILTERS = [
  'person_titles',
  'include_similar_titles',
  'q_keywords',
  'person_locations',
  'person_seniorities',
  'organization_locations',
  'q_organization_domains_list',
  'contact_email_status',
  'organization_ids',
  'organization_num_employees_ranges',
  'revenue_range',
  'currently_using_all_of_technology_uids',
  'currently_using_any_of_technology_uids',
  'currently_not_using_any_of_technology_uids',
  'q_organization_job_titles',
  'organization_job_locations',
  'organization_num_jobs_range',
  'organization_job_posted_at_range',
  'page',
  'per_page',
] as const;

const DETAIL_FIELDS = [
  'first_name',
  'last_name',
  'name',
  'email',
  'hashed_email',
  'organization_name',
  'domain',
  'id',
  'linkedin_url',
] as const;

const ENRICH_FLAGS = [
  'reveal_personal_emails',
  'reveal_phone_number',
  'run_waterfall_email',
  'run_waterfall_phone',
  'webhook_url',
] as const;

/** What `people.enrich` answers: Apollo's body, with `person` `null` on no match. */
export type ApolloPersonEnrichment = Omit<ApolloPersonMatchResponse, 'person'> & {
  person: ApolloPerson | null;
  /** `true` when the credit tracker's cache answered and nothing was spent. */
  fromCache: boolean;
};

/** Apollo's limit of people per bulk enrichment call. */
export const BULK_ENRICH_CHUNK = 10;

/** The `people` namespace. */
export interface PeopleResource {
  /**
   * People API Search: finds people in Apollo's database (no credits; no emails or
   * phones — enrich for those). Walks every page.
   *
   * @example
   * ```ts
   * for await (const person of client.people.search({ person_titles: ['vp sales'], person_locations: ['Berlin'] })) {
   *   console.log(person.id, person.first_name, person.title);
   * }
   * ```
   */
  search(filters?: ApolloPeopleSearchFilters, options?: ApolloListOptions): Paginator<ApolloSearchPerson>;
  /**
   * People Enrichment: the person matching `details`, with email (1 credit when found,
   * 8 more for a revealed mobile). Answered from the credit tracker's cache when it holds the person.
   */
  enrich(details: ApolloPersonDetails, options?: ApolloPersonEnrichOptions): Promise<ApolloPersonEnrichment>;
  /**
   * Bulk People Enrichment: one result per input, in order (`null` for no match). Cached
   * people are not asked again; the rest go in calls of 10.
   */
  bulkEnrich(
    details: readonly ApolloPersonDetails[],
    options?: ApolloPersonEnrichOptions,
  ): Promise<(ApolloPerson | null)[]>;
  /** A person by Apollo id (1 credit). */
  get(id: string): Promise<ApolloPerson>;
}

const variantOf = (options: ApolloPersonEnrichOptions) =>
  `p${options.reveal_personal_emails ? 1 : 0}${options.reveal_phone_number ? 1 : 0}`;

const isAsync = (options: ApolloPersonEnrichOptions) =>
  options.run_waterfall_email === true || options.run_waterfall_phone === true;

const checkDetails = (details: ApolloPersonDetails, where: string) => {
  if (!details || typeof details !== 'object')
    throw new ConfigError(`${where}: expected an object of person details.`);
  assertKnownFilters(details, DETAIL_FIELDS, where);
  const given = DETAIL_FIELDS.filter((field) => typeof details[field] === 'string' && details[field] !== '');
  if (given.length === 0) {
    throw new ConfigError(`${where}: give at least one of ${DETAIL_FIELDS.join(', ')}.`);
  }
};

const checkEnrichOptions = (options: ApolloPersonEnrichOptions, where: string) => {
  assertKnownFilters(options, ENRICH_FLAGS, where, ['refresh']);
  const needsWebhook =
    options.reveal_phone_number || options.run_waterfall_email || options.run_waterfall_phone;
  if (needsWebhook && !options.webhook_url) {
    throw new ConfigError(
      `${where}: "reveal_phone_number" and the waterfall options need "webhook_url": Apollo delivers those results to it later.`,
    );
  }
};

const pricePerPerson = (options: ApolloPersonEnrichOptions) =>
  APOLLO_CREDIT_PRICES.personEnrichment +
  (options.reveal_phone_number ? APOLLO_CREDIT_PRICES.mobilePhone : 0);

/** Creates the `people` namespace. */
export function createPeopleResource(context: ApolloContext): PeopleResource {
  const flagsQuery = (options: ApolloPersonEnrichOptions) =>
    toApolloQuery(
      definedFields({
        reveal_personal_emails: options.reveal_personal_emails,
        reveal_phone_number: options.reveal_phone_number,
        run_waterfall_email: options.run_waterfall_email,
        run_waterfall_phone: options.run_waterfall_phone,
        webhook_url: options.webhook_url,
      }),
    );

  const cacheResult = async (detail: Record<string, unknown>, person: ApolloPerson, variant: string) => {
    const tracker = context.creditTracker;
    if (!tracker) return;
    const identities = [...personIdentities(detail, variant), ...personIdentities(person, variant)];
    await tracker.cacheEnrichment(context.tenantId, 'person', identities, person);
  };

  return {
    search: (filters = {}, options = {}) =>
      searchApollo(
        context,
        {
          method: 'POST',
          path: '/mixed_people/api_search',
          known: SEARCH_FILTERS,
          ceiling: true,
          params: (rest) => ({ query: toApolloQuery(rest) }),
          schema: ApolloPeopleSearchResponseSchema,
          page: (body) => ({
            items: body.people,
            totalEntries: body.total_entries ?? body.pagination?.total_entries,
            totalPages: body.pagination?.total_pages,
          }),
        },
        filters,
        options,
      ),

    async enrich(details, options = {}) {
      const where = 'people.enrich';
      checkDetails(details, where);
      checkEnrichOptions(options, where);
      const variant = variantOf(options);
      const tracker = context.creditTracker;
      const cacheable = tracker !== undefined && !isAsync(options) && options.refresh !== true;
      if (cacheable) {
        const cached = await tracker.getCachedEnrichment<ApolloPerson>(
          context.tenantId,
          'person',
          personIdentities(details as Record<string, unknown>, variant),
        );
        if (cached) return { person: cached, fromCache: true };
      }
      const response = await withCredits(context, where, pricePerPerson(options), async () => {
        const body = await context.request({
          method: 'POST',
          path: '/people/match',
          query: { ...toApolloQuery(definedFields(details)), ...flagsQuery(options) },
          schema: ApolloPersonMatchResponseSchema,
          idempotent: true,
        });
        // Apollo does not report what a single match cost: charge the documented price.
        return { result: body, spent: body.person ? pricePerPerson(options) : 0, source: 'price' as const };
      });
      const person = response.person ?? null;
      if (person && cacheable) await cacheResult(details as Record<string, unknown>, person, variant);
      return { ...response, person, fromCache: false };
    },

    async bulkEnrich(details, options = {}) {
      const where = 'people.bulkEnrich';
      if (!Array.isArray(details)) throw new ConfigError(`${where}: expected an array of person details.`);
      for (const [index, detail] of details.entries()) checkDetails(detail, `${where} (details[${index}])`);
      checkEnrichOptions(options, where);
      const variant = variantOf(options);
      const tracker = context.creditTracker;
      const cacheable = tracker !== undefined && !isAsync(options) && options.refresh !== true;
      const results: (ApolloPerson | null)[] = details.map(() => null);

      // Inputs that name the same person are asked (and paid for) once.
      const pending = new Map<string, { detail: ApolloPersonDetails; indexes: number[] }>();
      for (const [index, detail] of details.entries()) {
        const identities = personIdentities(detail as Record<string, unknown>, variant);
        if (cacheable) {
          const cached = await tracker.getCachedEnrichment<ApolloPerson>(
            context.tenantId,
            'person',
            identities,
          );
          if (cached) {
            results[index] = cached;
            continue;
          }
        }
        const key = identities[0] ?? `index:${index}`;
        const entry = pending.get(key);
        if (entry) entry.indexes.push(index);
        else pending.set(key, { detail, indexes: [index] });
      }
      const queue = Array.from(pending.values());
      if (queue.length === 0) return results;

      const reservation = tracker
        ? await tracker.reserve(context.tenantId, where, queue.length * pricePerPerson(options))
        : undefined;
      let spent = 0;
      let reported = true;
      try {
        for (let start = 0; start < queue.length; start += BULK_ENRICH_CHUNK) {
          const chunk = queue.slice(start, start + BULK_ENRICH_CHUNK);
          const body = await context.request({
            method: 'POST',
            path: '/people/bulk_match',
            query: flagsQuery(options),
            body: { details: chunk.map((entry) => definedFields(entry.detail)) },
            schema: ApolloPeopleBulkMatchResponseSchema,
            idempotent: true,
          });
          const matches = alignMatches(
            chunk.map((entry) => entry.detail),
            body.matches,
          );
          let chunkPrice = 0;
          for (const [position, entry] of chunk.entries()) {
            const person = matches[position] ?? null;
            if (person) chunkPrice += pricePerPerson(options);
            for (const index of entry.indexes) results[index] = person;
            if (person && cacheable)
              await cacheResult(entry.detail as Record<string, unknown>, person, variant);
          }
          if (typeof body.credits_consumed === 'number') spent += body.credits_consumed;
          else {
            spent += chunkPrice;
            reported = false;
          }
        }
      } catch (error) {
        if (spent > 0) await reservation?.settle(spent, reported ? 'response' : 'price');
        else await reservation?.release();
        throw error;
      }
      await reservation?.settle(spent, reported ? 'response' : 'price');
      return results;
    },

    async get(id) {
      if (typeof id !== 'string' || id === '')
        throw new ConfigError('people.get: expected an Apollo person id.');
      const body = await withCredits(context, 'people.get', APOLLO_CREDIT_PRICES.personById, async () => ({
        result: await context.request({
          method: 'GET',
          path: '/people/{id}',
          pathParams: { id },
          schema: ApolloPersonGetResponseSchema,
        }),
        spent: APOLLO_CREDIT_PRICES.personById,
        source: 'price' as const,
      }));
      return body.person;
    },
  };
}

const lower = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : undefined);

/**
 * Lines Apollo's `matches` up with the details sent: by position when Apollo answered one
 * entry per detail, else by id, email or LinkedIn URL.
 */
function alignMatches(
  details: ApolloPersonDetails[],
  matches: (ApolloPerson | null)[],
): (ApolloPerson | null)[] {
  if (matches.length === details.length) return matches;
  const found = matches.filter((match): match is ApolloPerson => match !== null);
  return details.map(
    (detail) =>
      found.find(
        (person) =>
          (detail.id !== undefined && person.id === detail.id) ||
          (detail.email !== undefined && lower(person.email) === lower(detail.email)) ||
          (detail.linkedin_url !== undefined && lower(person.linkedin_url) === lower(detail.linkedin_url)),
      ) ?? null,
  );
}
