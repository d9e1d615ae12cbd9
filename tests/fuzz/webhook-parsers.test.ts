import { createAttioClient, createAttioConnector, parseAttioDelivery } from '@salesos/attio';
import { createAttioSimulator } from '@salesos/attio/testing';
import { ActivitySchema, SalesOSError } from '@salesos/core';
import { createTestClock } from '@salesos/core/testing';
import {
  createSalesloftClient,
  createSalesloftConnector,
  parseSalesloftEvent,
  SALESLOFT_EVENT_HEADER,
  SALESLOFT_EVENT_TYPES,
  salesloftEventToActivities,
} from '@salesos/salesloft';
import fc from 'fast-check';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyFrom, fuzzRuns, mutatedFrom } from '../support/arbitraries.ts';
import { recordFigures } from '../support/figures.ts';
import { vendorFixture } from '../support/fixtures.ts';

const RUNS = 200;
const tried: Record<string, number> = {};
const count = (name: string) => {
  tried[name] = (tried[name] ?? 0) + 1;
};

/** The only acceptable failure: a typed SalesOS error. Anything else is rethrown to fail the property. */
let untyped = 0;
function typedOnly(error: unknown): void {
  if (SalesOSError.isInstance(error)) return;
  untyped += 1;
  throw error;
}

const salesloftExamples: [string, unknown][] = [
  ['person_updated', vendorFixture('salesloft', 'person')],
  ['account_updated', vendorFixture('salesloft', 'account')],
  ['cadence_updated', vendorFixture('salesloft', 'cadence')],
  ['cadence_membership_updated', vendorFixture('salesloft', 'cadence-membership')],
  ['email_updated', vendorFixture('salesloft', 'email')],
  ['call_created', vendorFixture('salesloft', 'call')],
  ['meeting_booked', vendorFixture('salesloft', 'meeting')],
  ['task_created', vendorFixture('salesloft', 'task')],
  ['note_created', vendorFixture('salesloft', 'note')],
  ['step_updated', vendorFixture('salesloft', 'step')],
  ['user_updated', vendorFixture('salesloft', 'user')],
];

const salesloftInput = fc.constantFrom(...salesloftExamples).chain(([type, example]) =>
  fc.tuple(
    fc.oneof(
      { weight: 4, arbitrary: fc.constant<string | null>(type) },
      { weight: 1, arbitrary: fc.constantFrom<string | null>(...SALESLOFT_EVENT_TYPES) },
      { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 40 }), fc.constant(null)) },
      // Names every plain object answers to: a lookup table keyed by event type must not see them.
      { weight: 1, arbitrary: fc.constantFrom('toString', '__proto__', 'constructor', 'hasOwnProperty') },
    ),
    bodyFrom(example),
  ),
);

const attio = createAttioSimulator({
  seed: 3,
  records: { people: 5, companies: 3, deals: 1 },
  rateLimits: false,
});
const server = setupServer(...attio.handlers);
beforeAll(() => server.listen());
afterAll(() => {
  server.close();
  recordFigures('bad-input-webhook-parsers', { inputsTried: tried, untypedFailures: untyped });
});

const attioExamples = (): unknown[] => {
  const person = attio.store.records('people')[0];
  const ids = { object_id: person?.id.object_id, record_id: person?.id.record_id };
  return [
    JSON.parse(attio.webhooks.delivery('record.created', { id: ids }).body),
    JSON.parse(attio.webhooks.delivery('record.updated', { id: { ...ids, attribute_id: 'a1' } }).body),
    JSON.parse(
      attio.webhooks.delivery('record.merged', {
        id: ids,
        duplicate_object_id: 'o',
        duplicate_record_id: 'r',
      }).body,
    ),
    JSON.parse(
      attio.webhooks.delivery('list-entry.created', {
        id: { list_id: 'l', entry_id: 'e' },
        parent_object_id: 'o',
        parent_record_id: 'r',
      }).body,
    ),
    JSON.parse(
      attio.webhooks.delivery('note.created', {
        id: { note_id: 'n' },
        parent_object_id: 'o',
        parent_record_id: 'r',
      }).body,
    ),
    JSON.parse(
      attio.webhooks.delivery([
        { event_type: 'record.deleted', id: ids },
        { event_type: 'task.created', id: { task_id: 't' } },
      ]).body,
    ),
  ];
};

describe('parseSalesloftEvent and salesloftEventToActivities', () => {
  it('answer a typed event and canonical activities, or throw WebhookVerificationError, for any body and type', () => {
    fc.assert(
      fc.property(salesloftInput, ([eventType, body]) => {
        count('salesloft.parseSalesloftEvent');
        try {
          const event = parseSalesloftEvent({ payload: body, eventType });
          expect(typeof event.id).toBe('string');
          for (const activity of salesloftEventToActivities(event)) {
            expect(ActivitySchema.safeParse(activity).success).toBe(true);
          }
        } catch (error) {
          typedOnly(error);
        }
      }),
      { numRuns: fuzzRuns(RUNS) },
    );
  });
});

describe('createSalesloftConnector parseWebhook', () => {
  it('turns any payload into changes or rejects with a typed error', async () => {
    const connector = createSalesloftConnector(
      createSalesloftClient({ apiKey: 'unused', baseUrl: 'https://salesloft.invalid/v2' }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...salesloftExamples)
          .chain(([type, example]) =>
            fc.tuple(
              fc.constantFrom(type, 'person_deleted', 'account_deleted'),
              fc.oneof(
                { weight: 5, arbitrary: mutatedFrom(example) },
                { weight: 1, arbitrary: bodyFrom(example) },
              ),
            ),
          ),
        async ([eventType, payload]) => {
          count('salesloft.connector.parseWebhook');
          for (const entity of [connector.entities.person, connector.entities.company]) {
            try {
              const changes = await entity.parseWebhook(payload, { [SALESLOFT_EVENT_HEADER]: eventType });
              for (const change of changes) expect(typeof change.id).toBe('string');
            } catch (error) {
              typedOnly(error);
            }
          }
        },
      ),
      { numRuns: fuzzRuns(RUNS) },
    );
  });
});

describe('parseAttioDelivery', () => {
  it('answers typed events or throws WebhookVerificationError for any body', () => {
    fc.assert(
      fc.property(fc.constantFrom(...attioExamples()).chain(bodyFrom), (body) => {
        count('attio.parseAttioDelivery');
        try {
          const delivery = parseAttioDelivery(body);
          expect(Array.isArray(delivery.events)).toBe(true);
        } catch (error) {
          typedOnly(error);
        }
      }),
      { numRuns: fuzzRuns(RUNS) },
    );
  });
});

describe('createAttioConnector parseWebhook', () => {
  it('turns any payload into changes or rejects with a typed error', async () => {
    const client = createAttioClient({ apiKey: 'attio-key', maxRetries: 0, clock: createTestClock() });
    const connector = createAttioConnector(client);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...attioExamples()).chain(mutatedFrom), async (payload) => {
        count('attio.connector.parseWebhook');
        for (const entity of [
          connector.entities.person,
          connector.entities.company,
          connector.entities.deal,
        ]) {
          try {
            const changes = await entity.parseWebhook(payload);
            for (const change of changes) expect(typeof change.id).toBe('string');
          } catch (error) {
            typedOnly(error);
          }
        }
      }),
      { numRuns: fuzzRuns(100) },
    );
  });
});

describe('connector checkpoints', () => {
  it('reject any checkpoint they did not write with a typed error, or resume from it', async () => {
    const salesloft = createSalesloftConnector(
      createSalesloftClient({ apiKey: 'unused', baseUrl: 'https://salesloft.invalid/v2', maxRetries: 0 }),
    );
    const attioConnector = createAttioConnector(createAttioClient({ apiKey: 'attio-key', maxRetries: 0 }));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 60 }),
          fc
            .jsonValue({ maxDepth: 2 })
            .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
          fc
            .record({
              mode: fc.constantFrom('scan', 'updated'),
              generation: fc.anything(),
              offset: fc.anything(),
            })
            .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
        ),
        async (since) => {
          count('connectors.listChanges(since)');
          for (const entity of [salesloft.entities.person, attioConnector.entities.person]) {
            try {
              for await (const batch of entity.listChanges({ since })) {
                expect(typeof batch.checkpoint).toBe('string');
                break;
              }
            } catch (error) {
              typedOnly(error);
            }
          }
        },
      ),
      { numRuns: fuzzRuns(100) },
    );
  });
});
