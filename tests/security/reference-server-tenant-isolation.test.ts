import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  startTestServer,
  type TestServer,
} from '../../examples/reference-server/src/testing/start-test-server.ts';
import { recordFigures } from '../support/figures.ts';

const ACME = 'sk_acme_0123456789abcdef';
const GLOBEX = 'sk_globex_0123456789abcdef';

interface Person {
  id: string;
  email: string;
}

interface SyncStatusBody {
  state: string;
  tenantId: string;
  initialized: boolean;
  linked: number;
  lastRun: { status: string; counts: { created: number } } | null;
}

const SEQUENCE = {
  id: 'intro',
  settings: {
    sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '24:00' },
  },
  steps: [{ type: 'email', subject: 'Hello', body: '<p>Hi!</p>' }],
};

/** Addresses of the people in a simulated Attio workspace. */
const crmAddresses = (server: TestServer, tenantId: string): string[] => {
  const simulator = server.deps.tenant(tenantId).crm?.simulator;
  if (!simulator) throw new Error(`no simulated CRM for ${tenantId}`);
  return simulator.store
    .records('people')
    .flatMap((person) =>
      (person.values.email_addresses ?? []).map((value) =>
        String((value as { email_address?: string }).email_address).toLowerCase(),
      ),
    );
};

// Acme (the vendor accounts' tenant) and Globex share one server, one storage and one queue.
// Everything Acme does through the API must stay invisible and untouchable with Globex's key.
describe('tenant isolation through the reference server API', () => {
  let server: TestServer;
  let acmePeople: Person[];
  let globexPeople: Person[];
  let probes = 0;

  const enrich = async (key: string, apolloIds: string[]) => {
    const response = await server.call(key, '/api/leads/enrich', { people: apolloIds.map((id) => ({ id })) });
    expect(response.status).toBe(200);
    return (await response.json()) as { contacts: { person: Person }[]; credits: { month: number } };
  };

  const runSync = async (key: string, name: string) => {
    expect((await server.call(key, `/api/sync/${name}/run`, { mode: 'full' })).status).toBe(202);
    return eventually(async () => {
      const body = (await (await server.call(key, `/api/sync/${name}`)).json()) as SyncStatusBody;
      return body.state !== 'running' && body.lastRun ? body : undefined;
    }, 15_000);
  };

  beforeAll(async () => {
    server = await startTestServer({
      TENANT_ID: 'acme',
      API_KEYS: `acme-ops:${ACME},globex-ops@globex:${GLOBEX}`,
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    const search = await server.call(ACME, '/api/leads/search', { limit: 6 });
    const { leads } = (await search.json()) as { leads: { apolloId: string }[] };
    const ids = leads.map((lead) => lead.apolloId);
    acmePeople = (await enrich(ACME, ids.slice(0, 3))).contacts.map((contact) => contact.person);
    expect((await server.call(ACME, '/api/sequences', SEQUENCE)).status).toBe(201);
    const enrolment = await server.call(ACME, '/api/enrollments', {
      sequenceId: 'intro',
      personId: acmePeople[0]?.id,
      mailbox: { email: 'rep@acme.example' },
    });
    expect(enrolment.status).toBe(201);
    expect((await server.call(ACME, '/api/deals', { name: 'Acme pilot', amount: 1000 })).status).toBe(201);
    await runSync(ACME, 'people');
    await runSync(ACME, 'deals');
    // Globex works on three other people.
    const globex = await enrich(GLOBEX, ids.slice(3, 6));
    expect(globex.credits.month).toBe(3);
    globexPeople = globex.contacts.map((contact) => contact.person);
  });

  afterAll(async () => {
    await server?.close();
    recordFigures('security-reference-server-tenants', { tenants: 2, probes, crossings: 0 });
  });

  it("keeps Acme's contacts and scores out of Globex's reach", async () => {
    for (const person of acmePeople) {
      probes += 1;
      expect((await server.call(GLOBEX, `/api/contacts/${person.id}/score`)).status).toBe(404);
      expect((await server.call(ACME, `/api/contacts/${person.id}/score`)).status).toBe(200);
      const exported = (await (
        await server.call(GLOBEX, '/api/privacy/export', { email: person.email })
      ).json()) as { tenantId: string; personIds: string[]; stores: Record<string, unknown[]> };
      expect(exported.tenantId).toBe('globex');
      expect(exported.personIds).toEqual([]);
      expect(Object.values(exported.stores).flat()).toEqual([]);
    }
    for (const person of globexPeople) {
      probes += 1;
      expect((await server.call(ACME, `/api/contacts/${person.id}/score`)).status).toBe(404);
    }
  });

  it("keeps Acme's sequences and enrolments apart: Globex can neither use nor see them", async () => {
    probes += 3;
    const intoAcmeSequence = await server.call(GLOBEX, '/api/enrollments', {
      sequenceId: 'intro',
      personId: globexPeople[0]?.id,
      mailbox: { email: 'rep@globex.example' },
    });
    expect(intoAcmeSequence.status).toBe(404);
    expect(((await intoAcmeSequence.json()) as { error: { code: string } }).error.code).toBe(
      'sequence_not_found',
    );
    // Globex's own "intro" is its first version, not a second version of Acme's.
    const defined = await server.call(GLOBEX, '/api/sequences', SEQUENCE);
    expect(defined.status).toBe(201);
    expect(((await defined.json()) as { version: number }).version).toBe(1);
    const acmePerson = await server.call(GLOBEX, '/api/enrollments', {
      sequenceId: 'intro',
      personId: acmePeople[0]?.id,
      mailbox: { email: 'rep@globex.example' },
    });
    expect(acmePerson.status).toBe(404);
    expect(((await acmePerson.json()) as { error: { code: string } }).error.code).toBe('contact_not_found');
    const personId = acmePeople[0]?.id as string;
    expect(await server.deps.sequences.listEnrollments({ tenantId: 'globex', personId })).toEqual([]);
    expect(await server.deps.sequences.listEnrollments({ tenantId: 'acme', personId })).toHaveLength(1);
  });

  it("keeps Acme's sync state and CRM apart from Globex's", async () => {
    probes += 4;
    const acme = (await (await server.call(ACME, '/api/sync/people')).json()) as SyncStatusBody;
    expect(acme.tenantId).toBe('acme');
    expect(acme.linked).toBeGreaterThan(0);
    const before = (await (await server.call(GLOBEX, '/api/sync/people')).json()) as SyncStatusBody;
    expect(before).toMatchObject({ tenantId: 'globex', initialized: false, linked: 0, lastRun: null });

    const globexRun = await runSync(GLOBEX, 'people');
    expect(globexRun.lastRun?.status).toBe('completed');
    const acmeCrm = crmAddresses(server, 'acme');
    const globexCrm = crmAddresses(server, 'globex');
    for (const person of acmePeople) {
      expect(acmeCrm).toContain(person.email.toLowerCase());
      expect(globexCrm).not.toContain(person.email.toLowerCase());
    }
    for (const person of globexPeople) {
      expect(globexCrm).toContain(person.email.toLowerCase());
      expect(acmeCrm).not.toContain(person.email.toLowerCase());
    }
    // Acme's sync did not move: same links as before Globex ran.
    const after = (await (await server.call(ACME, '/api/sync/people')).json()) as SyncStatusBody;
    expect(after.linked).toBe(acme.linked);
    // The deals sync of Globex never saw Acme's deal.
    const deals = await runSync(GLOBEX, 'deals');
    const globexDeals = server.deps.tenant('globex').crm?.simulator?.store.records('deals') ?? [];
    expect(deals.lastRun?.status).toBe('completed');
    expect(globexDeals.some((deal) => JSON.stringify(deal.values.name).includes('Acme pilot'))).toBe(false);
  });

  it('never takes the tenant from the request: a tenant field is refused, a tenant header ignored', async () => {
    probes += 3;
    const inBody = await server.call(GLOBEX, '/api/deals', { name: 'Sneaky', tenantId: 'acme' });
    expect(inBody.status).toBe(400);
    const inHeader = await server.call(GLOBEX, `/api/contacts/${acmePeople[0]?.id}/score`, undefined, {
      'x-tenant-id': 'acme',
      'x-salesos-tenant': 'acme',
    });
    expect(inHeader.status).toBe(404);
    const forgetAcme = await server.call(
      GLOBEX,
      '/api/privacy/forget',
      { email: acmePeople[1]?.email },
      { 'x-tenant-id': 'acme' },
    );
    expect(forgetAcme.status).toBe(200);
    expect((await server.call(ACME, `/api/contacts/${acmePeople[1]?.id}/score`)).status).toBe(200);
  });
});
