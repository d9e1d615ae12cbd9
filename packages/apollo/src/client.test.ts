import { ConfigError, createEventBus } from '@salesos/core';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApolloClient } from './client.ts';
import { createApolloSimulator } from './testing/index.ts';

const simulator = createApolloSimulator({
  seed: 11,
  people: 120,
  organizations: 30,
  contacts: 12,
  accounts: 6,
});
const server = setupServer(...simulator.handlers);
const client = createApolloClient({ apiKey: 'test-key', maxRetries: 0 });

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => simulator.clearRequests());
afterAll(() => server.close());

const firstPerson = () => Array.from(simulator.store.people.values())[0]!;

describe('createApolloClient', () => {
  it('refuses to start without an API key and names the option and the variable', () => {
    const saved = process.env.APOLLO_API_KEY;
    delete process.env.APOLLO_API_KEY;
    try {
      expect(() => createApolloClient()).toThrow(ConfigError);
      expect(() => createApolloClient()).toThrow(/apiKey.*APOLLO_API_KEY/);
    } finally {
      if (saved !== undefined) process.env.APOLLO_API_KEY = saved;
    }
  });

  it('reads the key from APOLLO_API_KEY', async () => {
    process.env.APOLLO_API_KEY = 'from-env';
    try {
      const fromEnv = createApolloClient({ maxRetries: 0 });
      await expect(fromEnv.deals.stages()).resolves.toHaveLength(6);
    } finally {
      delete process.env.APOLLO_API_KEY;
    }
  });

  it('ignores a blank APOLLO_API_KEY or APOLLO_BASE_URL and trims a key with spaces around it', async () => {
    process.env.APOLLO_API_KEY = '   ';
    process.env.APOLLO_BASE_URL = '';
    try {
      expect(() => createApolloClient()).toThrow(/apiKey.*APOLLO_API_KEY/);
      expect(createApolloClient({ apiKey: 'k' }).http.baseUrl).toBe('https://api.apollo.io/api/v1');
      process.env.APOLLO_API_KEY = ' from-env ';
      let sent: string | null = null;
      const fromEnv = createApolloClient({
        maxRetries: 0,
        fetch: async (input, init) => {
          const request = new Request(input, init);
          sent = request.headers.get('x-api-key');
          return simulator.fetch(request);
        },
      });
      await fromEnv.deals.stages();
      expect(sent).toBe('from-env');
    } finally {
      delete process.env.APOLLO_API_KEY;
      delete process.env.APOLLO_BASE_URL;
    }
  });

  it('sends the key only in x-api-key, never as a bearer token or in the query', async () => {
    const seen: Request[] = [];
    const recording = createApolloClient({
      apiKey: 'secret-key-123',
      maxRetries: 0,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        seen.push(request.clone());
        return simulator.fetch(request);
      },
    });
    await recording.deals.stages();
    const request = seen[0]!;
    expect(request.headers.get('x-api-key')).toBe('secret-key-123');
    expect(request.headers.get('authorization')).toBeNull();
    expect(request.url).not.toContain('secret-key-123');
    expect(request.headers.get('user-agent')).toMatch(/^salesos-apollo\//);
  });
  it('sends OAuth tokens from tokenProvider as a bearer token instead of a key', async () => {
    let authorization: string | null = null;
    const oauth = createApolloClient({
      tokenProvider: () => 'oauth-token-1',
      maxRetries: 0,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        authorization = request.headers.get('authorization');
        return Response.json({ opportunity_stages: [] });
      },
    });
    await expect(oauth.deals.stages()).resolves.toEqual([]);
    expect(authorization).toBe('Bearer oauth-token-1');
  });
});

describe('client.people', () => {
  it('search walks every page of People API Search with the filters in the query', async () => {
    const titled = Array.from(simulator.store.people.values()).filter((person) =>
      /sales/i.test(person.title),
    );
    const found = await client.people.search({ person_titles: ['sales'], per_page: 7 }).toArray();
    expect(found.map((person) => person.id).sort()).toEqual(titled.map((person) => person.id).sort());
    expect(found[0]).toHaveProperty('last_name_obfuscated');
    const first = simulator.requests[0]!;
    expect(first.query.getAll('person_titles[]')).toEqual(['sales']);
    expect(first.query.get('per_page')).toBe('7');
    expect(simulator.requests).toHaveLength(Math.ceil(titled.length / 7));
  });

  it('search resumes from a saved cursor without repeating records', async () => {
    const all = await client.people.search({ per_page: 10 }).toArray({ limit: 25 });
    const paginator = client.people.search({ per_page: 10 });
    const head = await paginator.toArray({ limit: 13 });
    const rest = await client.people
      .search({ per_page: 10 }, { cursor: paginator.cursor })
      .toArray({ limit: 12 });
    expect([...head, ...rest].map((person) => person.id)).toEqual(all.map((person) => person.id));
  });

  it('search rejects a filter Apollo would silently ignore', () => {
    expect(() => client.people.search({ titles: ['ceo'] } as never)).toThrow(/no filter "titles"/);
    expect(() => client.people.search({ per_page: 250 })).toThrow(/per_page/);
  });

  it('enrich finds a person by email and says null for no match', async () => {
    const person = firstPerson();
    const hit = await client.people.enrich({ email: person.email });
    expect(hit.person?.id).toBe(person.id);
    expect(hit.person?.email).toBe(person.email);
    expect(hit.fromCache).toBe(false);
    const miss = await client.people.enrich({ email: 'nobody@nowhere.example' });
    expect(miss.person).toBeNull();
    expect(simulator.requests[0]?.query.get('email')).toBe(person.email);
  });

  it('enrich needs a webhook_url to reveal phone numbers', async () => {
    await expect(client.people.enrich({ email: 'a@b.c' }, { reveal_phone_number: true })).rejects.toThrow(
      /webhook_url/,
    );
    expect(simulator.requests).toHaveLength(0);
  });

  it('bulkEnrich of 35 emails makes 4 calls and answers one result per input, in order', async () => {
    const people = Array.from(simulator.store.people.values()).slice(0, 33);
    const emails = [...people.map((person) => person.email), 'ghost-1@none.example', 'ghost-2@none.example'];
    const results = await client.people.bulkEnrich(emails.map((email) => ({ email })));
    expect(simulator.requests.filter((request) => request.route === '/people/bulk_match')).toHaveLength(4);
    expect(results).toHaveLength(35);
    expect(results.slice(0, 33).map((person) => person?.email)).toEqual(people.map((person) => person.email));
    expect(results.slice(33)).toEqual([null, null]);
  });

  it('get reads a person by id', async () => {
    const person = firstPerson();
    await expect(client.people.get(person.id)).resolves.toMatchObject({ id: person.id, name: person.name });
  });
});

describe('client.organizations', () => {
  const organization = () => Array.from(simulator.store.organizations.values())[3]!;

  it('enrich uses GET with the domain', async () => {
    const { organization: found } = await client.organizations.enrich({
      domain: organization().primary_domain,
    });
    expect(found?.id).toBe(organization().id);
    expect(simulator.requests[0]).toMatchObject({ method: 'GET', route: '/organizations/enrich' });
    const { organization: none } = await client.organizations.enrich({ domain: 'no-such-company.example' });
    expect(none).toBeNull();
  });

  it('bulkEnrich splits by 10 and keeps the input order, null for misses', async () => {
    const organizations = Array.from(simulator.store.organizations.values()).slice(0, 12);
    const domains = [
      'unknown.example',
      ...organizations.map((item) => `https://www.${item.primary_domain}/about`),
    ];
    const results = await client.organizations.bulkEnrich(domains.map((domain) => ({ domain })));
    expect(
      simulator.requests.filter((request) => request.route === '/organizations/bulk_enrich'),
    ).toHaveLength(2);
    expect(results[0]).toBeNull();
    expect(results.slice(1).map((item) => item?.id)).toEqual(organizations.map((item) => item.id));
  });

  it('search pages through accounts and organizations', async () => {
    const large = Array.from(simulator.store.organizations.values()).filter(
      (item) => item.estimated_num_employees >= 100,
    );
    const found = await client.organizations
      .search({ organization_num_employees_ranges: ['100,1000000'], per_page: 5 })
      .toArray();
    expect(found.map((item) => item.id).sort()).toEqual(large.map((item) => item.id).sort());
  });

  it('get and jobPostings read an organization by id', async () => {
    const withJobs = Array.from(simulator.store.organizations.values()).find(
      (item) => item.job_postings.length > 1,
    )!;
    await expect(client.organizations.get(withJobs.id)).resolves.toMatchObject({ id: withJobs.id });
    const postings = await client.organizations.jobPostings(withJobs.id, { per_page: 1 }).toArray();
    expect(postings.map((posting) => posting.id)).toEqual(withJobs.job_postings.map((posting) => posting.id));
  });
});

describe('client.contacts', () => {
  it('creates, updates, reads and searches contacts', async () => {
    const created = await client.contacts.create({
      first_name: 'Nia',
      last_name: 'Okoro',
      email: 'nia@okoro.example',
    });
    expect(created).toMatchObject({ first_name: 'Nia', email: 'nia@okoro.example' });
    const updated = await client.contacts.update(created.id, { title: 'CFO' });
    expect(updated.title).toBe('CFO');
    await expect(client.contacts.get(created.id)).resolves.toMatchObject({ title: 'CFO', name: 'Nia Okoro' });
    const found = await client.contacts.search({ q_keywords: 'okoro' }).toArray();
    expect(found.map((contact) => contact.id)).toEqual([created.id]);
  });

  it('run_dedupe matches an existing contact instead of creating another', async () => {
    const first = await client.contacts.create({ email: 'dedupe@example.com' });
    const second = await client.contacts.create({ email: 'dedupe@example.com' }, { run_dedupe: true });
    expect(second.id).toBe(first.id);
  });

  it('bulkCreate reports existing contacts and bulkUpdate changes several at once', async () => {
    const result = await client.contacts.bulkCreate([
      { first_name: 'Ola', email: 'ola@bulk.example' },
      { first_name: 'Per', email: 'dedupe@example.com' },
    ]);
    expect(result.created_contacts.map((contact) => contact.email)).toEqual(['ola@bulk.example']);
    expect(result.existing_contacts.map((contact) => contact.email)).toEqual(['dedupe@example.com']);
    const ids = [...result.created_contacts, ...result.existing_contacts].map((contact) => contact.id);
    const updated = await client.contacts.bulkUpdate({ contact_ids: ids, title: 'Buyer' });
    expect(updated.contacts.map((contact) => contact.title)).toEqual(['Buyer', 'Buyer']);
    await expect(client.contacts.bulkCreate(Array.from({ length: 101 }, () => ({})))).rejects.toThrow(
      /at most 100/,
    );
  });
});

describe('client.accounts', () => {
  it('creates, updates, reads and searches accounts', async () => {
    const account = await client.accounts.create({ name: 'Zeta Widgets', domain: 'zeta-widgets.example' });
    await client.accounts.update(account.id, { phone: '555-0100' });
    await expect(client.accounts.get(account.id)).resolves.toMatchObject({ phone: '555-0100' });
    const found = await client.accounts.search({ q_organization_name: 'zeta' }).toArray();
    expect(found.map((item) => item.id)).toEqual([account.id]);
    await expect(client.accounts.create({})).rejects.toThrow(/name.*domain/);
  });
});

describe('client.deals', () => {
  it('creates a deal with the amount sent as a string, then updates, reads and searches it', async () => {
    const seen: unknown[] = [];
    const recording = createApolloClient({
      apiKey: 'k',
      maxRetries: 0,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        if (request.method === 'POST') seen.push(await request.clone().json());
        return simulator.fetch(request);
      },
    });
    const stages = await recording.deals.stages();
    const deal = await recording.deals.create({ name: 'Pilot', amount: 12500, closed_date: '2026-06-30' });
    expect(seen[0]).toMatchObject({ name: 'Pilot', amount: '12500' });
    const won = stages.find((stage) => stage.is_won)!;
    const updated = await recording.deals.update(deal.id, { opportunity_stage_id: won.id });
    expect(updated.is_won).toBe(true);
    await expect(recording.deals.get(deal.id)).resolves.toMatchObject({ name: 'Pilot', amount: 12500 });
    const all = await recording.deals.search({ sort_by_field: 'amount' }).toArray();
    expect(all.map((item) => item.id)).toContain(deal.id);
    await expect(recording.deals.create({ name: 'Bad', closed_date: '30/06/2026' })).rejects.toThrow(
      /YYYY-MM-DD/,
    );
  });
});

describe('client.sequences', () => {
  it('adds contacts with the required sending mailbox and removes them again', async () => {
    const [sequence] = await client.sequences.search({ q_name: 'Outbound' }).toArray();
    const [mailbox] = await client.emailAccounts.list().toArray();
    const contact = Array.from(simulator.store.contacts.values())[0]!;
    const result = await client.sequences.addContacts(sequence!.id, {
      contact_ids: [contact.id, 'ffffffffffffffffffffffff'],
      send_email_from_email_account_id: mailbox!.id,
    });
    expect(result.contacts.map((item) => item.id)).toEqual([contact.id]);
    expect(result.skipped_contact_ids).toEqual({ ffffffffffffffffffffffff: 'contact_not_found' });
    const request = simulator.requests.at(-1)!;
    expect(request.query.get('emailer_campaign_id')).toBe(sequence!.id);
    expect(request.query.get('send_email_from_email_account_id')).toBe(mailbox!.id);
    expect(simulator.store.sequences.get(sequence!.id)?.contact_statuses[contact.id]).toBe('active');

    await client.sequences.removeOrStop({
      emailer_campaign_ids: [sequence!.id],
      contact_ids: [contact.id],
      mode: 'remove',
    });
    expect(simulator.store.sequences.get(sequence!.id)?.contact_statuses[contact.id]).toBeUndefined();
  });

  it('refuses to add contacts without a sending mailbox', async () => {
    await expect(
      client.sequences.addContacts('66e9e215ece19801b219997f', { contact_ids: ['x'] } as never),
    ).rejects.toThrow(/send_email_from_email_account_id/);
    expect(simulator.requests).toHaveLength(0);
  });
});

describe('client.tasks, users, emailAccounts and usage', () => {
  it('creates and searches tasks', async () => {
    const [user] = await client.users.search().toArray();
    const contact = Array.from(simulator.store.contacts.values())[1]!;
    const task = await client.tasks.create({
      user_id: user!.id,
      contact_id: contact.id,
      type: 'call',
      status: 'scheduled',
      due_at: '2026-02-01T09:00:00.000Z',
      priority: 'high',
    });
    expect(task).toMatchObject({ type: 'call', priority: 'high' });
    const tasks = await client.tasks.search({ sort_by_field: 'task_due_at' }).toArray();
    expect(tasks.map((item) => item.id)).toContain(task.id);
  });

  it('users.search reads the page numbers Apollo sends as strings', async () => {
    const users = await client.users.search({ per_page: 2 }).toArray();
    expect(users).toHaveLength(3);
    expect(simulator.requests.filter((request) => request.route === '/users/search')).toHaveLength(2);
  });

  it('reports API and credit usage', async () => {
    const events = createEventBus();
    const credits = await createApolloClient({ apiKey: 'k', events }).usage.creditUsage();
    expect(credits.credit_usage_stats.lead_credit?.consumed).toBe(simulator.store.credits.consumed);
    const stats = await client.usage.apiUsage();
    expect(stats['["api/v1/people", "match"]']?.minute?.limit).toBe(600);
  });
});
