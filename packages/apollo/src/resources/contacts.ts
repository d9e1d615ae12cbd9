import { ConfigError, type Paginator } from '@salesos/core';
import type { ApolloContext } from '../internal/apollo-context.ts';
import { definedFields } from '../internal/query.ts';
import { createRecordMethods } from '../internal/record-methods.ts';
import { pageOf, searchApollo } from '../internal/search-apollo.ts';
import {
  type ApolloContact,
  type ApolloContactBulkCreateResponse,
  ApolloContactBulkCreateResponseSchema,
  type ApolloContactBulkUpdateResponse,
  ApolloContactBulkUpdateResponseSchema,
  ApolloContactResponseSchema,
  ApolloContactSearchResponseSchema,
} from '../schemas/contact.ts';
import type { ApolloListOptions } from './people.ts';

/** Fields of a contact to create or update, in Apollo's spelling. */
export interface ApolloContactInput {
  first_name?: string;
  last_name?: string;
  organization_name?: string;
  title?: string;
  account_id?: string;
  email?: string;
  website_url?: string;
  /** Lists the contact belongs to (on update, replaces them). */
  label_names?: string[];
  contact_stage_id?: string;
  present_raw_address?: string;
  direct_phone?: string;
  corporate_phone?: string;
  mobile_phone?: string;
  home_phone?: string;
  other_phone?: string;
  typed_custom_fields?: Record<string, unknown>;
}

/** Options of `contacts.create`. */
export interface ApolloContactCreateOptions {
  /** Match an existing contact instead of always creating one. Apollo's default: `false`. */
  run_dedupe?: boolean;
}

/** Filters of `POST /contacts/search`. */
export interface ApolloContactSearchFilters {
  q_keywords?: string;
  contact_stage_ids?: string[];
  contact_label_ids?: string[];
  sort_by_field?:
    | 'contact_last_activity_date'
    | 'contact_email_last_opened_at'
    | 'contact_email_last_clicked_at'
    | 'contact_created_at'
    | 'contact_updated_at';
  sort_ascending?: boolean;
  page?: number;
  /** 1–100. Default 100. */
  per_page?: number;
}

/** One contact of `contacts.bulkCreate` (Apollo's fields, passed through). */
export type ApolloBulkContactInput = ApolloContactInput & Record<string, unknown>;

/** Options of `contacts.bulkCreate`. */
export interface ApolloContactBulkCreateOptions {
  /** Label names added to every contact of the batch. */
  append_label_names?: string[];
  /** Owner of every contact of the batch. Default: the key's user. */
  owner_id?: string;
  /** Deduplicate across all sources. Default `false`. */
  run_dedupe?: boolean;
}

/** `contacts.bulkUpdate`: the same values for many ids, or different values per contact. */
export type ApolloContactBulkUpdateInput =
  | ({ contact_ids: string[] } & ApolloContactInput & {
        owner_id?: string;
        linkedin_url?: string;
        async?: boolean;
      })
  | {
      contact_attributes: ({ id: string } & ApolloContactInput & Record<string, unknown>)[];
      async?: boolean;
    };

/** The `contacts` namespace: people your team saved in Apollo. */
export interface ContactsResource {
  /**
   * Creates a contact (0 credits).
   *
   * @example
   * ```ts
   * const contact = await client.contacts.create({ first_name: 'Tim', email: 'tim@apollo.io' }, { run_dedupe: true });
   * ```
   */
  create(input: ApolloContactInput, options?: ApolloContactCreateOptions): Promise<ApolloContact>;
  /** Updates a contact (`PATCH /contacts/{contact_id}`). */
  update(id: string, input: ApolloContactInput): Promise<ApolloContact>;
  /** A contact by id. */
  get(id: string): Promise<ApolloContact>;
  /** Searches the team's contacts. */
  search(filters?: ApolloContactSearchFilters, options?: ApolloListOptions): Paginator<ApolloContact>;
  /** Creates up to 100 contacts in one call; existing ones are reported, not duplicated. */
  bulkCreate(
    contacts: readonly ApolloBulkContactInput[],
    options?: ApolloContactBulkCreateOptions,
  ): Promise<ApolloContactBulkCreateResponse>;
  /** Updates many contacts in one call. */
  bulkUpdate(input: ApolloContactBulkUpdateInput): Promise<ApolloContactBulkUpdateResponse>;
}

const SEARCH_FILTERS = [
  'q_keywords',
  'contact_stage_ids',
  'contact_label_ids',
  'sort_by_field',
  'sort_ascending',
  'page',
  'per_page',
] as const;

/** Apollo's limit of contacts per bulk create. */
const BULK_CREATE_LIMIT = 100;

/** Creates the `contacts` namespace. */
export function createContactsResource(context: ApolloContext): ContactsResource {
  const records = createRecordMethods(context, {
    namespace: 'contacts',
    idName: 'contact id',
    collectionPath: '/contacts',
    memberPath: '/contacts/{contact_id}',
    schema: ApolloContactResponseSchema,
    record: (body) => body.contact,
  });
  return {
    async create(input, options = {}) {
      if (!input || typeof input !== 'object')
        throw new ConfigError('contacts.create: expected contact fields.');
      return records.create({ ...input, ...options });
    },
    update: records.update,
    get: records.get,
    search: (filters = {}, options = {}) =>
      searchApollo(
        context,
        {
          method: 'POST',
          path: '/contacts/search',
          known: SEARCH_FILTERS,
          ceiling: true,
          params: (rest) => ({ body: definedFields(rest) }),
          schema: ApolloContactSearchResponseSchema,
          page: (body) => pageOf(body.contacts, body.pagination),
        },
        filters,
        options,
      ),

    async bulkCreate(contacts, options = {}) {
      if (!Array.isArray(contacts) || contacts.length === 0) {
        throw new ConfigError('contacts.bulkCreate: expected a non-empty array of contacts.');
      }
      if (contacts.length > BULK_CREATE_LIMIT) {
        throw new ConfigError(
          `contacts.bulkCreate: Apollo takes at most ${BULK_CREATE_LIMIT} contacts per call, got ${contacts.length}; split the batch.`,
        );
      }
      return context.request({
        method: 'POST',
        path: '/contacts/bulk_create',
        body: { contacts: contacts.map((contact) => definedFields(contact)), ...definedFields(options) },
        schema: ApolloContactBulkCreateResponseSchema,
      });
    },

    async bulkUpdate(input) {
      const hasIds =
        'contact_ids' in input && Array.isArray(input.contact_ids) && input.contact_ids.length > 0;
      const hasAttributes =
        'contact_attributes' in input &&
        Array.isArray(input.contact_attributes) &&
        input.contact_attributes.length > 0;
      if (!hasIds && !hasAttributes) {
        throw new ConfigError(
          'contacts.bulkUpdate: give "contact_ids" with the values to set, or "contact_attributes".',
        );
      }
      return context.request({
        method: 'POST',
        path: '/contacts/bulk_update',
        body: definedFields(input),
        schema: ApolloContactBulkUpdateResponseSchema,
      });
    },
  };
}
