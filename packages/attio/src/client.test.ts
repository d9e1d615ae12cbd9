import {
  AuthenticationError,
  ConfigError,
  ConflictError,
  createEventBus,
  InvalidRequestError,
  NotFoundError,
  type RateLimiter,
} from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAttioClient } from './client.ts';
import { decodeRecord } from './codec/value-codec.ts';
import { createAttioSimulator } from './testing/index.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.unstubAllEnvs();
});
afterAll(() => server.close());

const start = (options: Parameters<typeof createAttioSimulator>[0] = {}) => {
  const simulator = createAttioSimulator({ seed: 11, ...options });
  server.use(...simulator.handlers);
  return simulator;
};

const countingLimiter = () => {
  const calls: number[] = [];
  const limiter: RateLimiter = {
    schedule: (cost, fn) => {
      calls.push(cost);
      return fn();
    },
    observe: () => {},
  };
  return { limiter, calls };
};

describe('createAttioClient', () => {
  it('needs credentials and names the option and the environment variable, never a value', () => {
    vi.stubEnv('ATTIO_API_KEY', '');
    expect(() => createAttioClient()).toThrow(ConfigError);
    expect(() => createAttioClient()).toThrow(/"apiKey".*ATTIO_API_KEY/);
  });

  it('reads the API key from ATTIO_API_KEY and sends it as a bearer token', async () => {
    vi.stubEnv('ATTIO_API_KEY', 'env-key-123');
    const simulator = start({ apiKey: 'env-key-123' });
    const client = createAttioClient({ rateLimiter: false });
    const self = await client.self();
    expect(self.active).toBe(true);
    expect(self.active && self.workspace_id).toBe(simulator.store.workspaceId);
  });

  it('maps a refused token to AuthenticationError without the token in the message or JSON', async () => {
    start({ apiKey: 'the-right-key' });
    const client = createAttioClient({ apiKey: 'a-wrong-secret-key', rateLimiter: false });
    const error = await client.objects.get('people').catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error)).not.toContain('a-wrong-secret-key');
    expect((error as Error).message).not.toContain('a-wrong-secret-key');
  });

  it('sends reads (GETs and queries) through the read limiter and writes through the write limiter', async () => {
    start();
    const read = countingLimiter();
    const write = countingLimiter();
    const client = createAttioClient({
      apiKey: 'test-key',
      rateLimiter: { read: read.limiter, write: write.limiter },
    });
    await client.objects.get('people');
    await client.records.query('people', { limit: 5 }).toArray({ limit: 5 });
    await client.records.create('people', { values: { email_addresses: ['new@example.com'] } });
    expect(read.calls).toHaveLength(2);
    expect(write.calls).toHaveLength(1);
  });
});

describe('records', () => {
  it('iterates 1 200 records page by page, each record once', async () => {
    const simulator = start({ records: { companies: 0, people: 1200, deals: 0 } });
    const client = createAttioClient({ apiKey: 'test-key' });
    const seen = new Set<string>();
    const pages: number[] = [];
    for await (const page of client.records.query('people').pages()) {
      pages.push(page.items.length);
      for (const person of page.items) seen.add(person.id.record_id);
    }
    expect(seen.size).toBe(1200);
    expect(pages).toEqual([500, 500, 200]);
    expect(simulator.calls.filter((call) => call.path === '/objects/people/records/query')).toHaveLength(3);
  });

  it('resumes a query from a saved cursor right after the last record handed out', async () => {
    start({ records: { companies: 0, people: 30, deals: 0 } });
    const client = createAttioClient({ apiKey: 'test-key' });
    const first = client.records.query('people', { limit: 8 });
    const head: string[] = [];
    for await (const person of first) {
      head.push(person.id.record_id);
      if (head.length === 11) break;
    }
    const rest = await client.records.query('people', { limit: 8, cursor: first.cursor }).toArray();
    const all = await client.records.query('people').toArray();
    expect([...head, ...rest.map((person) => person.id.record_id)]).toEqual(
      all.map((person) => person.id.record_id),
    );
  });

  it('iterate decodes each record with the object schema', async () => {
    start({ records: { companies: 2, people: 3, deals: 0 } });
    const client = createAttioClient({ apiKey: 'test-key' });
    const people = await client.records.iterate('people').toArray();
    expect(people).toHaveLength(3);
    for (const person of people) {
      expect(person.plain).toEqual(decodeRecord(person));
      expect(Array.isArray(person.plain.email_addresses)).toBe(true);
      expect(person.plain.name).toMatchObject({
        firstName: expect.any(String),
        lastName: expect.any(String),
      });
    }
  });

  it('asserts twice with the same matching value and ends with one record', async () => {
    const simulator = start({ records: { companies: 0, people: 0, deals: 0 } });
    const client = createAttioClient({ apiKey: 'test-key' });
    const input = {
      matching_attribute: 'email_addresses',
      values: { email_addresses: ['grace@example.com'], name: 'Hopper, Grace', job_title: 'Rear Admiral' },
    };
    const first = await client.records.assert('people', input);
    const second = await client.records.assert('people', {
      ...input,
      values: { ...input.values, job_title: 'Professor' },
    });
    expect(second.id.record_id).toBe(first.id.record_id);
    expect(simulator.store.countRecords('people')).toBe(1);
    expect(decodeRecord(second).job_title).toBe('Professor');
  });

  it('rejects a create that clashes with a unique value with ConflictError', async () => {
    start({ records: { companies: 0, people: 0, deals: 0 } });
    const client = createAttioClient({ apiKey: 'test-key' });
    await client.records.create('people', { values: { email_addresses: ['dup@example.com'] } });
    const error = await client.records
      .create('people', { values: { email_addresses: ['DUP@example.com'] } })
      .catch((caught: unknown) => caught);
    expect(ConflictError.isInstance(error)).toBe(true);
    expect((error as ConflictError).vendorCode).toBe('uniqueness_conflict');
  });

  it('reports a rejected value with its field path in the message', async () => {
    start();
    const client = createAttioClient({ apiKey: 'test-key' });
    const error = await client.records
      .create('people', { values: { email_addresses: ['not-an-email'] } })
      .catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as InvalidRequestError).message).toContain('data.values.email_addresses.0');
    expect((error as InvalidRequestError).fieldErrors[0]?.path).toBe('data.values.email_addresses.0');
    expect((error as InvalidRequestError).vendorCode).toBe('validation_type');
  });

  it('answers NotFoundError for a missing record', async () => {
    start();
    const client = createAttioClient({ apiKey: 'test-key' });
    await expect(client.records.get('people', '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('appends multiselect values by default and overwrites them when asked', async () => {
    start({ records: { companies: 0, people: 0, deals: 0 } });
    const client = createAttioClient({ apiKey: 'test-key' });
    const person = await client.records.create('people', { values: { email_addresses: ['a@example.com'] } });
    const id = person.id.record_id;
    const appended = await client.records.update('people', id, {
      values: { email_addresses: ['b@example.com'] },
    });
    expect(decodeRecord(appended).email_addresses).toEqual(['b@example.com', 'a@example.com']);
    const overwritten = await client.records.update(
      'people',
      id,
      { values: { email_addresses: ['c@example.com'] } },
      { multiselect: 'overwrite' },
    );
    expect(decodeRecord(overwritten).email_addresses).toEqual(['c@example.com']);
    const history = await client.records
      .values('people', id, 'email_addresses', { show_historic: true })
      .toArray();
    expect(history.map((value) => (value as { email_address: string }).email_address).sort()).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
  });

  it('deletes a record', async () => {
    const simulator = start({ records: { companies: 0, people: 2, deals: 0 } });
    const client = createAttioClient({ apiKey: 'test-key' });
    const [person] = simulator.store.records('people');
    await client.records.delete('people', person?.id.record_id ?? '');
    expect(simulator.store.countRecords('people')).toBe(1);
  });
});

describe('attributes', () => {
  it('lists every attribute page by page from the offset asked, with the limit as the page size', async () => {
    const simulator = start({ records: { companies: 0, people: 0, deals: 0 }, rateLimits: false });
    for (let index = 0; index < 20; index += 1) {
      simulator.store.addAttribute('objects', 'deals', { api_slug: `extra_${index}`, type: 'number' });
    }
    const every = simulator.store.attributes('objects', 'deals').map((attribute) => attribute.api_slug);
    const client = createAttioClient({ apiKey: 'test-key', rateLimiter: false });
    const listed = await client.attributes.list('objects', 'deals', { limit: 7, offset: 3 }).toArray();
    expect(listed.map((attribute) => attribute.api_slug)).toEqual(every.slice(3));
    const offsets = simulator.calls
      .filter((call) => call.path === '/objects/deals/attributes')
      .map((call) => Number(call.query.offset?.[0]));
    expect(offsets).toEqual(
      Array.from({ length: Math.ceil((every.length - 3 + 1) / 7) }, (_, page) => 3 + page * 7),
    );
  });
});

describe('rate limits', () => {
  it('waits out a 429 with an HTTP-date Retry-After and succeeds', async () => {
    const simulator = start({ rateLimits: { reads: 2, writes: 2 } });
    const client = createAttioClient({ apiKey: 'test-key', rateLimiter: false });
    const results = await Promise.all(Array.from({ length: 4 }, () => client.objects.get('people')));
    expect(results.every((object) => object.api_slug === 'people')).toBe(true);
    expect(simulator.stats.rateLimited).toBeGreaterThan(0);
    const limited = simulator.calls.find((call) => call.status === 429);
    expect(limited).toBeDefined();
  });

  it('waits exactly until the HTTP-date of a 429 Retry-After, by the injected clock, before retrying', async () => {
    const clock = createTestClock(Date.UTC(2026, 2, 2, 10, 0, 0, 250));
    const simulator = start({ clock, rateLimits: false });
    // Attio sends Retry-After as an HTTP-date at a whole second, not as seconds.
    const retryAt = Date.UTC(2026, 2, 2, 10, 0, 3);
    let refused = 0;
    server.use(
      http.get(
        'https://api.attio.com/v2/objects/people',
        () => {
          refused += 1;
          return HttpResponse.json(
            {
              status_code: 429,
              type: 'rate_limit_error',
              code: 'rate_limit_exceeded',
              message: 'Rate limit exceeded, please try again later',
            },
            { status: 429, headers: { 'retry-after': new Date(retryAt).toUTCString() } },
          );
        },
        { once: true },
      ),
    );
    const events = createEventBus();
    const retries: { status: number | undefined; delayMs: number }[] = [];
    events.on('http.retry', ({ status, delayMs }) => retries.push({ status, delayMs }));
    const client = createAttioClient({ apiKey: 'test-key', rateLimiter: false, clock, events });

    let settled = false;
    const pending = client.objects.get('people').finally(() => {
      settled = true;
    });
    for (let turn = 0; turn < 100 && retries.length === 0; turn += 1) await clock.advance(0);
    expect(refused).toBe(1);
    expect(retries).toEqual([{ status: 429, delayMs: retryAt - Date.UTC(2026, 2, 2, 10, 0, 0, 250) }]);
    expect(retries[0]?.delayMs).toBe(2750);

    await clock.advance(2749);
    expect(settled).toBe(false);
    expect(simulator.calls.filter((call) => call.path === '/objects/people')).toHaveLength(0);

    await clock.advance(1);
    const people = await pending;
    expect(people.api_slug).toBe('people');
    expect(clock.now()).toBe(retryAt);
    expect(simulator.calls.filter((call) => call.path === '/objects/people')).toHaveLength(1);
  });

  it('keeps a burst of 150 reads within the limit of 100 reads per second with the default limiters', async () => {
    // One virtual clock for the client and the fake API: each request reaches it at the time it left.
    const clock = createTestClock();
    const simulator = start({ clock });
    const limited = createAttioClient({ apiKey: 'test-key', clock });
    let finished = false;
    const burst = Promise.all(Array.from({ length: 150 }, () => limited.objects.get('companies'))).finally(
      () => {
        finished = true;
      },
    );
    while (!finished) await clock.advance(5);
    await burst;
    expect(simulator.stats.rateLimited).toBe(0);
    expect(simulator.calls.filter((call) => call.status === 200)).toHaveLength(150);

    // The same burst without the limiters is refused in part.
    const unlimited = createAttioClient({ apiKey: 'test-key', clock, rateLimiter: false, maxRetries: 0 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 150 }, () => unlimited.objects.get('companies')),
    );
    expect(outcomes.some((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(simulator.stats.rateLimited).toBeGreaterThan(0);
  });

  it('backs off from score-based 429s on queries and gets every page', async () => {
    const simulator = start({ queryScore: { budget: 3, windowMs: 200 } });
    const client = createAttioClient({ apiKey: 'test-key' });
    const pages = await Promise.all(
      Array.from({ length: 5 }, () => client.records.query('people', { limit: 5 }).toArray({ limit: 5 })),
    );
    expect(pages.every((page) => page.length === 5)).toBe(true);
    expect(simulator.stats.rateLimited).toBeGreaterThan(0);
  });
});

describe('lists, entries, notes, tasks, comments and webhooks', () => {
  it('asserts an entry by its parent record and reads it back decoded', async () => {
    const simulator = start();
    const client = createAttioClient({ apiKey: 'test-key' });
    const companyId = simulator.store.records('companies')[0]?.id.record_id ?? '';
    const input = {
      parent_record_id: companyId,
      parent_object: 'companies',
      entry_values: { stage: 'Qualified' },
    };
    const first = await client.entries.assert('sales', input);
    const second = await client.entries.assert('sales', {
      ...input,
      entry_values: { stage: 'Won 🎉', tags: ['Partner'] },
    });
    expect(second.id.entry_id).toBe(first.id.entry_id);
    expect(simulator.store.entries('sales')).toHaveLength(1);
    expect(await client.codec.decodeEntry('sales', second)).toMatchObject({
      stage: 'Won 🎉',
      tags: ['Partner'],
    });
    const won = await client.entries.query('sales', { filter: { stage: 'Won 🎉' } }).toArray();
    expect(won.map((entry) => entry.id.entry_id)).toEqual([first.id.entry_id]);
  });

  it('creates, lists and deletes notes of a record', async () => {
    const simulator = start();
    const client = createAttioClient({ apiKey: 'test-key' });
    const personId = simulator.store.records('people')[0]?.id.record_id ?? '';
    const note = await client.notes.create({
      parent_object: 'people',
      parent_record_id: personId,
      title: 'Intro call',
      format: 'markdown',
      content: '## Next steps\n- **Send** pricing',
    });
    expect(note.content_plaintext).toBe('Next steps\nSend pricing');
    const listed = await client.notes.list({ parent_object: 'people', parent_record_id: personId }).toArray();
    expect(listed.map((item) => item.id.note_id)).toEqual([note.id.note_id]);
    await client.notes.delete(note.id.note_id);
    await expect(client.notes.get(note.id.note_id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('completes a task and filters tasks by completion', async () => {
    start();
    const client = createAttioClient({ apiKey: 'test-key' });
    const task = await client.tasks.create({
      content: 'Send the proposal',
      format: 'plaintext',
      deadline_at: null,
      is_completed: false,
      linked_records: [],
      assignees: [{ workspace_member_email_address: 'bob@simulated.attio.test' }],
    });
    await client.tasks.update(task.id.task_id, { is_completed: true });
    const done = await client.tasks.list({ is_completed: true }).toArray();
    expect(done.map((item) => item.id.task_id)).toEqual([task.id.task_id]);
    expect(done[0]?.completed_at).toEqual(expect.any(String));
  });

  it('threads comments on a record and drops the thread with its first comment', async () => {
    const simulator = start();
    const client = createAttioClient({ apiKey: 'test-key' });
    const personId = simulator.store.records('people')[0]?.id.record_id ?? '';
    const author = {
      type: 'workspace-member' as const,
      id: simulator.store.members()[0]?.id.workspace_member_id ?? '',
    };
    const head = await client.comments.create({
      format: 'plaintext',
      content: 'First',
      author,
      record: { object: 'people', record_id: personId },
    });
    await client.comments.create({
      format: 'plaintext',
      content: 'Second',
      author,
      thread_id: head.thread_id,
    });
    const thread = await client.threads.get(head.thread_id);
    expect(thread.comments.map((comment) => comment.content_plaintext)).toEqual(['First', 'Second']);
    await client.comments.delete(head.id.comment_id);
    expect(await client.threads.list({ record_id: personId, object: 'people' }).toArray()).toEqual([]);
  });

  it('creates a webhook whose secret is shown once', async () => {
    start();
    const client = createAttioClient({ apiKey: 'test-key' });
    const created = await client.webhooks.create({
      target_url: 'https://example.com/hooks/attio',
      subscriptions: [{ event_type: 'record.created', filter: null }],
    });
    expect(created.secret).toMatch(/^[0-9a-f]{64}$/);
    const fetched = await client.webhooks.get(created.id.webhook_id);
    expect(fetched).not.toHaveProperty('secret');
    expect((await client.webhooks.list().toArray()).map((webhook) => webhook.id.webhook_id)).toEqual([
      created.id.webhook_id,
    ]);
  });
});
