import { createHmac } from 'node:crypto';
import type { SimulatorEvent } from './simulator-store.ts';

/** A signed webhook delivery, as Attio would POST it. */
export interface AttioSimulatedDelivery {
  /** The raw JSON body: `{ webhook_id, events }`. */
  body: string;
  /** `Content-Type`, `Attio-Signature`, `X-Attio-Signature` and `Idempotency-Key`. */
  headers: Record<string, string>;
  /** The events it carries. */
  events: SimulatorEvent[];
  /** Stable across redeliveries of the same delivery. */
  idempotencyKey: string;
  webhookId: string;
  /** Where it goes (deliveries raised by changes to the simulator's state). */
  targetUrl?: string;
}

/** Signs `body` as Attio does: hex HMAC-SHA256 of the raw UTF-8 body with the webhook secret. */
export function signAttioBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** Builds a signed delivery of `events`. */
export function buildDelivery(
  webhookId: string,
  events: SimulatorEvent[],
  secret: string,
  idempotencyKey: string,
  targetUrl?: string,
): AttioSimulatedDelivery {
  const body = JSON.stringify({ webhook_id: webhookId, events });
  const signature = signAttioBody(body, secret);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'attio-signature': signature,
      'x-attio-signature': signature,
      'idempotency-key': idempotencyKey,
    },
    events,
    idempotencyKey,
    webhookId,
    ...(targetUrl === undefined ? {} : { targetUrl }),
  };
}

const valueAt = (event: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((current, part) => {
    if (current === null || typeof current !== 'object') return undefined;
    return (current as Record<string, unknown>)[part];
  }, event);

/** Answers whether a subscription filter (`{ $and | $or: [{ field, operator, value }] }`) lets `event` through. */
export function subscriptionMatches(filter: unknown, event: SimulatorEvent): boolean {
  if (filter === null || filter === undefined || typeof filter !== 'object') return true;
  const record = filter as { $and?: unknown; $or?: unknown };
  const conditions = (record.$and ?? record.$or) as
    | { field: string; operator: string; value: unknown }[]
    | undefined;
  if (!Array.isArray(conditions)) return true;
  const test = (condition: { field: string; operator: string; value: unknown }) => {
    const actual = valueAt(event, condition.field);
    return condition.operator === 'not_equals' ? actual !== condition.value : actual === condition.value;
  };
  return record.$and !== undefined ? conditions.every(test) : conditions.some(test);
}
