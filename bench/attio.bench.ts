import { createAttioClient, decodeRecord } from '@salesos/attio';
import { createAttioSimulator } from '@salesos/attio/testing';
import type { BenchRow } from './run.ts';

const PEOPLE = 4_000;
const PAGE = 10;
/** The default read limiter's burst. */
const BURST = 80;

export async function run(report: (row: BenchRow) => void): Promise<void> {
  // Codec: decode records of the seeded workspace (15 attributes each) with their object's schema.
  {
    const simulator = createAttioSimulator({ seed: 1, records: { companies: 50, people: 2_000, deals: 0 } });
    const records = simulator.store.records('people');
    const attributes = simulator.store.attributes('objects', 'people');
    for (const record of records) decodeRecord(record, attributes);
    let decoded = 0;
    const started = performance.now();
    while (performance.now() - started < 1_000) {
      for (const record of records) decodeRecord(record, attributes);
      decoded += records.length;
    }
    const perSecond = decoded / ((performance.now() - started) / 1000);
    report({
      name: 'decodeRecord throughput (people, 15 attributes)',
      value: Math.round(perSecond),
      unit: 'records/s',
      target: '>= 20000',
      ok: perSecond >= 20_000,
    });
  }

  // A whole records query, page by page, with the default limiters against the simulator's
  // 100 reads per second: every page is paced, none is refused.
  {
    const simulator = createAttioSimulator({ seed: 2, records: { companies: 20, people: PEOPLE, deals: 0 } });
    const client = createAttioClient({
      apiKey: 'bench-key',
      fetch: (input, init) => simulator.fetch(new Request(input, init)),
    });
    const started = performance.now();
    let count = 0;
    for await (const _person of client.records.query('people', { limit: PAGE })) count += 1;
    const seconds = (performance.now() - started) / 1000;
    const requests = simulator.calls.filter((call) => call.path === '/objects/people/records/query');
    const refused = requests.filter((call) => call.status === 429).length;
    report({
      name: `records.query walk: records (of ${PEOPLE}, ${PAGE} per page)`,
      value: count,
      unit: 'records',
      ok: count === PEOPLE,
    });
    report({ name: 'records.query walk: requests', value: requests.length, unit: 'requests' });
    report({ name: 'records.query walk: duration', value: seconds, unit: 's' });
    // A token bucket admits at most its burst plus the refill rate times the time taken.
    const sustained = (requests.length - BURST) / seconds;
    report({
      name: 'records.query walk: sustained read rate ((requests - burst) / duration)',
      value: sustained,
      unit: 'reads/s',
      target: '<= 100',
      ok: sustained <= 100,
    });
    report({
      name: 'records.query walk: 429 responses',
      value: refused,
      unit: 'responses',
      target: '= 0',
      ok: refused === 0,
    });
  }
}
