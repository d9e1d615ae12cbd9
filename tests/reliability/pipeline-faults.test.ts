import { describe, expect, it } from 'vitest';
import { type PipelineRun, runPipeline } from '../../examples/pipeline/src/run-pipeline.ts';
import { recordFigures } from '../support/figures.ts';

const SEED = 5;
const LEADS = 60;
/** The mix: 10 % 5xx, 5 % connection resets, 429 bursts and latency spikes (short here). */
const FAULTS = {
  seed: 11,
  errorRate: 0.1,
  resetRate: 0.05,
  rateLimitBurstRate: 0.03,
  burstLength: 3,
  spikeRate: 0.05,
  spikeMs: 20,
};

/** What a run leaves behind, in a form two runs can be compared by. */
async function endState(run: PipelineRun) {
  const emails: string[] = [];
  for await (const email of run.sender.emails(run.tenantId)) {
    // Enrolment ids are random per run; the address, sequence and step name an email across runs.
    emails.push(`${email.to.email} ${email.metadata.sequenceId} ${email.metadata.stepId} ${email.subject}`);
  }
  const book: string[] = [];
  for await (const person of run.book.entities.person.records()) {
    book.push(
      `${person.id} ${person.email} ${person.externalIds.salesloft === undefined ? '-' : 'salesloft'}`,
    );
  }
  const { wallTimeMs: _wallTime, ...summary } = run.summary;
  return {
    summary,
    emails: emails.sort(),
    book: book.sort(),
    salesloftPeople: run.simulators.salesloft.store.people
      .all()
      .map((person) => person.email_address)
      .sort(),
    attioPeople: run.simulators.attio.store
      .records('people')
      .flatMap((record) =>
        (record.values.email_addresses ?? []).map(
          (value) => (value as { email_address: string }).email_address,
        ),
      )
      .sort(),
  };
}

const duplicates = (values: readonly unknown[]) => values.length - new Set(values).size;

describe('the pipeline against simulators injecting faults', () => {
  it('ends as a fault-free run does: no lead lost, no record duplicated, no email sent twice', async () => {
    const clean = await runPipeline({ seed: SEED, leads: LEADS });
    const expected = await endState(clean).finally(() => clean.close());

    const faulty = await runPipeline({ seed: SEED, leads: LEADS, faults: FAULTS });
    const injected = [
      faulty.simulators.apollo.faultStats,
      faulty.simulators.salesloft.faultStats,
      faulty.simulators.attio.stats.faults,
    ];
    const actual = await endState(faulty).finally(() => faulty.close());

    const total = (pick: (stats: NonNullable<(typeof injected)[number]>) => number) =>
      injected.reduce((sum, stats) => sum + (stats ? pick(stats) : 0), 0);
    expect(total((stats) => stats.errors)).toBeGreaterThan(0);
    expect(total((stats) => stats.resets)).toBeGreaterThan(0);
    expect(total((stats) => stats.rateLimited)).toBeGreaterThan(0);

    // The fault-free run did real work, so matching it means something.
    expect(expected.emails.length).toBeGreaterThan(0);
    expect(expected.salesloftPeople.length).toBeGreaterThan(0);
    expect(expected.attioPeople.length).toBeGreaterThan(0);

    expect(duplicates(actual.emails)).toBe(0);
    expect(duplicates(actual.salesloftPeople)).toBe(0);
    expect(duplicates(actual.attioPeople)).toBe(0);
    expect(actual).toEqual(expected);

    recordFigures('pipeline-faults', {
      leads: LEADS,
      requests: total((stats) => stats.requests),
      injected: {
        serverErrors: total((stats) => stats.errors),
        resets: total((stats) => stats.resets),
        rateLimited: total((stats) => stats.rateLimited),
        delayed: total((stats) => stats.delayed),
      },
      emailsSent: actual.emails.length,
      salesloftPeople: actual.salesloftPeople.length,
      attioPeople: actual.attioPeople.length,
      lost: expected.book.filter((line) => !actual.book.includes(line)).length,
      duplicated:
        duplicates(actual.emails) + duplicates(actual.salesloftPeople) + duplicates(actual.attioPeople),
    });
  }, 120_000);
});
