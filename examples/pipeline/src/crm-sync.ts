import { createHash } from 'node:crypto';
import { createAttioClient, createAttioConnector } from '@salesos/attio';
import type { AttioSimulator } from '@salesos/attio/testing';
import {
  type Clock,
  type EventBus,
  type Person,
  type Queue,
  type Storage,
  type StorageConnector,
  systemClock,
} from '@salesos/core';
import { createSyncEngine, type RunSummary, type SyncEngine, sameFields } from '@salesos/crm';
import type { Simulation } from './simulation.ts';
import type { SyncTotals } from './summary.ts';

/** Where each sync run's summary is kept, so totals are counted from storage. */
export const SYNC_RUN_PREFIX = ['pipeline', 'sync-run'] as const;

const HOUR = 3_600_000;

/** Options of `syncWithCrm`. */
export interface CrmSyncOptions {
  seed: number;
  tenantId: string;
  storage: Storage;
  queue: Queue;
  events: EventBus;
  simulation: Simulation;
  book: StorageConnector;
  attio: { simulator: AttioSimulator; url: string };
  /** Retries of the Attio client. Default: the client's. */
  maxRetries?: number | undefined;
  progress: (message: string) => void;
}

/** A number in [0, 1) from the seed and a few parts: the same choice on every run. */
const draw = (...parts: (string | number)[]) =>
  createHash('sha256').update(parts.join('\u0000')).digest().readUInt32LE(0) / 2 ** 32;

const sum = (runs: readonly RunSummary[], pick: (run: RunSummary) => number) =>
  runs.reduce((total, run) => total + pick(run), 0);

/**
 * Syncs the contact book's people and deals with Attio both ways: a full first run that links
 * the people the CRM already had (by email) and creates the rest on each side, a few hours of
 * edits on both sides (some to the same field of the same person: conflicts, settled by the
 * latest write), then an incremental run.
 */
export async function syncWithCrm(
  options: CrmSyncOptions,
): Promise<{ engine: SyncEngine; totals: SyncTotals }> {
  const { seed, tenantId, storage, queue, events, simulation, book, attio, progress } = options;
  const store = attio.simulator.store;

  // Some leads are already in the CRM, entered by reps with an older title.
  const people: Person[] = [];
  for await (const person of book.entities.person.records()) people.push(person);
  for (const person of people) {
    if (!person.email || draw(seed, 'in-crm', person.id) >= 0.1) continue;
    store.createRecord('people', {
      name: { first_name: person.firstName ?? '', last_name: person.lastName ?? '', full_name: '' },
      email_addresses: [person.email],
      job_title: `${person.title ?? 'Manager'} (2024)`,
    });
  }

  const client = createAttioClient({
    apiKey: 'pipeline-attio-key',
    baseUrl: attio.url,
    rateLimiter: false,
    events,
    maxRetries: options.maxRetries,
  });
  const crm = createAttioConnector(client, {
    storage,
    prefix: ['attio', 'connector'],
    clock: simulation.clock,
  });
  // Sync time is simulated; waits between retries are real.
  const clock: Clock = { now: simulation.clock.now, sleep: systemClock.sleep };
  const engine = createSyncEngine({ storage, queue, events, clock });
  engine.define({
    id: 'people',
    tenantId,
    left: book,
    right: crm,
    entity: 'person',
    direction: 'both',
    fieldMap: sameFields('email', 'firstName', 'lastName', 'title', 'phone', 'linkedinUrl'),
    conflictPolicy: 'last-write-wins',
    deletePolicy: 'ignore',
  });
  engine.define({
    id: 'deals',
    tenantId,
    left: book,
    right: crm,
    entity: 'deal',
    direction: 'both',
    fieldMap: sameFields('name', 'amount', 'stage'),
    conflictPolicy: 'last-write-wins',
    deletePolicy: 'ignore',
  });

  let runs = 0;
  const run = async (syncId: 'people' | 'deals', mode: 'full' | 'incremental') => {
    const summary = await engine.run(syncId, { mode });
    await storage.set([...SYNC_RUN_PREFIX, syncId, runs], summary);
    runs += 1;
    const { created, updated, conflicts } = summary.counts;
    progress(`${syncId} (${mode}): ${created} created, ${updated} updated, ${conflicts} conflicts`);
  };
  await run('people', 'full');
  await run('deals', 'full');

  // A few hours pass. The book refreshes some titles; reps edit some of the same people in
  // Attio a little later, and move some deals along.
  const linked = people.filter((person) => person.email && draw(seed, 'edit', person.id) < 0.05);
  await simulation.runUntil(simulation.clock.now() + HOUR);
  for (const person of linked) {
    await book.entities.person.upsert(
      { id: person.id, title: `Senior ${person.title ?? 'Manager'}` },
      {
        matchBy: ['id'],
      },
    );
  }
  await simulation.runUntil(simulation.clock.now() + 2 * HOUR);
  const byEmail = new Map(
    store.records('people').flatMap((record) => {
      const email = (record.values.email_addresses?.[0] as { email_address?: string } | undefined)
        ?.email_address;
      return email ? [[email.toLowerCase(), record.id.record_id] as const] : [];
    }),
  );
  for (const person of linked) {
    const recordId = person.email ? byEmail.get(person.email.toLowerCase()) : undefined;
    if (!recordId || draw(seed, 'rep-edit', person.id) >= 0.5) continue;
    store.updateRecord('people', recordId, { job_title: `${person.title ?? 'Manager'}, EMEA` });
  }
  for (const deal of store.records('deals')) {
    if (draw(seed, 'deal-edit', deal.id.record_id) < 0.3)
      store.updateRecord('deals', deal.id.record_id, { stage: 'In Progress' });
  }
  await run('people', 'incremental');
  await run('deals', 'incremental');

  // Totals are read back from storage: the engine's id maps and the stored run summaries.
  const stored: RunSummary[] = [];
  for await (const entry of storage.list<RunSummary>({ prefix: SYNC_RUN_PREFIX })) stored.push(entry.value);
  return {
    engine,
    totals: {
      people: (await engine.status('people')).linked,
      deals: (await engine.status('deals')).linked,
      writes: sum(stored, (summary) => summary.counts.created + summary.counts.updated),
      conflicts: sum(stored, (summary) => summary.counts.conflicts),
    },
  };
}
