import { z } from 'zod';
import { AttioActorSchema } from './common.ts';

/** A comment in a thread on a record or an entry. */
export const AttioCommentSchema = z.looseObject({
  id: z.looseObject({ workspace_id: z.string(), comment_id: z.string() }),
  thread_id: z.string(),
  content_plaintext: z.string(),
  entry: z.looseObject({ entry_id: z.string(), list_id: z.string() }).nullable().optional(),
  record: z.looseObject({ record_id: z.string(), object_id: z.string() }).nullable().optional(),
  resolved_at: z.string().nullable().optional(),
  resolved_by: AttioActorSchema.nullable().optional(),
  created_at: z.string(),
  author: AttioActorSchema,
});
export type AttioComment = z.infer<typeof AttioCommentSchema>;

/** A thread of comments. */
export const AttioThreadSchema = z.looseObject({
  id: z.looseObject({ workspace_id: z.string(), thread_id: z.string() }),
  comments: z.array(AttioCommentSchema),
  created_at: z.string(),
});
export type AttioThread = z.infer<typeof AttioThreadSchema>;

interface AttioCommentBase {
  format: 'plaintext';
  content: string;
  author: { type: 'workspace-member'; id: string };
  created_at?: string;
}

/** Body of `comments.create`: a reply in a thread, or a new thread on a record or an entry. */
export type AttioCommentCreateInput =
  | (AttioCommentBase & { thread_id: string })
  | (AttioCommentBase & { record: { object: string; record_id: string } })
  | (AttioCommentBase & { entry: { list: string; entry_id: string } });
