import { ConfigError } from '@salesos/core';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from './auth/api-keys.ts';
import { loadConfig } from './config.ts';

const failure = (environment: Record<string, string>): ConfigError => {
  try {
    loadConfig(environment);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('runs embedded with nothing set: SQLite in ./data, the storage queue and the simulators', () => {
    const config = loadConfig({});
    expect(config.storage).toEqual({ kind: 'sqlite', directory: './data' });
    expect(config.queue).toEqual({ kind: 'storage' });
    expect(config.vendors).toEqual({
      salesloft: { simulated: true },
      apollo: { simulated: true },
      attio: { simulated: true },
    });
    expect(config.port).toBe(3000);
    expect(config.apiKeys).toEqual([]);
  });

  it('switches to PostgreSQL, BullMQ and the real vendors from the environment', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      REDIS_URL: 'redis://127.0.0.1:6379',
      SALESLOFT_API_KEY: 'ak_live_12345678',
      SALESLOFT_WEBHOOK_SECRET: 'callback-token-1',
      APOLLO_API_KEY: 'apollo-key-123456',
      ATTIO_API_KEY: 'attio-token-12345',
      ATTIO_WEBHOOK_SECRET: 'attio-secret-123',
    });
    expect(config.storage).toEqual({
      kind: 'postgres',
      url: 'postgres://postgres@127.0.0.1:5432/test',
      schema: 'salesos',
    });
    expect(config.queue).toEqual({ kind: 'bullmq', url: 'redis://127.0.0.1:6379', prefix: 'salesos' });
    expect(config.vendors.salesloft).toEqual({
      apiKey: 'ak_live_12345678',
      webhookSecret: 'callback-token-1',
    });
    expect(config.vendors.apollo).toEqual({ apiKey: 'apollo-key-123456' });
  });

  it('puts the PostgreSQL objects in DATABASE_SCHEMA and the Redis keys under REDIS_PREFIX', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      DATABASE_SCHEMA: 'salesos_staging_2',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: 'salesos-staging.2',
    });
    expect(config.storage).toMatchObject({ kind: 'postgres', schema: 'salesos_staging_2' });
    expect(config.queue).toMatchObject({ kind: 'bullmq', prefix: 'salesos-staging.2' });
  });

  it('refuses a schema or prefix that is not a plain name, or that has no server to apply to', () => {
    const servers = { DATABASE_URL: 'postgres://127.0.0.1/test', REDIS_URL: 'redis://127.0.0.1:6379' };
    for (const schema of ['1st', 'sales-os', 'public"; drop', 'a'.repeat(49)]) {
      expect(failure({ ...servers, DATABASE_SCHEMA: schema }).message).toContain(
        `DATABASE_SCHEMA: letters, digits or "_", not starting with a digit, at most 48 (got ${JSON.stringify(schema)})`,
      );
    }
    for (const prefix of ['a:b', 'with space', 'x'.repeat(65)]) {
      expect(failure({ ...servers, REDIS_PREFIX: prefix }).message).toContain(
        `REDIS_PREFIX: letters, digits, ".", "_" or "-", at most 64 (got ${JSON.stringify(prefix)})`,
      );
    }
    const alone = failure({ DATABASE_SCHEMA: 'salesos_test', REDIS_PREFIX: 'salesos-test' });
    expect(alone.message).toContain('DATABASE_SCHEMA: applies only with DATABASE_URL, which is not set');
    expect(alone.message).toContain('REDIS_PREFIX: applies only with REDIS_URL, which is not set');
  });

  it('keeps API keys only as SHA-256 hashes, each with its tenant', () => {
    const config = loadConfig({
      TENANT_ID: 'acme',
      API_KEYS: 'ci:abcdefghijklmnop1234,partner@globex:qrstuvwxyz0123456789',
      API_KEY_HASHES: `ops:${hashApiKey('another-key-0123456789')}`,
      REVOKED_API_KEYS: 'ops',
    });
    expect(config.apiKeys).toEqual([
      { name: 'ops', tenantId: 'acme', sha256: hashApiKey('another-key-0123456789') },
      { name: 'ci', tenantId: 'acme', sha256: hashApiKey('abcdefghijklmnop1234') },
      { name: 'partner', tenantId: 'globex', sha256: hashApiKey('qrstuvwxyz0123456789') },
    ]);
    expect(config.revokedApiKeys).toEqual(['ops']);
    expect(JSON.stringify(config)).not.toContain('abcdefghijklmnop1234');
  });

  it('refuses two API keys of one name', () => {
    const error = failure({ API_KEYS: 'ci:abcdefghijklmnop1234,ci@globex:qrstuvwxyz0123456789' });
    expect(error.message).toContain('repeated: ci');
    expect(error.message).not.toContain('abcdefghijklmnop1234');
  });

  it('reports every bad variable at once, by name, without repeating secrets', () => {
    const error = failure({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://root:hunter2@db/app',
      SALESLOFT_API_KEY: 'ak_live_secret_value',
      RATE_LIMIT_PER_MINUTE: '0',
    });
    expect(error.message).toContain('PORT');
    expect(error.message).toContain('"eighty"');
    expect(error.message).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(error.message).toContain('SALESLOFT_WEBHOOK_SECRET: required with SALESLOFT_API_KEY');
    expect(error.message).toContain('RATE_LIMIT_PER_MINUTE');
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('ak_live_secret_value');
  });
});
