import { z } from 'zod';
import { ApolloPaginationSchema, nullableString } from './common.ts';

/** A task for a user of your team. */
export const ApolloTaskSchema = z.looseObject({
  id: z.string(),
  user_id: nullableString,
  contact_id: nullableString,
  account_id: nullableString,
  opportunity_id: nullableString,
  type: nullableString,
  priority: nullableString,
  status: nullableString,
  due_at: nullableString,
  title: nullableString,
  note: nullableString,
  created_at: nullableString,
  completed_at: nullableString,
});
export type ApolloTask = z.infer<typeof ApolloTaskSchema>;

/** `POST /tasks`. */
export const ApolloTaskResponseSchema = z.looseObject({
  task: ApolloTaskSchema,
});

/** `POST /tasks/search`. */
export const ApolloTaskSearchResponseSchema = z.looseObject({
  pagination: ApolloPaginationSchema.nullish(),
  tasks: z.array(ApolloTaskSchema).default([]),
});
