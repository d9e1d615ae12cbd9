import { WebhookVerificationError } from '@salesos/core';
import { z } from 'zod';
import { ATTIO_WEBHOOK_EVENT_TYPES, type AttioWebhookEventType } from '../schemas/webhook.ts';

/** Who caused an event. */
export const AttioWebhookActorSchema = z.looseObject({
  type: z.string().nullable().optional(),
  id: z.string().nullable().optional(),
});

const event = <Id extends z.ZodRawShape, Extra extends z.ZodRawShape>(id: Id, extra: Extra) =>
  z.looseObject({
    event_type: z.string(),
    id: z.looseObject({ workspace_id: z.string(), ...id }),
    actor: AttioWebhookActorSchema.nullable().optional(),
    ...extra,
  });

const recordIds = { object_id: z.string(), record_id: z.string() };
const entryIds = { list_id: z.string(), entry_id: z.string() };
const parentIds = { parent_object_id: z.string(), parent_record_id: z.string() };

/** Schemas of the event families, by what their ids hold. */
export const AttioWebhookEventSchemas = {
  record: event({ ...recordIds, attribute_id: z.string().optional() }, {}),
  recordMerged: event(recordIds, { duplicate_object_id: z.string(), duplicate_record_id: z.string() }),
  listEntry: event({ ...entryIds, attribute_id: z.string().optional() }, parentIds),
  list: event({ list_id: z.string() }, {}),
  listAttribute: event({ list_id: z.string(), attribute_id: z.string() }, {}),
  objectAttribute: event({ object_id: z.string(), attribute_id: z.string() }, {}),
  note: event({ note_id: z.string() }, { ...parentIds }),
  task: event({ task_id: z.string() }, {}),
  comment: event(
    { comment_id: z.string() },
    {
      thread_id: z.string(),
      object_id: z.string().optional(),
      record_id: z.string().optional(),
      list_id: z.string().optional(),
      entry_id: z.string().optional(),
    },
  ),
  workspaceMember: event({ workspace_member_id: z.string() }, {}),
  callRecording: event({ meeting_id: z.string(), call_recording_id: z.string() }, {}),
} as const;

type Families = typeof AttioWebhookEventSchemas;
type Typed<Type extends AttioWebhookEventType, Family extends keyof Families> = z.infer<Families[Family]> & {
  event_type: Type;
};

/** Every subscribable event type, with the shape of its event. */
export interface AttioWebhookEventMap {
  'record.created': Typed<'record.created', 'record'>;
  /** One attribute changed; `id.attribute_id` says which. */
  'record.updated': Typed<'record.updated', 'record'>;
  'record.deleted': Typed<'record.deleted', 'record'>;
  /** `id` is the record kept; `duplicate_record_id` the one merged into it. */
  'record.merged': Typed<'record.merged', 'recordMerged'>;
  'list-entry.created': Typed<'list-entry.created', 'listEntry'>;
  'list-entry.updated': Typed<'list-entry.updated', 'listEntry'>;
  'list-entry.deleted': Typed<'list-entry.deleted', 'listEntry'>;
  'list.created': Typed<'list.created', 'list'>;
  'list.updated': Typed<'list.updated', 'list'>;
  'list.deleted': Typed<'list.deleted', 'list'>;
  'list-attribute.created': Typed<'list-attribute.created', 'listAttribute'>;
  'list-attribute.updated': Typed<'list-attribute.updated', 'listAttribute'>;
  'object-attribute.created': Typed<'object-attribute.created', 'objectAttribute'>;
  'object-attribute.updated': Typed<'object-attribute.updated', 'objectAttribute'>;
  'note.created': Typed<'note.created', 'note'>;
  'note.updated': Typed<'note.updated', 'note'>;
  'note.deleted': Typed<'note.deleted', 'note'>;
  'note-content.updated': Typed<'note-content.updated', 'note'>;
  'task.created': Typed<'task.created', 'task'>;
  'task.updated': Typed<'task.updated', 'task'>;
  'task.deleted': Typed<'task.deleted', 'task'>;
  'comment.created': Typed<'comment.created', 'comment'>;
  'comment.resolved': Typed<'comment.resolved', 'comment'>;
  'comment.unresolved': Typed<'comment.unresolved', 'comment'>;
  'comment.deleted': Typed<'comment.deleted', 'comment'>;
  'workspace-member.created': Typed<'workspace-member.created', 'workspaceMember'>;
  'call-recording.created': Typed<'call-recording.created', 'callRecording'>;
}

/** One webhook event: narrow it on `event_type`. */
export type AttioWebhookEvent = AttioWebhookEventMap[keyof AttioWebhookEventMap];

const FAMILY_OF: Readonly<Record<AttioWebhookEventType, keyof Families>> = {
  'record.created': 'record',
  'record.updated': 'record',
  'record.deleted': 'record',
  'record.merged': 'recordMerged',
  'list-entry.created': 'listEntry',
  'list-entry.updated': 'listEntry',
  'list-entry.deleted': 'listEntry',
  'list.created': 'list',
  'list.updated': 'list',
  'list.deleted': 'list',
  'list-attribute.created': 'listAttribute',
  'list-attribute.updated': 'listAttribute',
  'object-attribute.created': 'objectAttribute',
  'object-attribute.updated': 'objectAttribute',
  'note.created': 'note',
  'note.updated': 'note',
  'note.deleted': 'note',
  'note-content.updated': 'note',
  'task.created': 'task',
  'task.updated': 'task',
  'task.deleted': 'task',
  'comment.created': 'comment',
  'comment.resolved': 'comment',
  'comment.unresolved': 'comment',
  'comment.deleted': 'comment',
  'workspace-member.created': 'workspaceMember',
  'call-recording.created': 'callRecording',
};

const KNOWN: ReadonlySet<string> = new Set(ATTIO_WEBHOOK_EVENT_TYPES);

/** A parsed delivery: `{ webhook_id, events }`, as Attio POSTs it. */
export interface AttioWebhookDelivery {
  webhook_id: string;
  /** The events, in order. Attio sends one per delivery today; several are handled alike. */
  events: AttioWebhookEvent[];
  /** Events of a type this package does not know yet, passed through untouched. */
  unrecognized: Record<string, unknown>[];
}

const EnvelopeSchema = z.looseObject({
  webhook_id: z.string(),
  events: z.array(z.looseObject({ event_type: z.string() })),
});

/** True when `value` is one of the 27 subscribable event types. */
export function isAttioWebhookEventType(value: string): value is AttioWebhookEventType {
  return KNOWN.has(value);
}

/**
 * Parses a webhook delivery body (raw text, bytes, or already-parsed JSON) into typed events.
 * Verify the signature first (`verifyAttioSignature`). A body that is not JSON, lacks
 * `webhook_id`/`events`, or holds an event of a known type with missing ids throws
 * `WebhookVerificationError` saying where.
 *
 * @example
 * ```ts
 * const delivery = parseAttioDelivery(rawBody);
 * for (const event of delivery.events) {
 *   if (event.event_type === 'record.updated') console.log(event.id.record_id, event.id.attribute_id);
 * }
 * ```
 */
export function parseAttioDelivery(payload: unknown): AttioWebhookDelivery {
  let body: unknown = payload;
  if (typeof payload === 'string' || payload instanceof Uint8Array) {
    const text = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
    try {
      body = JSON.parse(text);
    } catch {
      throw new WebhookVerificationError('Attio webhook body is not valid JSON.');
    }
  }
  const envelope = EnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    throw new WebhookVerificationError(
      `Attio webhook body is not a delivery: "${issue?.path.join('.') || '(root)'}" ${issue?.message ?? 'is invalid'}.`,
    );
  }
  const events: AttioWebhookEvent[] = [];
  const unrecognized: Record<string, unknown>[] = [];
  envelope.data.events.forEach((raw, index) => {
    const type = raw.event_type;
    if (!isAttioWebhookEventType(type)) {
      unrecognized.push(raw);
      return;
    }
    const parsed = AttioWebhookEventSchemas[FAMILY_OF[type]].safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new WebhookVerificationError(
        `Attio webhook event ${index} (${type}): "${issue?.path.join('.') || '(root)'}" ${issue?.message ?? 'is invalid'}.`,
      );
    }
    events.push(parsed.data as AttioWebhookEvent);
  });
  return { webhook_id: envelope.data.webhook_id, events, unrecognized };
}
