import { ACTIVITY_TYPES, createMemoryStorage, SIGNAL_TYPES } from '@salesos/core';
import { type ActivityEvent, createScorer, type ScoreInput, type SignalEvent } from '@salesos/scoring';
import type { BenchRow } from './run.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 1);

/** mulberry32: the same data on every run. */
const seeded = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
};

const percentile = (values: number[], fraction: number): number => {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] as number;
};

const config = {
  fit: {
    criteria: [
      { type: 'industry' as const, industries: ['software', 'saas'], points: 20 },
      { type: 'employees' as const, min: 50, max: 5000, points: 15 },
      {
        type: 'seniority' as const,
        levels: ['vp' as const, 'director' as const, 'c_suite' as const],
        points: 15,
      },
      { type: 'title' as const, keywords: ['sales', 'revenue'], points: 15 },
      { type: 'technologies' as const, technologies: ['salesforce', 'hubspot'], points: 10 },
    ],
  },
};

function buildInputs(contacts: number, activitiesPerContact: number): ScoreInput[] {
  const random = seeded(42);
  const inputs: ScoreInput[] = [];
  for (let index = 0; index < contacts; index += 1) {
    const personId = `p${index}`;
    const companyId = `c${index % 1000}`;
    const activities: ActivityEvent[] = [];
    for (let event = 0; event < activitiesPerContact; event += 1) {
      activities.push({
        id: `${personId}-a${event}`,
        type: ACTIVITY_TYPES[Math.floor(random() * ACTIVITY_TYPES.length)]!,
        personId,
        occurredAt: new Date(NOW - Math.floor(random() * 180 * DAY)).toISOString(),
      });
    }
    const signals: SignalEvent[] = [];
    for (let event = 0; event < 5; event += 1) {
      signals.push({
        id: `${personId}-s${event}`,
        type: SIGNAL_TYPES[Math.floor(random() * SIGNAL_TYPES.length)]!,
        companyId,
        occurredAt: new Date(NOW - Math.floor(random() * 90 * DAY)).toISOString(),
        strength: random(),
      });
    }
    inputs.push({
      person: { id: personId, title: index % 3 === 0 ? 'VP Sales' : 'Account Executive', companyId },
      company: { id: companyId, industry: 'Software', employeeCount: 300, technologies: ['Salesforce'] },
      activities,
      signals,
    });
  }
  return inputs;
}

export async function run(report: (row: BenchRow) => void): Promise<void> {
  const scorer = createScorer({ config });

  // Incremental: apply on the in-memory storage, 2,000 known contacts, one event at a time.
  const incremental = createScorer({ config, storage: createMemoryStorage() });
  for (const input of buildInputs(2000, 0)) {
    await incremental.upsertContact({ person: input.person, company: input.company }, { now: NOW });
  }
  const random = seeded(7);
  const applyOne = async (sequence: number) => {
    const personId = `p${Math.floor(random() * 2000)}`;
    const started = performance.now();
    await incremental.apply(
      {
        id: `live-${sequence}`,
        type: ACTIVITY_TYPES[Math.floor(random() * ACTIVITY_TYPES.length)]!,
        personId,
        occurredAt: new Date(NOW - Math.floor(random() * DAY)).toISOString(),
      },
      { now: NOW },
    );
    return performance.now() - started;
  };
  for (let sequence = 0; sequence < 2000; sequence += 1) await applyOne(sequence);
  const latencies: number[] = [];
  for (let sequence = 2000; sequence < 22_000; sequence += 1) latencies.push(await applyOne(sequence));
  report({ name: 'incremental apply latency p50', value: percentile(latencies, 0.5) * 1000, unit: 'µs' });
  report({ name: 'incremental apply latency p99', value: percentile(latencies, 0.99) * 1000, unit: 'µs' });

  // Batch runs after the latency rounds so its garbage does not land in their p99.
  const batchRate = (inputs: ScoreInput[]) => {
    const events = inputs.reduce((sum, input) => sum + (input.activities?.length ?? 0), 0);
    scorer.scoreBatch(inputs, { now: NOW });
    const rates: number[] = [];
    for (let pass = 0; pass < 7; pass += 1) {
      const started = performance.now();
      scorer.scoreBatch(inputs, { now: NOW });
      rates.push(events / ((performance.now() - started) / 1000));
    }
    return percentile(rates, 0.5);
  };

  // 1,000,000 activity events per pass, as 10,000 contacts × 100 and as 100,000 contacts × 10.
  for (const [label, contacts, perContact] of [
    ['100 activities/contact', 10_000, 100],
    ['10 activities/contact', 100_000, 10],
  ] as const) {
    const rate = batchRate(buildInputs(contacts, perContact));
    report({
      name: `batch scoring throughput, ${label} (median of 7 passes)`,
      value: Math.round(rate),
      unit: 'activity events/s',
      target: '>= 1000000',
      ok: rate >= 1_000_000,
    });
  }
}
