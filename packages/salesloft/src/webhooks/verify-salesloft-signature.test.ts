import { describe, expect, it } from 'vitest';
import { createSalesloftSimulator } from '../testing/index.ts';
import { verifySalesloftSignature } from './verify-salesloft-signature.ts';

// A vector computed outside this code: printf '%s' "$BODY" | openssl dgst -sha1 -hmac "$TOKEN"
const BODY = '{"id":42,"email_address":"pat.johnson@example.com","updated_at":"2026-01-05T10:00:00.000000Z"}';
const TOKEN = 'xT7/Buu0Vz2ffiIPuMlBGu+cwku1dr7G5jeiM0iyfYIT0l4z3azNGjiXWTOX/8OT';
const SIGNATURE = '8dd504a33e4c9bde50341847e5c4764f3d68b9a5';

describe('verifySalesloftSignature', () => {
  it('accepts the hex HMAC-SHA1 of the raw body keyed with the callback token', () => {
    expect(verifySalesloftSignature({ payload: BODY, signature: SIGNATURE, secret: TOKEN })).toBe(true);
    expect(
      verifySalesloftSignature({
        payload: new TextEncoder().encode(BODY),
        signature: SIGNATURE,
        secret: TOKEN,
      }),
    ).toBe(true);
  });

  it('accepts an upper-case hex signature', () => {
    expect(
      verifySalesloftSignature({ payload: BODY, signature: SIGNATURE.toUpperCase(), secret: TOKEN }),
    ).toBe(true);
  });

  it('rejects a delivery signed with another callback token', () => {
    expect(verifySalesloftSignature({ payload: BODY, signature: SIGNATURE, secret: 'another-token' })).toBe(
      false,
    );
  });

  it('rejects a tampered body', () => {
    const tampered = BODY.replace('pat.johnson', 'eve');
    expect(verifySalesloftSignature({ payload: tampered, signature: SIGNATURE, secret: TOKEN })).toBe(false);
  });

  it('answers false, without throwing, for missing, truncated or non-hex signatures and an empty secret', () => {
    expect(verifySalesloftSignature({ payload: BODY, signature: undefined, secret: TOKEN })).toBe(false);
    expect(verifySalesloftSignature({ payload: BODY, signature: null, secret: TOKEN })).toBe(false);
    expect(verifySalesloftSignature({ payload: BODY, signature: '', secret: TOKEN })).toBe(false);
    expect(
      verifySalesloftSignature({ payload: BODY, signature: SIGNATURE.slice(0, 20), secret: TOKEN }),
    ).toBe(false);
    expect(verifySalesloftSignature({ payload: BODY, signature: `sha256=${SIGNATURE}`, secret: TOKEN })).toBe(
      false,
    );
    expect(verifySalesloftSignature({ payload: BODY, signature: 'zz'.repeat(20), secret: TOKEN })).toBe(
      false,
    );
    expect(verifySalesloftSignature({ payload: BODY, signature: SIGNATURE, secret: '' })).toBe(false);
  });

  it('verifies deliveries the simulator signs', () => {
    const simulator = createSalesloftSimulator({ people: 1, webhooks: { token: TOKEN } });
    const delivery = simulator.webhooks.delivery('person_updated', { id: 1, email_address: 'a@b.test' });
    expect(
      verifySalesloftSignature({
        payload: delivery.body,
        signature: delivery.headers['x-salesloft-signature'],
        secret: TOKEN,
      }),
    ).toBe(true);
    expect(delivery.headers['x-salesloft-event']).toBe('person_updated');
  });
});
