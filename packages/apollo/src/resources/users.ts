import { type Paginator, paginate } from '@salesos/core';
import type { ApolloContext } from '../internal/apollo-context.ts';
import { pageOf, searchApollo } from '../internal/search-apollo.ts';
import {
  type ApolloEmailAccount,
  ApolloEmailAccountsResponseSchema,
  type ApolloUser,
  ApolloUserSearchResponseSchema,
} from '../schemas/user.ts';
import type { ApolloListOptions } from './people.ts';

/** The `users` namespace: the members of your Apollo team. */
export interface UsersResource {
  /**
   * Lists the team's users (ids for `owner_id`, `user_id`).
   *
   * @example
   * ```ts
   * const users = await client.users.search().toArray();
   * ```
   */
  search(filters?: { page?: number; per_page?: number }, options?: ApolloListOptions): Paginator<ApolloUser>;
}

/** The `emailAccounts` namespace: mailboxes linked to Apollo. */
export interface EmailAccountsResource {
  /** The team's mailboxes (one page: Apollo does not paginate them). */
  list(options?: ApolloListOptions): Paginator<ApolloEmailAccount>;
}

/** Creates the `users` namespace. */
export function createUsersResource(context: ApolloContext): UsersResource {
  return {
    search: (filters = {}, options = {}) =>
      searchApollo(
        context,
        {
          method: 'GET',
          path: '/users/search',
          known: ['page', 'per_page'],
          ceiling: false,
          params: () => ({ query: {} }),
          schema: ApolloUserSearchResponseSchema,
          page: (body) => pageOf(body.users, body.pagination),
        },
        filters,
        options,
      ),
  };
}

/** Creates the `emailAccounts` namespace. */
export function createEmailAccountsResource(context: ApolloContext): EmailAccountsResource {
  return {
    list(options = {}) {
      return paginate<ApolloEmailAccount>(
        async (_cursor, signal) => {
          const body = await context.request({
            method: 'GET',
            path: '/email_accounts',
            schema: ApolloEmailAccountsResponseSchema,
            signal,
          });
          return { items: body.email_accounts, nextCursor: null };
        },
        { cursor: options.cursor, signal: options.signal },
      );
    },
  };
}
