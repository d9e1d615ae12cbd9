import type { HttpClient, Paginator } from '@salesos/core';
import { createRecordMethods } from '../internal/record-methods.ts';
import { type SalesloftStep, SalesloftStepSchema } from '../schemas/step.ts';
import type {
  SalesloftId,
  SalesloftListParams,
  SalesloftRequestOptions,
  SalesloftResourceContext,
} from './resource-context.ts';

/** Filters of `steps.list`. */
export interface SalesloftStepsListParams extends SalesloftListParams {
  ids?: readonly number[] | undefined;
  cadence_id?: number | undefined;
  /** email, phone, other, integration… */
  type?: string | undefined;
  has_due_actions?: boolean | undefined;
  sort_by?: 'created_at' | 'updated_at' | undefined;
}

/** `client.steps`: the steps of cadences. */
export interface SalesloftStepsResource {
  list(params?: SalesloftStepsListParams): Paginator<SalesloftStep>;
  get(id: SalesloftId, options?: SalesloftRequestOptions): Promise<SalesloftStep>;
}

/** Creates `client.steps`. */
export function createStepsResource(
  http: HttpClient,
  context: SalesloftResourceContext,
): SalesloftStepsResource {
  const steps = createRecordMethods(http, {
    collectionPath: '/steps.json',
    memberPath: '/steps/{id}.json',
    schema: SalesloftStepSchema,
    listOptions: { perPage: context.perPage },
  });
  return { list: steps.list, get: steps.get };
}
