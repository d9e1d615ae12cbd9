import type { HttpClient, Paginator } from '@salesos/core';
import { singlePage } from '../internal/pages.ts';
import { dataOf, listOf } from '../schemas/common.ts';
import {
  type AttioObject,
  type AttioObjectCreateInput,
  AttioObjectSchema,
  type AttioObjectUpdateInput,
} from '../schemas/object.ts';
import { type AttioListControl, type AttioRequestOptions, callOptions } from './resource-context.ts';

/** `client.objects`: the objects of the workspace. */
export interface AttioObjectsResource {
  /** Every object (`GET /v2/objects`). */
  list(control?: AttioListControl): Paginator<AttioObject>;
  /** One object by slug or id. */
  get(object: string, options?: AttioRequestOptions): Promise<AttioObject>;
  /** Creates a custom object. */
  create(input: AttioObjectCreateInput, options?: AttioRequestOptions): Promise<AttioObject>;
  /** Renames an object or changes its slug. */
  update(object: string, input: AttioObjectUpdateInput, options?: AttioRequestOptions): Promise<AttioObject>;
}

const ObjectList = listOf(AttioObjectSchema);
const ObjectData = dataOf(AttioObjectSchema);

/** Creates `client.objects`. */
export function createObjectsResource(http: HttpClient): AttioObjectsResource {
  return {
    list: (control) =>
      singlePage(
        async (signal) =>
          (await http.get('/objects', { schema: ObjectList, ...(signal ? { signal } : {}) })).data,
        control,
      ),
    get: async (object, options) =>
      (
        await http.get('/objects/{object}', {
          pathParams: { object },
          schema: ObjectData,
          ...callOptions(options),
        })
      ).data,
    create: async (input, options) =>
      (await http.post('/objects', { body: { data: input }, schema: ObjectData, ...callOptions(options) }))
        .data,
    update: async (object, input, options) =>
      (
        await http.patch('/objects/{object}', {
          pathParams: { object },
          body: { data: input },
          schema: ObjectData,
          ...callOptions(options),
        })
      ).data,
  };
}
