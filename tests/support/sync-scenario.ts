// A two-way people sync between Attio (left) and SalesLoft (right) through the CRM sync engine,
// shared by the sync fault test, the sync crash test and its worker process.
import { type AttioClient, createAttioConnector, decodeRecord } from '@salesos/attio';
import { createAttioSimulator } from '@salesos/attio/testing';
import type { Storage } from '@salesos/core';
import { createTestClock, type FaultOptions, type TestClock } from '@salesos/core/testing';
import type { AnySyncDefinition } from '@salesos/crm';
import { createSalesloftConnector, type SalesloftClient } from '@salesos/salesloft';
import { createSalesloftSimulator } from '@salesos/salesloft/testing';

/** Start of the simulated time; both vendors' clocks share it. */
export const SYNC_START = Date.parse('2026-03-02T09:00:00Z');
export const SYNC_PEOPLE = 40;

/** The two vendors, seeded identically for every run that is compared. */
export function createSyncSimulators(faults?: FaultOptions, clock: TestClock = createTestClock(SYNC_START)) {
  const salesloft = createSalesloftSimulator({
    seed: 21,
    people: SYNC_PEOPLE,
    accounts: 5,
    budget: 1_000_000,
    clock,
    ...(faults ? { faults } : {}),
  });
  const attio = createAttioSimulator({
    seed: 21,
    records: { people: SYNC_PEOPLE, companies: 5, deals: 0 },
    rateLimits: false,
    clock,
    ...(faults ? { faults: { ...faults, seed: (faults.seed ?? 1) + 1 } } : {}),
  });
  return { salesloft, attio, clock };
}

/** The sync of people between Attio and SalesLoft, last write wins, deletes ignored. */
export function peopleSync(
  attio: AttioClient,
  salesloft: SalesloftClient,
  storage: Storage,
): AnySyncDefinition {
  return {
    id: 'people',
    tenantId: 'acme',
    left: createAttioConnector(attio, { storage }),
    right: createSalesloftConnector(salesloft),
    entity: 'person',
    direction: 'both',
    fieldMap: [
      { left: 'email', right: 'email' },
      { left: 'firstName', right: 'firstName' },
      { left: 'lastName', right: 'lastName' },
      { left: 'title', right: 'title' },
    ],
    conflictPolicy: 'last-write-wins',
    deletePolicy: 'ignore',
  };
}

/** Edits as users would make them in each vendor's UI between two syncs. */
export async function editInBothSystems(simulators: ReturnType<typeof createSyncSimulators>): Promise<void> {
  await simulators.clock.advance(60_000);
  for (const person of simulators.salesloft.store.people.all().slice(0, 8)) {
    simulators.salesloft.store.people.update(person.id, { title: `Edited in SalesLoft ${person.id}` });
  }
  for (const record of simulators.attio.store.records('people').slice(0, 8)) {
    simulators.attio.store.updateRecord('people', record.id.record_id, {
      job_title: `Edited in Attio ${record.id.record_id.slice(0, 8)}`,
    });
  }
}

/** Both systems' people by address, and the addresses held twice in one system. */
export function syncEndState(simulators: ReturnType<typeof createSyncSimulators>) {
  const salesloft = simulators.salesloft.store.people.all().map((person) => ({
    email: String(person.email_address ?? '').toLowerCase(),
    firstName: person.first_name ?? null,
    lastName: person.last_name ?? null,
    title: person.title ?? null,
  }));
  const attio = simulators.attio.store.records('people').map((record) => {
    const values = decodeRecord(record) as {
      email_addresses?: string[];
      name?: { firstName?: string | null; lastName?: string | null } | null;
      job_title?: string | null;
    };
    return {
      email: String(values.email_addresses?.[0] ?? '').toLowerCase(),
      firstName: values.name?.firstName ?? null,
      lastName: values.name?.lastName ?? null,
      title: values.job_title ?? null,
    };
  });
  const byEmail = <T extends { email: string }>(items: T[]) =>
    Object.fromEntries(
      [...items]
        .sort((left, right) => left.email.localeCompare(right.email))
        .map((item) => [item.email, item]),
    );
  const duplicates = (items: { email: string }[]) =>
    items.length - new Set(items.map((item) => item.email)).size;
  return {
    salesloft: byEmail(salesloft),
    attio: byEmail(attio),
    duplicated: duplicates(salesloft) + duplicates(attio),
    counts: { salesloft: salesloft.length, attio: attio.length },
  };
}
