import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAttioClient } from '@salesos/attio';
import { createMemoryQueue, createMemoryStorage } from '@salesos/core';
import { listenFetchHandler, spawnWorker, type WorkerProcess } from '@salesos/core/testing';
import { createSyncEngine } from '@salesos/crm';
import { createSalesloftClient } from '@salesos/salesloft';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  deleteRedisKeys,
  dropSchema,
  TEST_POSTGRES_URL,
  TEST_REDIS_URL,
  uniquePrefix,
  uniqueSchema,
} from '../support/backends.ts';
import { recordFigures } from '../support/figures.ts';
import {
  createSyncSimulators,
  editInBothSystems,
  peopleSync,
  SYNC_PEOPLE,
  syncEndState,
} from '../support/sync-scenario.ts';
import type {
  SyncWorkerBackend,
  SyncWorkerMessage,
  SyncWorkerSettings,
} from '../support/workers/sync-worker.ts';

const CRASHES = 3;
const LEASE_MS = 400;
const script = new URL('../support/workers/sync-worker.ts', import.meta.url);
const directory = mkdtempSync(join(tmpdir(), 'salesos-sync-crash-'));
const schema = uniqueSchema('sync_crash');
const prefix = uniquePrefix('sync-crash');
const workers: WorkerProcess<SyncWorkerMessage>[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.kill()));
});
afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  await dropSchema(schema);
  await deleteRedisKeys(prefix);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The same two syncs (a first full one, edits in both systems, an incremental one) in-process, uninterrupted. */
async function uninterrupted() {
  const simulators = createSyncSimulators();
  const servers = await Promise.all([
    listenFetchHandler(simulators.salesloft.fetch),
    listenFetchHandler(simulators.attio.fetch),
  ]);
  const storage = createMemoryStorage();
  const queue = createMemoryQueue();
  try {
    const engine = createSyncEngine({ storage, queue });
    engine.define(
      peopleSync(
        createAttioClient({ apiKey: 'attio', baseUrl: `${servers[1].url}/v2`, rateLimiter: false }),
        createSalesloftClient({ apiKey: 'ak', baseUrl: `${servers[0].url}/v2` }),
        storage,
      ),
    );
    expect((await engine.run('people')).status).toBe('completed');
    await editInBothSystems(simulators);
    expect((await engine.run('people')).status).toBe('completed');
    return syncEndState(simulators);
  } finally {
    await queue.close();
    await Promise.all(servers.map((server) => server.close()));
  }
}

const backends: { label: string; scenario: string; settings: SyncWorkerBackend }[] = [
  {
    label: 'SQLite and the storage queue',
    scenario: 'sync-crash-sqlite',
    settings: { backend: 'sqlite', path: join(directory, 'sync.db') },
  },
  {
    label: 'PostgreSQL and BullMQ',
    scenario: 'sync-crash-postgres-bullmq',
    settings: {
      backend: 'postgres-bullmq',
      connectionString: TEST_POSTGRES_URL,
      schema,
      redisUrl: TEST_REDIS_URL,
      prefix,
    },
  },
];

describe('a two-way sync killed with SIGKILL and restarted', () => {
  for (const backend of backends) {
    it(`ends as an uninterrupted sync does, with nobody created twice, on ${backend.label}`, async () => {
      const expected = await uninterrupted();
      const started = Date.now();
      const simulators = createSyncSimulators();
      const servers = await Promise.all([
        listenFetchHandler(simulators.salesloft.fetch),
        listenFetchHandler(simulators.attio.fetch),
      ]);
      const settings: SyncWorkerSettings = {
        ...backend.settings,
        salesloftUrl: `${servers[0].url}/v2`,
        attioUrl: `${servers[1].url}/v2`,
        leaseMs: LEASE_MS,
      };
      let killedMidRun = 0;
      const syncWithCrashes = async () => {
        for (let crash = 0; crash < CRASHES; crash += 1) {
          const worker = spawnWorker<SyncWorkerMessage>(script, settings);
          workers.push(worker);
          await worker.waitFor((message) => message.type === 'ready');
          // Kill once the run has committed a random number of batches, or at a random moment.
          const batches = 1 + Math.floor(Math.random() * 3);
          await Promise.race([
            worker
              .waitFor((message) => message.type === 'progress' && message.processed >= batches)
              .catch(() => undefined),
            sleep(100 + Math.random() * 400),
          ]);
          const wrote = worker.messages.some((message) => message.type === 'progress');
          if (wrote && !worker.messages.some((message) => message.type === 'completed')) killedMidRun += 1;
          await worker.kill();
        }
        const last = spawnWorker<SyncWorkerMessage>(script, settings);
        workers.push(last);
        const done = await last.waitFor((message) => message.type === 'completed', 60_000);
        await last.exited();
        return done;
      };
      try {
        const first = await syncWithCrashes();
        await editInBothSystems(simulators);
        await syncWithCrashes();

        const state = syncEndState(simulators);
        expect(killedMidRun).toBeGreaterThan(0);
        expect(state.counts).toEqual({ salesloft: SYNC_PEOPLE * 2, attio: SYNC_PEOPLE * 2 });
        expect(state.duplicated).toBe(0);
        expect(state).toEqual(expected);
        recordFigures(backend.scenario, {
          crashes: CRASHES * 2,
          killedMidRun,
          resumedRuns: first.type === 'completed' && first.resumed ? 1 : 0,
          people: SYNC_PEOPLE * 2,
          duplicated: state.duplicated,
          lost: SYNC_PEOPLE * 4 - state.counts.salesloft - state.counts.attio,
          durationMs: Date.now() - started,
        });
      } finally {
        await Promise.all(servers.map((server) => server.close()));
      }
    }, 120_000);
  }
});
