import { createMemoryQueue, createMemoryStorage } from '@salesos/core';
import { describe, expect, it } from 'vitest';
import { createWebhookInbox } from './webhook-inbox.ts';

const setup = () => {
  const storage = createMemoryStorage();
  const queue = createMemoryQueue();
  const inbox = createWebhookInbox({ storage, queue, prefix: ['tenant', 't1', 'inbox'] });
  return { storage, queue, inbox };
};

const waiting = async (inbox: ReturnType<typeof setup>['inbox']) => {
  const entries = [];
  for await (const entry of inbox.entries()) entries.push(entry);
  return entries;
};

describe('createWebhookInbox', () => {
  it('queues only the payload id, hands the payload to the handler, then forgets it', async () => {
    const { queue, inbox } = setup();
    const handled: unknown[] = [];
    const jobData: unknown[] = [];
    await inbox.queue.add('hooks', { email: 'ada@example.com' }, { jobId: 'd1' });
    expect(await waiting(inbox)).toEqual([{ name: 'hooks', id: 'd1', data: { email: 'ada@example.com' } }]);
    inbox.process<{ email: string }>('hooks', async (payload, job) => {
      handled.push(payload);
      jobData.push(job.data);
    });
    await queue.onIdle('hooks');
    expect(handled).toEqual([{ email: 'ada@example.com' }]);
    expect(jobData).toEqual([{ inbox: 'd1' }]);
    expect(await waiting(inbox)).toEqual([]);
    await queue.close();
  });

  it('leaves no payload behind when a processed job id is added again', async () => {
    const { queue, inbox } = setup();
    let runs = 0;
    inbox.process('hooks', async () => {
      runs += 1;
    });
    await inbox.queue.add('hooks', { n: 1 }, { jobId: 'd1' });
    await queue.onIdle('hooks');
    const again = await inbox.queue.add('hooks', { n: 1 }, { jobId: 'd1' });
    await queue.onIdle('hooks');
    expect(again.added).toBe(false);
    expect(runs).toBe(1);
    expect(await waiting(inbox)).toEqual([]);
    await queue.close();
  });

  it('completes a job whose payload was removed without running the handler', async () => {
    const { queue, inbox } = setup();
    let runs = 0;
    await inbox.queue.add('hooks', { email: 'ada@example.com' }, { jobId: 'd1' });
    await inbox.remove('hooks', 'd1');
    inbox.process('hooks', async () => {
      runs += 1;
    });
    await queue.onIdle('hooks');
    expect(runs).toBe(0);
    expect((await queue.counts('hooks')).completed).toBe(1);
    await queue.close();
  });

  it('keeps the payload for a retry when the handler fails', async () => {
    const { queue, inbox } = setup();
    const seen: unknown[] = [];
    inbox.process('hooks', async (payload) => {
      seen.push(payload);
      if (seen.length === 1) throw new Error('vendor down');
    });
    await inbox.queue.add(
      'hooks',
      { n: 7 },
      { jobId: 'd1', attempts: 2, backoff: { type: 'fixed', delayMs: 1 } },
    );
    for (let tries = 0; tries < 100 && seen.length < 2; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await queue.onIdle('hooks');
    expect(seen).toEqual([{ n: 7 }, { n: 7 }]);
    expect(await waiting(inbox)).toEqual([]);
    await queue.close();
  });
});
