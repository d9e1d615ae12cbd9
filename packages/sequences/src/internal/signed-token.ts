import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '@salesos/core';

const MIN_SECRET_LENGTH = 16;

/** Throws `ConfigError` when a secret is missing or too short; never prints it. */
export function assertSecret(secret: unknown, owner: string): asserts secret is string {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`${owner}: "secret" must be a string of at least ${MIN_SECRET_LENGTH} characters`);
  }
}

function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'salesos-sequences', purpose, 32));
}

/** Signs JSON payloads into `payload.signature` tokens (base64url, HMAC-SHA256) and verifies them. */
export interface Signer {
  sign(payload: object): string;
  /** The payload, or `undefined` for a malformed or forged token. */
  verify(token: string): unknown;
}

/** A signer whose key is derived from `secret` for one `purpose`, so tokens of other purposes never verify. */
export function createSigner(secret: string, purpose: string): Signer {
  const key = deriveKey(secret, purpose);
  const mac = (body: string) => createHmac('sha256', key).update(body).digest();
  return {
    sign(payload) {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${mac(body).toString('base64url')}`;
    },
    verify(token) {
      const dot = token.indexOf('.');
      if (dot <= 0 || token.length > 8192) return undefined;
      const body = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1), 'base64url');
      const expected = mac(body);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      try {
        return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Deterministic authenticated encryption (a synthetic IV: HMAC of the plaintext), so one
 * payload always gives the same opaque token and nothing in it can be read or changed.
 */
export interface Sealer {
  seal(payload: object): string;
  /** The payload, or `undefined` for a malformed or forged token. */
  open(token: string): unknown;
}

const IV_LENGTH = 12;
const TAG_LENGTH = 16;

/** A sealer whose keys are derived from `secret` for one `purpose`. */
export function createSealer(secret: string, purpose: string): Sealer {
  const encryptionKey = deriveKey(secret, `${purpose}.encrypt`);
  const ivKey = deriveKey(secret, `${purpose}.iv`);
  const ivFor = (plaintext: Buffer) =>
    createHmac('sha256', ivKey).update(plaintext).digest().subarray(0, IV_LENGTH);
  return {
    seal(payload) {
      const plaintext = Buffer.from(JSON.stringify(payload));
      const iv = ivFor(plaintext);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
      const encrypted = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([iv, encrypted, cipher.getAuthTag()]).toString('base64url');
    },
    open(token) {
      if (token.length > 4096 || !/^[\w-]+$/.test(token)) return undefined;
      const bytes = Buffer.from(token, 'base64url');
      if (bytes.length <= IV_LENGTH + TAG_LENGTH) return undefined;
      const iv = bytes.subarray(0, IV_LENGTH);
      try {
        const decipher = createDecipheriv('aes-256-gcm', encryptionKey, iv);
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_LENGTH));
        const plaintext = Buffer.concat([
          decipher.update(bytes.subarray(IV_LENGTH, bytes.length - TAG_LENGTH)),
          decipher.final(),
        ]);
        if (!timingSafeEqual(ivFor(plaintext), iv)) return undefined;
        return JSON.parse(plaintext.toString('utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
  };
}
