import { describe, expect, it } from 'vitest';
import { FAULT_SCENARIOS, NEW_PEOPLE, SEEDED } from '../support/fault-scenarios.ts';
import { recordFigures } from '../support/figures.ts';

// Time runs 250 times faster for the clients, so the 500 ms spikes are 2 ms here; the load
// bench runs them at full length.
const TIMING = { spikeMs: 2, clockScale: 250 };

describe('clients and connectors against simulators injecting faults', () => {
  for (const vendor of FAULT_SCENARIOS) {
    it(`${vendor.name}: walks, change feeds and upserts end as a fault-free run does, nothing lost or duplicated`, async () => {
      const clean = await vendor.run(false, TIMING);
      const faulty = await vendor.run(true, TIMING);

      expect(faulty.faults?.errors).toBeGreaterThan(0);
      expect(faulty.faults?.resets).toBeGreaterThan(0);
      expect(faulty.faults?.rateLimited).toBeGreaterThan(0);
      expect(faulty.lost).toBeGreaterThan(0);
      expect(clean.walked).toHaveLength(SEEDED);
      expect(new Set(faulty.walked).size).toBe(faulty.walked.length);
      expect(faulty.walked).toEqual(clean.walked);
      expect(faulty.changes).toEqual(clean.changes);
      expect(clean.stored).toHaveLength(NEW_PEOPLE);
      expect(faulty.stored).toEqual(clean.stored);
      recordFigures(vendor.scenario, {
        requests: faulty.faults?.requests,
        injected: {
          serverErrors: faulty.faults?.errors,
          resets: faulty.faults?.resets,
          rateLimited: faulty.faults?.rateLimited,
          delayed: faulty.faults?.delayed,
          lostResponses: faulty.lost,
        },
        applicationRetries: faulty.tally.retried,
        resumedWalks: faulty.tally.resumed,
        recordsWalked: faulty.walked.length,
        changes: faulty.changes.length,
        upserts: NEW_PEOPLE + NEW_PEOPLE / 2,
        lost: clean.walked.filter((id) => !faulty.walked.includes(id)).length,
        duplicated: faulty.walked.length - new Set(faulty.walked).size + faulty.stored.length - NEW_PEOPLE,
      });
    }, 60_000);
  }
});
