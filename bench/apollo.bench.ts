import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createApolloClient, createApolloRateLimiter, createCreditTracker } from '@salesos/apollo';
import { createApolloSimulator } from '@salesos/apollo/testing';
import { createMemoryStorage } from '@salesos/core';
import type { BenchRow } from './run.ts';

// A collectable heap, so retained memory (not garbage waiting for the collector) is measured.
setFlagsFromString('--expose_gc');
const collectGarbage = runInNewContext('gc') as () => void;

const PEOPLE = 20_000;
const ENRICH = 2_000;

const setup = () => {
  const simulator = createApolloSimulator({
    seed: 1,
    people: PEOPLE,
    organizations: 400,
    contacts: 0,
    accounts: 0,
    rateLimits: { minute: 100_000, hour: 1_000_000, day: 10_000_000 },
  });
  const creditTracker = createCreditTracker({ storage: createMemoryStorage() });
  const client = createApolloClient({
    apiKey: 'bench-key',
    fetch: (input, init) => Promise.resolve(simulator.fetch(new Request(input, init))),
    creditTracker,
    tenantId: 'bench',
  });
  return { simulator, client, creditTracker };
};

export async function run(report: (row: BenchRow) => void): Promise<void> {
  // People API Search over the whole simulated database, 100 per page; memory should stay flat.
  {
    const { client, simulator } = setup();
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeap = heapBefore;
    const started = performance.now();
    let count = 0;
    for await (const _person of client.people.search({ per_page: 100 })) {
      count += 1;
      if (count % 5_000 === 0) {
        collectGarbage();
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      }
    }
    const elapsedMs = performance.now() - started;
    report({
      name: `people.search: records walked (of ${PEOPLE})`,
      value: count,
      unit: 'records',
      ok: count === PEOPLE,
    });
    report({
      name: 'people.search: requests',
      value: simulator.requests.length,
      unit: 'requests',
      target: `= ${PEOPLE / 100}`,
      ok: simulator.requests.length === PEOPLE / 100,
    });
    report({ name: 'people.search: throughput', value: (count / elapsedMs) * 1000, unit: 'records/s' });
    report({
      name: 'people.search: heap retained during the walk',
      value: (peakHeap - heapBefore) / 1_048_576,
      unit: 'MiB',
      target: '<= 16',
      ok: peakHeap - heapBefore <= 16 * 1_048_576,
    });
  }

  // Bulk enrichment: split into calls of 10, then answered from the cache the second time.
  {
    const { client, simulator, creditTracker } = setup();
    const emails = Array.from(simulator.store.people.values())
      .slice(0, ENRICH)
      .map((person) => ({ email: person.email }));
    const started = performance.now();
    const results = await client.people.bulkEnrich(emails);
    const elapsedMs = performance.now() - started;
    const calls = simulator.requests.length;
    report({
      name: `people.bulkEnrich: calls for ${ENRICH} emails`,
      value: calls,
      unit: 'calls',
      target: `= ${ENRICH / 10}`,
      ok: calls === ENRICH / 10,
    });
    report({
      name: 'people.bulkEnrich: throughput',
      value: (results.length / elapsedMs) * 1000,
      unit: 'people/s',
    });
    const cachedStarted = performance.now();
    await client.people.bulkEnrich(emails);
    const cachedMs = performance.now() - cachedStarted;
    const extra = simulator.requests.length - calls;
    report({
      name: 'people.bulkEnrich again: calls (cache)',
      value: extra,
      unit: 'calls',
      target: '= 0',
      ok: extra === 0,
    });
    report({
      name: 'people.bulkEnrich again: throughput (cache)',
      value: (ENRICH / cachedMs) * 1000,
      unit: 'people/s',
    });
    const usage = await creditTracker.usage('bench');
    report({
      name: 'credits recorded for both runs',
      value: usage.day.spent,
      unit: 'credits',
      target: `= ${ENRICH}`,
      ok: usage.day.spent === ENRICH,
    });
  }

  // Overhead of the rate limiter on a call that is admitted at once.
  {
    const limiter = createApolloRateLimiter();
    const headers = new Headers({
      'x-minute-requests-left': '100000',
      'x-hourly-requests-left': '100000',
      'x-24-hour-requests-left': '100000',
    });
    const rounds = 50_000;
    const started = performance.now();
    for (let index = 0; index < rounds; index += 1) {
      await limiter.schedule(1, async () => {
        limiter.observe({ status: 200, headers, cost: 1 });
      });
    }
    const elapsedMs = performance.now() - started;
    report({
      name: 'rate limiter: schedule + observe',
      value: (rounds / elapsedMs) * 1000,
      unit: 'calls/s',
      target: '>= 50000',
      ok: (rounds / elapsedMs) * 1000 >= 50_000,
    });
  }

  // Budget checks on the memory storage: reserve, then settle.
  {
    const tracker = createCreditTracker({
      storage: createMemoryStorage(),
      budgets: { daily: 1_000_000_000 },
    });
    const rounds = 10_000;
    const started = performance.now();
    for (let index = 0; index < rounds; index += 1) {
      const reservation = await tracker.reserve('bench', 'people.enrich', 1);
      await reservation.settle(1, 'price');
    }
    const elapsedMs = performance.now() - started;
    report({
      name: 'credit tracker: reserve + settle (memory storage)',
      value: (rounds / elapsedMs) * 1000,
      unit: 'calls/s',
    });
  }
}
