import { createHmac } from 'node:crypto';
import type { SalesloftSimulatorStore, SimulatorChange } from './simulator-store.ts';

/** A webhook delivery as SalesLoft sends it: the bare record as JSON, signed with the callback token. */
export interface SimulatedDelivery {
  /** The event type (`person_updated`), also in the `x-salesloft-event` header. */
  eventType: string;
  /** The exact JSON body. */
  body: string;
  /** `content-type`, `x-salesloft-event` and `x-salesloft-signature` (hex HMAC-SHA1 of the body). */
  headers: Record<string, string>;
  /** Where a subscription wants it delivered (deliveries built by `delivery()` have none). */
  url?: string | undefined;
  /** The subscription that asked for it. */
  subscriptionId?: number | undefined;
}

/** What happened to one delivery attempt. */
export interface DeliveryResult {
  delivery: SimulatedDelivery;
  /** HTTP status of the receiver's answer, or `undefined` when it could not be reached. */
  status: number | undefined;
  /** Attempts made (SalesLoft retries a failed delivery 3 more times). */
  attempts: number;
  error?: string | undefined;
}

/** Webhook deliveries of the simulator. */
export interface SimulatorWebhooks {
  /** Builds a signed delivery of `data` as `eventType`; `token` defaults to a matching subscription's callback token. */
  delivery(eventType: string, data: unknown, options?: { token?: string }): SimulatedDelivery;
  /** Builds a signed delivery and POSTs it to `url`. */
  deliver(url: string, eventType: string, data: unknown, options?: { token?: string }): Promise<Response>;
  /** Deliveries queued by store changes for enabled subscriptions, not yet flushed. */
  readonly outbox: readonly SimulatedDelivery[];
  /** POSTs every queued delivery to its subscription's URL (with up to 3 retries) and empties the outbox. */
  flush(): Promise<DeliveryResult[]>;
}

/** Signs a body as SalesLoft does: hex HMAC-SHA1 keyed with the subscription's callback token. */
export function signSalesloftPayload(body: string, token: string): string {
  return createHmac('sha1', token).update(body).digest('hex');
}

const EVENT_TYPES: Partial<
  Record<SimulatorChange['collection'], Partial<Record<SimulatorChange['kind'], string>>>
> = {
  people: { created: 'person_created', updated: 'person_updated', deleted: 'person_deleted' },
  accounts: { created: 'account_created', updated: 'account_updated', deleted: 'account_deleted' },
  cadences: { created: 'cadence_created', updated: 'cadence_updated', deleted: 'cadence_deleted' },
  cadenceMemberships: { created: 'cadence_membership_created', updated: 'cadence_membership_updated' },
  steps: { created: 'step_created', updated: 'step_updated', deleted: 'step_deleted' },
  users: { created: 'user_created', updated: 'user_updated' },
  notes: { created: 'note_created', updated: 'note_updated', deleted: 'note_deleted' },
  tasks: { created: 'task_created', updated: 'task_updated', deleted: 'task_deleted' },
  emails: { created: 'email_updated', updated: 'email_updated' },
  calls: { created: 'call_created', updated: 'call_updated' },
  meetings: { created: 'meeting_booked', updated: 'meeting_updated' },
};

/** The event type SalesLoft sends for a store change, if any. */
export function eventTypeOf(change: SimulatorChange): string | undefined {
  if (
    change.collection === 'tasks' &&
    change.kind === 'updated' &&
    change.record.current_state === 'completed' &&
    change.previous?.current_state !== 'completed'
  ) {
    return 'task_completed';
  }
  return EVENT_TYPES[change.collection]?.[change.kind];
}

/** Creates the simulator's webhook outbox and delivery helpers. */
export function createSimulatorWebhooks(
  store: SalesloftSimulatorStore,
  options: { fetch: typeof fetch; defaultToken: string; autoDeliver: boolean; retryDelayMs: number },
): SimulatorWebhooks {
  const outbox: SimulatedDelivery[] = [];

  const build = (eventType: string, data: unknown, token: string, url?: string, subscriptionId?: number) => {
    const body = JSON.stringify(data);
    return {
      eventType,
      body,
      headers: {
        'content-type': 'application/json',
        'x-salesloft-event': eventType,
        'x-salesloft-signature': signSalesloftPayload(body, token),
      },
      url,
      subscriptionId,
    };
  };

  const post = async (delivery: SimulatedDelivery): Promise<DeliveryResult> => {
    let attempts = 0;
    let lastError: string | undefined;
    let status: number | undefined;
    // One attempt plus 3 retries, as SalesLoft does (15 s apart there; `retryDelayMs` here).
    while (attempts < 4) {
      attempts += 1;
      try {
        const response = await options.fetch(delivery.url ?? '', {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
        });
        status = response.status;
        await response.body?.cancel();
        if (response.ok) return { delivery, status, attempts };
        lastError = `answered ${response.status}`;
      } catch (error) {
        status = undefined;
        lastError = error instanceof Error ? error.message : 'delivery failed';
      }
      if (attempts < 4 && options.retryDelayMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs));
      }
    }
    return { delivery, status, attempts, error: lastError };
  };

  store.onChange((change) => {
    const eventType = eventTypeOf(change);
    if (!eventType) return;
    for (const subscription of store.webhookSubscriptions.all()) {
      if (!subscription.enabled || subscription.event_type !== eventType) continue;
      const delivery = build(
        eventType,
        change.record,
        subscription.callback_token ?? '',
        subscription.callback_url ?? undefined,
        subscription.id,
      );
      if (options.autoDeliver) void post(delivery);
      else outbox.push(delivery);
    }
  });

  return {
    delivery(eventType, data, deliveryOptions = {}) {
      const subscription = store.webhookSubscriptions
        .all()
        .find((candidate) => candidate.enabled && candidate.event_type === eventType);
      const token = deliveryOptions.token ?? subscription?.callback_token ?? options.defaultToken;
      return build(eventType, data, token);
    },
    deliver(url, eventType, data, deliveryOptions = {}) {
      const delivery = this.delivery(eventType, data, deliveryOptions);
      return options.fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
    },
    get outbox() {
      return outbox;
    },
    async flush() {
      const pending = outbox.splice(0, outbox.length);
      const results: DeliveryResult[] = [];
      for (const delivery of pending) results.push(await post(delivery));
      return results;
    },
  };
}
