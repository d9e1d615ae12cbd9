// Reliability benchmarks: the reference server's webhook endpoints under 60 s of bounded HTTP load
// on loopback, and the vendor fault scenarios with the full-length 500 ms latency spikes. The
// short forms of both run in the test suite (tests/load, tests/reliability); RELIABILITY.md lists
// the figures.
import { runWebhookLoad } from '../tests/load/webhook-load.ts';
import { FAULT_SCENARIOS, NEW_PEOPLE } from '../tests/support/fault-scenarios.ts';
import type { BenchRow } from './run.ts';

/** Seconds of load; `SALESOS_LOAD_SECONDS` shortens a local run. */
const LOAD_SECONDS = Number(process.env.SALESOS_LOAD_SECONDS ?? 60);
/** Requests per second the load is bounded to. */
const LOAD_RATE = Number(process.env.SALESOS_LOAD_RATE ?? 400);

export async function run(report: (row: BenchRow) => void): Promise<void> {
  // The reference server on embedded defaults: SQLite in a temporary folder, the storage queue.
  const load = await runWebhookLoad({
    durationSeconds: LOAD_SECONDS,
    rate: LOAD_RATE,
    connections: 16,
  });
  const answered = Object.values(load.answered).reduce((sum, count) => sum + count, 0);
  report({
    name: `webhooks: requests answered in ${LOAD_SECONDS} s at ${LOAD_RATE}/s`,
    value: answered,
    unit: 'requests',
  });
  report({
    name: 'webhooks: accepted deliveries per second',
    value: load.acceptedPerSecond,
    unit: 'deliveries/s',
    target: `>= ${Math.round(LOAD_RATE * 0.8)}`,
    ok: load.acceptedPerSecond >= LOAD_RATE * 0.8,
  });
  report({ name: 'webhooks: p50 latency', value: load.p50LatencyMs, unit: 'ms' });
  report({
    name: 'webhooks: p99 latency',
    value: load.p99LatencyMs,
    unit: 'ms',
    target: '<= 250',
    ok: load.p99LatencyMs <= 250,
  });
  report({
    name: 'webhooks: connection errors and 5xx',
    value: load.errors + load.serverErrors,
    unit: 'count',
    target: '0',
    ok: load.errors + load.serverErrors === 0,
  });
  report({
    name: 'webhooks: accepted deliveries lost or processed twice',
    value: load.lost + load.processedTwice + load.processedUnaccepted,
    unit: 'count',
    target: '0',
    ok: load.lost + load.processedTwice + load.processedUnaccepted === 0,
  });
  report({ name: 'webhooks: queue drained after the load in', value: load.drainMs, unit: 'ms' });
  report({
    name: 'webhooks: forged deliveries not rejected with 401',
    value: Object.entries(load.forged).reduce(
      (sum, [status, count]) => (status === '401' ? sum : sum + count),
      0,
    ),
    unit: 'count',
    target: '0',
    ok: Object.keys(load.forged).every((status) => status === '401'),
  });

  // Full-length spikes; the clients' clock runs 20 times faster so SalesLoft's per-minute budget
  // pauses after a 429 burst take seconds, not minutes.
  const timing = { spikeMs: 500, clockScale: 20 };
  for (const vendor of FAULT_SCENARIOS) {
    const started = performance.now();
    const clean = await vendor.run(false, timing);
    const cleanMs = performance.now() - started;
    const faultyStarted = performance.now();
    const faulty = await vendor.run(true, timing);
    const faultyMs = performance.now() - faultyStarted;
    const injected =
      (faulty.faults?.errors ?? 0) +
      (faulty.faults?.resets ?? 0) +
      (faulty.faults?.rateLimited ?? 0) +
      faulty.lost;
    const converged =
      JSON.stringify(faulty.walked) === JSON.stringify(clean.walked) &&
      JSON.stringify(faulty.changes) === JSON.stringify(clean.changes) &&
      JSON.stringify(faulty.stored) === JSON.stringify(clean.stored) &&
      clean.stored.length === NEW_PEOPLE;
    report({
      name: `${vendor.name} faults: injected (5xx, resets, 429s, lost responses)`,
      value: injected,
      unit: 'faults',
    });
    report({
      name: `${vendor.name} faults: latency spikes of 500 ms`,
      value: faulty.faults?.delayed ?? 0,
      unit: 'spikes',
    });
    report({
      name: `${vendor.name} faults: run time, clean → faulty`,
      value: Math.round(faultyMs / 100) / 10,
      unit: `s (clean ${Math.round(cleanMs / 100) / 10} s)`,
    });
    report({
      name: `${vendor.name} faults: end state equal to the fault-free run`,
      value: converged ? 1 : 0,
      unit: 'yes=1',
      target: '1',
      ok: converged,
    });
  }
}
