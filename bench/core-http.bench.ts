import { Worker } from 'node:worker_threads';
import { createHttpClient, paginate } from '@salesos/core';
import { Bench } from 'tinybench';
import type { BenchRow } from './run.ts';

const median = (values: number[]): number => {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** p50 latency (ms) of a task in a finished tinybench run. */
const p50Of = (bench: Bench, name: string): number => {
  const result = bench.getTask(name)?.result;
  if (result?.state !== 'completed')
    throw new Error(`bench task "${name}" did not complete (${result?.state})`);
  return result.latency.p50;
};

export async function run(report: (row: BenchRow) => void): Promise<void> {
  // The loopback server runs in its own thread so it does not compete with the client for the event loop.
  const server = new Worker(
    `
    const { createServer } = require('node:http');
    const { parentPort } = require('node:worker_threads');
    const body = JSON.stringify({ id: 1, email: 'ada@example.com', first_name: 'Ada' });
    const server = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
    });
    server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
    `,
    { eval: true },
  );
  const port = await new Promise<number>((resolve) => server.once('message', resolve));
  const url = `http://127.0.0.1:${port}`;
  const client = createHttpClient({
    vendor: 'bench',
    baseUrl: url,
    auth: { type: 'bearer', token: 'bench-token' },
  });

  const bare = () =>
    fetch(`${url}/people/1`, { headers: { authorization: 'Bearer bench-token' } }).then((r) => r.json());
  const viaClient = () => client.get('/people/{id}', { pathParams: { id: 1 } });

  // Rounds alternate the order of the two tasks so both see the same machine state; each round's p50
  // is kept and the median of the rounds reported.
  const bareP50s: number[] = [];
  const clientP50s: number[] = [];
  for (let round = 0; round < 9; round += 1) {
    const bench = new Bench({ time: 400, warmupTime: 100, iterations: 200 });
    const tasks: [string, () => Promise<unknown>][] = [
      ['bare fetch', bare],
      ['http client', viaClient],
    ];
    for (const [name, fn] of round % 2 === 0 ? tasks : tasks.reverse()) bench.add(name, fn);
    await bench.run();
    bareP50s.push(p50Of(bench, 'bare fetch'));
    clientP50s.push(p50Of(bench, 'http client'));
  }
  await server.terminate();
  const bareP50 = median(bareP50s);
  const clientP50 = median(clientP50s);
  const ratio = clientP50 / bareP50;
  report({ name: 'bare fetch p50', value: bareP50 * 1000, unit: 'µs' });
  report({ name: 'http client p50', value: clientP50 * 1000, unit: 'µs' });
  report({
    name: 'http client / bare fetch (p50)',
    value: ratio,
    unit: 'x',
    target: '<= 1.3',
    ok: ratio <= 1.3,
  });

  // Heap growth while walking 100 000 records, 100 per page.
  const total = 100_000;
  const pageSize = 100;
  const walk = paginate<{ id: number; email: string; payload: string }>(async (cursor) => {
    const start = cursor === undefined ? 0 : Number(cursor);
    const items = Array.from({ length: Math.min(pageSize, total - start) }, (_, index) => ({
      id: start + index,
      email: `person${start + index}@example.com`,
      payload: 'x'.repeat(200),
    }));
    return { items, nextCursor: start + pageSize < total ? String(start + pageSize) : null };
  });
  // Live heap after a full collection, sampled along the walk: what the walk retains, not garbage.
  const liveHeap = () => {
    globalThis.gc?.();
    return process.memoryUsage().heapUsed;
  };
  const before = liveHeap();
  let peak = before;
  let seen = 0;
  for await (const record of walk) {
    seen += record.id >= 0 ? 1 : 0;
    if (seen % 10_000 === 0) peak = Math.max(peak, liveHeap());
  }
  const growthMb = (Math.max(peak, liveHeap()) - before) / 1024 / 1024;
  report({ name: `records iterated`, value: seen, unit: 'records' });
  report({
    name: 'heap growth over 100 000 paginated records',
    value: growthMb,
    unit: 'MB',
    target: '< 20',
    ok: growthMb < 20,
  });
}
