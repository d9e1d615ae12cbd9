import type { HttpClient, Paginator } from '@salesos/core';
import type { IterateUpdatedOptions } from '../internal/iterate-updated.ts';
import { createRecordMethods } from '../internal/record-methods.ts';
import { type SalesloftCadence, SalesloftCadenceSchema } from '../schemas/cadence.ts';
import type {
  SalesloftId,
  SalesloftListParams,
  SalesloftRequestOptions,
  SalesloftResourceContext,
  SalesloftTimeRange,
} from './resource-context.ts';

/** Filters of `cadences.list`. */
export interface SalesloftCadencesListParams extends SalesloftListParams {
  ids?: readonly number[] | undefined;
  name?: readonly string[] | undefined;
  owned_by_guid?: readonly string[] | undefined;
  group_ids?: readonly number[] | undefined;
  team_cadence?: boolean | undefined;
  shared?: boolean | undefined;
  people_addable?: boolean | undefined;
  archived?: boolean | undefined;
  updated_at?: SalesloftTimeRange | undefined;
  sort_by?: 'created_at' | 'updated_at' | 'name' | undefined;
}

/** `client.cadences`: read-only; SalesLoft creates cadences through cadence imports. */
export interface SalesloftCadencesResource {
  list(params?: SalesloftCadencesListParams): Paginator<SalesloftCadence>;
  /** Walks cadences by `updated_at` ascending from `since`. */
  iterate(
    options?: IterateUpdatedOptions &
      Omit<SalesloftCadencesListParams, keyof SalesloftListParams | 'updated_at' | 'sort_by'>,
  ): Paginator<SalesloftCadence>;
  get(id: SalesloftId, options?: SalesloftRequestOptions): Promise<SalesloftCadence>;
}

/** Creates `client.cadences`. */
export function createCadencesResource(
  http: HttpClient,
  context: SalesloftResourceContext,
): SalesloftCadencesResource {
  const cadences = createRecordMethods(http, {
    collectionPath: '/cadences.json',
    memberPath: '/cadences/{id}.json',
    schema: SalesloftCadenceSchema,
    listOptions: { perPage: context.perPage },
  });
  return { list: cadences.list, iterate: cadences.iterate, get: cadences.get };
}
