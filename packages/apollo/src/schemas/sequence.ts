import { z } from 'zod';
import { ApolloPaginationSchema, nullableString } from './common.ts';
import { ApolloContactSchema } from './contact.ts';

/** A sequence (Apollo's API calls them emailer campaigns). */
export const ApolloSequenceSchema = z.looseObject({
  id: z.string(),
  name: nullableString,
  active: z.boolean().nullish(),
  archived: z.boolean().nullish(),
  created_at: nullableString,
  user_id: nullableString,
  num_steps: z.number().nullish(),
  label_ids: z.array(z.string()).nullish(),
});
export type ApolloSequence = z.infer<typeof ApolloSequenceSchema>;

/** `POST /emailer_campaigns/search`. */
export const ApolloSequenceSearchResponseSchema = z.looseObject({
  pagination: ApolloPaginationSchema.nullish(),
  emailer_campaigns: z.array(ApolloSequenceSchema).default([]),
});

/** `POST /emailer_campaigns/{sequence_id}/add_contact_ids`. */
export const ApolloAddContactsResponseSchema = z.looseObject({
  contacts: z.array(ApolloContactSchema).default([]),
  /** Contacts Apollo did not add, keyed by id, with the reason. */
  skipped_contact_ids: z.union([z.record(z.string(), z.unknown()), z.array(z.string())]).nullish(),
  emailer_campaign: ApolloSequenceSchema.nullish(),
});
export type ApolloAddContactsResponse = z.infer<typeof ApolloAddContactsResponseSchema>;

/** `POST /emailer_campaigns/remove_or_stop_contact_ids`. */
export const ApolloRemoveOrStopResponseSchema = z.looseObject({
  contacts: z.array(ApolloContactSchema).default([]),
  emailer_campaigns: z.array(ApolloSequenceSchema).default([]),
});
export type ApolloRemoveOrStopResponse = z.infer<typeof ApolloRemoveOrStopResponseSchema>;
