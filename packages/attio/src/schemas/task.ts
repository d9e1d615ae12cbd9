import { z } from 'zod';
import { AttioActorSchema } from './common.ts';

/** A task, linked to records and assigned to workspace members. */
export const AttioTaskSchema = z.looseObject({
  id: z.looseObject({ workspace_id: z.string(), task_id: z.string() }),
  content_plaintext: z.string(),
  deadline_at: z.string().nullable(),
  is_completed: z.boolean(),
  completed_at: z.string().nullable().optional(),
  linked_records: z.array(z.looseObject({ target_object_id: z.string(), target_record_id: z.string() })),
  assignees: z.array(
    z.looseObject({ referenced_actor_type: z.string(), referenced_actor_id: z.string().nullable() }),
  ),
  created_by_actor: AttioActorSchema,
  created_at: z.string(),
});
export type AttioTask = z.infer<typeof AttioTaskSchema>;

/** A record a task links to: by id, or by a unique attribute (`{ target_object, domains: [{ domain }] }`). */
export type AttioLinkedRecordInput =
  | { target_object: string; target_record_id: string }
  | ({ target_object: string } & Record<string, unknown>);

/** A task assignee: a workspace member by id or by email address. */
export type AttioAssigneeInput =
  | { referenced_actor_type: 'workspace-member'; referenced_actor_id: string }
  | { workspace_member_email_address: string };

/** Body of `tasks.create`. */
export interface AttioTaskCreateInput {
  content: string;
  format: 'plaintext';
  deadline_at: string | null;
  is_completed: boolean;
  linked_records: AttioLinkedRecordInput[];
  assignees: AttioAssigneeInput[];
}

/** Body of `tasks.update`: only these fields can change. */
export interface AttioTaskUpdateInput {
  deadline_at?: string | null;
  is_completed?: boolean;
  linked_records?: AttioLinkedRecordInput[];
  assignees?: AttioAssigneeInput[];
}
