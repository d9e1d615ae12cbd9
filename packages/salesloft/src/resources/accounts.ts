import type { HttpClient, Paginator } from '@salesos/core';
import type { IterateUpdatedOptions } from '../internal/iterate-updated.ts';
import { createRecordMethods, createUpsertMethod } from '../internal/record-methods.ts';
import {
  type SalesloftAccount,
  SalesloftAccountSchema,
  type SalesloftAccountUpsert,
  SalesloftAccountUpsertSchema,
} from '../schemas/account.ts';
import type {
  SalesloftId,
  SalesloftListParams,
  SalesloftRequestOptions,
  SalesloftResourceContext,
  SalesloftTimeRange,
} from './resource-context.ts';

/** Filters of `accounts.list`, in SalesLoft's spelling. */
export interface SalesloftAccountsListParams extends SalesloftListParams {
  ids?: readonly number[] | undefined;
  /** Exact domain. */
  domain?: string | undefined;
  /** Exact names. */
  name?: readonly string[] | undefined;
  website?: readonly string[] | undefined;
  crm_id?: readonly string[] | undefined;
  owner_crm_id?: readonly string[] | undefined;
  tag?: readonly string[] | undefined;
  tag_id?: readonly number[] | undefined;
  account_stage_id?: readonly number[] | undefined;
  account_tier_id?: readonly number[] | undefined;
  /** Owners' user ids; `'_is_null'` matches accounts without an owner. */
  owner_id?: readonly (number | '_is_null')[] | undefined;
  industry?: readonly string[] | undefined;
  country?: readonly string[] | undefined;
  state?: readonly string[] | undefined;
  city?: readonly string[] | undefined;
  locales?: readonly string[] | undefined;
  archived?: boolean | undefined;
  owner_is_active?: boolean | undefined;
  updated_at?: SalesloftTimeRange | undefined;
  created_at?: SalesloftTimeRange | undefined;
  last_contacted?: SalesloftTimeRange | undefined;
  custom_fields?: Record<string, string> | undefined;
  user_relationships?: Record<string, string> | undefined;
  sort_by?:
    | 'created_at'
    | 'updated_at'
    | 'last_contacted_at'
    | 'account_stage'
    | 'account_stage_name'
    | 'account_tier'
    | 'account_tier_name'
    | 'name'
    | 'counts_people'
    | undefined;
}

/** Fields of an account to write, in SalesLoft's spelling. */
export interface SalesloftAccountInput {
  name?: string | undefined;
  /** Unique per team. */
  domain?: string | undefined;
  conversational_name?: string | null | undefined;
  description?: string | null | undefined;
  phone?: string | null | undefined;
  website?: string | null | undefined;
  linkedin_url?: string | null | undefined;
  twitter_handle?: string | null | undefined;
  street?: string | null | undefined;
  city?: string | null | undefined;
  state?: string | null | undefined;
  postal_code?: string | null | undefined;
  country?: string | null | undefined;
  locale?: string | null | undefined;
  industry?: string | null | undefined;
  company_type?: string | null | undefined;
  founded?: string | null | undefined;
  revenue_range?: string | null | undefined;
  size?: string | null | undefined;
  do_not_contact?: boolean | undefined;
  tags?: readonly string[] | undefined;
  custom_fields?: Record<string, unknown> | undefined;
  owner_id?: number | null | undefined;
  account_tier_id?: number | null | undefined;
  company_stage_id?: number | null | undefined;
  crm_id?: string | undefined;
  crm_id_type?: 'salesforce' | undefined;
  [field: string]: unknown;
}

/** Input of `accounts.upsert`: the fields plus the one to match on. */
export interface SalesloftAccountUpsertInput extends SalesloftAccountInput {
  /** `id`, `crm_id` or `domain`. Without it an account is created. */
  upsert_key?: 'id' | 'crm_id' | 'domain' | undefined;
  id?: number | undefined;
}

/** Options of `accounts.iterate`. */
export type SalesloftAccountsIterateOptions = IterateUpdatedOptions &
  Omit<SalesloftAccountsListParams, keyof SalesloftListParams | 'updated_at' | 'sort_by'>;

/** `client.accounts`: SalesLoft accounts (companies). */
export interface SalesloftAccountsResource {
  list(params?: SalesloftAccountsListParams): Paginator<SalesloftAccount>;
  /** Walks accounts by `updated_at` ascending from `since`, at a cost of 1 per request. */
  iterate(options?: SalesloftAccountsIterateOptions): Paginator<SalesloftAccount>;
  get(id: SalesloftId, options?: SalesloftRequestOptions): Promise<SalesloftAccount>;
  /** Creates an account; needs `name` and `domain` (unique per team). */
  create(input: SalesloftAccountInput, options?: SalesloftRequestOptions): Promise<SalesloftAccount>;
  update(
    id: SalesloftId,
    input: SalesloftAccountInput,
    options?: SalesloftRequestOptions,
  ): Promise<SalesloftAccount>;
  delete(id: SalesloftId, options?: SalesloftRequestOptions): Promise<void>;
  /** Creates or updates an account matched on `upsert_key` (`/v2/account_upserts`). */
  upsert(
    input: SalesloftAccountUpsertInput,
    options?: SalesloftRequestOptions,
  ): Promise<SalesloftAccountUpsert>;
}

/** Creates `client.accounts`. */
export function createAccountsResource(
  http: HttpClient,
  context: SalesloftResourceContext,
): SalesloftAccountsResource {
  const accounts = createRecordMethods(http, {
    collectionPath: '/accounts.json',
    memberPath: '/accounts/{id}.json',
    schema: SalesloftAccountSchema,
    listOptions: { perPage: context.perPage },
  });
  return {
    list: accounts.list,
    iterate: accounts.iterate,
    get: accounts.get,
    create: accounts.create,
    update: accounts.update,
    delete: accounts.delete,
    upsert: createUpsertMethod(http, '/account_upserts.json', SalesloftAccountUpsertSchema),
  };
}
