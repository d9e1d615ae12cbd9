import type { HttpClient, Paginator } from '@salesos/core';
import { type AttioPlainValues, decodeRecord } from '../codec/value-codec.ts';
import { attributeValues, writeValues } from '../internal/attribute-values.ts';
import { offsetPages } from '../internal/pages.ts';
import { type AttioQueryParams, checkQueryFilter, queryPages } from '../internal/query-pages.ts';
import type { AttioAttribute } from '../schemas/attribute.ts';
import { AttioEmptySchema, dataOf, listOf } from '../schemas/common.ts';
import {
  type AttioRecord,
  type AttioRecordEntry,
  AttioRecordEntrySchema,
  AttioRecordSchema,
  type AttioWriteValues,
} from '../schemas/record.ts';
import type { AttioValue } from '../schemas/value.ts';
import {
  type AttioListControl,
  type AttioRequestOptions,
  type AttioResourceContext,
  callOptions,
} from './resource-context.ts';

/** A record with its values decoded into plain values (see `decodeRecord`). */
export type AttioDecodedRecord = AttioRecord & { plain: AttioPlainValues };

/** Body of `records.create` and `records.update`: values in Attio's input shape. */
export interface AttioRecordInput {
  values: AttioWriteValues;
}

/** Body of `records.assert`. */
export interface AttioRecordAssertInput extends AttioRecordInput {
  /** Slug or id of a unique attribute (`email_addresses`, `domains`) that finds the record to update. */
  matching_attribute: string;
}

/** Options of `records.update`. */
export interface AttioRecordUpdateOptions extends AttioRequestOptions {
  /**
   * `'append'` (default, `PATCH`) adds the given multiselect values to those already there;
   * `'overwrite'` (`PUT`) replaces them, removing the others.
   */
  multiselect?: 'append' | 'overwrite' | undefined;
}

/** Parameters of `records.values` (the history of one attribute). */
export interface AttioAttributeValuesParams extends AttioListControl {
  /** Also answer values that are no longer current, oldest first. */
  show_historic?: boolean | undefined;
  /** Values per request. Default 100. */
  limit?: number | undefined;
}

/** `client.records`: people, companies, deals and custom object records. */
export interface AttioRecordsResource {
  /**
   * The records of an object matching `filter`, sorted by `sorts`, walked page by page
   * (`POST /v2/objects/{object}/records/query`). The filter is checked against the object's
   * attribute types before anything is sent.
   */
  query(object: string, params?: AttioQueryParams): Paginator<AttioRecord>;
  /** Like `query`, each record also carrying its values decoded (`record.plain`) with the object's schema. */
  iterate(object: string, params?: AttioQueryParams): Paginator<AttioDecodedRecord>;
  /** One record by id. */
  get(object: string, recordId: string, options?: AttioRequestOptions): Promise<AttioRecord>;
  /** Creates a record; a value clashing with a unique attribute rejects with `ConflictError`. */
  create(object: string, input: AttioRecordInput, options?: AttioRequestOptions): Promise<AttioRecord>;
  /**
   * Creates or updates the record whose `matching_attribute` (a unique attribute) has one of the
   * given values. The matching multiselect gains the values; other multiselects become exactly
   * the given lists. Repeating it is safe: it never creates a second record.
   */
  assert(object: string, input: AttioRecordAssertInput, options?: AttioRequestOptions): Promise<AttioRecord>;
  /** Changes values of a record; see `multiselect` for how multiselect values are treated. */
  update(
    object: string,
    recordId: string,
    input: AttioRecordInput,
    options?: AttioRecordUpdateOptions,
  ): Promise<AttioRecord>;
  /** Deletes a record. */
  delete(object: string, recordId: string, options?: AttioRequestOptions): Promise<void>;
  /** The values of one attribute of a record, with their history when `show_historic`. */
  values(
    object: string,
    recordId: string,
    attribute: string,
    params?: AttioAttributeValuesParams,
  ): Paginator<AttioValue>;
  /** The list entries whose parent is this record. */
  entries(
    object: string,
    recordId: string,
    params?: AttioListControl & { limit?: number | undefined },
  ): Paginator<AttioRecordEntry>;
}

const RecordList = listOf(AttioRecordSchema);
const RecordData = dataOf(AttioRecordSchema);
const RecordEntryList = listOf(AttioRecordEntrySchema);

/** Creates `client.records`. */
export function createRecordsResource(http: HttpClient, context: AttioResourceContext): AttioRecordsResource {
  const validation = (object: string, params: AttioQueryParams) => {
    const filter = params.filter;
    if (!context.validateFilters || filter === undefined) return undefined;
    return () => checkQueryFilter(context.schema, 'objects', object, filter);
  };
  const query = (object: string, params: AttioQueryParams = {}) =>
    queryPages(
      http,
      '/objects/{object}/records/query',
      { object },
      RecordList,
      params,
      validation(object, params),
    );

  return {
    query,
    iterate(object, params = {}) {
      let attributes: AttioAttribute[] | undefined;
      return queryPages(
        http,
        '/objects/{object}/records/query',
        { object },
        RecordList,
        params,
        validation(object, params),
        async (records) => {
          attributes ??= await context.schema.attributes('objects', object);
          const schema = attributes;
          return records.map((record) => ({ ...record, plain: decodeRecord(record, schema) }));
        },
      );
    },
    get: async (object, recordId, options) =>
      (
        await http.get('/objects/{object}/records/{record_id}', {
          pathParams: { object, record_id: recordId },
          schema: RecordData,
          ...callOptions(options),
        })
      ).data,
    create: async (object, input, options) =>
      (
        await http.post('/objects/{object}/records', {
          pathParams: { object },
          body: { data: { values: input.values } },
          schema: RecordData,
          ...callOptions(options),
        })
      ).data,
    assert: async (object, input, options) =>
      (
        await http.put('/objects/{object}/records', {
          pathParams: { object },
          query: { matching_attribute: input.matching_attribute },
          body: { data: { values: input.values } },
          schema: RecordData,
          ...callOptions(options),
        })
      ).data,
    async update(object, recordId, input, options = {}) {
      const body = await writeValues(
        http,
        '/objects/{object}/records/{record_id}',
        {
          pathParams: { object, record_id: recordId },
          body: { data: { values: input.values } },
          schema: RecordData,
          ...callOptions(options),
        },
        options.multiselect,
      );
      return body.data;
    },
    async delete(object, recordId, options) {
      await http.delete('/objects/{object}/records/{record_id}', {
        pathParams: { object, record_id: recordId },
        schema: AttioEmptySchema,
        ...callOptions(options),
      });
    },
    values: (object, recordId, attribute, params = {}) =>
      attributeValues(
        http,
        '/objects/{object}/records/{record_id}/attributes/{attribute}/values',
        { object, record_id: recordId, attribute },
        params,
      ),
    entries(object, recordId, params = {}) {
      const { cursor, signal, limit } = params;
      return offsetPages(
        http,
        '/objects/{object}/records/{record_id}/entries',
        { object, record_id: recordId },
        RecordEntryList,
        {},
        limit ?? 100,
        { cursor, signal },
      );
    },
  };
}
