import type { HttpClient, Paginator } from '@salesos/core';
import type { IterateUpdatedOptions } from '../internal/iterate-updated.ts';
import { toSalesloftQuery } from '../internal/query.ts';
import { createRecordMethods } from '../internal/record-methods.ts';
import {
  type SalesloftCadenceMembership,
  SalesloftCadenceMembershipSchema,
} from '../schemas/cadence-membership.ts';
import type {
  SalesloftId,
  SalesloftListParams,
  SalesloftRequestOptions,
  SalesloftResourceContext,
  SalesloftTimeRange,
} from './resource-context.ts';

/** Filters of `cadenceMemberships.list`. */
export interface SalesloftCadenceMembershipsListParams extends SalesloftListParams {
  ids?: readonly number[] | undefined;
  person_id?: number | undefined;
  cadence_id?: number | undefined;
  /** Only memberships whose person is (or is not) currently on the cadence. */
  currently_on_cadence?: boolean | undefined;
  updated_at?: SalesloftTimeRange | undefined;
  sort_by?: 'added_at' | 'updated_at' | undefined;
}

/** Input of `cadenceMemberships.create`: enrols a person on a cadence. */
export interface SalesloftCadenceMembershipInput {
  person_id: number;
  cadence_id: number;
  /** The user the person is added for. Default: the caller. */
  user_id?: number | undefined;
  /** The step to start on. Default: the first. */
  step_id?: number | undefined;
}

/** `client.cadenceMemberships`: people on cadences. */
export interface SalesloftCadenceMembershipsResource {
  list(params?: SalesloftCadenceMembershipsListParams): Paginator<SalesloftCadenceMembership>;
  /** Walks memberships by `updated_at` ascending from `since`. */
  iterate(
    options?: IterateUpdatedOptions &
      Omit<SalesloftCadenceMembershipsListParams, keyof SalesloftListParams | 'updated_at' | 'sort_by'>,
  ): Paginator<SalesloftCadenceMembership>;
  get(id: SalesloftId, options?: SalesloftRequestOptions): Promise<SalesloftCadenceMembership>;
  /** Enrols a person on a cadence. Enrolling the same person again keeps one membership. */
  create(
    input: SalesloftCadenceMembershipInput,
    options?: SalesloftRequestOptions,
  ): Promise<SalesloftCadenceMembership>;
  /** Removes the person from the cadence. The membership stays, with `currently_on_cadence: false`. */
  delete(id: SalesloftId, options?: SalesloftRequestOptions): Promise<void>;
}

/** Creates `client.cadenceMemberships`. */
export function createCadenceMembershipsResource(
  http: HttpClient,
  context: SalesloftResourceContext,
): SalesloftCadenceMembershipsResource {
  const memberships = createRecordMethods(http, {
    collectionPath: '/cadence_memberships.json',
    memberPath: '/cadence_memberships/{id}.json',
    schema: SalesloftCadenceMembershipSchema,
    listOptions: { perPage: context.perPage },
  });
  return {
    list: memberships.list,
    iterate: memberships.iterate,
    get: memberships.get,
    // SalesLoft declares these as query parameters; re-enrolling keeps one membership, so retrying is safe.
    create: (input, options) =>
      memberships.post({ query: toSalesloftQuery({ ...input }), idempotent: true }, options),
    delete: memberships.delete,
  };
}
