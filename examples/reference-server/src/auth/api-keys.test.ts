import { describe, expect, it } from 'vitest';
import { createApiKeyVerifier, hashApiKey } from './api-keys.ts';

describe('createApiKeyVerifier', () => {
  const entries = [
    { name: 'ci', tenantId: 'acme', sha256: hashApiKey('ci-key-0123456789abcdef') },
    { name: 'ops', tenantId: 'globex', sha256: hashApiKey('ops-key-0123456789abcdef') },
  ];

  it('names the key a request presented and its tenant', () => {
    const verifier = createApiKeyVerifier(entries);
    expect(verifier.verify('ci-key-0123456789abcdef')).toEqual({ name: 'ci', tenantId: 'acme' });
    expect(verifier.verify('ops-key-0123456789abcdef')).toEqual({ name: 'ops', tenantId: 'globex' });
    expect(verifier.tenantIds).toEqual(['acme', 'globex']);
  });

  it('refuses unknown, truncated, empty and missing keys', () => {
    const verifier = createApiKeyVerifier(entries);
    expect(verifier.verify('ci-key-0123456789abcde')).toBeUndefined();
    expect(verifier.verify('CI-KEY-0123456789ABCDEF')).toBeUndefined();
    expect(verifier.verify('')).toBeUndefined();
    expect(verifier.verify(null)).toBeUndefined();
    expect(verifier.verify(undefined)).toBeUndefined();
  });

  it('refuses a key revoked from the start or at run time, and only that key', () => {
    const verifier = createApiKeyVerifier(entries, { revoked: ['ops'] });
    expect(verifier.verify('ops-key-0123456789abcdef')).toBeUndefined();
    expect(verifier.isRevoked('ops')).toBe(true);
    expect(verifier.revoke('ci')).toBe(true);
    expect(verifier.verify('ci-key-0123456789abcdef')).toBeUndefined();
    expect(verifier.revoke('nobody')).toBe(false);
  });

  it('rejects a stored hash that is not a SHA-256, and names listed twice', () => {
    expect(() => createApiKeyVerifier([{ name: 'bad', tenantId: 't', sha256: 'abc' }])).toThrow(
      /not a SHA-256/,
    );
    expect(() => createApiKeyVerifier([entries[0]!, { ...entries[1]!, name: 'ci' }])).toThrow(/twice/);
  });
});
