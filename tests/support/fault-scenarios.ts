// The fault-injection scenarios, shared by tests/reliability/fault-injection.test.ts (time-scaled)
// and bench/load.bench.ts (full-length latency spikes): each walks a vendor's listing, its
// connector's change feed and a round of upserts against a simulator, with or without faults.
import { createApolloClient, createApolloConnector } from '@salesos/apollo';
import { createApolloSimulator } from '@salesos/apollo/testing';
import { createAttioClient, createAttioConnector, decodeRecord } from '@salesos/attio';
import { createAttioSimulator } from '@salesos/attio/testing';
import { createMemoryStorage, type Person } from '@salesos/core';
import {
  createTestClock,
  type FaultOptions,
  type FaultStats,
  listenFetchHandler,
} from '@salesos/core/testing';
import { createSalesloftClient, createSalesloftConnector } from '@salesos/salesloft';
import { createSalesloftSimulator } from '@salesos/salesloft/testing';
import { type ConvergeTally, changesToEnd, untilDone, walkToEnd } from './converge.ts';
import { withLostResponses } from './lost-responses.ts';
import { createScaledClock } from './scaled-clock.ts';

/** How fast time runs in a fault scenario. */
export interface FaultTiming {
  /** Length of a latency spike, in real milliseconds (the figure is 500). */
  spikeMs: number;
  /**
   * How many times faster than the wall the clients' clock runs (backoffs, Retry-After,
   * rate-limit pauses, breaker cooldowns); 1 is real time.
   */
  clockScale: number;
}

/** The fault mix: 10 % 5xx, 5 % connection resets, 429 bursts, latency spikes. */
export const faultsWith = (timing: FaultTiming): FaultOptions => ({
  seed: 12,
  errorRate: 0.1,
  resetRate: 0.05,
  rateLimitBurstRate: 0.02,
  burstLength: 3,
  spikeRate: 0.05,
  spikeMs: timing.spikeMs,
});
// Writes that are applied and then lose their response: retried carelessly, they duplicate.
export const LOST_RESPONSE_RATE = 0.05;
/** Records each simulator starts with. */
export const SEEDED = 300;
/** People each scenario upserts (then updates every other one). */
export const NEW_PEOPLE = 40;
const START = Date.parse('2026-03-02T09:00:00Z');

/** What a scenario run leaves and what it met. */
export interface RunResult {
  walked: string[];
  changes: [string, unknown][];
  stored: Record<string, unknown>[];
  tally: ConvergeTally;
  faults: FaultStats | undefined;
  lost: number;
}

const newPerson = (index: number): Partial<Person> => ({
  email: `new${String(index).padStart(3, '0')}@fault.test`,
  firstName: `New${index}`,
  lastName: 'Prospect',
  title: index % 2 === 0 ? 'VP Sales' : 'Chief Technology Officer',
});

/** Upserts the new people by email, then changes the title of every other one. */
async function upsertPeople(
  upsert: (record: Partial<Person>) => Promise<unknown>,
  clock: ReturnType<typeof createScaledClock>,
  tally: ConvergeTally,
) {
  for (let index = 0; index < NEW_PEOPLE; index += 1) {
    await untilDone(() => upsert(newPerson(index)), clock, tally);
  }
  for (let index = 0; index < NEW_PEOPLE; index += 2) {
    await untilDone(() => upsert({ email: newPerson(index).email, title: 'Head of Revenue' }), clock, tally);
  }
}

const sortedChanges = (changes: Map<string, unknown>) =>
  [...changes.entries()].sort(([left], [right]) => left.localeCompare(right));

export async function salesloftRun(faulty: boolean, timing: FaultTiming): Promise<RunResult> {
  const simulator = createSalesloftSimulator({
    seed: 11,
    people: SEEDED,
    accounts: 30,
    clock: createTestClock(START),
    budget: 1_000_000,
    ...(faulty ? { faults: faultsWith(timing) } : {}),
  });
  const handler = withLostResponses(simulator.fetch, { rate: faulty ? LOST_RESPONSE_RATE : 0 });
  const server = await listenFetchHandler(handler);
  const clock = createScaledClock(timing.clockScale);
  const client = createSalesloftClient({
    apiKey: 'ak_fault',
    baseUrl: `${server.url}/v2`,
    maxRetries: 6,
    clock,
  });
  const people = createSalesloftConnector(client).entities.person;
  const tally: ConvergeTally = { retried: 0, resumed: 0 };
  try {
    const walked = await walkToEnd(
      (cursor) => client.people.list({ per_page: 50, sort_by: 'created_at', sort_direction: 'ASC', cursor }),
      clock,
      tally,
    );
    const changes = await changesToEnd((since) => people.listChanges({ since }), clock, tally);
    await upsertPeople((record) => people.upsert(record, { matchBy: ['email'] }), clock, tally);
    const stored = simulator.store.people
      .all()
      .filter((person) => person.email_address?.endsWith('@fault.test'))
      .map((person) => ({
        email: person.email_address,
        firstName: person.first_name,
        lastName: person.last_name,
        title: person.title,
      }));
    return {
      walked: walked.map((person) => String(person.id)),
      changes: sortedChanges(changes),
      stored,
      tally,
      faults: simulator.faultStats,
      lost: handler.stats.lost,
    };
  } finally {
    await server.close();
  }
}

export async function attioRun(faulty: boolean, timing: FaultTiming): Promise<RunResult> {
  const simulator = createAttioSimulator({
    seed: 11,
    records: { people: SEEDED, companies: 30, deals: 0 },
    rateLimits: false,
    clock: createTestClock(START),
    ...(faulty ? { faults: faultsWith(timing) } : {}),
  });
  const handler = withLostResponses(simulator.fetch, { rate: faulty ? LOST_RESPONSE_RATE : 0 });
  const server = await listenFetchHandler(handler);
  const clock = createScaledClock(timing.clockScale);
  const client = createAttioClient({
    apiKey: 'attio-fault',
    baseUrl: `${server.url}/v2`,
    maxRetries: 6,
    clock,
  });
  const people = createAttioConnector(client, { storage: createMemoryStorage() }).entities.person;
  const tally: ConvergeTally = { retried: 0, resumed: 0 };
  try {
    const walked = await walkToEnd(
      (cursor) => client.records.query('people', { limit: 50, cursor }),
      clock,
      tally,
    );
    const changes = await changesToEnd((since) => people.listChanges({ since }), clock, tally);
    await upsertPeople((record) => people.upsert(record, { matchBy: ['email'] }), clock, tally);
    const stored = simulator.store
      .records('people')
      .map((record) => decodeRecord(record) as Record<string, unknown>)
      .filter((values) => JSON.stringify(values.email_addresses ?? '').includes('@fault.test'))
      .map((values) => ({ email: values.email_addresses, name: values.name, title: values.job_title }));
    return {
      walked: walked.map((record) => record.id.record_id),
      changes: sortedChanges(changes),
      stored,
      tally,
      faults: simulator.stats.faults,
      lost: handler.stats.lost,
    };
  } finally {
    await server.close();
  }
}

export async function apolloRun(faulty: boolean, timing: FaultTiming): Promise<RunResult> {
  const simulator = createApolloSimulator({
    seed: 11,
    people: SEEDED + 100,
    contacts: SEEDED,
    accounts: 30,
    rateLimits: { minute: null, hour: null, day: null },
    clock: createTestClock(START),
    ...(faulty ? { faults: faultsWith(timing) } : {}),
  });
  const handler = withLostResponses(simulator.fetch, { rate: faulty ? LOST_RESPONSE_RATE : 0 });
  const server = await listenFetchHandler(handler);
  const clock = createScaledClock(timing.clockScale);
  const client = createApolloClient({
    apiKey: 'apollo-fault',
    baseUrl: `${server.url}/api/v1`,
    maxRetries: 6,
    clock,
  });
  const people = createApolloConnector(client).entities.person;
  const tally: ConvergeTally = { retried: 0, resumed: 0 };
  try {
    const walked = await walkToEnd(
      (cursor) =>
        client.contacts.search(
          { sort_by_field: 'contact_created_at', sort_ascending: true, per_page: 50 },
          cursor === undefined ? {} : { cursor },
        ),
      clock,
      tally,
    );
    const changes = await changesToEnd((since) => people.listChanges({ since }), clock, tally);
    await upsertPeople((record) => people.upsert(record, { matchBy: ['email'] }), clock, tally);
    const stored = [...simulator.store.contacts.values()]
      .filter((contact) => String(contact.email ?? '').endsWith('@fault.test'))
      .map((contact) => ({
        email: contact.email,
        firstName: contact.first_name,
        lastName: contact.last_name,
        title: contact.title,
      }));
    return {
      walked: walked.map((contact) => contact.id),
      changes: sortedChanges(changes),
      stored,
      tally,
      faults: simulator.faultStats,
      lost: handler.stats.lost,
    };
  } finally {
    await server.close();
  }
}

/** The three vendors' scenarios, by name. */
export const FAULT_SCENARIOS = [
  { name: 'SalesLoft', scenario: 'faults-salesloft', run: salesloftRun },
  { name: 'Attio', scenario: 'faults-attio', run: attioRun },
  { name: 'Apollo', scenario: 'faults-apollo', run: apolloRun },
] as const;
