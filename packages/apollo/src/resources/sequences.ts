import { ConfigError, type Paginator } from '@salesos/core';
import type { ApolloContext } from '../internal/apollo-context.ts';
import { assertKnownFilters, definedFields, toApolloQuery } from '../internal/query.ts';
import { requireId } from '../internal/require-id.ts';
import { pageOf, searchApollo } from '../internal/search-apollo.ts';
import {
  type ApolloAddContactsResponse,
  ApolloAddContactsResponseSchema,
  type ApolloRemoveOrStopResponse,
  ApolloRemoveOrStopResponseSchema,
  type ApolloSequence,
  ApolloSequenceSearchResponseSchema,
} from '../schemas/sequence.ts';
import type { ApolloListOptions } from './people.ts';

/** Filters of `POST /emailer_campaigns/search`. */
export interface ApolloSequenceSearchFilters {
  /** Keywords matched against sequence names. */
  q_name?: string;
  page?: number;
  /** 1–100. Default 100. */
  per_page?: number;
}

/** What `sequences.addContacts` sends, in Apollo's spelling. */
export interface ApolloAddContactsInput {
  /** Contacts to add; or give `label_names`. */
  contact_ids?: string[];
  /** Add the contacts on these lists instead of `contact_ids`. */
  label_names?: string[];
  /** Required: the mailbox (or mailboxes, for rotation) that sends. Ids from `client.emailAccounts.list()`. */
  send_email_from_email_account_id: string | string[];
  send_email_from_email_address?: string;
  sequence_no_email?: boolean;
  sequence_unverified_email?: boolean;
  sequence_job_change?: boolean;
  sequence_active_in_other_campaigns?: boolean;
  sequence_finished_in_other_campaigns?: boolean;
  sequence_same_company_in_same_campaign?: boolean;
  contacts_without_ownership_permission?: boolean;
  add_if_in_queue?: boolean;
  contact_verification_skipped?: boolean;
  /** The user taking the action. */
  user_id?: string;
  /** `paused` with `auto_unpause_at` schedules the start. */
  status?: 'active' | 'paused';
  /** ISO-8601 date-time. */
  auto_unpause_at?: string;
}

/** What `sequences.removeOrStop` sends. */
export interface ApolloRemoveOrStopInput {
  emailer_campaign_ids: string[];
  contact_ids: string[];
  /** `mark_as_finished`, `remove` from the sequence, or `stop` their progress. */
  mode: 'mark_as_finished' | 'remove' | 'stop';
}

/** The `sequences` namespace (Apollo's emailer campaigns). */
export interface SequencesResource {
  /** Searches the team's sequences by name. */
  search(filters?: ApolloSequenceSearchFilters, options?: ApolloListOptions): Paginator<ApolloSequence>;
  /**
   * Adds contacts to a sequence. `send_email_from_email_account_id` is required by Apollo.
   *
   * @example
   * ```ts
   * const [mailbox] = await client.emailAccounts.list().toArray({ limit: 1 });
   * const result = await client.sequences.addContacts(sequenceId, {
   *   contact_ids: [contact.id],
   *   send_email_from_email_account_id: mailbox.id,
   * });
   * console.log(result.skipped_contact_ids);
   * ```
   */
  addContacts(sequenceId: string, input: ApolloAddContactsInput): Promise<ApolloAddContactsResponse>;
  /** Removes contacts from sequences, marks them finished, or stops them. */
  removeOrStop(input: ApolloRemoveOrStopInput): Promise<ApolloRemoveOrStopResponse>;
}

const ADD_FIELDS = [
  'contact_ids',
  'label_names',
  'send_email_from_email_account_id',
  'send_email_from_email_address',
  'sequence_no_email',
  'sequence_unverified_email',
  'sequence_job_change',
  'sequence_active_in_other_campaigns',
  'sequence_finished_in_other_campaigns',
  'sequence_same_company_in_same_campaign',
  'contacts_without_ownership_permission',
  'add_if_in_queue',
  'contact_verification_skipped',
  'user_id',
  'status',
  'auto_unpause_at',
] as const;

const MODES = ['mark_as_finished', 'remove', 'stop'];

/** Creates the `sequences` namespace. */
export function createSequencesResource(context: ApolloContext): SequencesResource {
  return {
    search: (filters = {}, options = {}) =>
      searchApollo(
        context,
        {
          method: 'POST',
          path: '/emailer_campaigns/search',
          known: ['q_name', 'page', 'per_page'],
          ceiling: false,
          params: (rest) => ({ query: toApolloQuery({ q_name: rest.q_name }) }),
          schema: ApolloSequenceSearchResponseSchema,
          page: (body) => pageOf(body.emailer_campaigns, body.pagination),
        },
        filters,
        options,
      ),

    async addContacts(sequenceId, input) {
      const where = 'sequences.addContacts';
      const id = requireId(sequenceId, where, 'sequence id');
      if (!input || typeof input !== 'object')
        throw new ConfigError(`${where}: expected the contacts to add.`);
      assertKnownFilters(input, ADD_FIELDS, where);
      const mailboxes = Array.isArray(input.send_email_from_email_account_id)
        ? input.send_email_from_email_account_id
        : [input.send_email_from_email_account_id];
      if (
        mailboxes.length === 0 ||
        mailboxes.some((mailbox) => typeof mailbox !== 'string' || mailbox === '')
      ) {
        throw new ConfigError(
          `${where}: "send_email_from_email_account_id" is required: the id of the mailbox that sends (see client.emailAccounts.list()).`,
        );
      }
      if (!input.contact_ids?.length && !input.label_names?.length) {
        throw new ConfigError(`${where}: give "contact_ids" or "label_names".`);
      }
      const { send_email_from_email_account_id: _mailbox, ...rest } = input;
      // One mailbox goes in the query as documented; several (rotation) go in the JSON body as an array.
      const single = mailboxes.length === 1;
      return context.request({
        method: 'POST',
        path: '/emailer_campaigns/{sequence_id}/add_contact_ids',
        pathParams: { sequence_id: id },
        query: toApolloQuery({
          emailer_campaign_id: id,
          ...definedFields(rest),
          ...(single ? { send_email_from_email_account_id: mailboxes[0] } : {}),
        }),
        ...(single ? {} : { body: { send_email_from_email_account_id: mailboxes } }),
        schema: ApolloAddContactsResponseSchema,
      });
    },

    async removeOrStop(input) {
      const where = 'sequences.removeOrStop';
      if (!input?.emailer_campaign_ids?.length || !input.contact_ids?.length) {
        throw new ConfigError(`${where}: "emailer_campaign_ids" and "contact_ids" are required.`);
      }
      if (!MODES.includes(input.mode)) {
        throw new ConfigError(
          `${where}: "mode" must be one of ${MODES.join(', ')}, got ${JSON.stringify(input.mode)}.`,
        );
      }
      return context.request({
        method: 'POST',
        path: '/emailer_campaigns/remove_or_stop_contact_ids',
        query: toApolloQuery({
          emailer_campaign_ids: input.emailer_campaign_ids,
          contact_ids: input.contact_ids,
          mode: input.mode,
        }),
        schema: ApolloRemoveOrStopResponseSchema,
      });
    },
  };
}
