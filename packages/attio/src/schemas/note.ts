import { z } from 'zod';
import { AttioActorSchema } from './common.ts';

/** A note on a record. */
export const AttioNoteSchema = z.looseObject({
  id: z.looseObject({ workspace_id: z.string(), note_id: z.string() }),
  parent_object: z.string(),
  parent_record_id: z.string(),
  title: z.string(),
  meeting_id: z.string().nullable().optional(),
  content_plaintext: z.string(),
  content_markdown: z.string().optional(),
  tags: z.array(z.unknown()).optional(),
  created_by_actor: AttioActorSchema,
  created_at: z.string(),
});
export type AttioNote = z.infer<typeof AttioNoteSchema>;

/** Body of `notes.create`. */
export interface AttioNoteCreateInput {
  parent_object: string;
  parent_record_id: string;
  title: string;
  format: 'plaintext' | 'markdown';
  content: string;
  created_at?: string;
  meeting_id?: string | null;
}
