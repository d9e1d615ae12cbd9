import type { HttpClient, Paginator } from '@salesos/core';
import type { IterateUpdatedOptions } from '../internal/iterate-updated.ts';
import { createRecordMethods, createUpsertMethod } from '../internal/record-methods.ts';
import {
  type SalesloftPerson,
  SalesloftPersonSchema,
  type SalesloftPersonUpsert,
  SalesloftPersonUpsertSchema,
} from '../schemas/person.ts';
import type {
  SalesloftId,
  SalesloftListParams,
  SalesloftRequestOptions,
  SalesloftResourceContext,
  SalesloftTimeRange,
} from './resource-context.ts';

/** Filters of `people.list`, in SalesLoft's spelling. Unknown filters are ignored by SalesLoft. */
export interface SalesloftPeopleListParams extends SalesloftListParams {
  ids?: readonly number[] | undefined;
  /** Exact emails; `'_is_null'` matches people without one. */
  email_addresses?: readonly string[] | undefined;
  account_id?: readonly number[] | undefined;
  /** People currently on any of these cadences; `'_is_null'` matches people on none. */
  cadence_id?: readonly (number | '_is_null')[] | undefined;
  owner_id?: readonly number[] | undefined;
  owned_by_guid?: readonly string[] | undefined;
  crm_id?: readonly string[] | undefined;
  owner_crm_id?: readonly string[] | undefined;
  person_stage_id?: readonly number[] | undefined;
  tag_id?: readonly number[] | undefined;
  import_id?: readonly number[] | undefined;
  job_seniority?: readonly string[] | undefined;
  title?: readonly string[] | undefined;
  country?: readonly string[] | undefined;
  state?: readonly string[] | undefined;
  city?: readonly string[] | undefined;
  locales?: readonly string[] | undefined;
  do_not_contact?: boolean | undefined;
  can_email?: boolean | undefined;
  can_call?: boolean | undefined;
  can_text?: boolean | undefined;
  owner_is_active?: boolean | undefined;
  replied?: boolean | undefined;
  bounced?: boolean | undefined;
  success?: boolean | undefined;
  eu_resident?: boolean | undefined;
  new?: boolean | undefined;
  phone_number?: boolean | undefined;
  /** `updated_at[gt|gte|lt|lte]`. */
  updated_at?: SalesloftTimeRange | undefined;
  created_at?: SalesloftTimeRange | undefined;
  last_contacted?: SalesloftTimeRange | undefined;
  /** `custom_fields[name]=value`. */
  custom_fields?: Record<string, string> | undefined;
  sort_by?:
    | 'created_at'
    | 'updated_at'
    | 'last_contacted_at'
    | 'name'
    | 'title'
    | 'job_seniority'
    | 'call_count'
    | 'sent_emails'
    | 'clicked_emails'
    | 'replied_emails'
    | 'viewed_emails'
    | 'account'
    | 'cadence_stage_name'
    | undefined;
}

/** Fields of a person to write, in SalesLoft's spelling. */
export interface SalesloftPersonInput {
  email_address?: string | null | undefined;
  first_name?: string | null | undefined;
  last_name?: string | null | undefined;
  secondary_email_address?: string | null | undefined;
  personal_email_address?: string | null | undefined;
  phone?: string | null | undefined;
  phone_extension?: string | null | undefined;
  mobile_phone?: string | null | undefined;
  home_phone?: string | null | undefined;
  linkedin_url?: string | null | undefined;
  title?: string | null | undefined;
  city?: string | null | undefined;
  state?: string | null | undefined;
  country?: string | null | undefined;
  work_city?: string | null | undefined;
  work_state?: string | null | undefined;
  work_country?: string | null | undefined;
  person_company_name?: string | null | undefined;
  person_company_website?: string | null | undefined;
  person_company_industry?: string | null | undefined;
  /** director, executive, individual_contributor, manager, vice_president or unknown. */
  job_seniority?: string | null | undefined;
  do_not_contact?: boolean | undefined;
  locale?: string | null | undefined;
  personal_website?: string | null | undefined;
  twitter_handle?: string | null | undefined;
  tags?: readonly string[] | undefined;
  /** call, email and/or message. */
  contact_restrictions?: readonly string[] | undefined;
  custom_fields?: Record<string, unknown> | undefined;
  account_id?: number | null | undefined;
  owner_id?: number | null | undefined;
  person_stage_id?: number | null | undefined;
  import_id?: number | undefined;
  /** Needs the `person:set_crm_id` scope. */
  crm_id?: string | undefined;
  crm_id_type?: 'salesforce' | undefined;
  [field: string]: unknown;
}

/** Input of `people.upsert`: the fields plus the one to match on. */
export interface SalesloftPersonUpsertInput extends SalesloftPersonInput {
  /** Field identifying an existing person: `id`, `crm_id` or `email_address`. Without it a person is created. */
  upsert_key?: 'id' | 'crm_id' | 'email_address' | undefined;
  id?: number | undefined;
}

/** Options of `people.iterate`: the incremental walk plus people filters. */
export type SalesloftPeopleIterateOptions = IterateUpdatedOptions &
  Omit<SalesloftPeopleListParams, keyof SalesloftListParams | 'updated_at' | 'sort_by'>;

/** `client.people`: SalesLoft people. */
export interface SalesloftPeopleResource {
  /**
   * Lists people, following pages. Pages above 100 cost more of the team's rate budget; for
   * syncs use `iterate`, which never goes deep.
   */
  list(params?: SalesloftPeopleListParams): Paginator<SalesloftPerson>;
  /** Walks people by `updated_at` ascending from `since`, at a cost of 1 per request (see `IterateUpdatedOptions`). */
  iterate(options?: SalesloftPeopleIterateOptions): Paginator<SalesloftPerson>;
  get(id: SalesloftId, options?: SalesloftRequestOptions): Promise<SalesloftPerson>;
  /** Creates a person; needs `email_address`, or `phone` and `last_name`. A taken email is a 422. */
  create(input: SalesloftPersonInput, options?: SalesloftRequestOptions): Promise<SalesloftPerson>;
  update(
    id: SalesloftId,
    input: SalesloftPersonInput,
    options?: SalesloftRequestOptions,
  ): Promise<SalesloftPerson>;
  /** Deletes a person for good. Safe to repeat. */
  delete(id: SalesloftId, options?: SalesloftRequestOptions): Promise<void>;
  /** Creates or updates a person matched on `upsert_key` (`/v2/person_upserts`). */
  upsert(
    input: SalesloftPersonUpsertInput,
    options?: SalesloftRequestOptions,
  ): Promise<SalesloftPersonUpsert>;
}

/** Creates `client.people`. */
export function createPeopleResource(
  http: HttpClient,
  context: SalesloftResourceContext,
): SalesloftPeopleResource {
  const people = createRecordMethods(http, {
    collectionPath: '/people.json',
    memberPath: '/people/{id}.json',
    schema: SalesloftPersonSchema,
    listOptions: { perPage: context.perPage },
  });
  return {
    list: people.list,
    iterate: people.iterate,
    get: people.get,
    create: people.create,
    update: people.update,
    delete: people.delete,
    upsert: createUpsertMethod(http, '/person_upserts.json', SalesloftPersonUpsertSchema),
  };
}
