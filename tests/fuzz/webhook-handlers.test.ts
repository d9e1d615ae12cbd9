import { createAttioWebhookHandler } from '@salesos/attio';
import { createAttioSimulator, signAttioBody } from '@salesos/attio/testing';
import {
  createMemoryQueue,
  createMemoryStorage,
  createWebhookHandler,
  type WebhookHandler,
} from '@salesos/core';
import {
  createSalesloftWebhookHandler,
  SALESLOFT_EVENT_HEADER,
  SALESLOFT_EVENT_TYPES,
  SALESLOFT_SIGNATURE_HEADER,
  salesloftEventToActivities,
} from '@salesos/salesloft';
import { signSalesloftPayload } from '@salesos/salesloft/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { bodyFrom, fuzzRuns } from '../support/arbitraries.ts';
import { createCapturingLogger } from '../support/capture.ts';
import { recordFigures } from '../support/figures.ts';
import { vendorFixture } from '../support/fixtures.ts';

const RUNS = 250;
const MAX_BODY = 8 * 1024;
const SALESLOFT_TOKEN = 'fuzz-salesloft-callback-token';
const ATTIO_SECRET = 'fuzz-attio-webhook-secret';
/** What a webhook endpoint may answer to a request from anyone on the internet. */
const ALLOWED = new Set([200, 202, 400, 401, 405, 409, 413]);
const statuses: Record<string, Record<number, number>> = {};

afterAll(() =>
  recordFigures('bad-input-webhook-handlers', {
    answers: statuses,
    serverErrors: Object.values(statuses)
      .flatMap((tally) => Object.entries(tally))
      .filter(([status]) => Number(status) >= 500)
      .reduce((sum, [, count]) => sum + count, 0),
  }),
);

type Signature = 'valid' | 'missing' | 'garbage' | 'other-secret' | 'uppercase';

interface HostileRequest {
  method: string;
  body: string;
  signature: Signature;
  eventType: string | null;
  contentType: string | null;
  extraBytes: number;
}

function hostileRequests(
  examples: readonly unknown[],
  eventTypes: readonly string[],
): fc.Arbitrary<HostileRequest> {
  return fc.record({
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constant('POST') },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') },
    ),
    body: fc.constantFrom(...examples).chain(bodyFrom),
    signature: fc.constantFrom<Signature>(
      'valid',
      'valid',
      'valid',
      'missing',
      'garbage',
      'other-secret',
      'uppercase',
    ),
    eventType: fc.oneof(fc.constantFrom(...eventTypes), fc.string({ maxLength: 30 }), fc.constant(null)),
    contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', null),
    extraBytes: fc.oneof(
      { weight: 9, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.constant(MAX_BODY) },
    ),
  });
}

function toRequest(
  input: HostileRequest,
  sign: (body: string, secret: string) => string,
  secret: string,
  headerName: string,
  eventHeader: string | undefined,
): Request {
  const body = input.extraBytes > 0 ? `${input.body}${' '.repeat(input.extraBytes)}` : input.body;
  const headers = new Headers();
  const signature = {
    valid: sign(body, secret),
    uppercase: sign(body, secret).toUpperCase(),
    'other-secret': sign(body, `${secret}-other`),
    garbage: 'zz'.repeat(20),
    missing: undefined,
  }[input.signature];
  if (signature !== undefined) headers.set(headerName, signature);
  if (eventHeader && input.eventType !== null && /^[\x20-\x7e]*$/.test(input.eventType)) {
    headers.set(eventHeader, input.eventType);
  }
  if (input.contentType) headers.set('content-type', input.contentType);
  const hasBody = input.method !== 'GET' && input.method !== 'HEAD';
  return new Request('https://hooks.example.com/webhooks', {
    method: input.method,
    headers,
    ...(hasBody ? { body } : {}),
  });
}

async function expectHandled(handler: WebhookHandler, request: Request, name: string) {
  const response = await handler(request);
  statuses[name] ??= {};
  const tally = statuses[name] as Record<number, number>;
  tally[response.status] = (tally[response.status] ?? 0) + 1;
  expect(ALLOWED.has(response.status), `status ${response.status}`).toBe(true);
  const answer = (await response.json()) as Record<string, unknown>;
  expect(typeof answer).toBe('object');
  return response.status;
}

const salesloftExamples = ['person', 'account', 'email', 'call', 'meeting', 'task', 'note'].map((name) =>
  vendorFixture('salesloft', name),
);

describe('createSalesloftWebhookHandler fed hostile requests', () => {
  it('answers every request with a 2xx or a 4xx, never a 5xx, and never throws', async () => {
    const logger = createCapturingLogger();
    const queue = createMemoryQueue();
    const processed: string[] = [];
    queue.process('salesloft', async (job) => {
      processed.push(job.id);
    });
    const handler = createSalesloftWebhookHandler({
      secret: SALESLOFT_TOKEN,
      dedupe: { storage: createMemoryStorage() },
      queue,
      queueName: 'salesloft',
      maxBodyBytes: MAX_BODY,
      logger,
    });
    await fc.assert(
      fc.asyncProperty(hostileRequests(salesloftExamples, SALESLOFT_EVENT_TYPES), async (input) => {
        const request = toRequest(
          input,
          signSalesloftPayload,
          SALESLOFT_TOKEN,
          SALESLOFT_SIGNATURE_HEADER,
          SALESLOFT_EVENT_HEADER,
        );
        const status = await expectHandled(handler, request, 'salesloft');
        // Hex is case-insensitive, so an upper-cased valid signature is still valid.
        const forged = input.signature !== 'valid' && input.signature !== 'uppercase';
        if (forged && input.method === 'POST') {
          // Size is checked before the signature: an oversized forgery may answer 413 instead.
          expect([401, 413]).toContain(status);
        }
      }),
      { numRuns: fuzzRuns(RUNS) },
    );
    await queue.onIdle();
    expect(processed.length).toBeGreaterThan(0);
    expect(logger.lines.every((line) => line.level !== 'error')).toBe(true);
  });

  it('hands accepted events to consumers that map them without failing', async () => {
    const failures: unknown[] = [];
    const handler = createSalesloftWebhookHandler({
      secret: SALESLOFT_TOKEN,
      onEvent: (event) => {
        try {
          salesloftEventToActivities(event);
        } catch (error) {
          failures.push(error);
        }
      },
    });
    await fc.assert(
      fc.asyncProperty(hostileRequests(salesloftExamples, SALESLOFT_EVENT_TYPES), async (input) => {
        const request = toRequest(
          { ...input, method: 'POST', signature: 'valid', extraBytes: 0 },
          signSalesloftPayload,
          SALESLOFT_TOKEN,
          SALESLOFT_SIGNATURE_HEADER,
          SALESLOFT_EVENT_HEADER,
        );
        await expectHandled(handler, request, 'salesloft-signed');
      }),
      { numRuns: fuzzRuns(RUNS) },
    );
    expect(failures).toEqual([]);
  });
});

describe('createAttioWebhookHandler fed hostile requests', () => {
  it('answers every request with a 2xx or a 4xx, never a 5xx, and never throws', async () => {
    const simulator = createAttioSimulator({ seed: 5, records: { people: 3, companies: 1, deals: 0 } });
    const person = simulator.store.records('people')[0];
    const ids = { object_id: person?.id.object_id, record_id: person?.id.record_id };
    const examples = [
      JSON.parse(simulator.webhooks.delivery('record.updated', { id: { ...ids, attribute_id: 'a' } }).body),
      JSON.parse(
        simulator.webhooks.delivery([
          { event_type: 'record.created', id: ids },
          { event_type: 'note.created', id: { note_id: 'n' }, parent_object_id: 'o', parent_record_id: 'r' },
        ]).body,
      ),
    ];
    const seen: string[] = [];
    const handler = createAttioWebhookHandler({
      secret: ATTIO_SECRET,
      maxBodyBytes: MAX_BODY,
      onEvent: (event) => {
        seen.push(event.event_type);
      },
    });
    await fc.assert(
      fc.asyncProperty(hostileRequests(examples, ['record.created']), async (input) => {
        const request = toRequest(input, signAttioBody, ATTIO_SECRET, 'attio-signature', undefined);
        await expectHandled(handler, request, 'attio');
      }),
      { numRuns: fuzzRuns(RUNS) },
    );
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe('createWebhookHandler fed hostile delivery ids', () => {
  it('answers 2xx or 4xx whatever the parsed event and its id look like', async () => {
    const queue = createMemoryQueue();
    queue.process('any', () => undefined);
    const handler = createWebhookHandler<unknown>({
      verify: () => true,
      parse: ({ text }) => JSON.parse(text) as unknown,
      dedupe: { storage: createMemoryStorage() },
      queue,
      queueName: 'any',
      maxBodyBytes: MAX_BODY,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            id: fc.oneof(
              fc.string(),
              fc.integer(),
              fc.double(),
              fc.jsonValue(),
              // Ids a storage key cannot hold as they are: lone surrogates, empty, huge.
              fc.constantFrom('\ud800', 'a\udc00b', '', 'x'.repeat(5_000)),
            ),
          }),
          fc.jsonValue({ maxDepth: 3 }),
        ),
        async (event) => {
          const request = new Request('https://hooks.example.com/any', {
            method: 'POST',
            body: JSON.stringify(event),
          });
          await expectHandled(handler, request, 'core');
        },
      ),
      { numRuns: fuzzRuns(RUNS) },
    );
  });
});
