import { ConfigError, type Paginator } from '@salesos/core';
import type { ApolloContext } from '../internal/apollo-context.ts';
import { definedFields } from '../internal/query.ts';
import { createRecordMethods } from '../internal/record-methods.ts';
import { pageOf, searchApollo } from '../internal/search-apollo.ts';
import {
  type ApolloAccount,
  ApolloAccountResponseSchema,
  ApolloAccountSearchResponseSchema,
} from '../schemas/account.ts';
import type { ApolloListOptions } from './people.ts';

/** Fields of an account to create or update, in Apollo's spelling. */
export interface ApolloAccountInput {
  name?: string;
  /** Bare domain, without `www.`. */
  domain?: string;
  owner_id?: string;
  account_stage_id?: string;
  phone?: string;
  raw_address?: string;
  typed_custom_fields?: Record<string, unknown>;
}

/** Filters of `POST /accounts/search`. */
export interface ApolloAccountSearchFilters {
  /** Keywords matched against account names. */
  q_organization_name?: string;
  account_stage_ids?: string[];
  account_label_ids?: string[];
  sort_by_field?: 'account_last_activity_date' | 'account_created_at' | 'account_updated_at';
  sort_ascending?: boolean;
  page?: number;
  /** 1–100. Default 100. */
  per_page?: number;
}

/** The `accounts` namespace: companies your team saved in Apollo. */
export interface AccountsResource {
  /**
   * Creates an account. Apollo does not deduplicate accounts: search first when unsure.
   *
   * @example
   * ```ts
   * const account = await client.accounts.create({ name: 'Apollo', domain: 'apollo.io' });
   * ```
   */
  create(input: ApolloAccountInput): Promise<ApolloAccount>;
  /** Updates an account (`PATCH /accounts/{account_id}`). */
  update(id: string, input: ApolloAccountInput): Promise<ApolloAccount>;
  /** An account by id. */
  get(id: string): Promise<ApolloAccount>;
  /** Searches the team's accounts. */
  search(filters?: ApolloAccountSearchFilters, options?: ApolloListOptions): Paginator<ApolloAccount>;
}

const SEARCH_FILTERS = [
  'q_organization_name',
  'account_stage_ids',
  'account_label_ids',
  'sort_by_field',
  'sort_ascending',
  'page',
  'per_page',
] as const;

/** Creates the `accounts` namespace. */
export function createAccountsResource(context: ApolloContext): AccountsResource {
  const accounts = createRecordMethods(context, {
    namespace: 'accounts',
    idName: 'account id',
    collectionPath: '/accounts',
    memberPath: '/accounts/{account_id}',
    getPath: '/accounts/{id}',
    schema: ApolloAccountResponseSchema,
    record: (body) => body.account,
  });
  return {
    async create(input) {
      if (!input || (!input.name && !input.domain)) {
        throw new ConfigError('accounts.create: Apollo needs a "name" or a "domain".');
      }
      return accounts.create(input);
    },
    update: accounts.update,
    get: accounts.get,
    search: (filters = {}, options = {}) =>
      searchApollo(
        context,
        {
          method: 'POST',
          path: '/accounts/search',
          known: SEARCH_FILTERS,
          ceiling: true,
          params: (rest) => ({ body: definedFields(rest) }),
          schema: ApolloAccountSearchResponseSchema,
          page: (body) => pageOf(body.accounts, body.pagination),
        },
        filters,
        options,
      ),
  };
}
