// The webhook load harness, shared by tests/load (a few seconds) and bench/load.bench.ts (60 s): the
// reference server started in-process on a free loopback port (SQLite storage, storage queue,
// simulated vendors), driven by autocannon at a bounded rate on its POST /webhooks/salesloft and
// /webhooks/attio. Every delivery the server accepts must be applied by its queue workers exactly once.
import { createHmac } from 'node:crypto';
import autocannon from 'autocannon';
import { SIMULATED_SALESLOFT_WEBHOOK_TOKEN } from '../../examples/reference-server/src/dependencies.ts';
import { startTestServer } from '../../examples/reference-server/src/testing/start-test-server.ts';

/** Options of `runWebhookLoad`. */
export interface WebhookLoadOptions {
  /** How long the load runs, in seconds. */
  durationSeconds: number;
  /** Requests per second, across every connection. */
  rate: number;
  /** Concurrent HTTP connections. */
  connections: number;
  /** More environment for the server (`DATABASE_URL`, `REDIS_URL`…); SQLite in a temporary folder by default. */
  environment?: Record<string, string>;
  /** How long to wait for the queue to drain after the load, in ms. Default 60 000. */
  drainTimeoutMs?: number;
}

/** What a load run did. */
export interface WebhookLoadReport {
  sent: number;
  /** Answers by HTTP status. */
  answered: Record<string, number>;
  /** Deliveries the server handed to its queue (it answered 202, received or not). */
  accepted: number;
  acceptedPerSecond: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Answers of 500 and above. */
  serverErrors: number;
  /** Answers to redeliveries of a delivery sent before, by status (expected: 200 duplicate, or 409). */
  redeliveries: Record<string, number>;
  /** Answers to forged deliveries, by status (expected: 401). */
  forged: Record<string, number>;
  /** 202 answers the client received for a delivery the server did not report as accepted. */
  acceptedUnreported: number;
  /** Accepted deliveries applied once, more than once, or never; applied ones never accepted. */
  processedOnce: number;
  processedTwice: number;
  lost: number;
  processedUnaccepted: number;
  /** Milliseconds from the end of the load until every accepted delivery was applied. */
  drainMs: number;
}

const WORKSPACE = '14beef7a-99f7-4534-a87e-70b564330a4c';
// An object the server's syncs do not follow: the deliveries are verified, queued and applied
// (parsed by both syncs) without fetching records, so the load measures the webhook path itself.
const OBJECT = '97052eb9-e65e-443f-a297-f2d9a4a7f795';

interface Delivery {
  vendor: 'salesloft' | 'attio';
  path: string;
  body: string;
  headers: Record<string, string>;
}

const hmac = (algorithm: 'sha1' | 'sha256', secret: string, body: string) =>
  createHmac(algorithm, secret).update(body).digest('hex');

function salesloftDelivery(n: number): Delivery {
  const body = JSON.stringify({
    id: n,
    updated_at: '2026-03-02T10:00:00.000000-05:00',
    email_address: `person${n}@load.example`,
    first_name: `Person${n}`,
  });
  return {
    vendor: 'salesloft',
    path: '/webhooks/salesloft',
    body,
    headers: {
      'content-type': 'application/json',
      'x-salesloft-event': 'person_updated',
      'x-salesloft-signature': hmac('sha1', SIMULATED_SALESLOFT_WEBHOOK_TOKEN, body),
    },
  };
}

function attioDelivery(n: number, secret: string): Delivery {
  const body = JSON.stringify({
    webhook_id: 'load-webhook',
    events: [
      {
        event_type: 'record.updated',
        id: {
          workspace_id: WORKSPACE,
          object_id: OBJECT,
          record_id: `record-${n}`,
          attribute_id: 'job_title',
        },
        actor: { type: 'api-token', id: 'load' },
      },
    ],
  });
  return {
    vendor: 'attio',
    path: '/webhooks/attio',
    body,
    headers: {
      'content-type': 'application/json',
      'attio-signature': hmac('sha256', secret, body),
      'idempotency-key': `load-${n}`,
    },
  };
}

/**
 * Starts the reference server, runs the load, waits for the server's queue to apply every
 * accepted delivery, and closes the server. One request in 20 is a forged SalesLoft delivery
 * (expected 401), one in 20 a redelivery of an earlier one (expected 200 duplicate, or 409 while
 * the first copy is being handed over); the rest are new deliveries, half SalesLoft, half Attio.
 */
export async function runWebhookLoad(options: WebhookLoadOptions): Promise<WebhookLoadReport> {
  const server = await startTestServer({ ...options.environment });
  const attioSecret = server.deps.simulators.attio?.webhooks.secret;
  if (attioSecret === undefined) {
    await server.close();
    throw new Error('runWebhookLoad needs the simulated Attio (leave ATTIO_API_KEY unset).');
  }
  // What the server committed to (accepted) and what its workers did (processed), by vendor and id.
  const accepted = new Set<string>();
  const processed = new Map<string, number>();
  const offAccepted = server.deps.events.on('server.webhook_accepted', (event) => {
    accepted.add(`${event.vendor}:${event.deliveryId}`);
  });
  const offProcessed = server.deps.events.on('server.webhook_processed', (event) => {
    const id = `${event.vendor}:${event.deliveryId}`;
    processed.set(id, (processed.get(id) ?? 0) + 1);
  });

  const sentDeliveries: Delivery[] = [];
  const answered: Record<string, number> = {};
  const redeliveries: Record<string, number> = {};
  const forged: Record<string, number> = {};
  const clientAccepted = new Set<string>();
  let next = 0;
  type Context = { kind?: 'new' | 'redelivery' | 'forged'; vendor?: Delivery['vendor'] };
  try {
    const result = await autocannon({
      url: server.url,
      connections: options.connections,
      duration: options.durationSeconds,
      overallRate: options.rate,
      requests: [
        {
          method: 'POST',
          setupRequest: (request, context) => {
            const n = next;
            next += 1;
            const state = context as Context;
            let delivery: Delivery;
            state.kind = 'new';
            if (n % 20 === 7) {
              state.kind = 'forged';
              const genuine = salesloftDelivery(n);
              delivery = {
                ...genuine,
                headers: {
                  ...genuine.headers,
                  'x-salesloft-signature': hmac('sha1', 'forged', genuine.body),
                },
              };
            } else if (n % 20 === 13 && sentDeliveries.length > 10) {
              state.kind = 'redelivery';
              delivery = sentDeliveries[sentDeliveries.length - 10] as Delivery;
            } else {
              delivery = n % 2 === 0 ? salesloftDelivery(n) : attioDelivery(n, attioSecret);
              sentDeliveries.push(delivery);
            }
            state.vendor = delivery.vendor;
            return { ...request, path: delivery.path, headers: delivery.headers, body: delivery.body };
          },
          onResponse: (status, body, context) => {
            answered[status] = (answered[status] ?? 0) + 1;
            const state = context as Context;
            if (state.kind === 'forged') forged[status] = (forged[status] ?? 0) + 1;
            if (state.kind === 'redelivery') redeliveries[status] = (redeliveries[status] ?? 0) + 1;
            if (status === 202)
              clientAccepted.add(`${state.vendor}:${(JSON.parse(body) as { id: string }).id}`);
          },
        },
      ],
    });

    const drainStarted = performance.now();
    const deadline = Date.now() + (options.drainTimeoutMs ?? 60_000);
    while ([...accepted].some((id) => !processed.has(id)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Anything applied twice would show up right after the first run; let the workers settle.
    await server.deps.queue.onIdle();
    const drainMs = Math.round(performance.now() - drainStarted);

    let processedOnce = 0;
    let processedTwice = 0;
    for (const id of accepted) {
      const runs = processed.get(id) ?? 0;
      if (runs === 1) processedOnce += 1;
      if (runs > 1) processedTwice += 1;
    }
    const serverErrors = Object.entries(answered)
      .filter(([status]) => Number(status) >= 500)
      .reduce((sum, [, count]) => sum + count, 0);
    return {
      sent: result.requests.sent,
      answered,
      accepted: accepted.size,
      acceptedPerSecond: Math.round((accepted.size / result.duration) * 10) / 10,
      p50LatencyMs: result.latency.p50,
      p99LatencyMs: result.latency.p99,
      errors: result.errors + result.timeouts,
      serverErrors,
      redeliveries,
      forged,
      acceptedUnreported: [...clientAccepted].filter((id) => !accepted.has(id)).length,
      processedOnce,
      processedTwice,
      lost: [...accepted].filter((id) => !processed.has(id)).length,
      processedUnaccepted: [...processed.keys()].filter((id) => !accepted.has(id)).length,
      drainMs,
    };
  } finally {
    offAccepted();
    offProcessed();
    await server.close();
  }
}
