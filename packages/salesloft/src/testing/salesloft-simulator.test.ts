import { createTestClock, listenFetchHandler } from '@salesos/core/testing';
import { describe, expect, it } from 'vitest';
import { createSalesloftClient } from '../client.ts';
import { verifySalesloftSignature } from '../webhooks/verify-salesloft-signature.ts';
import { createSalesloftSimulator } from './salesloft-simulator.ts';

const call = (
  simulator: { fetch(request: Request): Promise<Response> },
  path: string,
  init: RequestInit & { token?: string | null } = {},
) => {
  const { token = 'ak_test', ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  if (rest.body !== undefined) headers.set('content-type', 'application/json');
  return simulator.fetch(new Request(`https://api.salesloft.com/v2${path}`, { ...rest, headers }));
};

describe('createSalesloftSimulator', () => {
  it('answers 401 with SalesLoft bodies for a missing or unknown token', async () => {
    const simulator = createSalesloftSimulator({ apiKeys: ['ak_test'] });
    const missing = await call(simulator, '/people.json', { token: null });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      error: 'No Bearer Token attached to request, please see documentation at developers.salesloft.com',
    });
    const wrong = await call(simulator, '/people.json', { token: 'ak_other' });
    expect(await wrong.json()).toEqual({ error: 'Invalid Bearer token' });
    expect((await call(simulator, '/no_such_thing.json', { token: null })).status).toBe(401);
  });

  it('serves paths with and without the .json suffix, and 404s unknown ones', async () => {
    const simulator = createSalesloftSimulator();
    expect((await call(simulator, '/people.json')).status).toBe(200);
    expect((await call(simulator, '/people')).status).toBe(200);
    const unknown = await call(simulator, '/widgets.json');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'Not Found' });
  });

  it('wraps lists in the paging envelope and corrects bad paging values', async () => {
    const simulator = createSalesloftSimulator({ people: 130 });
    const body = (await (
      await call(simulator, '/people.json?per_page=500&page=0&include_paging_counts=true')
    ).json()) as {
      data: unknown[];
      metadata: { paging: Record<string, unknown>; sorting: Record<string, unknown> };
    };
    expect(body.data).toHaveLength(100);
    expect(body.metadata.paging).toEqual({
      per_page: 100,
      current_page: 1,
      next_page: 2,
      prev_page: null,
      total_count: 130,
      total_pages: 2,
    });
    expect(body.metadata.sorting).toEqual({ sort_by: 'updated_at', sort_direction: 'DESC' });
    const past = (await (await call(simulator, '/people.json?page=99')).json()) as { data: unknown[] };
    expect(past.data).toEqual([]);
  });

  it('pages /v2/users only when page is sent', async () => {
    const simulator = createSalesloftSimulator();
    for (let index = 0; index < 30; index += 1)
      simulator.store.users.insert({ name: `User ${index}`, active: true });
    const all = (await (await call(simulator, '/users.json')).json()) as { data: unknown[] };
    expect(all.data).toHaveLength(31);
    const paged = (await (await call(simulator, '/users.json?page=1')).json()) as { data: unknown[] };
    expect(paged.data).toHaveLength(25);
  });

  it('answers 422 for an unknown sort and a bad timestamp, and accepts comma-joined arrays', async () => {
    const simulator = createSalesloftSimulator({ people: 10 });
    const sort = await call(simulator, '/people.json?sort_by=shoe_size');
    expect(sort.status).toBe(422);
    expect(await sort.json()).toEqual({ errors: { sort_by: ['is not included in the list'] } });
    expect((await call(simulator, '/people.json?updated_at[gt]=yesterday')).status).toBe(422);
    const joined = (await (await call(simulator, '/people.json?ids=1,2,3')).json()) as { data: unknown[] };
    expect(joined.data).toHaveLength(3);
    const repeated = (await (await call(simulator, '/people.json?ids[]=1&ids[]=2')).json()) as {
      data: unknown[];
    };
    expect(repeated.data).toHaveLength(2);
  });

  it('reads form-encoded bodies as SalesLoft accepts them', async () => {
    const simulator = createSalesloftSimulator({ people: 1 });
    const response = await simulator.fetch(
      new Request('https://api.salesloft.com/v2/people.json', {
        method: 'POST',
        headers: { authorization: 'Bearer ak', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email_address=form%40example.test&tags[]=a&tags[]=b',
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      data: { email_address: 'form@example.test', tags: ['a', 'b'] },
    });
  });

  it('spends the cost budget per window by page depth, then answers 429 until the window resets', async () => {
    const clock = createTestClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    const simulator = createSalesloftSimulator({ clock, budget: 40, windowMs: 60_000, people: 10 });
    const first = await call(simulator, '/people.json?page=260');
    expect(first.headers.get('x-ratelimit-endpoint-cost')).toBe('10');
    expect(first.headers.get('x-ratelimit-remaining-minute')).toBe('30');
    await call(simulator, '/people.json?page=501').then((response) => expect(response.status).toBe(200));
    const refused = await call(simulator, '/me.json');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeNull();
    await clock.advance(60_000);
    const again = await call(simulator, '/me.json');
    expect(again.status).toBe(200);
    expect(again.headers.get('x-ratelimit-remaining-minute')).toBe('39');
    const stats = simulator.rateLimit.stats();
    expect(stats.windows.map((window) => [window.used, window.rejected])).toEqual([
      [40, 1],
      [1, 0],
    ]);
    expect(stats.rejected).toBe(1);
  });

  it('sends Retry-After to the end of the window when asked to', async () => {
    const clock = createTestClock(Date.UTC(2026, 0, 1, 0, 0, 15));
    const simulator = createSalesloftSimulator({ clock, budget: 1, retryAfter: true });
    await call(simulator, '/me.json');
    const refused = await call(simulator, '/me.json');
    expect(refused.headers.get('retry-after')).toBe('45');
  });

  it('injects faults: 5xx, connection resets and SalesLoft-shaped 429 bursts', async () => {
    const errors = createSalesloftSimulator({ faults: { errorRate: 1 } });
    expect((await call(errors, '/me.json')).status).toBeGreaterThanOrEqual(500);
    const resets = createSalesloftSimulator({ faults: { resetRate: 1 } });
    expect((await call(resets, '/me.json')).type).toBe('error');
    const bursts = createSalesloftSimulator({ faults: { rateLimitBurstRate: 1 } });
    const limited = await call(bursts, '/me.json');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: 'API rate limit exceeded' });
    expect(limited.headers.get('x-ratelimit-remaining-minute')).toBe('0');
    expect(bursts.faultStats?.rateLimited).toBe(1);
  });

  it('recovers through client retries when faults are injected', async () => {
    const simulator = createSalesloftSimulator({
      people: 40,
      faults: { errorRate: 0.3, resetRate: 0.1, seed: 4 },
    });
    const server = await simulator.listen();
    try {
      const client = createSalesloftClient({
        apiKey: 'ak',
        baseUrl: server.url,
        rateLimiter: false,
        maxRetries: 8,
        circuitBreaker: false,
      });
      const people = await client.people.list({ per_page: 5 }).toArray();
      expect(people).toHaveLength(40);
      expect((simulator.faultStats?.errors ?? 0) + (simulator.faultStats?.resets ?? 0)).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('serves a real local HTTP server under the versioned root', async () => {
    const simulator = createSalesloftSimulator({ people: 3 });
    const server = await simulator.listen();
    try {
      expect(server.url).toBe(`${server.origin}/v2`);
      const client = createSalesloftClient({ apiKey: 'ak', baseUrl: server.url });
      expect(await client.people.list().toArray()).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('generates the same data for the same seed', () => {
    const first = createSalesloftSimulator({ seed: 42, people: 20 });
    const second = createSalesloftSimulator({ seed: 42, people: 20 });
    expect(second.store.people.all().map((person) => person.email_address)).toEqual(
      first.store.people.all().map((person) => person.email_address),
    );
  });

  it('delivers signed webhooks for subscribed changes to their callback URL', async () => {
    const received: { body: string; signature: string | null; event: string | null }[] = [];
    const receiver = await listenFetchHandler(async (request) => {
      received.push({
        body: await request.text(),
        signature: request.headers.get('x-salesloft-signature'),
        event: request.headers.get('x-salesloft-event'),
      });
      return new Response(null, { status: 204 });
    });
    try {
      const simulator = createSalesloftSimulator({ people: 2 });
      await call(simulator, '/webhook_subscriptions', {
        method: 'POST',
        body: JSON.stringify({
          event_type: 'task_completed',
          callback_url: receiver.url,
          callback_token: 'secret-1',
        }),
      });
      const task = (await (
        await call(simulator, '/tasks.json', {
          method: 'POST',
          body: JSON.stringify({
            subject: 'Follow up',
            person_id: 1,
            user_id: simulator.store.me.id,
            task_type: 'email',
            due_date: '2026-01-10',
            current_state: 'scheduled',
          }),
        })
      ).json()) as { data: { id: number } };
      await call(simulator, `/tasks/${task.data.id}.json`, {
        method: 'PUT',
        body: JSON.stringify({ current_state: 'completed' }),
      });
      const results = await simulator.webhooks.flush();
      expect(results.map((result) => result.status)).toEqual([204]);
      expect(received).toHaveLength(1);
      expect(received[0]?.event).toBe('task_completed');
      expect(
        verifySalesloftSignature({
          payload: received[0]?.body ?? '',
          signature: received[0]?.signature,
          secret: 'secret-1',
        }),
      ).toBe(true);
      expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({
        id: task.data.id,
        current_state: 'completed',
      });
    } finally {
      await receiver.close();
    }
  });
});
