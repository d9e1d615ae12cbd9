import { createHash, timingSafeEqual } from 'node:crypto';

/** The hex SHA-256 of an API key: what the server stores instead of the key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** An API key as the server keeps it: its name, its tenant and the SHA-256 of the key. */
export interface ApiKeyEntry {
  /** Unique among the server's keys; shown in logs instead of the key. */
  name: string;
  /** The tenant every request made with the key acts for. */
  tenantId: string;
  /** Hex SHA-256 of the key. */
  sha256: string;
}

/** Who a presented key belongs to. */
export interface ApiKeyIdentity {
  name: string;
  tenantId: string;
}

/** Checks presented API keys against stored hashes, and revokes keys. */
export interface ApiKeyVerifier {
  /** The key that matches `presented` (name and tenant), or `undefined` for a wrong or revoked key. */
  verify(presented: string | null | undefined): ApiKeyIdentity | undefined;
  /**
   * Refuses the key named `name` from now on, in this process. Answers `false` when no key has
   * that name. Add the name to `REVOKED_API_KEYS` to keep it refused after a restart.
   */
  revoke(name: string): boolean;
  /** Whether the key named `name` is revoked. */
  isRevoked(name: string): boolean;
  /** The tenants the keys act for, each once. */
  readonly tenantIds: readonly string[];
  /** Number of keys known (revoked ones included). */
  readonly size: number;
}

/** Options of `createApiKeyVerifier`. */
export interface ApiKeyVerifierOptions {
  /** Names of keys refused from the start (`REVOKED_API_KEYS`). */
  revoked?: readonly string[];
}

/**
 * Creates a verifier over `{ name, tenantId, sha256 }` entries. The presented key is hashed and
 * compared with every stored hash in constant time (no early exit), so neither the time taken nor
 * the answer tells how much of a key was right or which key came close. A revoked key is
 * answered like a wrong one.
 *
 * @example
 * ```ts
 * const keys = createApiKeyVerifier([
 *   { name: 'ci', tenantId: 'acme', sha256: hashApiKey(process.env.CI_API_KEY!) },
 * ]);
 * keys.verify(request.headers.get('x-api-key')); // { name: 'ci', tenantId: 'acme' } or undefined
 * keys.revoke('ci');
 * ```
 */
export function createApiKeyVerifier(
  entries: readonly ApiKeyEntry[],
  options: ApiKeyVerifierOptions = {},
): ApiKeyVerifier {
  const stored = entries.map((entry) => ({
    identity: { name: entry.name, tenantId: entry.tenantId },
    digest: Buffer.from(entry.sha256, 'hex'),
  }));
  const names = new Set<string>();
  for (const entry of stored) {
    if (entry.digest.length !== 32)
      throw new RangeError(`API key "${entry.identity.name}": the hash is not a SHA-256.`);
    if (entry.identity.tenantId === '')
      throw new RangeError(`API key "${entry.identity.name}": the tenant is empty.`);
    if (names.has(entry.identity.name))
      throw new RangeError(`API key "${entry.identity.name}" is listed twice; key names must be unique.`);
    names.add(entry.identity.name);
  }
  const revoked = new Set(options.revoked ?? []);
  return {
    size: stored.length,
    tenantIds: [...new Set(stored.map((entry) => entry.identity.tenantId))],
    verify(presented) {
      if (typeof presented !== 'string' || presented.length === 0 || presented.length > 512) return undefined;
      const digest = createHash('sha256').update(presented, 'utf8').digest();
      let match: ApiKeyIdentity | undefined;
      for (const entry of stored) {
        if (timingSafeEqual(digest, entry.digest) && match === undefined) match = entry.identity;
      }
      if (match === undefined || revoked.has(match.name)) return undefined;
      return { ...match };
    },
    revoke(name) {
      if (!names.has(name)) return false;
      revoked.add(name);
      return true;
    },
    isRevoked: (name) => revoked.has(name),
  };
}
