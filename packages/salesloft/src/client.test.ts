import {
  AuthenticationError,
  ConfigError,
  InvalidRequestError,
  NotFoundError,
  PermissionError,
  ResponseValidationError,
} from '@salesos/core';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSalesloftClient } from './client.ts';
import { createSalesloftSimulator } from './testing/index.ts';

const simulator = createSalesloftSimulator({
  seed: 3,
  people: 2000,
  accounts: 20,
  apiKeys: ['ak_test', 'ak_readonly'],
  readOnlyKeys: ['ak_readonly'],
});
const server = setupServer(...simulator.handlers);
beforeAll(() => server.listen());
afterEach(() => {
  server.resetHandlers();
  simulator.settings.omitPaging = false;
});
afterAll(() => server.close());

const client = createSalesloftClient({ apiKey: 'ak_test', rateLimiter: false });

describe('createSalesloftClient', () => {
  it('refuses to start without credentials, naming the option and the variable but no value', () => {
    const saved = process.env.SALESLOFT_API_KEY;
    delete process.env.SALESLOFT_API_KEY;
    try {
      expect(() => createSalesloftClient()).toThrow(ConfigError);
      expect(() => createSalesloftClient()).toThrow(/"apiKey".*SALESLOFT_API_KEY/);
    } finally {
      if (saved !== undefined) process.env.SALESLOFT_API_KEY = saved;
    }
  });

  it('reads the API key from SALESLOFT_API_KEY', async () => {
    const saved = process.env.SALESLOFT_API_KEY;
    process.env.SALESLOFT_API_KEY = 'ak_test';
    try {
      const me = await createSalesloftClient({ rateLimiter: false }).me();
      expect(me.id).toBe(simulator.store.me.id);
    } finally {
      if (saved === undefined) delete process.env.SALESLOFT_API_KEY;
      else process.env.SALESLOFT_API_KEY = saved;
    }
  });

  it('authenticates with OAuth tokens from a token provider', async () => {
    const calls: boolean[] = [];
    const oauth = createSalesloftClient({
      rateLimiter: false,
      tokenProvider: ({ forceRefresh }) => {
        calls.push(forceRefresh);
        return 'ak_test';
      },
    });
    expect((await oauth.users.me()).guid).toBe(simulator.store.me.guid);
    expect(calls).toEqual([false]);
  });

  it('sends a salesos-salesloft User-Agent and the bearer token', async () => {
    const seen: Headers[] = [];
    server.use(
      http.get('https://api.salesloft.com/v2/me.json', ({ request }) => {
        seen.push(request.headers);
        return HttpResponse.json({ data: { id: 9 } });
      }),
    );
    await client.me();
    expect(seen[0]?.get('user-agent')).toMatch(/^salesos-salesloft\/\S+ salesos-core\//);
    expect(seen[0]?.get('authorization')).toBe('Bearer ak_test');
  });
});

describe('client.people', () => {
  it('lists 2 000 people across pages, each once', async () => {
    const before = simulator.requests.length;
    const people = await client.people.list().toArray();
    expect(people).toHaveLength(2000);
    expect(new Set(people.map((person) => person.id)).size).toBe(2000);
    const pages = simulator.requests.slice(before).map((request) => request.query.get('page'));
    expect(pages).toEqual(Array.from({ length: 20 }, (_, index) => String(index + 1)));
  });

  it('walks pages and resumes from a saved cursor without repeating records', async () => {
    const first = client.people.list({ per_page: 50, sort_by: 'created_at', sort_direction: 'ASC' });
    const seen: number[] = [];
    for await (const person of first) {
      seen.push(person.id);
      if (seen.length === 75) break;
    }
    const rest = await client.people
      .list({ per_page: 50, sort_by: 'created_at', sort_direction: 'ASC', cursor: first.cursor })
      .toArray();
    const all = [...seen, ...rest];
    expect(all).toHaveLength(2000);
    expect(new Set(all).size).toBe(2000);
  });

  it('gives pages with .pages() and collects a limited number with .toArray({ limit })', async () => {
    const sizes: number[] = [];
    for await (const page of client.people.list({ per_page: 100, ids: [1, 2, 3] }).pages())
      sizes.push(page.items.length);
    expect(sizes).toEqual([3]);
    expect(await client.people.list({ per_page: 10 }).toArray({ limit: 15 })).toHaveLength(15);
  });

  it('tolerates list responses without metadata.paging', async () => {
    simulator.settings.omitPaging = true;
    const people = await client.people.list({ per_page: 100 }).toArray();
    expect(people).toHaveLength(2000);
  });

  it('filters by ids, email_addresses, account_id and updated_at ranges', async () => {
    const target = simulator.store.people.get(7);
    const byEmail = await client.people
      .list({ email_addresses: [String(target?.email_address).toUpperCase()] })
      .toArray();
    expect(byEmail.map((person) => person.id)).toEqual([7]);

    const accountId = Number(target?.account?.id);
    const byAccount = await client.people.list({ account_id: [accountId] }).toArray();
    expect(byAccount.length).toBeGreaterThan(0);
    expect(byAccount.every((person) => person.account?.id === accountId)).toBe(true);

    const cutoff = String(target?.updated_at);
    const newer = await client.people.list({ updated_at: { gt: cutoff } }).toArray();
    const expected = simulator.store.people
      .all()
      .filter((person) => String(person.updated_at) > cutoff).length;
    expect(newer).toHaveLength(expected);
  });

  it('sorts as asked', async () => {
    const people = await client.people
      .list({ sort_by: 'updated_at', sort_direction: 'ASC' })
      .toArray({ limit: 300 });
    const stamps = people.map((person) => Date.parse(String(person.updated_at)));
    expect(stamps).toEqual([...stamps].sort((left, right) => left - right));
  });

  it('creates, reads, updates and deletes a person', async () => {
    const created = await client.people.create({
      email_address: 'ada@lovelace.test',
      first_name: 'Ada',
      last_name: 'Lovelace',
    });
    expect(created).toMatchObject({ email_address: 'ada@lovelace.test', display_name: 'Ada Lovelace' });
    const updated = await client.people.update(created.id, { title: 'Countess' });
    expect(updated.title).toBe('Countess');
    expect((await client.people.get(created.id)).title).toBe('Countess');
    await client.people.delete(created.id);
    await expect(client.people.get(created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.people.delete(created.id)).resolves.toBeUndefined();
  });

  it('rejects a duplicate email with the field error SalesLoft sends', async () => {
    const existing = simulator.store.people.get(3);
    const error = await client.people
      .create({ email_address: String(existing?.email_address) })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.status).toBe(422);
    expect(error.fieldErrors).toEqual([{ path: 'email_address', message: 'is already taken' }]);
    expect(error.message).toContain('"email_address" is already taken');
    expect(error.message).toContain('POST /people.json');
  });

  it('upserts by email: the first call creates, the second updates the same person', async () => {
    const first = await client.people.upsert({
      upsert_key: 'email_address',
      email_address: 'grace@hopper.test',
      title: 'RADM',
    });
    const second = await client.people.upsert({
      upsert_key: 'email_address',
      email_address: 'GRACE@hopper.test',
      title: 'Rear Admiral',
    });
    expect(first.upsert_type).toBe('create');
    expect(second.upsert_type).toBe('update');
    expect(second.person.id).toBe(first.person.id);
    expect(second.person.title).toBe('Rear Admiral');
  });

  it('walks changes with iterate: every person once, each request page 1 and cost 1', async () => {
    const before = simulator.requests.length;
    const people = await client.people.iterate().toArray();
    expect(people).toHaveLength(simulator.store.people.size);
    expect(new Set(people.map((person) => person.id)).size).toBe(simulator.store.people.size);
    const requests = simulator.requests.slice(before);
    expect(requests.every((request) => request.cost === 1)).toBe(true);
    expect(requests.every((request) => request.query.get('sort_by') === 'updated_at')).toBe(true);
    expect(requests.every((request) => request.query.get('sort_direction') === 'ASC')).toBe(true);
    expect(requests.slice(1).every((request) => request.query.has('updated_at[gt]'))).toBe(true);
  });

  it('iterates from a watermark with an overlap window', async () => {
    const all = await client.people.iterate().toArray();
    const watermark = String(all[all.length - 1]?.updated_at);
    const touched = simulator.store.people.update(11, { title: 'Edited in the SalesLoft UI' });
    const changes = await client.people.iterate({ since: watermark, overlapMs: 0 }).toArray();
    expect(changes.map((person) => person.id)).toContain(11);
    expect(changes.find((person) => person.id === 11)?.title).toBe(touched?.title);
    expect(changes.length).toBeLessThan(5);
  });

  it('walks a run of more records sharing one timestamp than fit a page', async () => {
    const tied = createSalesloftSimulator({ seed: 5, people: 0 });
    tied.store.seedPeople(250, { updated_at: '2026-01-02T03:04:05.123456Z' });
    tied.store.seedPeople(30);
    const local = setupServer(...tied.handlers);
    server.close();
    local.listen();
    try {
      const tiedClient = createSalesloftClient({ apiKey: 'ak', rateLimiter: false });
      const people = await tiedClient.people.iterate({ per_page: 100 }).toArray();
      expect(people).toHaveLength(280);
      expect(new Set(people.map((person) => person.id)).size).toBe(280);
      expect(Math.max(...tied.requests.map((request) => Number(request.query.get('page'))))).toBeLessThan(4);
    } finally {
      local.close();
      server.listen();
    }
  });
});

describe('client.accounts', () => {
  it('creates accounts, refuses a taken domain and finds by domain', async () => {
    const created = await client.accounts.create({ name: 'Analytical Engines', domain: 'Engines.test' });
    expect(created.domain).toBe('engines.test');
    const error = await client.accounts
      .create({ name: 'Copy', domain: 'engines.test' })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.fieldErrors[0]).toMatchObject({ path: 'domain' });
    const found = await client.accounts.list({ domain: 'engines.test' }).toArray();
    expect(found.map((account) => account.id)).toEqual([created.id]);
    const upserted = await client.accounts.upsert({
      upsert_key: 'domain',
      domain: 'engines.test',
      name: 'Renamed',
    });
    expect(upserted).toMatchObject({ upsert_type: 'update', account: { id: created.id, name: 'Renamed' } });
    await client.accounts.delete(created.id);
    await expect(client.accounts.get(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('finds unowned accounts with owner_id _is_null, alongside owner ids', async () => {
    const unowned = await client.accounts.create({ name: 'Nobody', domain: 'nobody.test', owner_id: null });
    const owned = await client.accounts.create({ name: 'Somebody', domain: 'somebody.test' });
    const ownerId = simulator.store.me.id;
    const onlyUnowned = await client.accounts.list({ owner_id: ['_is_null'] }).toArray();
    expect(onlyUnowned.map((account) => account.id)).toContain(unowned.id);
    expect(onlyUnowned.every((account) => account.owner == null)).toBe(true);
    const either = await client.accounts
      .list({ owner_id: [ownerId, '_is_null'], ids: [unowned.id, owned.id] })
      .toArray();
    expect(either.map((account) => account.id).sort()).toEqual([unowned.id, owned.id].sort());
    await client.accounts.delete(unowned.id);
    await client.accounts.delete(owned.id);
  });
});

describe('client.cadenceMemberships', () => {
  it('enrols a person on a cadence and removes them', async () => {
    const cadence = simulator.store.cadences.all()[0];
    const membership = await client.cadenceMemberships.create({
      person_id: 12,
      cadence_id: Number(cadence?.id),
    });
    expect(membership).toMatchObject({
      currently_on_cadence: true,
      person: { id: 12 },
      cadence: { id: cadence?.id },
    });
    const onCadence = await client.people.list({ cadence_id: [Number(cadence?.id)] }).toArray();
    expect(onCadence.map((person) => person.id)).toContain(12);

    await client.cadenceMemberships.delete(membership.id);
    const removed = await client.cadenceMemberships.get(membership.id);
    expect(removed).toMatchObject({ currently_on_cadence: false, current_state: 'removed' });
    const current = await client.cadenceMemberships
      .list({ person_id: 12, currently_on_cadence: true })
      .toArray();
    expect(current).toEqual([]);

    const again = await client.cadenceMemberships.create({ person_id: 12, cadence_id: Number(cadence?.id) });
    expect(again.id).toBe(membership.id);
    expect(again.currently_on_cadence).toBe(true);
  });

  it('answers 422 for a person that does not exist', async () => {
    const error = await client.cadenceMemberships
      .create({ person_id: 999_999, cadence_id: 1 })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.fieldErrors[0]?.path).toBe('person_id');
  });
});

describe('the other namespaces', () => {
  it('reads cadences, steps, users and me', async () => {
    const cadences = await client.cadences.list().toArray();
    expect(cadences).toHaveLength(3);
    expect((await client.cadences.get(Number(cadences[0]?.id))).name).toBe(cadences[0]?.name);
    const steps = await client.steps.list({ cadence_id: Number(cadences[0]?.id) }).toArray();
    expect(steps).toHaveLength(3);
    expect((await client.steps.get(Number(steps[0]?.id))).id).toBe(steps[0]?.id);
    const users = await client.users.list().toArray();
    expect(users.map((user) => user.id)).toContain(simulator.store.me.id);
    expect((await client.users.get(simulator.store.me.id)).guid).toBe(simulator.store.me.guid);
  });

  it('creates, updates, lists and deletes notes', async () => {
    const note = await client.notes.create({
      content: 'Asked for a demo',
      associated_with_type: 'person',
      associated_with_id: 4,
    });
    expect(note).toMatchObject({
      content: 'Asked for a demo',
      associated_type: 'person',
      associated_with: { id: 4 },
    });
    expect((await client.notes.update(note.id, { content: 'Demo booked' })).content).toBe('Demo booked');
    const notes = await client.notes
      .list({ associated_with_type: 'person', associated_with_id: 4 })
      .toArray();
    expect(notes.map((item) => item.id)).toEqual([note.id]);
    await client.notes.delete(note.id);
    await expect(client.notes.get(note.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('creates a task once per idempotency_key and completes it', async () => {
    const input = {
      subject: 'Call back',
      person_id: 5,
      user_id: simulator.store.me.id,
      task_type: 'call' as const,
      due_date: '2026-03-01',
      idempotency_key: 'call-back-5',
    };
    const first = await client.tasks.create(input);
    const second = await client.tasks.create(input);
    expect(second.id).toBe(first.id);
    expect(await client.tasks.list({ idempotency_key: 'call-back-5' }).toArray()).toHaveLength(1);
    const done = await client.tasks.update(first.id, { current_state: 'completed' });
    expect(done.current_state).toBe('completed');
    expect((await client.tasks.get(first.id)).completed_at).toBeTruthy();
  });

  it('lists and reads email and call activities', async () => {
    const emails = await client.activities.emails.list().toArray();
    expect(emails).toHaveLength(10);
    expect((await client.activities.emails.get(Number(emails[0]?.id))).id).toBe(emails[0]?.id);
    const calls = await client.activities.calls.list().toArray();
    expect(calls).toHaveLength(5);
    expect((await client.activities.calls.get(Number(calls[0]?.id))).id).toBe(calls[0]?.id);
    expect(await client.activities.emails.iterate().toArray()).toHaveLength(10);
  });

  it('manages webhook subscriptions', async () => {
    const subscription = await client.webhookSubscriptions.create({
      event_type: 'person_updated',
      callback_url: 'https://hooks.example.test/salesloft',
      callback_token: 'token-1234',
    });
    expect(subscription).toMatchObject({ enabled: true, event_type: 'person_updated' });
    const disabled = await client.webhookSubscriptions.update(subscription.id, { enabled: false });
    expect(disabled.enabled).toBe(false);
    expect(
      (await client.webhookSubscriptions.list({ enabled: false }).toArray()).map((item) => item.id),
    ).toEqual([subscription.id]);
    expect((await client.webhookSubscriptions.get(subscription.id)).callback_url).toBe(
      'https://hooks.example.test/salesloft',
    );
    await client.webhookSubscriptions.delete(subscription.id);
    expect(await client.webhookSubscriptions.list().toArray()).toEqual([]);
  });
});

describe('errors', () => {
  it('maps a bad token to AuthenticationError with SalesLoft message', async () => {
    const wrong = createSalesloftClient({ apiKey: 'ak_wrong_key_value', rateLimiter: false });
    const error = await wrong.me().catch((caught) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain('Invalid Bearer token');
    expect(JSON.stringify(error)).not.toContain('ak_wrong_key_value');
    expect(error.message).not.toContain('ak_wrong_key_value');
  });

  it('maps a write with a read-only key to PermissionError', async () => {
    const readonly = createSalesloftClient({ apiKey: 'ak_readonly', rateLimiter: false });
    await expect(readonly.people.create({ email_address: 'x@y.test' })).rejects.toBeInstanceOf(
      PermissionError,
    );
  });

  it('maps an unknown record to NotFoundError', async () => {
    const error = await client.people.get(987_654).catch((caught) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.body).toEqual({ error: 'Not Found' });
  });

  it('raises ResponseValidationError when a response does not fit the schema', async () => {
    server.use(
      http.get('https://api.salesloft.com/v2/people/1.json', () => HttpResponse.json({ data: { id: 'x' } })),
    );
    await expect(client.people.get(1)).rejects.toBeInstanceOf(ResponseValidationError);
  });
});
