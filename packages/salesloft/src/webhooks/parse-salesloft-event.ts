import { WebhookVerificationError } from '@salesos/core';
import type { z } from 'zod';
import { normalizeTimestamp } from '../internal/timestamp.ts';
import { type SalesloftAccount, SalesloftAccountSchema } from '../schemas/account.ts';
import { type SalesloftCadence, SalesloftCadenceSchema } from '../schemas/cadence.ts';
import {
  type SalesloftCadenceMembership,
  SalesloftCadenceMembershipSchema,
} from '../schemas/cadence-membership.ts';
import { type SalesloftCall, SalesloftCallSchema } from '../schemas/call.ts';
import { type SalesloftEmail, SalesloftEmailSchema } from '../schemas/email.ts';
import { type SalesloftMeeting, SalesloftMeetingSchema } from '../schemas/meeting.ts';
import { type SalesloftNote, SalesloftNoteSchema } from '../schemas/note.ts';
import { type SalesloftPerson, SalesloftPersonSchema } from '../schemas/person.ts';
import { type SalesloftStep, SalesloftStepSchema } from '../schemas/step.ts';
import { type SalesloftTask, SalesloftTaskSchema } from '../schemas/task.ts';
import { type SalesloftUser, SalesloftUserSchema } from '../schemas/user.ts';

interface EventBase<Type extends string, Category extends string, Data> {
  /** The event type from `x-salesloft-event` (`person_updated`). */
  type: Type;
  /** The kind of record the event carries. */
  category: Category;
  /** The record, in SalesLoft's spelling: SalesLoft posts the bare object, with no envelope. */
  data: Data;
  /** `<type>:<record id>:<updated_at>`: the same for a redelivery, different for the next change. */
  id: string;
  /** When the change happened: the record's `updated_at` (SalesLoft sends no event time). */
  occurredAt: string | undefined;
}

export type SalesloftPersonEvent = EventBase<
  'person_created' | 'person_updated' | 'person_deleted',
  'person',
  SalesloftPerson
>;
export type SalesloftAccountEvent = EventBase<
  'account_created' | 'account_updated' | 'account_deleted',
  'account',
  SalesloftAccount
>;
export type SalesloftCadenceEvent = EventBase<
  'cadence_created' | 'cadence_updated' | 'cadence_deleted',
  'cadence',
  SalesloftCadence
>;
export type SalesloftCadenceMembershipEvent = EventBase<
  'cadence_membership_created' | 'cadence_membership_updated',
  'cadence_membership',
  SalesloftCadenceMembership
>;
export type SalesloftEmailEvent = EventBase<
  'email_updated' | 'email_with_body_and_subject_updated',
  'email',
  SalesloftEmail
>;
export type SalesloftCallEvent = EventBase<'call_created' | 'call_updated', 'call', SalesloftCall>;
export type SalesloftMeetingEvent = EventBase<
  'meeting_booked' | 'meeting_updated',
  'meeting',
  SalesloftMeeting
>;
export type SalesloftTaskEvent = EventBase<
  'task_created' | 'task_updated' | 'task_completed' | 'task_deleted',
  'task',
  SalesloftTask
>;
export type SalesloftNoteEvent = EventBase<
  'note_created' | 'note_updated' | 'note_deleted',
  'note',
  SalesloftNote
>;
export type SalesloftStepEvent = EventBase<
  'step_created' | 'step_updated' | 'step_deleted',
  'step',
  SalesloftStep
>;
export type SalesloftUserEvent = EventBase<'user_created' | 'user_updated', 'user', SalesloftUser>;
/** An event type without a typed record (`link_swap`, `bulk_job_completed`, conversations…). */
export type SalesloftOtherEvent = EventBase<string, 'other', Record<string, unknown>>;

/** A parsed SalesLoft webhook delivery; switch on `category` (or `type`) to narrow `data`. */
export type SalesloftEvent =
  | SalesloftPersonEvent
  | SalesloftAccountEvent
  | SalesloftCadenceEvent
  | SalesloftCadenceMembershipEvent
  | SalesloftEmailEvent
  | SalesloftCallEvent
  | SalesloftMeetingEvent
  | SalesloftTaskEvent
  | SalesloftNoteEvent
  | SalesloftStepEvent
  | SalesloftUserEvent
  | SalesloftOtherEvent;

const CATEGORIES: Record<string, { category: SalesloftEvent['category']; schema: z.ZodType }> = {};
const register = (category: SalesloftEvent['category'], schema: z.ZodType, types: readonly string[]) => {
  for (const type of types) CATEGORIES[type] = { category, schema };
};
register('person', SalesloftPersonSchema, ['person_created', 'person_updated', 'person_deleted']);
register('account', SalesloftAccountSchema, ['account_created', 'account_updated', 'account_deleted']);
register('cadence', SalesloftCadenceSchema, ['cadence_created', 'cadence_updated', 'cadence_deleted']);
register('cadence_membership', SalesloftCadenceMembershipSchema, [
  'cadence_membership_created',
  'cadence_membership_updated',
]);
register('email', SalesloftEmailSchema, ['email_updated', 'email_with_body_and_subject_updated']);
register('call', SalesloftCallSchema, ['call_created', 'call_updated']);
register('meeting', SalesloftMeetingSchema, ['meeting_booked', 'meeting_updated']);
register('task', SalesloftTaskSchema, ['task_created', 'task_updated', 'task_completed', 'task_deleted']);
register('note', SalesloftNoteSchema, ['note_created', 'note_updated', 'note_deleted']);
register('step', SalesloftStepSchema, ['step_created', 'step_updated', 'step_deleted']);
register('user', SalesloftUserSchema, ['user_created', 'user_updated']);

/** Options of `parseSalesloftEvent`. */
export interface ParseSalesloftEventOptions {
  /** The body: raw text or bytes, or JSON already parsed. */
  payload: string | Uint8Array | unknown;
  /** The `x-salesloft-event` header. */
  eventType: string | null | undefined;
}

/**
 * Parses a SalesLoft webhook delivery into a typed event. The record is validated with the
 * schema of its event type (unknown fields pass through); types without a schema come as
 * `category: 'other'`. Throws `WebhookVerificationError` for a missing event type, a body
 * that is not a JSON object, or a record that does not fit its type.
 *
 * @example
 * ```ts
 * const event = parseSalesloftEvent({ payload: body, eventType: request.headers.get('x-salesloft-event') });
 * if (event.category === 'person') console.log(event.data.email_address);
 * ```
 */
export function parseSalesloftEvent(options: ParseSalesloftEventOptions): SalesloftEvent {
  const type = options.eventType?.trim();
  if (!type) throw new WebhookVerificationError('SalesLoft delivery has no x-salesloft-event header.');
  let data: unknown = options.payload;
  if (typeof data === 'string' || data instanceof Uint8Array) {
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
    try {
      data = JSON.parse(text);
    } catch {
      throw new WebhookVerificationError(`SalesLoft ${type} delivery is not valid JSON.`);
    }
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new WebhookVerificationError(`SalesLoft ${type} delivery must be a JSON object.`);
  }
  // Own properties only: an event type such as `toString` must not reach the prototype.
  const known = Object.hasOwn(CATEGORIES, type) ? CATEGORIES[type] : undefined;
  let record = data as Record<string, unknown>;
  if (known) {
    const result = known.schema.safeParse(data);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new WebhookVerificationError(
        `SalesLoft ${type} delivery does not match its record: "${issue?.path.join('.') || '(root)'}" ${issue?.message ?? 'is invalid'}.`,
      );
    }
    record = result.data as Record<string, unknown>;
  }
  const recordId = record.id ?? '';
  if (typeof recordId !== 'string' && typeof recordId !== 'number') {
    throw new WebhookVerificationError(
      `SalesLoft ${type} delivery has an "id" of type ${Array.isArray(recordId) ? 'array' : typeof recordId}; expected a number or a string.`,
    );
  }
  const stamp = typeof record.updated_at === 'string' ? record.updated_at : undefined;
  return {
    type,
    category: known?.category ?? 'other',
    data: record,
    id: `${type}:${recordId}:${stamp ?? ''}`,
    occurredAt: stamp === undefined ? undefined : (normalizeTimestamp(stamp) ?? stamp),
  } as SalesloftEvent;
}
