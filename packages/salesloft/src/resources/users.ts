import type { HttpClient, Paginator } from '@salesos/core';
import { createRecordMethods } from '../internal/record-methods.ts';
import { salesloftRecordSchema } from '../schemas/common.ts';
import { type SalesloftUser, SalesloftUserSchema } from '../schemas/user.ts';
import {
  callOptions,
  type SalesloftId,
  type SalesloftListParams,
  type SalesloftRequestOptions,
  type SalesloftResourceContext,
} from './resource-context.ts';

/** Filters of `users.list`. */
export interface SalesloftUsersListParams extends Omit<SalesloftListParams, 'limit_paging_counts'> {
  ids?: readonly number[] | undefined;
  guid?: readonly string[] | undefined;
  group_id?: readonly number[] | undefined;
  role_id?: readonly string[] | undefined;
  work_country?: readonly string[] | undefined;
  search?: string | undefined;
  active?: boolean | undefined;
  visible_only?: boolean | undefined;
  has_crm_user?: boolean | undefined;
  sort_by?: 'id' | 'email' | 'name' | 'group' | 'role' | undefined;
}

/** `client.users`: the team's users, and the caller. */
export interface SalesloftUsersResource {
  /** Lists users page by page (the client always sends `page`, so SalesLoft pages the answer). */
  list(params?: SalesloftUsersListParams): Paginator<SalesloftUser>;
  get(id: SalesloftId, options?: SalesloftRequestOptions): Promise<SalesloftUser>;
  /** The user the API key or token belongs to (`/v2/me`). */
  me(options?: SalesloftRequestOptions): Promise<SalesloftUser>;
}

const recordSchema = salesloftRecordSchema(SalesloftUserSchema);

/** Creates `client.users`. */
export function createUsersResource(
  http: HttpClient,
  context: SalesloftResourceContext,
): SalesloftUsersResource {
  const users = createRecordMethods(http, {
    collectionPath: '/users.json',
    memberPath: '/users/{id}.json',
    schema: SalesloftUserSchema,
    listOptions: { perPage: context.perPage },
  });
  return {
    list: users.list,
    get: users.get,
    async me(options) {
      const body = await http.get('/me.json', { schema: recordSchema, ...callOptions(options) });
      return body.data;
    },
  };
}
