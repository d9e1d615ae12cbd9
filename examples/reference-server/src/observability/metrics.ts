import type { EventBus, Queue } from '@salesos/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The server's Prometheus metrics. */
export interface Metrics {
  readonly registry: Registry;
  /** Records one answered HTTP request of the server. */
  observeRequest(input: { method: string; route: string; status: number; durationMs: number }): void;
  /** The exposition in Prometheus text format. */
  render(): Promise<string>;
  /** Stops listening to the event bus. */
  close(): void;
}

const CIRCUIT_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Creates the metrics of the server, fed by core's `EventBus`: vendor HTTP calls (`http.*`),
 * rate-limit waits, circuit states, every engine event by type (`contact.scored`,
 * `sequences.step.executed`, `crm.run_completed`…), the server's own requests, and the queue's
 * job counts read at scrape time.
 */
export function createMetrics(options: {
  events: EventBus;
  queue?: Queue | undefined;
  queueNames?: readonly string[];
}): Metrics {
  const registry = new Registry();
  const vendorRequests = new Counter({
    name: 'salesos_vendor_requests_total',
    help: 'Vendor API responses, by vendor, method, path template and status.',
    labelNames: ['vendor', 'method', 'path', 'status'] as const,
    registers: [registry],
  });
  const vendorDuration = new Histogram({
    name: 'salesos_vendor_request_duration_seconds',
    help: 'Vendor API response time, by vendor and path template.',
    labelNames: ['vendor', 'method', 'path'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const vendorRetries = new Counter({
    name: 'salesos_vendor_retries_total',
    help: 'Vendor API attempts that failed and were retried.',
    labelNames: ['vendor', 'path', 'code'] as const,
    registers: [registry],
  });
  const vendorErrors = new Counter({
    name: 'salesos_vendor_errors_total',
    help: 'Vendor API calls that failed for good.',
    labelNames: ['vendor', 'path', 'code'] as const,
    registers: [registry],
  });
  const rateLimitWait = new Counter({
    name: 'salesos_vendor_rate_limit_wait_seconds_total',
    help: 'Time calls waited for a vendor rate limit.',
    labelNames: ['vendor'] as const,
    registers: [registry],
  });
  const circuit = new Gauge({
    name: 'salesos_vendor_circuit_state',
    help: 'Circuit breaker state per vendor: 0 closed, 1 half-open, 2 open.',
    labelNames: ['vendor'] as const,
    registers: [registry],
  });
  const engineEvents = new Counter({
    name: 'salesos_events_total',
    help: 'Events emitted by the engines and clients, by type.',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const serverRequests = new Counter({
    name: 'salesos_http_requests_total',
    help: 'Requests answered by this server, by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const serverDuration = new Histogram({
    name: 'salesos_http_request_duration_seconds',
    help: 'Time to answer a request, by method and route.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const queue = options.queue;
  if (queue) {
    new Gauge({
      name: 'salesos_queue_jobs',
      help: 'Jobs in the queue by name and state, read at scrape time.',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
      async collect() {
        for (const name of options.queueNames ?? []) {
          const counts = await queue.counts(name).catch(() => undefined);
          if (!counts) continue;
          for (const [state, value] of Object.entries(counts)) this.set({ queue: name, state }, value);
        }
      },
    });
  }

  const unsubscribers = [
    options.events.on('http.response', ({ vendor, method, path, status, durationMs }) => {
      vendorRequests.inc({ vendor, method, path, status: String(status) });
      vendorDuration.observe({ vendor, method, path }, durationMs / 1000);
    }),
    options.events.on('http.retry', ({ vendor, path, errorCode }) =>
      vendorRetries.inc({ vendor, path, code: errorCode }),
    ),
    options.events.on('http.error', ({ vendor, path, errorCode }) =>
      vendorErrors.inc({ vendor, path, code: errorCode }),
    ),
    options.events.on('ratelimit.wait', ({ vendor, waitMs }) => rateLimitWait.inc({ vendor }, waitMs / 1000)),
    options.events.on('circuit.state', ({ vendor, state }) => circuit.set({ vendor }, CIRCUIT_VALUES[state])),
    options.events.onAny((type) => {
      if (!type.startsWith('http.')) engineEvents.inc({ type });
    }),
  ];

  return {
    registry,
    observeRequest({ method, route, status, durationMs }) {
      serverRequests.inc({ method, route, status: String(status) });
      serverDuration.observe({ method, route }, durationMs / 1000);
    },
    render: () => registry.metrics(),
    close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
    },
  };
}
