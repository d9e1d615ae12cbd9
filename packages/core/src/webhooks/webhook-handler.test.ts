import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../logger/logger.ts';
import { createMemoryQueue } from '../queue/memory-queue.ts';
import { createMemoryStorage } from '../storage/memory-storage.ts';
import type { Storage } from '../storage/storage.ts';
import { verifyHmacSignature } from './verify-hmac-signature.ts';
import { createWebhookHandler, type WebhookHandlerOptions } from './webhook-handler.ts';

const secret = 'whsec_handler_secret';
interface TestEvent {
  id: string;
  type: string;
}

const sign = (body: string | Uint8Array, key = secret) =>
  createHmac('sha256', key).update(body).digest('hex');

const deliver = (
  body: string | Uint8Array | ReadableStream<Uint8Array>,
  signature?: string,
  headers: Record<string, string> = {},
) =>
  new Request('https://app.example.com/webhooks/crm', {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      ...(signature === undefined ? {} : { 'x-signature': signature }),
      ...headers,
    },
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);

const signed = (event: object) => {
  const body = JSON.stringify(event);
  return deliver(body, sign(body));
};

const baseOptions: Pick<WebhookHandlerOptions<TestEvent>, 'verify' | 'parse'> = {
  verify: ({ body, headers }) =>
    verifyHmacSignature({
      payload: body,
      signature: headers.get('x-signature') ?? '',
      secret,
      algorithm: 'sha256',
      encoding: 'hex',
    }),
  parse: ({ text }) => {
    const event = JSON.parse(text) as TestEvent;
    if (typeof event.id !== 'string') throw new Error('missing id');
    return event;
  },
};

const recordingLogger = () => {
  const lines: string[] = [];
  const log = (fields: unknown, message?: string) => {
    lines.push(JSON.stringify(fields) + (message ?? ''));
  };
  const logger: Logger = { debug: log, info: log, warn: log, error: log };
  return { logger, lines };
};

describe('createWebhookHandler', () => {
  it('processes a signed delivery with onEvent and answers 200', async () => {
    const seen: TestEvent[] = [];
    const handler = createWebhookHandler<TestEvent>({
      ...baseOptions,
      onEvent: (event) => void seen.push(event),
    });
    const response = await handler(signed({ id: 'evt_1', type: 'person.updated' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'processed', id: 'evt_1' });
    expect(seen).toEqual([{ id: 'evt_1', type: 'person.updated' }]);
  });

  it('answers 401 for a signature made with the wrong secret, without processing', async () => {
    const seen: TestEvent[] = [];
    const handler = createWebhookHandler<TestEvent>({
      ...baseOptions,
      onEvent: (event) => void seen.push(event),
    });
    const body = JSON.stringify({ id: 'evt_1', type: 'x' });
    const response = await handler(deliver(body, sign(body, 'wrong secret')));
    expect(response.status).toBe(401);
    expect(seen).toEqual([]);
  });

  it('answers 401 for a truncated signature or a missing one', async () => {
    const handler = createWebhookHandler<TestEvent>({ ...baseOptions, onEvent: () => undefined });
    const body = JSON.stringify({ id: 'evt_1', type: 'x' });
    expect((await handler(deliver(body, sign(body).slice(0, 32)))).status).toBe(401);
    expect((await handler(deliver(body))).status).toBe(401);
  });

  it('answers 401 for an unsigned empty body and 400 for a signed one', async () => {
    const seen: TestEvent[] = [];
    const handler = createWebhookHandler<TestEvent>({
      ...baseOptions,
      onEvent: (event) => void seen.push(event),
    });
    expect((await handler(deliver(''))).status).toBe(401);
    const response = await handler(deliver('', sign('')));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_body');
    expect(seen).toEqual([]);
  });

  it('answers 413 for a 2 MiB body, whether or not content-length announces it', async () => {
    let verified = 0;
    const handler = createWebhookHandler<TestEvent>({
      ...baseOptions,
      verify: (delivery) => {
        verified += 1;
        return baseOptions.verify(delivery);
      },
      onEvent: () => undefined,
    });
    const big = new Uint8Array(2 * 1024 * 1024).fill(0x61);
    expect((await handler(deliver(big, sign(big)))).status).toBe(413);
    const announced = deliver('{}', sign('{}'), { 'content-length': String(big.byteLength) });
    const early = await handler(announced);
    expect(early.status).toBe(413);
    expect(announced.bodyUsed).toBe(false);
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 32) {
          controller.close();
          return;
        }
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const streamed = await handler(deliver(stream, 'irrelevant'));
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(32);
    expect(verified).toBe(0);
  });

  it('honours a custom maxBodyBytes', async () => {
    const handler = createWebhookHandler<TestEvent>({
      ...baseOptions,
      onEvent: () => undefined,
      maxBodyBytes: 10,
    });
    expect((await handler(signed({ id: 'evt_1', type: 'long enough' }))).status).toBe(413);
  });

  it('processes the same delivery twice only once, answering 200 duplicate the second time', async () => {
    const storage = createMemoryStorage();
    const seen: string[] = [];
    const handler = createWebhookHandler<TestEvent>({
      ...baseOptions,
      dedupe: { storage },
      onEvent: (event) => void seen.push(event.id),
    });
    const first = await handler(signed({ id: 'evt_9', type: 'x' }));
    const second = await handler(signed({ id: 'evt_9', type: 'x' }));
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ status: 'duplicate', id: 'evt_9' });
    expect(seen).toEqual(['evt_9']);
  });

  it('answers 409 to a duplicate that arrives while the first is still being handled', async () => {
    const storage = createMemoryStorage();
    let release: () => void = () => undefined;
    const seen: string[] = [];
    const handler = createWebhookHandler<TestEvent>({
      ...baseOptions,
      dedupe: { storage },
      onEvent: async (event) => {
        seen.push(event.id);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    const first = handler(signed({ id: 'evt_c', type: 'x' }));
    while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const concurrent = await handler(signed({ id: 'evt_c', type: 'x' }));
    expect(concurrent.status).toBe(409);
    release();
    expect((await first).status).toBe(200);
    expect((await handler(signed({ id: 'evt_c', type: 'x' }))).status).toBe(200);
    expect(seen).toEqual(['evt_c']);
  });

  it('answers 500 when onEvent throws, forgets the delivery, and processes the redelivery', async () => {
    const storage = createMemoryStorage();
    const { logger, lines } = recordingLogger();
    let failing = true;
    const processed: string[] = [];
    const handler = createWebhookHandler<TestEvent>({
      ...baseOptions,
      dedupe: { storage },
      logger,
      onEvent: (event) => {
        if (failing) throw new Error('database unavailable');
        processed.push(event.id);
      },
    });
    const failed = await handler(signed({ id: 'evt_f', type: 'x' }));
    expect(failed.status).toBe(500);
    expect((await storage.get(['webhooks', 'deliveries', 'evt_f'])).versionstamp).toBeNull();
    failing = false;
    const redelivered = await handler(signed({ id: 'evt_f', type: 'x' }));
    expect(redelivered.status).toBe(200);
    expect(processed).toEqual(['evt_f']);
    expect((await handler(signed({ id: 'evt_f', type: 'x' }))).status).toBe(200);
    expect(processed).toEqual(['evt_f']);
    expect(lines.some((line) => line.includes('database unavailable'))).toBe(true);
    expect(lines.some((line) => line.includes(secret))).toBe(false);
  });

  it('queues the event with the delivery id as job id, answering 202, and runs it once', async () => {
    const storage = createMemoryStorage();
    const queue = createMemoryQueue();
    const ran: TestEvent[] = [];
    queue.process<TestEvent>('crm-webhook', (job) => void ran.push(job.data));
    const handler = createWebhookHandler<TestEvent>({
      ...baseOptions,
      dedupe: { storage },
      queue,
      queueName: 'crm-webhook',
    });
    const accepted = await handler(signed({ id: 'evt_q', type: 'deal.won' }));
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ status: 'accepted', id: 'evt_q' });
    expect((await handler(signed({ id: 'evt_q', type: 'deal.won' }))).status).toBe(200);
    await queue.onIdle();
    expect(ran).toEqual([{ id: 'evt_q', type: 'deal.won' }]);
    await queue.close();
  });

  it('answers 500 when the queue refuses the event, so the delivery is retried, not lost', async () => {
    const storage = createMemoryStorage();
    const queue = createMemoryQueue();
    await queue.close();
    const handler = createWebhookHandler<TestEvent>({ ...baseOptions, dedupe: { storage }, queue });
    expect((await handler(signed({ id: 'evt_closed', type: 'x' }))).status).toBe(500);
    const reopened = createMemoryQueue();
    const retried = createWebhookHandler<TestEvent>({ ...baseOptions, dedupe: { storage }, queue: reopened });
    expect((await retried(signed({ id: 'evt_closed', type: 'x' }))).status).toBe(202);
    expect((await reopened.counts('webhook')).waiting).toBe(1);
  });

  it('answers 500 instead of throwing when the dedupe storage fails', async () => {
    const storage = createMemoryStorage();
    await storage.close();
    const handler = createWebhookHandler<TestEvent>({
      ...baseOptions,
      dedupe: { storage: storage as Storage },
      onEvent: () => undefined,
    });
    expect((await handler(signed({ id: 'evt_s', type: 'x' }))).status).toBe(500);
  });

  it('answers 401 when verify throws and 400 when the event is malformed', async () => {
    const throwing = createWebhookHandler<TestEvent>({
      ...baseOptions,
      verify: () => {
        throw new Error('no key');
      },
      onEvent: () => undefined,
    });
    expect((await throwing(signed({ id: 'evt_1', type: 'x' }))).status).toBe(401);
    const handler = createWebhookHandler<TestEvent>({ ...baseOptions, onEvent: () => undefined });
    const body = '{"type":"no id"}';
    expect((await handler(deliver(body, sign(body)))).status).toBe(400);
    expect((await handler(deliver('{not json', sign('{not json')))).status).toBe(400);
  });

  it('answers 405 to anything but POST', async () => {
    const handler = createWebhookHandler<TestEvent>({ ...baseOptions, onEvent: () => undefined });
    const response = await handler(new Request('https://app.example.com/webhooks/crm'));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('refuses options without exactly one of queue and onEvent', () => {
    expect(() => createWebhookHandler<TestEvent>({ ...baseOptions })).toThrow(/exactly one/);
    expect(() =>
      createWebhookHandler<TestEvent>({
        ...baseOptions,
        onEvent: () => undefined,
        queue: createMemoryQueue(),
      }),
    ).toThrow(/exactly one/);
  });
});
