import type { HttpClient, Paginator } from '@salesos/core';
import type { IterateUpdatedOptions } from '../internal/iterate-updated.ts';
import { createRecordMethods } from '../internal/record-methods.ts';
import { type SalesloftCall, SalesloftCallSchema } from '../schemas/call.ts';
import { type SalesloftEmail, SalesloftEmailSchema } from '../schemas/email.ts';
import type {
  SalesloftId,
  SalesloftListParams,
  SalesloftRequestOptions,
  SalesloftResourceContext,
  SalesloftTimeRange,
} from './resource-context.ts';

/** Filters of `activities.emails.list`. */
export interface SalesloftEmailsListParams extends SalesloftListParams {
  ids?: readonly number[] | undefined;
  person_id?: readonly number[] | undefined;
  user_id?: readonly number[] | undefined;
  cadence_id?: readonly number[] | undefined;
  step_id?: readonly number[] | undefined;
  action_id?: readonly number[] | undefined;
  crm_activity_id?: readonly number[] | undefined;
  status?: readonly string[] | undefined;
  email_addresses?: readonly string[] | undefined;
  personalization?: readonly string[] | undefined;
  scoped_fields?: readonly string[] | undefined;
  bounced?: boolean | undefined;
  one_off?: boolean | undefined;
  updated_at?: SalesloftTimeRange | undefined;
  sent_at?: SalesloftTimeRange | undefined;
  sort_by?: 'updated_at' | 'send_time' | undefined;
}

/** Filters of `activities.calls.list`. */
export interface SalesloftCallsListParams extends SalesloftListParams {
  ids?: readonly number[] | undefined;
  person_id?: readonly number[] | undefined;
  user_guid?: readonly string[] | undefined;
  sentiment?: readonly string[] | undefined;
  disposition?: readonly string[] | undefined;
  updated_at?: SalesloftTimeRange | undefined;
  created_at?: SalesloftTimeRange | undefined;
  sort_by?: 'created_at' | 'updated_at' | undefined;
}

/** A read-only activity namespace. */
export interface SalesloftActivityResource<T, Params extends SalesloftListParams> {
  list(params?: Params): Paginator<T>;
  /** Walks activities by `updated_at` ascending from `since`. */
  iterate(
    options?: IterateUpdatedOptions & Omit<Params, keyof SalesloftListParams | 'updated_at' | 'sort_by'>,
  ): Paginator<T>;
  get(id: SalesloftId, options?: SalesloftRequestOptions): Promise<T>;
}

/** `client.activities`: emails and calls. */
export interface SalesloftActivitiesResource {
  emails: SalesloftActivityResource<SalesloftEmail, SalesloftEmailsListParams>;
  calls: SalesloftActivityResource<SalesloftCall, SalesloftCallsListParams>;
}

/** Creates `client.activities`. */
export function createActivitiesResource(
  http: HttpClient,
  context: SalesloftResourceContext,
): SalesloftActivitiesResource {
  const emails = createRecordMethods(http, {
    collectionPath: '/activities/emails.json',
    memberPath: '/activities/emails/{id}.json',
    schema: SalesloftEmailSchema,
    listOptions: { perPage: context.perPage },
  });
  const calls = createRecordMethods(http, {
    collectionPath: '/activities/calls.json',
    memberPath: '/activities/calls/{id}.json',
    schema: SalesloftCallSchema,
    listOptions: { perPage: context.perPage },
  });
  return {
    emails: { list: emails.list, iterate: emails.iterate, get: emails.get },
    calls: { list: calls.list, iterate: calls.iterate, get: calls.get },
  };
}
