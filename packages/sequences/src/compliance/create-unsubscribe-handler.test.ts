import { describe, expect, it } from 'vitest';
import { createUnsubscribeHandler } from './create-unsubscribe-handler.ts';
import { createUnsubscribeTokens, type UnsubscribeRecipient } from './unsubscribe-tokens.ts';

const SECRET = 'unsubscribe-secret-0123456789';
const recipient = { tenantId: 't1', email: 'Ada@Acme.example' };

function setup(onUnsubscribe?: (recipient: UnsubscribeRecipient) => Promise<void> | void) {
  const calls: UnsubscribeRecipient[] = [];
  const handler = createUnsubscribeHandler({
    secret: SECRET,
    onUnsubscribe: onUnsubscribe ?? ((value) => void calls.push(value)),
  });
  const url = createUnsubscribeTokens({ secret: SECRET }).url('https://example.com/unsubscribe', recipient);
  return { handler, calls, url };
}

const oneClick = (url: string) =>
  new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });

describe('createUnsubscribeHandler', () => {
  it('unsubscribes the recipient of the token on a one-click POST', async () => {
    const { handler, calls, url } = setup();
    const response = await handler(oneClick(url));
    expect(response.status).toBe(200);
    expect(calls).toEqual([{ tenantId: 't1', email: 'ada@acme.example' }]);
  });

  it('accepts the token as the last path segment', async () => {
    const { handler, calls } = setup();
    const token = createUnsubscribeTokens({ secret: SECRET }).create(recipient);
    const response = await handler(oneClick(`https://example.com/unsubscribe/${token}`));
    expect(response.status).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it('never unsubscribes on GET, so link scanners cannot', async () => {
    const { handler, calls, url } = setup();
    for (const method of ['GET', 'HEAD', 'PUT']) {
      const response = await handler(new Request(url, { method }));
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    }
    expect(calls).toEqual([]);
  });

  it('answers 400 for a forged or missing token and calls nothing', async () => {
    const { handler, calls, url } = setup();
    const token = new URL(url).searchParams.get('token') as string;
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    const other = createUnsubscribeTokens({ secret: 'a-different-secret-0123' }).url(
      'https://example.com/u',
      recipient,
    );
    for (const bad of [`https://example.com/unsubscribe?token=${tampered}`, other, 'https://example.com/']) {
      expect((await handler(oneClick(bad))).status).toBe(400);
    }
    expect(calls).toEqual([]);
  });

  it('answers 500 when onUnsubscribe fails, so the mail client retries', async () => {
    const { handler, url } = setup(() => {
      throw new Error('storage unavailable');
    });
    expect((await handler(oneClick(url))).status).toBe(500);
  });
});

describe('createUnsubscribeTokens', () => {
  it('makes one opaque token per recipient that reveals nothing', () => {
    const tokens = createUnsubscribeTokens({ secret: SECRET });
    const token = tokens.create(recipient);
    expect(tokens.create({ tenantId: 't1', email: 'ada@acme.example' })).toBe(token);
    expect(tokens.create({ tenantId: 't2', email: 'ada@acme.example' })).not.toBe(token);
    expect(token).toMatch(/^[\w-]+$/);
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain('acme');
    expect(tokens.verify(token)).toEqual({ tenantId: 't1', email: 'ada@acme.example' });
  });

  it('rejects tokens of another secret', () => {
    const token = createUnsubscribeTokens({ secret: 'another-secret-0123456789' }).create(recipient);
    expect(createUnsubscribeTokens({ secret: SECRET }).verify(token)).toBeUndefined();
  });
});
