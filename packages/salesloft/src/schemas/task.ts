import { z } from 'zod';
import { reference, text, timestamp } from './common.ts';

/** A task (`/v2/tasks`): `task_type` call, email or general; `current_state` scheduled or completed. */
export const SalesloftTaskSchema = z.looseObject({
  id: z.number(),
  created_at: timestamp,
  updated_at: timestamp,
  subject: text,
  current_state: text,
  task_type: text,
  due_at: timestamp,
  due_date: text,
  remind_at: timestamp,
  completed_at: timestamp,
  description: text,
  idempotency_key: text,
  user: reference,
  person: reference,
  created_by_user: reference,
  completed_by: reference,
});
export type SalesloftTask = z.infer<typeof SalesloftTaskSchema>;
