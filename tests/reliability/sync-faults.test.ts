import { createAttioClient } from '@salesos/attio';
import { createMemoryQueue, createMemoryStorage } from '@salesos/core';
import { listenFetchHandler } from '@salesos/core/testing';
import { createSyncEngine, type RunSummary, type SyncEngine } from '@salesos/crm';
import { createSalesloftClient } from '@salesos/salesloft';
import { describe, expect, it } from 'vitest';
import { faultsWith } from '../support/fault-scenarios.ts';
import { recordFigures } from '../support/figures.ts';
import { withLostResponses } from '../support/lost-responses.ts';
import { createScaledClock } from '../support/scaled-clock.ts';
import {
  createSyncSimulators,
  editInBothSystems,
  peopleSync,
  SYNC_PEOPLE,
  syncEndState,
} from '../support/sync-scenario.ts';

/** Runs the sync until one run completes (a failed or aborted run resumes on the next). */
async function runUntilCompleted(
  engine: SyncEngine,
  attempts = 40,
): Promise<{ summary: RunSummary; runs: number }> {
  for (let run = 1; run <= attempts; run += 1) {
    const summary = await engine.run('people');
    if (summary.status === 'completed') return { summary, runs: run };
  }
  throw new Error(`The sync did not complete in ${attempts} runs`);
}

async function syncScenario(faulty: boolean) {
  const timing = { spikeMs: 2, clockScale: 250 };
  const simulators = createSyncSimulators(faulty ? faultsWith(timing) : undefined);
  const lostSalesloft = withLostResponses(simulators.salesloft.fetch, { rate: faulty ? 0.05 : 0, seed: 3 });
  const lostAttio = withLostResponses(simulators.attio.fetch, { rate: faulty ? 0.05 : 0, seed: 4 });
  const servers = await Promise.all([listenFetchHandler(lostSalesloft), listenFetchHandler(lostAttio)]);
  const clock = createScaledClock(timing.clockScale);
  const storage = createMemoryStorage();
  const queue = createMemoryQueue();
  try {
    const salesloft = createSalesloftClient({
      apiKey: 'ak',
      baseUrl: `${servers[0].url}/v2`,
      clock,
      maxRetries: 4,
    });
    const attio = createAttioClient({
      apiKey: 'attio',
      baseUrl: `${servers[1].url}/v2`,
      clock,
      maxRetries: 4,
      rateLimiter: false,
    });
    const engine = createSyncEngine({
      storage,
      queue,
      clock,
      retry: { attempts: 4, delayMs: 200 },
      leaseMs: 5_000,
    });
    engine.define(peopleSync(attio, salesloft, storage));
    const first = await runUntilCompleted(engine);
    await editInBothSystems(simulators);
    const second = await runUntilCompleted(engine);
    const settled = await runUntilCompleted(engine);
    return {
      state: syncEndState(simulators),
      runs: first.runs + second.runs + settled.runs,
      settledWrites: settled.summary.counts.created + settled.summary.counts.updated,
      faults: { salesloft: simulators.salesloft.faultStats, attio: simulators.attio.stats.faults },
      lost: lostSalesloft.stats.lost + lostAttio.stats.lost,
    };
  } finally {
    await queue.close();
    await Promise.all(servers.map((server) => server.close()));
  }
}

describe('a two-way Attio ⇄ SalesLoft sync against simulators injecting faults', () => {
  it('ends in the same state as a fault-free sync: nobody lost, nobody duplicated', async () => {
    const clean = await syncScenario(false);
    const faulty = await syncScenario(true);

    expect(clean.state.counts).toEqual({ salesloft: SYNC_PEOPLE * 2, attio: SYNC_PEOPLE * 2 });
    expect(clean.state.duplicated).toBe(0);
    const titles = (side: Record<string, { title: string | null }>) =>
      Object.values(side).map(({ title }) => title ?? '');
    expect(titles(clean.state.attio).filter((title) => title.startsWith('Edited in SalesLoft'))).toHaveLength(
      8,
    );
    expect(titles(clean.state.salesloft).filter((title) => title.startsWith('Edited in Attio'))).toHaveLength(
      8,
    );
    expect(faulty.faults.salesloft?.errors).toBeGreaterThan(0);
    expect(faulty.faults.attio?.resets).toBeGreaterThan(0);
    expect(faulty.state).toEqual(clean.state);
    expect(faulty.settledWrites).toBe(0);
    recordFigures('faults-two-way-sync', {
      people: SYNC_PEOPLE * 2,
      runsToConverge: faulty.runs,
      injected: faulty.faults,
      lostResponses: faulty.lost,
      lost: 0,
      duplicated: faulty.state.duplicated,
    });
  }, 90_000);
});
