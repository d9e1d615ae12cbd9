import { readFileSync } from 'node:fs';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSalesloftClient, type SalesloftClient } from './client.ts';
import type { IterateUpdatedOptions } from './internal/iterate-updated.ts';
import type { SalesloftAccountsIterateOptions, SalesloftAccountsListParams } from './resources/accounts.ts';
import type { SalesloftCallsListParams, SalesloftEmailsListParams } from './resources/activities.ts';
import type { SalesloftCadenceMembershipsListParams } from './resources/cadence-memberships.ts';
import type { SalesloftCadencesListParams } from './resources/cadences.ts';
import type { SalesloftNotesListParams } from './resources/notes.ts';
import type { SalesloftPeopleIterateOptions, SalesloftPeopleListParams } from './resources/people.ts';
import type { SalesloftListParams } from './resources/resource-context.ts';
import type { SalesloftStepsListParams } from './resources/steps.ts';
import type { SalesloftTasksListParams } from './resources/tasks.ts';
import type { SalesloftUsersListParams } from './resources/users.ts';
import type { SalesloftWebhookSubscriptionsListParams } from './resources/webhook-subscriptions.ts';
import { createSalesloftSimulator, type SalesloftSimulator } from './testing/index.ts';

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

/** Our own options, not SalesLoft's: they never go on the wire. */
type OwnOptions = 'cursor' | 'signal';
/** Every parameter a list or iterate call types, none left out: a filter added to the type but not here fails the typecheck. */
type EveryParameter<Params> = Required<Omit<Params, OwnOptions>>;
/** The filters a list shares with its `iterate`: all but paging, `updated_at` and `sort_by`. */
type EveryIterateFilter<Params> = Required<
  Omit<Params, keyof SalesloftListParams | 'updated_at' | 'sort_by'>
>;

/** Members of the client that are not API namespaces. */
const NOT_NAMESPACES = new Set(['http', 'rateLimiter']);

/**
 * Walks the client's namespaces (nested ones too: `activities.emails`) and returns a copy whose
 * methods note their dotted name when called, plus the name of every method found. A method
 * added to the client is thus expected here without anyone editing a list.
 */
function recordingClient(client: SalesloftClient) {
  const every: string[] = [];
  const invoked = new Set<string>();
  const walk = (target: object, prefix: string): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(target).map(([name, member]: [string, unknown]) => {
        const path = prefix === '' ? name : `${prefix}.${name}`;
        if (prefix === '' && NOT_NAMESPACES.has(name)) return [name, member];
        if (typeof member === 'function') {
          every.push(path);
          const wrapped = (...args: unknown[]) => {
            invoked.add(path);
            return Reflect.apply(member, target, args);
          };
          return [name, wrapped];
        }
        if (member !== null && typeof member === 'object') return [name, walk(member, path)];
        return [name, member];
      }),
    );
  return { client: walk(client, '') as unknown as SalesloftClient, every, invoked };
}

const range = { gt: '2020-01-01T00:00:00Z', lte: '2030-01-01T00:00:00Z' };
const listControls = {
  per_page: 10,
  page: 1,
  sort_direction: 'ASC',
  include_paging_counts: true,
  limit_paging_counts: true,
} as const satisfies EveryParameter<SalesloftListParams>;
const iterateControls = {
  since: '2020-01-01T00:00:00Z',
  until: '2030-01-01T00:00:00Z',
  overlapMs: 500,
  per_page: 10,
} as const satisfies EveryParameter<IterateUpdatedOptions>;

const peopleFilters = {
  ids: [1, 2],
  email_addresses: ['a@b.test'],
  account_id: [1],
  cadence_id: [1],
  owner_id: [1],
  owned_by_guid: ['guid-1'],
  crm_id: ['x'],
  owner_crm_id: ['y'],
  person_stage_id: [1],
  tag_id: [1],
  import_id: [1],
  job_seniority: ['manager'],
  title: ['VP Sales'],
  country: ['US'],
  state: ['CA'],
  city: ['Oakland'],
  locales: ['en-US'],
  do_not_contact: false,
  can_email: true,
  can_call: true,
  can_text: false,
  owner_is_active: true,
  replied: false,
  bounced: false,
  success: false,
  eu_resident: false,
  new: false,
  phone_number: true,
  created_at: range,
  last_contacted: { gte: '2020-01-01T00:00:00Z' },
  custom_fields: { Region: 'EMEA' },
} as const satisfies EveryIterateFilter<SalesloftPeopleListParams>;

const accountsFilters = {
  ids: [1],
  domain: 'spec.test',
  name: ['Spec Inc'],
  website: ['https://spec.test'],
  crm_id: ['x'],
  owner_crm_id: ['y'],
  tag: ['vip'],
  tag_id: [1],
  account_stage_id: [1],
  account_tier_id: [1],
  owner_id: [1],
  industry: ['Testing'],
  country: ['US'],
  state: ['CA'],
  city: ['Oakland'],
  locales: ['en-US'],
  archived: false,
  owner_is_active: true,
  created_at: range,
  last_contacted: { lt: '2030-01-01T00:00:00Z' },
  custom_fields: { Region: 'EMEA' },
  user_relationships: { 'Account Executive': 'Sam' },
} as const satisfies EveryIterateFilter<SalesloftAccountsListParams>;

const cadencesFilters = {
  ids: [1],
  name: ['x'],
  owned_by_guid: ['guid-1'],
  group_ids: [1],
  team_cadence: false,
  shared: true,
  people_addable: true,
  archived: false,
} as const satisfies EveryIterateFilter<SalesloftCadencesListParams>;

const emailsFilters = {
  ids: [1],
  person_id: [1],
  user_id: [1],
  cadence_id: [1],
  step_id: [1],
  action_id: [1],
  crm_activity_id: [1],
  status: ['sent'],
  email_addresses: ['a@b.test'],
  personalization: ['0'],
  scoped_fields: ['subject'],
  bounced: false,
  one_off: false,
  sent_at: range,
} as const satisfies EveryIterateFilter<SalesloftEmailsListParams>;

const callsFilters = {
  ids: [1],
  person_id: [1],
  user_guid: ['guid-1'],
  sentiment: ['x'],
  disposition: ['y'],
  created_at: range,
} as const satisfies EveryIterateFilter<SalesloftCallsListParams>;

/** A call made with every filter of its type, and the requests it made: each filter must be in their query. */
interface SentFilters {
  method: string;
  names: string[];
  requests: SalesloftSimulator['requests'];
}

/**
 * Calls every method the walk finds at least once, each list and iterate with every filter its
 * type declares, and returns the names of the methods called and those found.
 */
async function driveEveryMethod() {
  const { client, every, invoked } = recordingClient(
    createSalesloftClient({ apiKey: 'ak_spec', rateLimiter: false, perPage: 10 }),
  );
  const sent: SentFilters[] = [];
  const sendsEvery = async (method: string, params: object, run: () => Promise<unknown>) => {
    const from = simulator.requests.length;
    await run();
    sent.push({ method, names: Object.keys(params), requests: simulator.requests.slice(from) });
  };

  const peopleList = {
    ...listControls,
    ...peopleFilters,
    updated_at: range,
    sort_by: 'updated_at',
  } as const satisfies EveryParameter<SalesloftPeopleListParams>;
  await sendsEvery('people.list', peopleList, () => client.people.list(peopleList).toArray());
  await client.people.list().toArray({ limit: 15 });
  const peopleIterate = {
    ...iterateControls,
    ...peopleFilters,
  } as const satisfies EveryParameter<SalesloftPeopleIterateOptions>;
  await sendsEvery('people.iterate', peopleFilters, () => client.people.iterate(peopleIterate).toArray());
  await client.people.iterate({ since: '2020-01-01T00:00:00Z' }).toArray({ limit: 15 });
  const person = await client.people.create({ email_address: 'spec@example.test', last_name: 'Spec' });
  await client.people.get(person.id);
  await client.people.update(person.id, { title: 'Tester' });
  await client.people.upsert({ upsert_key: 'email_address', email_address: 'spec@example.test' });

  const account = await client.accounts.create({ name: 'Spec Inc', domain: 'spec.test' });
  const accountsList = {
    ...listControls,
    ...accountsFilters,
    ids: [account.id],
    updated_at: range,
    sort_by: 'name',
  } as const satisfies EveryParameter<SalesloftAccountsListParams>;
  await sendsEvery('accounts.list', accountsList, () => client.accounts.list(accountsList).toArray());
  const accountsIterate = {
    ...iterateControls,
    ...accountsFilters,
  } as const satisfies EveryParameter<SalesloftAccountsIterateOptions>;
  await sendsEvery('accounts.iterate', accountsFilters, () =>
    client.accounts.iterate(accountsIterate).toArray(),
  );
  await client.accounts.get(account.id);
  await client.accounts.update(account.id, { industry: 'Testing' });
  await client.accounts.upsert({ upsert_key: 'domain', domain: 'spec.test', name: 'Spec Inc' });

  const cadencesList = {
    ...listControls,
    ...cadencesFilters,
    updated_at: range,
    sort_by: 'name',
  } as const satisfies EveryParameter<SalesloftCadencesListParams>;
  await sendsEvery('cadences.list', cadencesList, () => client.cadences.list(cadencesList).toArray());
  await client.cadences.list().toArray();
  await sendsEvery('cadences.iterate', cadencesFilters, () =>
    client.cadences.iterate({ ...iterateControls, ...cadencesFilters }).toArray(),
  );
  await client.cadences.get(1);

  const membership = await client.cadenceMemberships.create({
    person_id: person.id,
    cadence_id: 1,
    user_id: 1,
    step_id: 1,
  });
  const membershipsFilters = {
    ids: [membership.id],
    person_id: person.id,
    cadence_id: 1,
    currently_on_cadence: true,
  } as const satisfies EveryIterateFilter<SalesloftCadenceMembershipsListParams>;
  const membershipsList = {
    ...listControls,
    ...membershipsFilters,
    updated_at: range,
    sort_by: 'added_at',
  } as const satisfies EveryParameter<SalesloftCadenceMembershipsListParams>;
  await sendsEvery('cadenceMemberships.list', membershipsList, () =>
    client.cadenceMemberships.list(membershipsList).toArray(),
  );
  await sendsEvery('cadenceMemberships.iterate', membershipsFilters, () =>
    client.cadenceMemberships.iterate({ ...iterateControls, ...membershipsFilters }).toArray(),
  );
  await client.cadenceMemberships.get(membership.id);
  await client.cadenceMemberships.delete(membership.id);

  const stepsList = {
    ...listControls,
    ids: [1],
    cadence_id: 1,
    type: 'email',
    has_due_actions: false,
    sort_by: 'updated_at',
  } as const satisfies EveryParameter<SalesloftStepsListParams>;
  await sendsEvery('steps.list', stepsList, () => client.steps.list(stepsList).toArray());
  await client.steps.get(1);

  // `/v2/users` takes no `limit_paging_counts`.
  const { limit_paging_counts: _notForUsers, ...usersControls } = listControls;
  const usersList = {
    ...usersControls,
    ids: [1],
    guid: ['g'],
    group_id: [1],
    role_id: ['admin'],
    work_country: ['US'],
    search: 'sam',
    active: true,
    visible_only: true,
    has_crm_user: false,
    sort_by: 'name',
  } as const satisfies EveryParameter<SalesloftUsersListParams>;
  await sendsEvery('users.list', usersList, () => client.users.list(usersList).toArray());
  await client.users.get(1);
  await client.users.me();
  await client.me();

  const note = await client.notes.create({
    content: 'n',
    associated_with_type: 'person',
    associated_with_id: person.id,
  });
  const notesFilters = {
    ids: [note.id],
    associated_with_type: 'person',
    associated_with_id: person.id,
  } as const satisfies EveryIterateFilter<SalesloftNotesListParams>;
  const notesList = {
    ...listControls,
    ...notesFilters,
    updated_at: range,
    sort_by: 'created_at',
  } as const satisfies EveryParameter<SalesloftNotesListParams>;
  await sendsEvery('notes.list', notesList, () => client.notes.list(notesList).toArray());
  await sendsEvery('notes.iterate', notesFilters, () =>
    client.notes.iterate({ ...iterateControls, ...notesFilters }).toArray(),
  );
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
  const tasksList = {
    ...listControls,
    ids: [task.id],
    user_id: [1],
    person_id: [person.id],
    account_id: [1],
    current_state: ['scheduled'],
    task_type: ['general'],
    time_interval_filter: 'today',
    idempotency_key: 'spec-task',
    locale: ['en-US'],
    sort_by: 'due_date',
  } as const satisfies EveryParameter<SalesloftTasksListParams>;
  await sendsEvery('tasks.list', tasksList, () => client.tasks.list(tasksList).toArray());
  await client.tasks.get(task.id);
  await client.tasks.update(task.id, { current_state: 'completed' });

  const emailsList = {
    ...listControls,
    ...emailsFilters,
    updated_at: range,
    sort_by: 'send_time',
  } as const satisfies EveryParameter<SalesloftEmailsListParams>;
  await sendsEvery('activities.emails.list', emailsList, () =>
    client.activities.emails.list(emailsList).toArray(),
  );
  await sendsEvery('activities.emails.iterate', emailsFilters, () =>
    client.activities.emails.iterate({ ...iterateControls, ...emailsFilters }).toArray(),
  );
  await client.activities.emails.get(1);
  const callsList = {
    ...listControls,
    ...callsFilters,
    updated_at: range,
    sort_by: 'created_at',
  } as const satisfies EveryParameter<SalesloftCallsListParams>;
  await sendsEvery('activities.calls.list', callsList, () =>
    client.activities.calls.list(callsList).toArray(),
  );
  await sendsEvery('activities.calls.iterate', callsFilters, () =>
    client.activities.calls.iterate({ ...iterateControls, ...callsFilters }).toArray(),
  );
  await client.activities.calls.get(1);

  const subscription = await client.webhookSubscriptions.create({
    event_type: 'person_updated',
    callback_url: 'https://hooks.example.test',
    callback_token: 'spec-token',
  });
  const subscriptionsList = {
    enabled: true,
  } as const satisfies EveryParameter<SalesloftWebhookSubscriptionsListParams>;
  await sendsEvery('webhookSubscriptions.list', subscriptionsList, () =>
    client.webhookSubscriptions.list(subscriptionsList).toArray(),
  );
  await client.webhookSubscriptions.get(subscription.id);
  await client.webhookSubscriptions.update(subscription.id, { enabled: false });
  await client.webhookSubscriptions.delete(subscription.id);
  await client.people.delete(person.id);
  await client.accounts.delete(account.id);
  return { every, invoked, sent };
}

describe('the SalesLoft OpenAPI document', () => {
  it('declares every method, path and query parameter the client sends, and every client method is driven', async () => {
    const before = simulator.requests.length;
    const { every, invoked, sent } = await driveEveryMethod();
    const calls = simulator.requests.slice(before);

    // The walk reaches nested namespaces and the client's own methods.
    expect(every).toEqual(expect.arrayContaining(['me', 'people.list', 'activities.emails.list']));
    expect(every.filter((method) => !invoked.has(method))).toEqual([]);

    const problems: string[] = [];
    for (const call of calls) {
      const template = templateOf(call.path);
      const operation = template ? spec.paths[template]?.[call.method.toLowerCase()] : undefined;
      if (!template || !operation) {
        problems.push(`${call.method} ${call.path} is not in the spec`);
        continue;
      }
      const declared = new Set(
        (operation.parameters ?? [])
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => parameter.name),
      );
      for (const key of new Set(call.query.keys())) {
        if (!declared.has(parameterName(key)))
          problems.push(`${call.method} ${template} sends undeclared "${key}"`);
      }
      if (call.status >= 400) problems.push(`${call.method} ${call.path} answered ${call.status}`);
    }
    expect(problems).toEqual([]);

    // Every typed filter reached the wire, so the check above saw its spelling.
    const dropped = sent.flatMap(({ method, names, requests }) => {
      const onWire = new Set(requests.flatMap((call) => [...call.query.keys()].map(parameterName)));
      return names.filter((name) => !onWire.has(name)).map((name) => `${method} did not send "${name}"`);
    });
    expect(dropped).toEqual([]);
  });
});
