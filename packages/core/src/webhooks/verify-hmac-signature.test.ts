import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyHmacSignature } from './verify-hmac-signature.ts';

const secret = 'whsec_test_secret';
const payload = '{"id":"evt_1","type":"person.updated"}';
const sign = (
  body: string | Uint8Array,
  algorithm: 'sha1' | 'sha256',
  encoding: 'hex' | 'base64',
  key = secret,
) => createHmac(algorithm, key).update(body).digest(encoding);

describe('verifyHmacSignature', () => {
  for (const algorithm of ['sha1', 'sha256'] as const) {
    for (const encoding of ['hex', 'base64'] as const) {
      it(`accepts a correct ${algorithm} ${encoding} signature`, () => {
        const signature = sign(payload, algorithm, encoding);
        expect(verifyHmacSignature({ payload, signature, secret, algorithm, encoding })).toBe(true);
      });
    }
  }

  it('accepts raw bytes as the payload', () => {
    const bytes = new TextEncoder().encode(payload);
    const signature = sign(bytes, 'sha256', 'hex');
    expect(
      verifyHmacSignature({ payload: bytes, signature, secret, algorithm: 'sha256', encoding: 'hex' }),
    ).toBe(true);
  });

  it('rejects a signature made with another secret', () => {
    const signature = sign(payload, 'sha256', 'hex', 'another secret');
    expect(verifyHmacSignature({ payload, signature, secret, algorithm: 'sha256', encoding: 'hex' })).toBe(
      false,
    );
  });

  it('rejects a signature over a changed payload', () => {
    const signature = sign(payload, 'sha256', 'base64');
    expect(
      verifyHmacSignature({
        payload: `${payload} `,
        signature,
        secret,
        algorithm: 'sha256',
        encoding: 'base64',
      }),
    ).toBe(false);
  });

  it('answers false, without throwing, for truncated, malformed or mismatched signatures', () => {
    const hex = sign(payload, 'sha256', 'hex');
    const base64 = sign(payload, 'sha256', 'base64');
    const cases: [string, 'hex' | 'base64', 'sha1' | 'sha256'][] = [
      [hex.slice(0, -2), 'hex', 'sha256'],
      [hex.slice(0, 40), 'hex', 'sha256'],
      [`${hex}00`, 'hex', 'sha256'],
      [hex.replace(/^./, 'z'), 'hex', 'sha256'],
      ['', 'hex', 'sha256'],
      [base64.slice(0, 20), 'base64', 'sha256'],
      ['!!!not base64!!!', 'base64', 'sha256'],
      [hex, 'hex', 'sha1'],
    ];
    for (const [signature, encoding, algorithm] of cases) {
      expect(verifyHmacSignature({ payload, signature, secret, algorithm, encoding })).toBe(false);
    }
    const loose = verifyHmacSignature as (options: unknown) => boolean;
    expect(loose({ payload, signature: undefined, secret, algorithm: 'sha256', encoding: 'hex' })).toBe(
      false,
    );
    expect(loose({ payload, signature: hex, secret, algorithm: 'md5', encoding: 'hex' })).toBe(false);
    expect(loose({ payload, signature: hex, secret: '', algorithm: 'sha256', encoding: 'hex' })).toBe(false);
    expect(loose(null)).toBe(false);
  });

  it('rejects a timestamp outside the tolerance and accepts one inside it', () => {
    const now = Date.UTC(2026, 0, 1);
    const signed = `${now / 1000}.${payload}`;
    const signature = sign(signed, 'sha256', 'hex');
    const base = { payload: signed, signature, secret, algorithm: 'sha256', encoding: 'hex' } as const;
    expect(verifyHmacSignature({ ...base, timestamp: now / 1000 - 299, now })).toBe(true);
    expect(verifyHmacSignature({ ...base, timestamp: String(now / 1000 - 301), now })).toBe(false);
    expect(verifyHmacSignature({ ...base, timestamp: now / 1000 + 400, now })).toBe(false);
    expect(verifyHmacSignature({ ...base, timestamp: now / 1000 - 500, toleranceSeconds: 600, now })).toBe(
      true,
    );
    expect(verifyHmacSignature({ ...base, timestamp: 'yesterday', now })).toBe(false);
  });
});
