import { z } from 'zod';
import { ApolloPaginationSchema, nullableString } from './common.ts';

/** A user of your Apollo team. */
export const ApolloUserSchema = z.looseObject({
  id: z.string(),
  team_id: nullableString,
  first_name: nullableString,
  last_name: nullableString,
  name: nullableString,
  title: nullableString,
  email: nullableString,
  deleted: z.boolean().nullish(),
});
export type ApolloUser = z.infer<typeof ApolloUserSchema>;

/** `GET /users/search` (its `page` and `per_page` arrive as strings). */
export const ApolloUserSearchResponseSchema = z.looseObject({
  pagination: ApolloPaginationSchema.nullish(),
  users: z.array(ApolloUserSchema).default([]),
});

/** A mailbox linked to Apollo, used to send sequence emails. */
export const ApolloEmailAccountSchema = z.looseObject({
  id: z.string(),
  user_id: nullableString,
  email: nullableString,
  type: nullableString,
  active: z.boolean().nullish(),
  default: z.boolean().nullish(),
  aliases: z.array(z.string()).nullish(),
});
export type ApolloEmailAccount = z.infer<typeof ApolloEmailAccountSchema>;

/** `GET /email_accounts` (not paginated). */
export const ApolloEmailAccountsResponseSchema = z.looseObject({
  email_accounts: z.array(ApolloEmailAccountSchema).default([]),
});
