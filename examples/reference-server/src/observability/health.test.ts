import { afterEach, describe, expect, it } from 'vitest';
import { JOBS } from '../dependencies.ts';
import { eventually, startTestServer, type TestServer } from '../testing/start-test-server.ts';
import type { HealthReport } from './health.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const start = async () => {
  const server = await startTestServer();
  servers.push(server);
  return server;
};

const health = async (server: TestServer) => {
  const response = await fetch(`${server.url}/health`);
  return { status: response.status, body: (await response.json()) as HealthReport };
};

const VENDORS_OK = {
  salesloft: { status: 'ok', simulated: true },
  apollo: { status: 'ok', simulated: true },
  attio: { status: 'ok', simulated: true },
};

describe('GET /health with a dependency down', () => {
  it('answers 503 degraded, naming the queue and its dead-lettered webhook job, until it is dealt with', async () => {
    const server = await start();
    expect(await health(server)).toEqual({
      status: 200,
      body: { status: 'ok', checks: { storage: { status: 'ok' }, queue: { status: 'ok' }, ...VENDORS_OK } },
    });

    // A webhook job whose payload cannot be applied (the intake throws on it): one attempt, then dead.
    const jobId = 'unreadable-delivery';
    await server.deps.inbox.queue.add(JOBS.salesloft, null, { jobId, attempts: 1 });
    await eventually(async () => (await server.deps.queue.deadLetters(JOBS.salesloft)).length === 1);

    expect(await health(server)).toEqual({
      status: 503,
      body: {
        status: 'degraded',
        checks: {
          storage: { status: 'ok' },
          queue: { status: 'degraded', reason: `dead-lettered jobs: 1 in ${JOBS.salesloft}` },
          ...VENDORS_OK,
        },
      },
    });

    // Dropping the payload and retrying the job lets it complete without running: healthy again.
    await server.deps.inbox.remove(JOBS.salesloft, jobId);
    expect(await server.deps.queue.retry(jobId)).toBe(true);
    await eventually(async () => (await server.deps.queue.counts(JOBS.salesloft)).completed === 1);
    expect(await health(server)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('answers 503 degraded, naming the storage and the queue on it, once the storage is closed', async () => {
    const server = await start();
    expect((await health(server)).status).toBe(200);

    await server.deps.storage.close();

    const { status, body } = await health(server);
    expect(status).toBe(503);
    expect(body.status).toBe('degraded');
    // The embedded queue lives in the same SQLite file, so it fails with it; the vendors do not.
    expect(body.checks.storage).toEqual({
      status: 'degraded',
      reason: expect.stringMatching(/^storage failed: \S/),
    });
    expect(body.checks.queue).toEqual({
      status: 'degraded',
      reason: expect.stringMatching(/^queue failed: \S/),
    });
    expect(body.checks).toMatchObject(VENDORS_OK);
    expect(Object.keys(body.checks).sort()).toEqual(['apollo', 'attio', 'queue', 'salesloft', 'storage']);
    // The class and code only: the message names the database file, which an open endpoint must not.
    expect(body.checks.storage.reason).toMatch(/^storage failed: StorageError/);
    const { storage } = server.deps.config;
    expect(storage.kind).toBe('sqlite');
    if (storage.kind === 'sqlite') expect(JSON.stringify(body)).not.toContain(storage.directory);
  });
});
