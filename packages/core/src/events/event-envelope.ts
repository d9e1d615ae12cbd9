import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * The envelope of a domain event (a webhook turned into an event, a sync change, a
 * score update): the same shape whichever package produced it.
 */
export const EventEnvelopeSchema = z.object({
  /** Unique id; de-duplication keys on it. */
  id: z.string().min(1),
  /** Dotted type, such as `person.updated` or `email.opened`. */
  type: z.string().min(1),
  /** ISO-8601 time the event happened at its source. */
  occurredAt: z.string(),
  tenantId: z.string().min(1),
  /** Who produced it: `salesloft`, `attio`, `sequences`… */
  source: z.string().min(1),
  entity: z.object({ type: z.string(), id: z.string() }),
  data: z.unknown(),
  meta: z.record(z.string(), z.unknown()).default({}),
});

/** A domain event. `Data` types the payload. */
export type EventEnvelope<Data = unknown> = Omit<z.infer<typeof EventEnvelopeSchema>, 'data'> & {
  data: Data;
};

/** Builds an envelope, filling `id` (a UUID), `occurredAt` (now) and `meta` when omitted. */
export function createEventEnvelope<Data>(
  input: Omit<EventEnvelope<Data>, 'id' | 'occurredAt' | 'meta'> &
    Partial<Pick<EventEnvelope<Data>, 'id' | 'occurredAt' | 'meta'>>,
): EventEnvelope<Data> {
  return {
    id: input.id ?? randomUUID(),
    occurredAt: input.occurredAt ?? new Date().toISOString(),
    meta: input.meta ?? {},
    type: input.type,
    tenantId: input.tenantId,
    source: input.source,
    entity: input.entity,
    data: input.data,
  };
}
