import type { HttpClient, Paginator, Query } from '@salesos/core';
import type { ZodType } from 'zod';
import {
  callOptions,
  type SalesloftId,
  type SalesloftRequestOptions,
} from '../resources/resource-context.ts';
import { salesloftListSchema, salesloftRecordSchema } from '../schemas/common.ts';
import { type IterateUpdatedOptions, iterateUpdated } from './iterate-updated.ts';
import { type ListControl, listPages } from './list-pages.ts';

/** A record that `iterate` can walk by `updated_at`. */
type UpdatedRecord = { id: number; updated_at?: string | null | undefined };

/** Where a SalesLoft resource lives and what its records look like. */
export interface RecordEndpoints<T> {
  /** The collection, for list, iterate and create (`/accounts.json`). */
  collectionPath: string;
  /** One record, for get, update and delete (`/accounts/{id}.json`). */
  memberPath: string;
  /** The record; the list and single-record envelopes are built around it. */
  schema: ZodType<T>;
  /** How `list` pages: records per page when a call sets no `per_page`, or `paged: false` for an endpoint that is not paged. */
  listOptions: { perPage: number } | { paged: false };
}

/** The methods every SalesLoft resource builds the same way; each resource picks those it offers. */
export interface RecordMethods<T> {
  list(params?: ListControl): Paginator<T>;
  iterate(options?: IterateUpdatedOptions): Paginator<T>;
  get(id: SalesloftId, options?: SalesloftRequestOptions): Promise<T>;
  create(body: unknown, options?: SalesloftRequestOptions): Promise<T>;
  update(id: SalesloftId, body: unknown, options?: SalesloftRequestOptions): Promise<T>;
  delete(id: SalesloftId, options?: SalesloftRequestOptions): Promise<void>;
  /** POSTs to the collection and reads the record it answers; `idempotent` lets the client retry it like a GET. */
  post(
    request: { body?: unknown; query?: Query; idempotent?: boolean },
    options?: SalesloftRequestOptions,
  ): Promise<T>;
}

/** Builds the list, iterate, get, create, update and delete methods of a SalesLoft resource. */
export function createRecordMethods<T extends UpdatedRecord>(
  http: HttpClient,
  endpoints: RecordEndpoints<T>,
): RecordMethods<T> {
  const { collectionPath, memberPath, listOptions } = endpoints;
  const listSchema = salesloftListSchema(endpoints.schema);
  const recordSchema = salesloftRecordSchema(endpoints.schema);
  const post: RecordMethods<T>['post'] = async (request, options) => {
    const body = await http.post(collectionPath, {
      ...request,
      schema: recordSchema,
      ...callOptions(options),
    });
    return body.data;
  };
  return {
    list: (params) => listPages(http, collectionPath, listSchema, { ...params }, listOptions),
    iterate: (options) => iterateUpdated(http, collectionPath, listSchema, { ...options }),
    async get(id, options) {
      const body = await http.get(memberPath, {
        pathParams: { id },
        schema: recordSchema,
        ...callOptions(options),
      });
      return body.data;
    },
    create: (input, options) => post({ body: input }, options),
    async update(id, input, options) {
      const body = await http.put(memberPath, {
        pathParams: { id },
        body: input,
        schema: recordSchema,
        ...callOptions(options),
      });
      return body.data;
    },
    async delete(id, options) {
      await http.delete(memberPath, { pathParams: { id }, ...callOptions(options) });
    },
    post,
  };
}

/**
 * Builds an upsert method (`/account_upserts.json`, `/person_upserts.json`). Matched on a key,
 * repeating the upsert cannot create a second record, so it may be retried.
 */
export function createUpsertMethod<T>(
  http: HttpClient,
  path: string,
  schema: ZodType<T>,
): (input: { upsert_key?: string | undefined }, options?: SalesloftRequestOptions) => Promise<T> {
  const recordSchema = salesloftRecordSchema(schema);
  return async (input, options) => {
    const body = await http.post(path, {
      body: input,
      schema: recordSchema,
      idempotent: input.upsert_key !== undefined,
      ...callOptions(options),
    });
    return body.data;
  };
}
