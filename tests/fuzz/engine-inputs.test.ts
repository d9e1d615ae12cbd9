import {
  ACTIVITY_TYPES,
  createMemoryQueue,
  createMemoryStorage,
  createPrivacyService,
  SalesOSError,
  SIGNAL_TYPES,
} from '@salesos/core';
import { type ActivityEvent, createScorer, createScoringPersonalDataStore } from '@salesos/scoring';
import {
  createSequenceEngine,
  createSequencePersonalDataStore,
  createTracking,
  createUnsubscribeHandler,
  createUnsubscribeTokens,
} from '@salesos/sequences';
import { createMemorySender } from '@salesos/sequences/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzRuns, hostileValue, mutatedFrom } from '../support/arbitraries.ts';
import { recordFigures } from '../support/figures.ts';

const RUNS = 200;
const NOW = '2026-03-02T10:00:00Z';
const tried: Record<string, number> = {};
const count = (name: string) => {
  tried[name] = (tried[name] ?? 0) + 1;
};
let untyped = 0;
afterAll(() => recordFigures('bad-input-engines', { inputsTried: tried, untypedFailures: untyped }));

/** Runs `work`; the only acceptable failure is a typed SalesOS error. */
async function typedOnly(work: () => unknown): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (SalesOSError.isInstance(error)) return;
    untyped += 1;
    throw error;
  }
}

const activity = {
  id: 'a1',
  type: 'email_replied',
  personId: 'p1',
  occurredAt: NOW,
  source: 'salesloft',
  data: { email: 'ada@example.com' },
};
const signal = { id: 's1', type: 'funding', companyId: 'c1', occurredAt: NOW, strength: 0.8, source: 'news' };
const person = { id: 'p1', email: 'ada@example.com', firstName: 'Ada', title: 'VP Sales', companyId: 'c1' };
const company = { id: 'c1', name: 'Acme', domain: 'acme.example', employeeCount: 120, industry: 'Software' };

const activities = fc.oneof(
  mutatedFrom(activity),
  fc.record({
    id: fc.string(),
    type: fc.constantFrom(...ACTIVITY_TYPES),
    personId: fc.string(),
    occurredAt: fc.string(),
  }),
  hostileValue,
);
const signals = fc.oneof(
  mutatedFrom(signal),
  fc.record({
    id: fc.string(),
    type: fc.constantFrom(...SIGNAL_TYPES),
    companyId: fc.string(),
    strength: fc.double(),
  }),
);

describe('the scorer fed bad events and profiles', () => {
  it('applies, ignores or rejects with a typed error, and its stored state stays readable', async () => {
    const storage = createMemoryStorage();
    const scorer = createScorer({ storage, tenantId: 't1' });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          activities.map((input) => ['apply', input] as const),
          signals.map((input) => ['apply', input] as const),
          fc
            .oneof(mutatedFrom({ person, company }), hostileValue)
            .map((input) => ['upsertContact', input] as const),
          fc.oneof(mutatedFrom(company), hostileValue).map((input) => ['upsertCompany', input] as const),
          // Profiles from a vendor whose fields are not text where text is expected.
          fc
            .constantFrom(
              { person: { ...person, title: 8 }, company },
              { person, company: { ...company, industry: ['Software'] } },
            )
            .map((input) => ['upsertContact', input] as const),
        ),
        async ([method, input]) => {
          count(`scorer.${method}`);
          await typedOnly(() =>
            (scorer[method] as (input: unknown, options: { now: string }) => Promise<unknown>)(input, {
              now: NOW,
            }),
          );
        },
      ),
      { numRuns: fuzzRuns(RUNS) },
    );
    await typedOnly(() => scorer.apply(activity as ActivityEvent, { now: NOW }));
    expect(await scorer.getScore('p1', { now: NOW })).not.toBeNull();
  });
});

describe('the sequence engine fed bad people, activities and requests', () => {
  it('enrols, acts or rejects with a typed error, and keeps running the good enrolments', async () => {
    const storage = createMemoryStorage();
    const queue = createMemoryQueue();
    const sender = createMemorySender();
    const engine = createSequenceEngine({
      storage,
      queue,
      sender,
      unsubscribe: { secret: 'fuzz-unsubscribe-secret-0123456789', url: 'https://example.com/u' },
    });
    await engine.define({
      tenantId: 't1',
      definition: {
        id: 'intro',
        steps: [{ type: 'email', subject: 'Hi {{first_name|there}}', body: '<p>Hello</p>' }],
        settings: {
          sendWindow: {
            days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
            start: '00:00',
            end: '24:00',
          },
          reenrollment: 'any_time',
        },
      },
    });
    const mailbox = { email: 'rep@acme.example', timeZone: 'Europe/Berlin' };
    const identifiers = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('\ud800', '', 't1', 'intro'));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .tuple(
              fc.oneof(mutatedFrom(person), hostileValue),
              fc.oneof(fc.constant<unknown>(mailbox), mutatedFrom(mailbox)),
            )
            .map(
              ([input, box]) =>
                () =>
                  engine.enroll({
                    tenantId: 't1',
                    sequenceId: 'intro',
                    person: input as never,
                    mailbox: box as never,
                  }),
            ),
          activities.map(
            (input) => () => engine.handleActivity({ tenantId: 't1', activity: input as never }),
          ),
          fc.tuple(identifiers, identifiers).map(
            ([tenantId, enrollmentId]) =>
              () =>
                engine.status({ tenantId, enrollmentId }),
          ),
          fc.tuple(identifiers, fc.string()).map(
            ([tenantId, email]) =>
              () =>
                engine.unsubscribe({ tenantId, email }),
          ),
          fc.tuple(identifiers, identifiers).map(
            ([tenantId, enrollmentId]) =>
              () =>
                engine.pause({ tenantId, enrollmentId }),
          ),
          fc.tuple(identifiers, fc.option(identifiers), fc.option(fc.string())).map(
            ([tenantId, personId, email]) =>
              () =>
                engine.listEnrollments({
                  tenantId,
                  ...(personId === null ? {} : { personId }),
                  ...(email === null ? {} : { email }),
                }),
          ),
        ),
        async (call) => {
          count('sequences.engine');
          await typedOnly(call);
        },
      ),
      { numRuns: fuzzRuns(RUNS) },
    );
    await engine.enroll({
      tenantId: 't1',
      sequenceId: 'intro',
      person: { id: 'good', email: 'good@prospect.example' },
      mailbox,
    });
    await queue.onIdle();
    expect(sender.deliveredTo('good@prospect.example')).toHaveLength(1);
    await queue.close();
  });
});

describe('the tracking and unsubscribe endpoints fed forged and broken links', () => {
  it('answer a pixel, a redirect to a wrapped link, or a 4xx, and record nothing forged', async () => {
    const recorded: unknown[] = [];
    const tracking = createTracking({
      secret: 'fuzz-tracking-secret-0123456789',
      baseUrl: 'https://t.example.com/t',
      onActivity: (item) => {
        recorded.push(item);
      },
    });
    const unsubscribed: unknown[] = [];
    const unsubscribe = createUnsubscribeHandler({
      secret: 'fuzz-unsubscribe-secret-0123456789',
      onUnsubscribe: (recipient) => {
        unsubscribed.push(recipient);
      },
    });
    const genuine = createUnsubscribeTokens({ secret: 'fuzz-unsubscribe-secret-0123456789' }).url(
      'https://example.com/u',
      { tenantId: 't1', email: 'ada@example.com' },
    );
    const token = new URL(genuine).searchParams.get('token') ?? '';
    const click = tracking.clickUrl({ tenantId: 't1', personId: 'p1' }, 'https://acme.example/pricing');
    const clickToken = click.split('/').at(-1) ?? '';
    const mangle = (text: string) =>
      fc.oneof(
        fc.string({ maxLength: 80 }),
        fc
          .nat({ max: Math.max(0, text.length - 1) })
          .chain((at) =>
            fc
              .string({ minLength: 1, maxLength: 1 })
              .map((character) => `${text.slice(0, at)}${character}${text.slice(at + 1)}`),
          ),
        fc.nat({ max: text.length }).map((cut) => text.slice(0, cut)),
      );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .tuple(fc.constantFrom('o', 'c', 'x', ''), mangle(clickToken))
            .map(([kind, forged]) => ['track', kind, forged] as const),
          mangle(token).map((forged) => ['unsubscribe', 'POST', forged] as const),
        ),
        async ([endpoint, kind, forged]) => {
          count(`sequences.${endpoint}`);
          if (endpoint === 'track') {
            const response = await tracking.handler(
              new Request(`https://t.example.com/t/${kind}/${encodeURIComponent(forged)}`),
            );
            expect([200, 302, 404]).toContain(response.status);
            if (response.status === 302)
              expect(response.headers.get('location')).toBe('https://acme.example/pricing');
          } else {
            const response = await unsubscribe(
              new Request(`https://example.com/u?token=${encodeURIComponent(forged)}`, {
                method: 'POST',
                body: 'List-Unsubscribe=One-Click',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
              }),
            );
            expect([200, 400]).toContain(response.status);
          }
        },
      ),
      { numRuns: fuzzRuns(RUNS) },
    );
    expect(recorded.every((item) => (item as { personId: string }).personId === 'p1')).toBe(true);
    expect(
      unsubscribed.every(
        (item) => JSON.stringify(item) === JSON.stringify({ tenantId: 't1', email: 'ada@example.com' }),
      ),
    ).toBe(true);
  });
});

describe('the privacy service fed bad requests', () => {
  it('answers or rejects with a typed error', async () => {
    const storage = createMemoryStorage();
    const privacy = createPrivacyService({
      stores: [createScoringPersonalDataStore({ storage }), createSequencePersonalDataStore({ storage })],
      suppression: { add: async () => undefined },
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(mutatedFrom({ tenantId: 't1', email: 'ada@example.com', personIds: ['p1'] }), hostileValue),
        fc.boolean(),
        async (request, erase) => {
          count('privacy');
          await typedOnly(() =>
            erase ? privacy.forgetPerson(request as never) : privacy.exportPerson(request as never),
          );
        },
      ),
      { numRuns: fuzzRuns(RUNS) },
    );
  });
});
