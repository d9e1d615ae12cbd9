import { Worker } from 'node:worker_threads';
import { createHttpClient, paginate } from '@salesos/core';
import type { BenchRow } from './run.ts';

const percentile = (values: number[], fraction: number): number => {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] as number;
};

async function timeRequests(send: () => Promise<unknown>, count: number): Promise<number[]> {
  const durations: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await send();
    durations.push(performance.now() - started);
  }
  return durations;
}

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

  await timeRequests(bare, 300);
  await timeRequests(viaClient, 300);
  // Interleave rounds so both see the same machine state.
  const bareTimes: number[] = [];
  const clientTimes: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    bareTimes.push(...(await timeRequests(bare, 400)));
    clientTimes.push(...(await timeRequests(viaClient, 400)));
  }
  await server.terminate();
  const bareP50 = percentile(bareTimes, 0.5);
  const clientP50 = percentile(clientTimes, 0.5);
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
