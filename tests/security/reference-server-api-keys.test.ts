import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../examples/reference-server/src/auth/api-keys.ts';
import {
  startTestServer,
  type TestServer,
} from '../../examples/reference-server/src/testing/start-test-server.ts';
import { recordFigures } from '../support/figures.ts';

const ACTIVE = 'sk_active_0123456789abcdef';
const HASHED = 'sk_hashed_0123456789abcdef';
const REVOKED = 'sk_revoked_0123456789abcdef';
const LATER_REVOKED = 'sk_later_0123456789abcdef';

/** Every `/api` route that takes an API key, with a body it accepts. */
const ROUTES: { path: string; json?: unknown }[] = [
  { path: '/api/leads/search', json: { limit: 1 } },
  { path: '/api/leads/enrich', json: { people: [{ email: 'nobody@example.com' }] } },
  { path: '/api/contacts/pe_1/score' },
  { path: '/api/sequences', json: { id: 'k', steps: [{ type: 'email', subject: 's', body: 'b' }] } },
  {
    path: '/api/enrollments',
    json: { sequenceId: 'k', personId: 'pe_1', mailbox: { email: 'rep@example.com' } },
  },
  { path: '/api/sync/people/run', json: { mode: 'incremental' } },
  { path: '/api/sync/people' },
  { path: '/api/deals', json: { name: 'Key test' } },
  { path: '/api/privacy/export', json: { email: 'nobody@example.com' } },
  { path: '/api/privacy/forget', json: { email: 'nobody@example.com' } },
  { path: '/api/no-such-route' },
];

/** Ways of presenting a key that must all be refused. */
const REFUSED: { name: string; headers: Record<string, string>; query?: string }[] = [
  { name: 'no key', headers: {} },
  { name: 'empty x-api-key', headers: { 'x-api-key': '' } },
  { name: 'wrong key', headers: { 'x-api-key': 'sk_wrong_0123456789abcdef' } },
  { name: 'one character short', headers: { 'x-api-key': ACTIVE.slice(0, -1) } },
  { name: 'one character more', headers: { 'x-api-key': `${ACTIVE}x` } },
  { name: 'other case', headers: { 'x-api-key': ACTIVE.toUpperCase() } },
  { name: 'the stored hash', headers: { 'x-api-key': hashApiKey(ACTIVE) } },
  { name: 'revoked in the environment', headers: { 'x-api-key': REVOKED } },
  { name: 'a long key', headers: { 'x-api-key': 'k'.repeat(4096) } },
  { name: 'bearer of a wrong key', headers: { authorization: 'Bearer sk_wrong_0123456789abcdef' } },
  {
    name: 'basic scheme',
    headers: { authorization: `Basic ${Buffer.from(`x:${ACTIVE}`).toString('base64')}` },
  },
  { name: 'bearer without a key', headers: { authorization: 'Bearer ' } },
  { name: 'key in the query', headers: {}, query: `?api_key=${ACTIVE}` },
];

describe('the reference server API keys', () => {
  let server: TestServer;
  const refusals: Record<string, number> = {};

  beforeAll(async () => {
    server = await startTestServer(
      {
        API_KEYS: `active:${ACTIVE},revoked:${REVOKED},later:${LATER_REVOKED}`,
        API_KEY_HASHES: `hashed:${hashApiKey(HASHED)}`,
        REVOKED_API_KEYS: 'revoked',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
      { captureLogs: true },
    );
  });

  afterAll(async () => {
    await server?.close();
    recordFigures('security-reference-server-api-keys', {
      routes: ROUTES.length,
      refusedPresentations: REFUSED.length,
      answers: refusals,
    });
  });

  it('answer 401 on every route to a missing, wrong, malformed or revoked key, the same way each time', async () => {
    const bodies = new Set<string>();
    for (const route of ROUTES) {
      for (const presentation of REFUSED) {
        const response = await server.call(null, `${route.path}${presentation.query ?? ''}`, route.json, {
          ...presentation.headers,
        });
        refusals[response.status] = (refusals[response.status] ?? 0) + 1;
        expect(response.status, `${presentation.name} on ${route.path}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toContain('Bearer');
        const body = (await response.json()) as { error: { code: string; message: string } };
        bodies.add(`${body.error.code}: ${body.error.message}`);
      }
    }
    // Nothing tells a revoked key from a wrong one, or which part of a key was right.
    expect([...bodies]).toEqual(['unauthorized: Send a valid API key in the x-api-key header.']);
  });

  it('let an active key through, as x-api-key or bearer, and a key configured only by its hash', async () => {
    for (const headers of [
      { 'x-api-key': ACTIVE },
      { authorization: `Bearer ${ACTIVE}` },
      { authorization: `bearer ${HASHED}` },
    ]) {
      const response = await server.call(null, '/api/contacts/pe_1/score', undefined, headers);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });

  it('refuse a key revoked while the server runs, from its next request, and keep the others', async () => {
    expect((await server.call(LATER_REVOKED, '/api/sync/people')).status).toBe(200);
    expect(server.deps.apiKeys.revoke('later')).toBe(true);
    expect((await server.call(LATER_REVOKED, '/api/sync/people')).status).toBe(401);
    expect((await server.call(ACTIVE, '/api/sync/people')).status).toBe(200);
  });

  it('never write a presented key to the logs', () => {
    const logs = server.logLines.join('\n');
    expect(server.logLines.length).toBeGreaterThan(ROUTES.length * REFUSED.length);
    for (const key of [ACTIVE, HASHED, REVOKED, LATER_REVOKED, 'sk_wrong_0123456789abcdef']) {
      expect(logs).not.toContain(key);
    }
  });
});
