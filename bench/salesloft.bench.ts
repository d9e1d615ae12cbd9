import { createSalesloftClient, createSalesloftRateLimiter } from '@salesos/salesloft';
import { createSalesloftSimulator } from '@salesos/salesloft/testing';
import type { BenchRow } from './run.ts';

const PEOPLE = 50_000;
const BUDGET = 600;
// One SalesLoft minute is played in WINDOW_MS, so the run is time-scaled 60 000 / WINDOW_MS times.
const WINDOW_MS = 2_000;

const setup = () => {
  const simulator = createSalesloftSimulator({
    seed: 1,
    people: PEOPLE,
    budget: BUDGET,
    windowMs: WINDOW_MS,
  });
  const client = createSalesloftClient({
    apiKey: 'ak_bench',
    fetch: (input, init) => simulator.fetch(new Request(input, init)),
    rateLimiter: createSalesloftRateLimiter({ budget: BUDGET, windowMs: WINDOW_MS }),
  });
  return { simulator, client };
};

export async function run(report: (row: BenchRow) => void): Promise<void> {
  // Full listing with people.list: 500 pages of 100, so pages 101–500 pay SalesLoft's deep-page costs.
  {
    const { simulator, client } = setup();
    const started = performance.now();
    let count = 0;
    for await (const _person of client.people.list({ per_page: 100 })) count += 1;
    const elapsedMs = performance.now() - started;
    const stats = simulator.rateLimit.stats();
    const tooMany = simulator.requests.filter((request) => request.status === 429).length;
    // Only windows the walk spent whole are a fair measure: the first starts mid-window, the last ends early.
    const full = stats.windows.slice(1, -1);
    const usage = full.map((window) => window.used / BUDGET);
    const mean = usage.reduce((sum, value) => sum + value, 0) / Math.max(1, usage.length);
    report({
      name: `people.list: records listed (of ${PEOPLE})`,
      value: count,
      unit: 'records',
      ok: count === PEOPLE,
    });
    report({ name: 'people.list: cost spent', value: stats.totalCost, unit: 'cost' });
    report({
      name: `people.list: duration (${WINDOW_MS} ms = 1 SalesLoft minute)`,
      value: elapsedMs / WINDOW_MS,
      unit: 'minutes',
    });
    report({
      name: 'people.list: 429 responses',
      value: tooMany,
      unit: 'responses',
      target: '= 0',
      ok: tooMany === 0,
    });
    report({
      name: `people.list: budget used per full window (mean of ${full.length})`,
      value: mean * 100,
      unit: '%',
      target: '>= 95',
      ok: full.length > 0 && mean >= 0.95,
    });
    report({
      name: 'people.list: budget used, lowest full window',
      value: Math.min(...usage) * 100,
      unit: '%',
    });
  }

  // The same 50 000 people through the incremental iterator: every request is page 1, cost 1.
  {
    const { simulator, client } = setup();
    const started = performance.now();
    let count = 0;
    for await (const _person of client.people.iterate()) count += 1;
    const elapsedMs = performance.now() - started;
    const stats = simulator.rateLimit.stats();
    report({ name: 'people.iterate: records walked', value: count, unit: 'records', ok: count === PEOPLE });
    report({ name: 'people.iterate: cost spent', value: stats.totalCost, unit: 'cost' });
    report({
      name: 'people.iterate: throughput',
      value: Math.round(count / (elapsedMs / 1000)),
      unit: 'records/s',
    });
    report({
      name: 'people.iterate: 429 responses',
      value: simulator.requests.filter((request) => request.status === 429).length,
      unit: 'responses',
      target: '= 0',
      ok: simulator.requests.every((request) => request.status !== 429),
    });
  }
}
