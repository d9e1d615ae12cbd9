import { readFileSync } from 'node:fs';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesloftClient } from './client.ts';
import { createSalesloftSimulator } from './testing/index.ts';

interface SpecParameter {
  name: string;
  in: string;
}
interface SpecDocument {
  paths: Record<string, Record<string, { parameters?: SpecParameter[] }>>;
}

const spec = JSON.parse(
  readFileSync(new URL('../../../../shared/specs/salesloft.openapi.json', import.meta.url), 'utf8'),
) as SpecDocument;

const templates = Object.keys(spec.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** The spec's path template matching a requested path, if any. */
const templateOf = (path: string) => templates.find((candidate) => candidate.pattern.test(path))?.template;

/** `ids[]`, `updated_at[gt]` and `custom_fields[name]` are all the parameter `ids`, `updated_at`, `custom_fields`. */
const parameterName = (key: string) => key.replace(/\[.*$/, '');

const simulator = createSalesloftSimulator({ seed: 13, people: 30 });
const server = setupServer(...simulator.handlers);
beforeAll(() => server.listen());
afterAll(() => server.close());

/** Calls every method of every namespace once, with the filters each list accepts. */
async function driveEveryMethod() {
  const client = createSalesloftClient({ apiKey: 'ak_spec', rateLimiter: false, perPage: 10 });
  const range = { gt: '2020-01-01T00:00:00Z', lte: '2030-01-01T00:00:00Z' };
  await client.people
    .list({
      ids: [1, 2],
      email_addresses: ['a@b.test'],
      account_id: [1],
      cadence_id: [1],
      owner_id: [1],
      crm_id: ['x'],
      person_stage_id: [1],
      job_seniority: ['manager'],
      do_not_contact: false,
      updated_at: range,
      created_at: range,
      last_contacted: { gte: '2020-01-01T00:00:00Z' },
      custom_fields: { Region: 'EMEA' },
      sort_by: 'updated_at',
      sort_direction: 'ASC',
      include_paging_counts: true,
      limit_paging_counts: true,
    })
    .toArray();
  await client.people.list().toArray({ limit: 15 });
  await client.people.iterate({ since: '2020-01-01T00:00:00Z', account_id: [1] }).toArray({ limit: 15 });
  const person = await client.people.create({ email_address: 'spec@example.test', last_name: 'Spec' });
  await client.people.get(person.id);
  await client.people.update(person.id, { title: 'Tester' });
  await client.people.upsert({ upsert_key: 'email_address', email_address: 'spec@example.test' });
  const account = await client.accounts.create({ name: 'Spec Inc', domain: 'spec.test' });
  await client.accounts
    .list({
      ids: [account.id],
      domain: 'spec.test',
      name: ['Spec Inc'],
      website: ['https://spec.test'],
      archived: false,
      updated_at: range,
      created_at: range,
      sort_by: 'name',
    })
    .toArray();
  await client.accounts.iterate().toArray();
  await client.accounts.get(account.id);
  await client.accounts.update(account.id, { industry: 'Testing' });
  await client.accounts.upsert({ upsert_key: 'domain', domain: 'spec.test', name: 'Spec Inc' });
  const cadences = await client.cadences
    .list({ ids: [1], name: ['x'], team_cadence: false, shared: true, archived: false, updated_at: range })
    .toArray();
  await client.cadences.list().toArray();
  await client.cadences.iterate().toArray();
  await client.cadences.get(1);
  expect(cadences).toBeDefined();
  const membership = await client.cadenceMemberships.create({
    person_id: person.id,
    cadence_id: 1,
    user_id: 1,
    step_id: 1,
  });
  await client.cadenceMemberships
    .list({
      ids: [membership.id],
      person_id: person.id,
      cadence_id: 1,
      currently_on_cadence: true,
      updated_at: range,
    })
    .toArray();
  await client.cadenceMemberships.iterate().toArray();
  await client.cadenceMemberships.get(membership.id);
  await client.cadenceMemberships.delete(membership.id);
  await client.steps.list({ ids: [1], cadence_id: 1, type: 'email', has_due_actions: false }).toArray();
  await client.steps.get(1);
  await client.users.list({ ids: [1], guid: ['g'], active: true, search: 'sam', sort_by: 'name' }).toArray();
  await client.users.get(1);
  await client.users.me();
  await client.me();
  const note = await client.notes.create({
    content: 'n',
    associated_with_type: 'person',
    associated_with_id: person.id,
  });
  await client.notes
    .list({
      ids: [note.id],
      associated_with_type: 'person',
      associated_with_id: person.id,
      updated_at: range,
    })
    .toArray();
  await client.notes.iterate().toArray();
  await client.notes.get(note.id);
  await client.notes.update(note.id, { content: 'm' });
  await client.notes.delete(note.id);
  const task = await client.tasks.create({
    subject: 's',
    person_id: person.id,
    user_id: 1,
    task_type: 'general',
    due_date: '2026-01-01',
    idempotency_key: 'spec-task',
  });
  await client.tasks
    .list({
      ids: [task.id],
      user_id: [1],
      person_id: [person.id],
      account_id: [1],
      current_state: ['scheduled'],
      task_type: ['general'],
      idempotency_key: 'spec-task',
      sort_by: 'due_date',
    })
    .toArray();
  await client.tasks.get(task.id);
  await client.tasks.update(task.id, { current_state: 'completed' });
  await client.activities.emails
    .list({ ids: [1], person_id: [1], status: ['sent'], bounced: false, updated_at: range, sent_at: range })
    .toArray();
  await client.activities.emails.iterate().toArray();
  await client.activities.emails.get(1);
  await client.activities.calls
    .list({
      ids: [1],
      person_id: [1],
      sentiment: ['x'],
      disposition: ['y'],
      updated_at: range,
      created_at: range,
    })
    .toArray();
  await client.activities.calls.iterate().toArray();
  await client.activities.calls.get(1);
  const subscription = await client.webhookSubscriptions.create({
    event_type: 'person_updated',
    callback_url: 'https://hooks.example.test',
    callback_token: 'spec-token',
  });
  await client.webhookSubscriptions.list({ enabled: true }).toArray();
  await client.webhookSubscriptions.get(subscription.id);
  await client.webhookSubscriptions.update(subscription.id, { enabled: false });
  await client.webhookSubscriptions.delete(subscription.id);
  await client.people.delete(person.id);
  await client.accounts.delete(account.id);
}

describe('the SalesLoft OpenAPI document', () => {
  it('declares every method, path and query parameter the client sends', async () => {
    const before = simulator.requests.length;
    await driveEveryMethod();
    const calls = simulator.requests.slice(before);
    const problems: string[] = [];
    const covered = new Set<string>();
    for (const call of calls) {
      const template = templateOf(call.path);
      const operation = template ? spec.paths[template]?.[call.method.toLowerCase()] : undefined;
      if (!template || !operation) {
        problems.push(`${call.method} ${call.path} is not in the spec`);
        continue;
      }
      covered.add(`${call.method} ${template}`);
      const declared = new Set(
        (operation.parameters ?? [])
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => parameter.name),
      );
      for (const key of new Set(call.query.keys())) {
        if (!declared.has(parameterName(key)))
          problems.push(`${call.method} ${template} sends undeclared "${key}"`);
      }
    }
    expect(problems).toEqual([]);
    expect(calls.every((call) => call.status < 400)).toBe(true);
    // Every namespace method was exercised: 41 distinct operations.
    expect([...covered].sort()).toEqual(
      [
        'DELETE /v2/accounts/{id}.json',
        'DELETE /v2/cadence_memberships/{id}.json',
        'DELETE /v2/notes/{id}.json',
        'DELETE /v2/people/{id}.json',
        'DELETE /v2/webhook_subscriptions/{id}',
        'GET /v2/accounts.json',
        'GET /v2/accounts/{id}.json',
        'GET /v2/activities/calls.json',
        'GET /v2/activities/calls/{id}.json',
        'GET /v2/activities/emails.json',
        'GET /v2/activities/emails/{id}.json',
        'GET /v2/cadence_memberships.json',
        'GET /v2/cadence_memberships/{id}.json',
        'GET /v2/cadences.json',
        'GET /v2/cadences/{id}.json',
        'GET /v2/me.json',
        'GET /v2/notes.json',
        'GET /v2/notes/{id}.json',
        'GET /v2/people.json',
        'GET /v2/people/{id}.json',
        'GET /v2/steps.json',
        'GET /v2/steps/{id}.json',
        'GET /v2/tasks.json',
        'GET /v2/tasks/{id}.json',
        'GET /v2/users.json',
        'GET /v2/users/{id}.json',
        'GET /v2/webhook_subscriptions',
        'GET /v2/webhook_subscriptions/{id}',
        'POST /v2/account_upserts.json',
        'POST /v2/accounts.json',
        'POST /v2/cadence_memberships.json',
        'POST /v2/notes.json',
        'POST /v2/people.json',
        'POST /v2/person_upserts.json',
        'POST /v2/tasks.json',
        'POST /v2/webhook_subscriptions',
        'PUT /v2/accounts/{id}.json',
        'PUT /v2/notes/{id}.json',
        'PUT /v2/people/{id}.json',
        'PUT /v2/tasks/{id}.json',
        'PUT /v2/webhook_subscriptions/{id}',
      ].sort(),
    );
  });
});
