import { z } from 'zod';
import { reference, text, timestamp } from './common.ts';

/** A note on a person or account (`/v2/notes`). */
export const SalesloftNoteSchema = z.looseObject({
  id: z.number(),
  content: text,
  created_at: timestamp,
  updated_at: timestamp,
  associated_type: text,
  associated_with: reference,
  user: reference,
  call: reference,
});
export type SalesloftNote = z.infer<typeof SalesloftNoteSchema>;
