import { ConfigError } from '@salesos/core';
import { z } from 'zod';
import { type ApiKeyEntry, hashApiKey } from './auth/api-keys.ts';

/** Where the server keeps its state and which vendors it talks to, read from the environment. */
export interface Config {
  port: number;
  host: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** The tenant every engine call and stored key belongs to. */
  tenantId: string;
  /** SQLite in `directory`, or PostgreSQL at `url` with its objects in `schema`. */
  storage: { kind: 'sqlite'; directory: string } | { kind: 'postgres'; url: string; schema: string };
  /** The storage queue, or BullMQ at `url` with every Redis key under `prefix`. */
  queue: { kind: 'storage' } | { kind: 'bullmq'; url: string; prefix: string };
  /** Real vendors where their keys are set; the others run as in-process simulators. */
  vendors: {
    salesloft: { apiKey: string; webhookSecret: string } | { simulated: true };
    apollo: { apiKey: string } | { simulated: true };
    attio: { apiKey: string; webhookSecret: string } | { simulated: true };
  };
  /**
   * API keys of `/api`, as `{ name, tenantId, sha256 }` (hex); empty means "make one for this run".
   * A request acts for the tenant of its key.
   */
  apiKeys: ApiKeyEntry[];
  /** Names of API keys that are refused although listed. */
  revokedApiKeys: string[];
  /** Requests per key per minute on `/api`. */
  rateLimitPerMinute: number;
  /** Signs one-click unsubscribe tokens; `undefined` means "make one for this run". */
  unsubscribeSecret: string | undefined;
  /** The server's public root, used in unsubscribe links. */
  publicUrl: string;
  /** How long shutdown waits for queued work before closing. */
  shutdownTimeoutMs: number;
}

// An empty variable counts as unset, as in most deployment tools.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    schema.optional(),
  );

const secret = (name: string) =>
  optional(z.string().min(8, `${name} must be at least 8 characters`).regex(/^\S+$/, `${name} has spaces`));

const keyList = (kind: 'key' | 'hash') =>
  optional(
    z
      .string()
      .transform((text) => text.split(',').map((item) => item.trim()))
      .pipe(
        z.array(
          kind === 'key'
            ? z
                .string()
                .regex(
                  /^[\w.-]+(@[\w.-]{1,64})?:\S{16,}$/,
                  'each entry must be "name:key" or "name@tenant:key" with a key of 16+ characters',
                )
            : z
                .string()
                .regex(
                  /^[\w.-]+(@[\w.-]{1,64})?:[0-9a-f]{64}$/i,
                  'each entry must be "name:<sha256 of the key, 64 hex digits>" or "name@tenant:<sha256>"',
                ),
        ),
      ),
  );

const EnvironmentSchema = z.object({
  PORT: z.preprocess(
    (value) => (value === undefined || value === '' ? 3000 : value),
    z.coerce
      .number({ error: 'expected a port number' })
      .int()
      .min(0)
      .max(65_535, 'expected a port number up to 65535'),
  ),
  HOST: optional(z.string().min(1)),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  TENANT_ID: optional(z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, ".", "_" or "-", at most 64')),
  DATA_DIR: optional(z.string().min(1)),
  DATABASE_URL: optional(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' })),
  // As `createPostgresStorage` takes it: a plain identifier, never quoted.
  DATABASE_SCHEMA: optional(
    z
      .string()
      .regex(
        /^[A-Za-z_][A-Za-z0-9_]{0,47}$/,
        'letters, digits or "_", not starting with a digit, at most 48',
      ),
  ),
  REDIS_URL: optional(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })),
  // As `createBullmqQueue` takes it: BullMQ separates the parts of its keys with ":".
  REDIS_PREFIX: optional(z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, ".", "_" or "-", at most 64')),
  SALESLOFT_API_KEY: secret('SALESLOFT_API_KEY'),
  SALESLOFT_WEBHOOK_SECRET: secret('SALESLOFT_WEBHOOK_SECRET'),
  APOLLO_API_KEY: secret('APOLLO_API_KEY'),
  ATTIO_API_KEY: secret('ATTIO_API_KEY'),
  ATTIO_WEBHOOK_SECRET: secret('ATTIO_WEBHOOK_SECRET'),
  API_KEYS: keyList('key'),
  API_KEY_HASHES: keyList('hash'),
  REVOKED_API_KEYS: optional(
    z
      .string()
      .transform((text) => text.split(',').map((item) => item.trim()))
      .pipe(z.array(z.string().regex(/^[\w.-]+$/, 'each entry must be the name of an API key'))),
  ),
  RATE_LIMIT_PER_MINUTE: z.preprocess(
    (value) => (value === undefined || value === '' ? 120 : value),
    z.coerce
      .number({ error: 'expected a whole number of requests' })
      .int()
      .min(1, 'expected at least 1 request per minute')
      .max(1_000_000),
  ),
  UNSUBSCRIBE_SECRET: optional(z.string().min(32, 'UNSUBSCRIBE_SECRET must be at least 32 characters')),
  PUBLIC_URL: optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })),
  SHUTDOWN_TIMEOUT_MS: z.preprocess(
    (value) => (value === undefined || value === '' ? 10_000 : value),
    z.coerce
      .number({ error: 'expected milliseconds' })
      .int()
      .min(0)
      .max(600_000, 'expected at most 600000 ms'),
  ),
});

const SECRET_NAMES = /KEY|SECRET|TOKEN|PASSWORD|DATABASE_URL|REDIS_URL/;

/**
 * Reads and validates the configuration from environment variables. Every problem is reported at
 * once in a `ConfigError`, naming the variable and never repeating a secret's value.
 *
 * | variable | default | effect |
 * | --- | --- | --- |
 * | `PORT` / `HOST` | `3000` / `127.0.0.1` | where the server listens |
 * | `DATA_DIR` | `./data` | folder of the embedded SQLite file |
 * | `DATABASE_URL` | — | PostgreSQL storage instead of SQLite |
 * | `DATABASE_SCHEMA` | `salesos` | PostgreSQL schema of the storage (with `DATABASE_URL`) |
 * | `REDIS_URL` | — | BullMQ queue instead of the storage queue |
 * | `REDIS_PREFIX` | `salesos` | prefix of every Redis key of the queue (with `REDIS_URL`) |
 * | `SALESLOFT_API_KEY` + `SALESLOFT_WEBHOOK_SECRET` | — | the real SalesLoft instead of the simulator |
 * | `APOLLO_API_KEY` | — | the real Apollo |
 * | `ATTIO_API_KEY` + `ATTIO_WEBHOOK_SECRET` | — | the real Attio |
 * | `API_KEYS` / `API_KEY_HASHES` | one made per run | `name[@tenant]:key,…` or `name[@tenant]:sha256hex,…` |
 * | `REVOKED_API_KEYS` | — | names of keys refused although listed |
 * | `TENANT_ID` | `default` | the tenant of keys without `@tenant`, and of the vendor accounts and webhooks |
 * | `RATE_LIMIT_PER_MINUTE` | `120` | requests per API key per minute |
 */
export function loadConfig(environment: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvironmentSchema.safeParse(environment);
  const issues: { path: PropertyKey[]; message: string }[] = parsed.success ? [] : [...parsed.error.issues];
  const given = (name: string) => (environment[name] ?? '').trim() !== '';
  // A schema or prefix without its server would be ignored without a word: say so instead.
  for (const [name, server] of [
    ['DATABASE_SCHEMA', 'DATABASE_URL'],
    ['REDIS_PREFIX', 'REDIS_URL'],
  ] as const) {
    if (given(name) && !given(server)) {
      issues.push({ path: [name], message: `applies only with ${server}, which is not set` });
    }
  }
  for (const vendor of ['SALESLOFT', 'ATTIO'] as const) {
    if (given(`${vendor}_API_KEY`) && !given(`${vendor}_WEBHOOK_SECRET`)) {
      issues.push({
        path: [`${vendor}_WEBHOOK_SECRET`],
        message: `required with ${vendor}_API_KEY: webhooks from the real ${vendor.toLowerCase()} are verified with it`,
      });
    }
  }
  if (!parsed.success || issues.length > 0) {
    const lines = issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const given = environment[name];
      const shown =
        given === undefined || SECRET_NAMES.test(name) ? '' : ` (got ${JSON.stringify(given.slice(0, 80))})`;
      return `  - ${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`Invalid configuration from the environment:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const host = env.HOST ?? '127.0.0.1';
  const tenantId = env.TENANT_ID ?? 'default';
  // `name@tenant:…`: the tenant of the key's requests; without `@tenant`, TENANT_ID.
  const identityOf = (entry: string) => {
    const label = entry.slice(0, entry.indexOf(':'));
    const at = label.indexOf('@');
    return at === -1
      ? { name: label, tenantId }
      : { name: label.slice(0, at), tenantId: label.slice(at + 1) };
  };
  const secretOf = (entry: string) => entry.slice(entry.indexOf(':') + 1);
  const apiKeys: ApiKeyEntry[] = [
    ...(env.API_KEY_HASHES ?? []).map((entry) => ({
      ...identityOf(entry),
      sha256: secretOf(entry).toLowerCase(),
    })),
    ...(env.API_KEYS ?? []).map((entry) => ({ ...identityOf(entry), sha256: hashApiKey(secretOf(entry)) })),
  ];
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const { name } of apiKeys) {
    if (seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  if (repeated.size > 0) {
    throw new ConfigError(
      `Invalid configuration from the environment:\n  - API_KEYS: key names must be unique across API_KEYS and API_KEY_HASHES (repeated: ${[...repeated].join(', ')})`,
    );
  }
  return {
    port: env.PORT,
    host,
    logLevel: env.LOG_LEVEL ?? 'info',
    tenantId,
    storage: env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA ?? 'salesos' }
      : { kind: 'sqlite', directory: env.DATA_DIR ?? './data' },
    queue: env.REDIS_URL
      ? { kind: 'bullmq', url: env.REDIS_URL, prefix: env.REDIS_PREFIX ?? 'salesos' }
      : { kind: 'storage' },
    vendors: {
      salesloft:
        env.SALESLOFT_API_KEY && env.SALESLOFT_WEBHOOK_SECRET
          ? { apiKey: env.SALESLOFT_API_KEY, webhookSecret: env.SALESLOFT_WEBHOOK_SECRET }
          : { simulated: true },
      apollo: env.APOLLO_API_KEY ? { apiKey: env.APOLLO_API_KEY } : { simulated: true },
      attio:
        env.ATTIO_API_KEY && env.ATTIO_WEBHOOK_SECRET
          ? { apiKey: env.ATTIO_API_KEY, webhookSecret: env.ATTIO_WEBHOOK_SECRET }
          : { simulated: true },
    },
    apiKeys,
    revokedApiKeys: env.REVOKED_API_KEYS ?? [],
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    unsubscribeSecret: env.UNSUBSCRIBE_SECRET,
    publicUrl: (env.PUBLIC_URL ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${env.PORT}`).replace(
      /\/+$/,
      '',
    ),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  };
}
