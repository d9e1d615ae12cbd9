// A tour of @salesos/core in one run: a local API that fails now and then, walked page by page by the
// HTTP client with retries, a token-bucket rate limiter and events. Run: pnpm start (from the root).
import {
  createEventBus,
  createHttpClient,
  createTokenBucketLimiter,
  paginateByPage,
  type SalesOSEventMap,
} from '@salesos/core';
import { listenFetchHandler, withFaults } from '@salesos/core/testing';

const TOTAL = 1_250;
const PER_PAGE = 50;

const people = Array.from({ length: TOTAL }, (_, index) => ({
  id: index + 1,
  email: `person${index + 1}@example.com`,
}));

// The simulated API: GET /v1/people?page=N&per_page=M, with 15 % injected 5xx answers and 5 % resets.
const api = withFaults(
  (request) => {
    const url = new URL(request.url);
    const page = Number(url.searchParams.get('page') ?? 1);
    const perPage = Number(url.searchParams.get('per_page') ?? 25);
    const data = people.slice((page - 1) * perPage, page * perPage);
    const next = page * perPage < TOTAL ? page + 1 : null;
    return Response.json({ data, metadata: { paging: { current_page: page, next_page: next } } });
  },
  { seed: 7, errorRate: 0.15, resetRate: 0.05 },
);
const server = await listenFetchHandler(api);

const events = createEventBus();
const counts: Partial<Record<keyof SalesOSEventMap, number>> = {};
events.onAny((type) => {
  counts[type] = (counts[type] ?? 0) + 1;
});
events.on('http.retry', ({ attempt, status, delayMs }) => {
  console.log(`  retry: attempt ${attempt} got ${status ?? 'a connection error'}, waiting ${delayMs} ms`);
});

const http = createHttpClient({
  vendor: 'example',
  baseUrl: `${server.url}/v1`,
  auth: { type: 'bearer', token: 'example-token' },
  maxRetries: 5,
  retryBaseMs: 20,
  rateLimiter: createTokenBucketLimiter({ capacity: 10, refillPerSecond: 50 }),
  events,
});

interface PeoplePage {
  data: { id: number; email: string }[];
  metadata: { paging: { next_page: number | null } };
}

console.log(`Walking ${TOTAL} people, ${PER_PAGE} a page, from a local API that fails now and then…`);
const started = performance.now();
const walk = paginateByPage(async (page) => {
  const body = await http.get<PeoplePage>('/people', { query: { page, per_page: PER_PAGE } });
  return { items: body.data, hasMore: body.metadata.paging.next_page !== null };
});
let seen = 0;
const ids = new Set<number>();
for await (const person of walk) {
  seen += 1;
  ids.add(person.id);
}
await server.close();

console.log();
console.log(`Records received: ${seen} (${ids.size} distinct, expected ${TOTAL})`);
console.log(`Requests sent:    ${counts['http.request'] ?? 0}`);
console.log(
  `Retries:          ${counts['http.retry'] ?? 0} (faults injected: ${api.stats.errors} errors, ${api.stats.resets} resets)`,
);
console.log(`Failed calls:     ${counts['http.error'] ?? 0}`);
console.log(`Time:             ${Math.round(performance.now() - started)} ms`);
if (seen !== TOTAL || ids.size !== TOTAL) {
  console.error('Some records were lost or repeated.');
  process.exitCode = 1;
}
