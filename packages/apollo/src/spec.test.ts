import { readFileSync } from 'node:fs';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApolloClient } from './client.ts';
import { createApolloSimulator } from './testing/index.ts';

interface SpecParameter {
  name: string;
  in: string;
}
interface SpecOperation {
  parameters?: SpecParameter[];
}
const spec = JSON.parse(
  readFileSync(new URL('../../../../shared/specs/apollo.openapi.json', import.meta.url), 'utf8'),
) as { servers: { url: string }[]; paths: Record<string, Record<string, SpecOperation>> };

const specOperations = Object.entries(spec.paths).flatMap(([template, operations]) =>
  Object.entries(operations).map(([method, operation]) => ({
    method: method.toUpperCase(),
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    query: new Set(
      (operation.parameters ?? [])
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => parameter.name),
    ),
  })),
);

const simulator = createApolloSimulator({
  seed: 8,
  people: 60,
  organizations: 20,
  contacts: 10,
  accounts: 5,
});
const server = setupServer(...simulator.handlers);
const calls: { method: string; url: URL }[] = [];
server.events.on('request:start', ({ request }) => {
  calls.push({ method: request.method, url: new URL(request.url) });
});

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

/** Wraps every namespace so the test knows which methods it drove. */
function recordingClient() {
  const client = createApolloClient({ apiKey: 'spec-key', maxRetries: 0 });
  const driven = new Set<string>();
  const all = new Set<string>();
  const namespaces = [
    'people',
    'organizations',
    'contacts',
    'accounts',
    'deals',
    'sequences',
    'tasks',
    'users',
    'emailAccounts',
    'usage',
  ] as const;
  const wrapped = Object.fromEntries(
    namespaces.map((name) => {
      const resource = client[name] as unknown as Record<string, (...args: unknown[]) => unknown>;
      for (const method of Object.keys(resource)) all.add(`${name}.${method}`);
      return [
        name,
        new Proxy(resource, {
          get(target, property: string) {
            driven.add(`${name}.${property}`);
            return target[property];
          },
        }),
      ];
    }),
  ) as unknown as Pick<typeof client, (typeof namespaces)[number]>;
  return { client: wrapped, driven, all };
}

describe('the Apollo client against apollo.openapi.json', () => {
  it('uses the documented base URL', () => {
    expect(spec.servers[0]?.url).toBe(createApolloClient({ apiKey: 'x' }).http.baseUrl);
  });

  it('only calls documented operations, with documented query parameters', async () => {
    const { client, driven, all } = recordingClient();
    const person = Array.from(simulator.store.people.values())[0]!;
    const organization = Array.from(simulator.store.organizations.values()).find(
      (item) => item.job_postings.length > 0,
    )!;

    await client.people
      .search({
        person_titles: ['sales'],
        include_similar_titles: true,
        q_keywords: 'a',
        person_locations: ['Berlin'],
        person_seniorities: ['vp'],
        organization_locations: ['Germany'],
        q_organization_domains_list: ['acme.com'],
        contact_email_status: ['verified'],
        organization_ids: ['x'],
        organization_num_employees_ranges: ['1,10'],
        revenue_range: { min: 1, max: 2 },
        currently_using_all_of_technology_uids: ['salesforce'],
        currently_using_any_of_technology_uids: ['hubspot'],
        currently_not_using_any_of_technology_uids: ['zendesk'],
        q_organization_job_titles: ['engineer'],
        organization_job_locations: ['remote'],
        organization_num_jobs_range: { min: 1, max: 5 },
        organization_job_posted_at_range: { min: '2026-01-01', max: '2026-02-01' },
        per_page: 5,
      })
      .toArray();
    await client.people.search({ per_page: 50 }).toArray({ limit: 60 });
    await client.people.enrich(
      {
        first_name: 'a',
        last_name: 'b',
        name: 'a b',
        email: person.email,
        hashed_email: 'h',
        organization_name: 'o',
        domain: 'd.com',
        id: person.id,
        linkedin_url: 'l',
      },
      {
        reveal_personal_emails: true,
        reveal_phone_number: true,
        run_waterfall_email: true,
        run_waterfall_phone: true,
        webhook_url: 'https://hooks.example',
      },
    );
    await client.people.bulkEnrich([{ email: person.email }], {
      reveal_personal_emails: true,
      reveal_phone_number: true,
      webhook_url: 'https://hooks.example',
    });
    await client.people.get(person.id);

    await client.organizations.enrich({
      domain: organization.primary_domain,
      linkedin_url: 'l',
      name: 'n',
      website: 'w',
    });
    await client.organizations.bulkEnrich([{ domain: organization.primary_domain }]);
    await client.organizations
      .search({
        q_organization_domains_list: ['acme.com'],
        organization_num_employees_ranges: ['1,10'],
        organization_locations: ['Berlin'],
        organization_not_locations: ['Paris'],
        revenue_range: { min: 1 },
        currently_using_any_of_technology_uids: ['aws'],
        q_organization_keyword_tags: ['saas'],
        q_organization_name: 'acme',
        organization_ids: ['x'],
        latest_funding_amount_range: { min: 1, max: 2 },
        total_funding_range: { min: 1, max: 2 },
        latest_funding_date_range: { min: '2020-01-01', max: '2026-01-01' },
        q_organization_job_titles: ['engineer'],
        organization_job_locations: ['remote'],
        organization_num_jobs_range: { min: 1, max: 2 },
        organization_job_posted_at_range: { min: '2026-01-01', max: '2026-02-01' },
      })
      .toArray();
    await client.organizations.get(organization.id);
    await client.organizations.jobPostings(organization.id, { per_page: 1 }).toArray();

    const contact = await client.contacts.create(
      { first_name: 'Spec', email: 'spec@example.com' },
      { run_dedupe: true },
    );
    await client.contacts.update(contact.id, { title: 'Tester' });
    await client.contacts.get(contact.id);
    await client.contacts
      .search({ q_keywords: 'spec', sort_by_field: 'contact_created_at', sort_ascending: true })
      .toArray();
    await client.contacts.bulkCreate([{ email: 'bulk@example.com' }], { run_dedupe: true });
    await client.contacts.bulkUpdate({ contact_ids: [contact.id], title: 'Lead' });

    const account = await client.accounts.create({ name: 'Spec Co', domain: 'spec.example' });
    await client.accounts.update(account.id, { phone: '1' });
    await client.accounts.get(account.id);
    await client.accounts
      .search({ q_organization_name: 'spec', sort_by_field: 'account_created_at' })
      .toArray();

    const deal = await client.deals.create({ name: 'Spec deal', amount: 1 });
    await client.deals.get(deal.id);
    await client.deals.update(deal.id, { amount: '2' });
    await client.deals.search({ sort_by_field: 'amount' }).toArray();
    await client.deals.stages();

    const [sequence] = await client.sequences.search({ q_name: 'Outbound' }).toArray();
    const mailboxes = await client.emailAccounts.list().toArray();
    await client.sequences.addContacts(sequence!.id, {
      contact_ids: [contact.id],
      send_email_from_email_account_id: mailboxes[0]!.id,
      send_email_from_email_address: 'a@b.c',
      sequence_no_email: true,
      sequence_unverified_email: true,
      sequence_job_change: true,
      sequence_active_in_other_campaigns: true,
      sequence_finished_in_other_campaigns: true,
      sequence_same_company_in_same_campaign: true,
      contacts_without_ownership_permission: true,
      add_if_in_queue: true,
      contact_verification_skipped: true,
      user_id: 'u',
      status: 'paused',
      auto_unpause_at: '2026-02-01T00:00:00Z',
    });
    await client.sequences.addContacts(sequence!.id, {
      label_names: ['vip'],
      send_email_from_email_account_id: mailboxes.map((mailbox) => mailbox.id),
    });
    await client.sequences.removeOrStop({
      emailer_campaign_ids: [sequence!.id],
      contact_ids: [contact.id],
      mode: 'stop',
    });

    const [user] = await client.users.search({ per_page: 100 }).toArray();
    await client.tasks.create({
      user_id: user!.id,
      contact_id: contact.id,
      type: 'call',
      status: 'scheduled',
      due_at: '2026-02-01T00:00:00Z',
    });
    await client.tasks
      .search({ sort_by_field: 'task_priority', open_factor_names: ['task_types'] })
      .toArray();

    await client.usage.apiUsage();
    await client.usage.creditUsage();

    expect([...all].filter((method) => !driven.has(method))).toEqual([]);

    const basePath = new URL(spec.servers[0]!.url).pathname;
    const problems: string[] = [];
    const used = new Set<string>();
    for (const call of calls) {
      const path = call.url.pathname.slice(basePath.length);
      const operation = specOperations.find(
        (candidate) => candidate.method === call.method && candidate.pattern.test(path),
      );
      if (!operation) {
        problems.push(`${call.method} ${path} is not in the spec`);
        continue;
      }
      used.add(`${operation.method} ${operation.template}`);
      for (const name of new Set(call.url.searchParams.keys())) {
        if (!operation.query.has(name))
          problems.push(`${operation.method} ${operation.template} sends undeclared "${name}"`);
      }
    }
    expect(problems).toEqual([]);
    expect(used.size).toBeGreaterThanOrEqual(33);
  });
});
