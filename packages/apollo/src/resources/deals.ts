import { ConfigError, type Paginator } from '@salesos/core';
import type { ApolloContext } from '../internal/apollo-context.ts';
import { definedFields, toApolloQuery } from '../internal/query.ts';
import { createRecordMethods } from '../internal/record-methods.ts';
import { pageOf, searchApollo } from '../internal/search-apollo.ts';
import {
  type ApolloOpportunity,
  ApolloOpportunityResponseSchema,
  ApolloOpportunitySearchResponseSchema,
  type ApolloOpportunityStage,
  ApolloOpportunityStagesResponseSchema,
} from '../schemas/opportunity.ts';
import type { ApolloListOptions } from './people.ts';

/** Fields of a deal (opportunity), in Apollo's spelling. */
export interface ApolloDealInput {
  /** Required on create. */
  name?: string;
  owner_id?: string;
  account_id?: string;
  /** Sent as a string without commas or currency symbols; a number is converted. */
  amount?: string | number;
  opportunity_stage_id?: string;
  /** `YYYY-MM-DD`. */
  closed_date?: string;
  typed_custom_fields?: Record<string, unknown>;
}

/** Filters of `GET /opportunities/search`. */
export interface ApolloDealSearchFilters {
  sort_by_field?: 'amount' | 'is_closed' | 'is_won';
  page?: number;
  /** 1–100. Default 100. */
  per_page?: number;
}

/** The `deals` namespace (Apollo's opportunities). */
export interface DealsResource {
  /**
   * Creates a deal.
   *
   * @example
   * ```ts
   * const deal = await client.deals.create({ name: 'Acme expansion', amount: 25000, closed_date: '2026-06-30' });
   * ```
   */
  create(input: ApolloDealInput & { name: string }): Promise<ApolloOpportunity>;
  /** A deal by id. */
  get(id: string): Promise<ApolloOpportunity>;
  /** Updates a deal (`PATCH /opportunities/{opportunity_id}`). */
  update(id: string, input: ApolloDealInput): Promise<ApolloOpportunity>;
  /** Lists the team's deals. */
  search(filters?: ApolloDealSearchFilters, options?: ApolloListOptions): Paginator<ApolloOpportunity>;
  /** The team's deal stages (not paginated). */
  stages(): Promise<ApolloOpportunityStage[]>;
}

const CLOSED_DATE = /^\d{4}-\d{2}-\d{2}$/;

const toWire = (input: ApolloDealInput, where: string) => {
  const fields = definedFields(input) as Record<string, unknown>;
  if (typeof input.amount === 'number') {
    if (!Number.isFinite(input.amount)) throw new ConfigError(`${where}: "amount" must be a finite number.`);
    fields.amount = String(input.amount);
  }
  if (input.closed_date !== undefined && !CLOSED_DATE.test(input.closed_date)) {
    throw new ConfigError(`${where}: "closed_date" must be YYYY-MM-DD, got "${input.closed_date}".`);
  }
  return fields;
};

/** Creates the `deals` namespace. */
export function createDealsResource(context: ApolloContext): DealsResource {
  const deals = createRecordMethods(context, {
    namespace: 'deals',
    idName: 'opportunity id',
    collectionPath: '/opportunities',
    memberPath: '/opportunities/{opportunity_id}',
    schema: ApolloOpportunityResponseSchema,
    record: (body) => body.opportunity,
    toBody: toWire,
  });
  return {
    async create(input) {
      if (!input?.name) throw new ConfigError('deals.create: Apollo needs a "name".');
      return deals.create(input);
    },
    get: deals.get,
    update: deals.update,
    search: (filters = {}, options = {}) =>
      searchApollo(
        context,
        {
          method: 'GET',
          path: '/opportunities/search',
          known: ['sort_by_field', 'page', 'per_page'],
          ceiling: false,
          params: (rest) => ({ query: toApolloQuery({ sort_by_field: rest.sort_by_field }) }),
          schema: ApolloOpportunitySearchResponseSchema,
          page: (body) => pageOf(body.opportunities, body.pagination),
        },
        filters,
        options,
      ),

    async stages() {
      const body = await context.request({
        method: 'GET',
        path: '/opportunity_stages',
        schema: ApolloOpportunityStagesResponseSchema,
      });
      return body.opportunity_stages;
    },
  };
}
