import type { ZodType } from 'zod';
import type { ApolloContext } from './apollo-context.ts';
import { definedFields } from './query.ts';
import { requireId } from './require-id.ts';

/** Where an Apollo CRM record (account, contact, deal) is created, read and updated. */
export interface ApolloRecordEndpoints<Input, Response, T> {
  /** The namespace, for error messages (`accounts` → `accounts.update: …`). */
  namespace: string;
  /** What its id is called in errors (`account id`). */
  idName: string;
  /** Where records are created (`/accounts`). */
  collectionPath: string;
  /** One record, with its id placeholder (`/accounts/{account_id}`): updates, and reads unless `getPath` says otherwise. */
  memberPath: string;
  /** Where Apollo documents reads, when not at `memberPath` (`/accounts/{id}`). */
  getPath?: string | undefined;
  /** The single-record response. */
  schema: ZodType<Response>;
  /** The record inside the response (`body.account`). */
  record(body: Response): T;
  /** Turns an input into the JSON body; `where` names the call in errors. Default: its defined fields. */
  toBody?: ((input: Input, where: string) => Record<string, unknown>) | undefined;
}

/** `create`, `update` and `get` of an Apollo CRM record; each resource checks its own inputs first. */
export interface ApolloRecordMethods<Input, T> {
  create(input: Input): Promise<T>;
  update(id: string, input: Input): Promise<T>;
  get(id: string): Promise<T>;
}

const placeholder = (path: string): string => {
  const name = /\{(\w+)\}/.exec(path)?.[1];
  if (name === undefined) throw new Error(`Path "${path}" has no {id} placeholder.`);
  return name;
};

/** Builds the create, update and get methods of an Apollo CRM record. */
export function createRecordMethods<Input extends object, Response, T>(
  context: ApolloContext,
  endpoints: ApolloRecordEndpoints<Input, Response, T>,
): ApolloRecordMethods<Input, T> {
  const { namespace, idName, collectionPath, memberPath, schema } = endpoints;
  const getPath = endpoints.getPath ?? memberPath;
  const memberParam = placeholder(memberPath);
  const getParam = placeholder(getPath);
  const toBody = endpoints.toBody ?? ((input: Input) => definedFields(input) as Record<string, unknown>);
  return {
    async create(input) {
      const body = await context.request({
        method: 'POST',
        path: collectionPath,
        body: toBody(input, `${namespace}.create`),
        schema,
      });
      return endpoints.record(body);
    },
    async update(id, input) {
      const body = await context.request({
        method: 'PATCH',
        path: memberPath,
        pathParams: { [memberParam]: requireId(id, `${namespace}.update`, idName) },
        body: toBody(input, `${namespace}.update`),
        schema,
      });
      return endpoints.record(body);
    },
    async get(id) {
      const body = await context.request({
        method: 'GET',
        path: getPath,
        pathParams: { [getParam]: requireId(id, `${namespace}.get`, idName) },
        schema,
      });
      return endpoints.record(body);
    },
  };
}
