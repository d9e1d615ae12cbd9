import type { HttpClient, Paginator } from '@salesos/core';
import { attributeValues, writeValues } from '../internal/attribute-values.ts';
import { type AttioQueryParams, checkQueryFilter, queryPages } from '../internal/query-pages.ts';
import { AttioEmptySchema, dataOf, listOf } from '../schemas/common.ts';
import {
  type AttioEntry,
  type AttioEntryCreateInput,
  AttioEntrySchema,
  type AttioEntryUpdateInput,
} from '../schemas/list.ts';
import type { AttioValue } from '../schemas/value.ts';
import type { AttioAttributeValuesParams } from './records.ts';
import { type AttioRequestOptions, type AttioResourceContext, callOptions } from './resource-context.ts';

/** Options of `entries.update`. */
export interface AttioEntryUpdateOptions extends AttioRequestOptions {
  /** `'append'` (default, `PATCH`) adds multiselect values; `'overwrite'` (`PUT`) replaces them. */
  multiselect?: 'append' | 'overwrite' | undefined;
}

/** `client.entries`: the entries of a list. */
export interface AttioEntriesResource {
  /** The entries of a list matching `filter`, sorted by `sorts`, walked page by page. */
  query(list: string, params?: AttioQueryParams): Paginator<AttioEntry>;
  /** Adds a record to a list (a record may be in a list several times). */
  create(list: string, input: AttioEntryCreateInput, options?: AttioRequestOptions): Promise<AttioEntry>;
  /**
   * Creates or updates the entry of `parent_record_id`; multiselects become exactly the given
   * lists. A parent with several entries rejects with `InvalidRequestError` (`multiple_match_results`).
   */
  assert(list: string, input: AttioEntryCreateInput, options?: AttioRequestOptions): Promise<AttioEntry>;
  get(list: string, entryId: string, options?: AttioRequestOptions): Promise<AttioEntry>;
  /** Changes an entry's values; see `multiselect`. */
  update(
    list: string,
    entryId: string,
    input: AttioEntryUpdateInput,
    options?: AttioEntryUpdateOptions,
  ): Promise<AttioEntry>;
  delete(list: string, entryId: string, options?: AttioRequestOptions): Promise<void>;
  /** The values of one attribute of an entry, with their history when `show_historic`. */
  values(
    list: string,
    entryId: string,
    attribute: string,
    params?: AttioAttributeValuesParams,
  ): Paginator<AttioValue>;
}

const EntryList = listOf(AttioEntrySchema);
const EntryData = dataOf(AttioEntrySchema);

/** Creates `client.entries`. */
export function createEntriesResource(http: HttpClient, context: AttioResourceContext): AttioEntriesResource {
  return {
    query(list, params = {}) {
      const filter = params.filter;
      return queryPages(
        http,
        '/lists/{list}/entries/query',
        { list },
        EntryList,
        params,
        context.validateFilters && filter !== undefined
          ? () => checkQueryFilter(context.schema, 'lists', list, filter)
          : undefined,
      );
    },
    create: async (list, input, options) =>
      (
        await http.post('/lists/{list}/entries', {
          pathParams: { list },
          body: { data: input },
          schema: EntryData,
          ...callOptions(options),
        })
      ).data,
    assert: async (list, input, options) =>
      (
        await http.put('/lists/{list}/entries', {
          pathParams: { list },
          body: { data: input },
          schema: EntryData,
          ...callOptions(options),
        })
      ).data,
    get: async (list, entryId, options) =>
      (
        await http.get('/lists/{list}/entries/{entry_id}', {
          pathParams: { list, entry_id: entryId },
          schema: EntryData,
          ...callOptions(options),
        })
      ).data,
    async update(list, entryId, input, options = {}) {
      const body = await writeValues(
        http,
        '/lists/{list}/entries/{entry_id}',
        {
          pathParams: { list, entry_id: entryId },
          body: { data: { entry_values: input.entry_values } },
          schema: EntryData,
          ...callOptions(options),
        },
        options.multiselect,
      );
      return body.data;
    },
    async delete(list, entryId, options) {
      await http.delete('/lists/{list}/entries/{entry_id}', {
        pathParams: { list, entry_id: entryId },
        schema: AttioEmptySchema,
        ...callOptions(options),
      });
    },
    values: (list, entryId, attribute, params = {}) =>
      attributeValues(
        http,
        '/lists/{list}/entries/{entry_id}/attributes/{attribute}/values',
        { list, entry_id: entryId, attribute },
        params,
      ),
  };
}
