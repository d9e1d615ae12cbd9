import type { HttpClient, Paginator } from '@salesos/core';
import { singlePage } from '../internal/pages.ts';
import type { AttioSchemaCache } from '../schema-cache/attio-schema-cache.ts';
import { dataOf, listOf } from '../schemas/common.ts';
import {
  type AttioList,
  type AttioListCreateInput,
  AttioListSchema,
  type AttioListUpdateInput,
} from '../schemas/list.ts';
import { type AttioListControl, type AttioRequestOptions, callOptions } from './resource-context.ts';

/** `client.lists`: lists (pipelines, boards) of the workspace. */
export interface AttioListsResource {
  /** Every list. */
  list(control?: AttioListControl): Paginator<AttioList>;
  /** One list by slug or id. */
  get(list: string, options?: AttioRequestOptions): Promise<AttioList>;
  /** Creates a list; someone must get `full-access`. */
  create(input: AttioListCreateInput, options?: AttioRequestOptions): Promise<AttioList>;
  /** Renames a list or changes its access (its parent object cannot change). */
  update(list: string, input: AttioListUpdateInput, options?: AttioRequestOptions): Promise<AttioList>;
}

const ListList = listOf(AttioListSchema);
const ListData = dataOf(AttioListSchema);

/** Creates `client.lists`. */
export function createListsResource(http: HttpClient, schema: AttioSchemaCache): AttioListsResource {
  return {
    list: (control) =>
      singlePage(
        async (signal) =>
          (await http.get('/lists', { schema: ListList, ...(signal ? { signal } : {}) })).data,
        control,
      ),
    get: async (list, options) =>
      (await http.get('/lists/{list}', { pathParams: { list }, schema: ListData, ...callOptions(options) }))
        .data,
    async create(input, options) {
      const created = await http.post('/lists', {
        body: { data: input },
        schema: ListData,
        ...callOptions(options),
      });
      await schema.handleEvent({ event_type: 'list.created', id: { list_id: created.data.id.list_id } });
      return created.data;
    },
    async update(list, input, options) {
      const updated = await http.patch('/lists/{list}', {
        pathParams: { list },
        body: { data: input },
        schema: ListData,
        ...callOptions(options),
      });
      await schema.handleEvent({ event_type: 'list.updated', id: { list_id: updated.data.id.list_id } });
      return updated.data;
    },
  };
}
