import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type ApolloClient,
  type CreditTracker,
  createApolloClient,
  createCreditTracker,
} from '@salesos/apollo';
import { createApolloSimulator } from '@salesos/apollo/testing';
import {
  type AttioClient,
  type AttioParsedDelivery,
  createAttioClient,
  createAttioWebhookHandler,
} from '@salesos/attio';
import { createAttioSimulator } from '@salesos/attio/testing';
import {
  createEventBus,
  createPrivacyService,
  createStorageQueue,
  type EventBus,
  type PersonalDataStore,
  type PrivacyService,
  type Queue,
  type Storage,
  type WebhookHandler,
} from '@salesos/core';
import { createSyncEngine, createSyncPersonalDataStore, type SyncEngine } from '@salesos/crm';
import { createPostgresStorage } from '@salesos/postgres';
import { createBullmqQueue } from '@salesos/redis';
import {
  createSalesloftClient,
  createSalesloftWebhookHandler,
  type SalesloftClient,
  type SalesloftEvent,
} from '@salesos/salesloft';
import { createSalesloftSimulator } from '@salesos/salesloft/testing';
import { createScoringPersonalDataStore, type ScoringConfigInput } from '@salesos/scoring';
import {
  createRecordingSender,
  createSequenceEngine,
  createSequencePersonalDataStore,
  createUnsubscribeHandler,
  type RecordingSender,
  type SequenceEngine,
} from '@salesos/sequences';
import { createSqliteStorage } from '@salesos/sqlite';
import type { Logger } from 'pino';
import { type ApiKeyEntry, type ApiKeyVerifier, createApiKeyVerifier, hashApiKey } from './auth/api-keys.ts';
import type { Config } from './config.ts';
import { createSalesloftIntake } from './engagement/salesloft-intake.ts';
import { createHealthCheck, type HealthCheck, type VendorProbe } from './observability/health.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { createServerPersonalDataStore } from './privacy/server-personal-data-store.ts';
import { createTenantServices, SYNC_NAMES, type TenantServices } from './tenancy/tenant-services.ts';
import { createWebhookInbox, type WebhookInbox } from './webhooks/webhook-inbox.ts';

declare module '@salesos/core' {
  interface SalesOSEventMap {
    /** A verified webhook delivery was handed to the queue (answered 202). */
    'server.webhook_accepted': { tenantId: string; vendor: 'salesloft' | 'attio'; deliveryId: string };
    /** A verified webhook delivery was applied by the server's queue worker. */
    'server.webhook_processed': { tenantId: string; vendor: 'salesloft' | 'attio'; deliveryId: string };
  }
}

/** Queue job names of the server. */
export const JOBS = { salesloft: 'webhooks.salesloft', attio: 'webhooks.attio' } as const;

/**
 * The callback token the simulated SalesLoft signs its webhooks with, when `SALESLOFT_API_KEY`
 * is not set (the token of a real SalesLoft comes from `SALESLOFT_WEBHOOK_SECRET`).
 */
export const SIMULATED_SALESLOFT_WEBHOOK_TOKEN = 'simulator-callback-token';

/** Lead scoring of the server (an ideal customer profile for B2B software). */
export const SCORING: ScoringConfigInput = {
  fit: {
    criteria: [
      {
        type: 'industry',
        industries: ['software', 'information technology', 'financial services'],
        points: 20,
      },
      { type: 'employees', min: 50, max: 2000, points: 15 },
      { type: 'seniority', levels: ['vp', 'head', 'c_suite', 'founder'], points: 15 },
      { type: 'title', keywords: ['sales', 'revenue', 'marketing', 'growth'], points: 15 },
      { type: 'technologies', technologies: ['salesforce', 'hubspot', 'outreach', 'segment'], points: 10 },
    ],
  },
  priority: { weights: { fit: 0.5, engagement: 0.35, intent: 0.15 } },
  tiers: { tier1: 42, tier2: 30, tier3: 18 },
};

/** Everything the app is assembled from. `createApp` takes it, so tests can build their own. */
export interface Dependencies {
  config: Config;
  /**
   * The tenant of the configured vendor accounts (`TENANT_ID`): vendor webhooks are applied to
   * its records, and keys without `@tenant` act for it.
   */
  tenantId: string;
  logger: Logger;
  events: EventBus;
  storage: Storage;
  queue: Queue;
  /** Every tenant an API key acts for (and the vendor accounts' tenant), by tenant id. */
  tenants: ReadonlyMap<string, TenantServices>;
  /** The services of a tenant; throws for a tenant no key acts for. */
  tenant(tenantId: string): TenantServices;
  creditTracker: CreditTracker;
  salesloft: SalesloftClient;
  /** The vendor accounts' tenant's Attio client. */
  attio: AttioClient;
  sequences: SequenceEngine;
  sync: SyncEngine;
  /** Records the emails the sequences send (plug an email provider in here). */
  sender: RecordingSender;
  /** Data subject requests (export, erasure) across the engines and the server's own records. */
  privacy: PrivacyService;
  /** The vendor accounts' tenant's webhook payloads waiting to be applied. */
  inbox: WebhookInbox;
  apiKeys: ApiKeyVerifier;
  metrics: Metrics;
  health: HealthCheck;
  webhooks: { salesloft: WebhookHandler; attio: WebhookHandler };
  /** The one-click unsubscribe endpoint (RFC 8058). */
  unsubscribe: (request: Request) => Promise<Response>;
  /** The in-process vendor simulators, for the vendors without an API key. */
  simulators: {
    salesloft?: ReturnType<typeof createSalesloftSimulator>;
    apollo?: ReturnType<typeof createApolloSimulator>;
    /** The vendor accounts' tenant's Attio workspace (each other tenant has its own: `tenant(id).crm`). */
    attio?: ReturnType<typeof createAttioSimulator>;
  };
  /** An API key made for this run when none was configured (printed once at start-up). */
  generatedApiKey: string | undefined;
  /** Waits for queued work (up to the shutdown timeout), then closes the queue, storage and simulators. */
  close(): Promise<void>;
}

/** The parts of the server a further `PersonalDataStore` may be built from. */
export interface PersonalDataStoreParts {
  storage: Storage;
  queue: Queue;
  sync: SyncEngine;
  tenants: ReadonlyMap<string, TenantServices>;
}

/** Options of `createDependencies`. */
export interface DependenciesOptions {
  logger: Logger;
  /**
   * More stores for data subject requests, next to scoring's, sequences' and the server's own:
   * this is where the sync engine's store (id maps of the CRM syncs) goes.
   */
  personalDataStores?: (parts: PersonalDataStoreParts) => readonly PersonalDataStore[];
}

/** A number from a tenant id, so each tenant's simulated CRM holds its own generated records. */
const seedOf = (tenantId: string): number => {
  let hash = 7;
  for (const character of tenantId) hash = (hash * 31 + (character.codePointAt(0) ?? 0)) % 1_000_003;
  return hash + 1;
};

/**
 * Builds the server's dependencies from its configuration: storage (SQLite in `DATA_DIR`, or
 * PostgreSQL), queue (the storage queue, or BullMQ), vendor clients (real, or simulators served
 * on local ports), the engines, webhook handlers and the queue workers that apply webhooks.
 */
export async function createDependencies(
  config: Config,
  options: DependenciesOptions,
): Promise<Dependencies> {
  const { logger } = options;
  const tenantId = config.tenantId;
  let storage: Storage | undefined;
  let queue: Queue | undefined;
  const servers: { close(): Promise<void> }[] = [];
  const observers: { close(): void }[] = [];
  let closed = false;
  const step = async (name: string, run: () => Promise<unknown> | unknown) => {
    try {
      await run();
    } catch (error) {
      logger.warn({ err: error, step: name }, 'shutdown step failed');
    }
  };
  // Order matters: queued work first (it may call vendors and storage), then the rest.
  const close = async () => {
    if (closed) return;
    closed = true;
    const open = queue;
    if (open) {
      await step('drain queue', () =>
        Promise.race([
          open.onIdle(),
          new Promise<void>((done) => setTimeout(done, config.shutdownTimeoutMs).unref()),
        ]),
      );
      await step('close queue', () => open.close({ timeoutMs: config.shutdownTimeoutMs }));
    }
    for (const observer of observers) observer.close();
    for (const server of servers) await step('stop simulator', () => server.close());
    const store = storage;
    if (store) await step('close storage', () => store.close());
  };

  try {
    const events = createEventBus({
      onListenerError: (error, type) => logger.warn({ err: error, event: type }, 'event listener failed'),
    });

    if (config.storage.kind === 'postgres') {
      storage = createPostgresStorage({
        connectionString: config.storage.url,
        schema: config.storage.schema,
      });
    } else {
      const directory = resolve(config.storage.directory);
      await mkdir(directory, { recursive: true });
      storage = createSqliteStorage({ path: join(directory, 'salesos.db') });
    }
    queue =
      config.queue.kind === 'bullmq'
        ? createBullmqQueue({ connection: config.queue.url, prefix: config.queue.prefix, logger })
        : createStorageQueue(storage, { logger, pollIntervalMs: 250 });

    // Vendors: the real API where a key is configured, else its simulator on a local port.
    const simulators: Dependencies['simulators'] = {};
    const probes: VendorProbe[] = [];

    let salesloftClient: SalesloftClient;
    let salesloftSecret: string;
    if ('apiKey' in config.vendors.salesloft) {
      salesloftClient = createSalesloftClient({ apiKey: config.vendors.salesloft.apiKey, events, logger });
      salesloftSecret = config.vendors.salesloft.webhookSecret;
    } else {
      const simulator = createSalesloftSimulator({ seed: 1 });
      const server = await simulator.listen();
      servers.push(server);
      simulators.salesloft = simulator;
      salesloftClient = createSalesloftClient({ apiKey: 'simulator', baseUrl: server.url, events, logger });
      salesloftSecret = SIMULATED_SALESLOFT_WEBHOOK_TOKEN;
    }
    probes.push({
      name: 'salesloft',
      simulated: simulators.salesloft !== undefined,
      probe: () => salesloftClient.me(),
    });

    const creditTracker = createCreditTracker({ storage, events });
    // One Apollo account for the server; each tenant's client counts credits for its tenant.
    let apolloRoot: { apiKey: string; baseUrl?: string };
    if ('apiKey' in config.vendors.apollo) {
      apolloRoot = { apiKey: config.vendors.apollo.apiKey };
    } else {
      const simulator = createApolloSimulator({ seed: 1 });
      const server = await simulator.listen();
      servers.push(server);
      simulators.apollo = simulator;
      apolloRoot = { apiKey: 'simulator', baseUrl: `${server.url}/api/v1` };
    }
    const apolloFor = (forTenant: string): ApolloClient =>
      createApolloClient({ ...apolloRoot, tenantId: forTenant, creditTracker, events, logger });
    const apollo = apolloFor(tenantId);
    probes.push({
      name: 'apollo',
      simulated: simulators.apollo !== undefined,
      probe: () => apollo.usage.apiUsage(),
    });

    let attio: AttioClient;
    let attioSecret: string;
    if ('apiKey' in config.vendors.attio) {
      attio = createAttioClient({ apiKey: config.vendors.attio.apiKey, events, logger });
      attioSecret = config.vendors.attio.webhookSecret;
    } else {
      const simulator = createAttioSimulator({ seed: 1 });
      const server = await simulator.listen();
      servers.push(server);
      simulators.attio = simulator;
      attio = createAttioClient({ apiKey: 'simulator', baseUrl: server.url, events, logger });
      attioSecret = simulator.webhooks.secret;
    }
    probes.push({ name: 'attio', simulated: simulators.attio !== undefined, probe: () => attio.self() });

    // Engines shared by every tenant: each call and stored key carries its tenant.
    // The outbox: emails are recorded under ['outbox', tenantId, idempotencyKey], not sent.
    const sender = createRecordingSender({ storage });
    const unsubscribeSecret = config.unsubscribeSecret ?? randomBytes(32).toString('base64url');
    if (!config.unsubscribeSecret) {
      logger.warn(
        'UNSUBSCRIBE_SECRET is not set: unsubscribe links of this run stop working after a restart.',
      );
    }
    const sequences = createSequenceEngine({
      storage,
      queue,
      events,
      sender,
      logger,
      unsubscribe: { secret: unsubscribeSecret, url: `${config.publicUrl}/api/unsubscribe` },
      worker: { concurrency: 4 },
    });
    const sync = createSyncEngine({ storage, queue, events, logger });

    // API keys: stored as SHA-256 hashes; a key is made for this run when none is configured.
    let generatedApiKey: string | undefined;
    let apiKeyEntries: ApiKeyEntry[] = config.apiKeys;
    if (apiKeyEntries.length === 0) {
      generatedApiKey = `sk_dev_${randomBytes(24).toString('base64url')}`;
      apiKeyEntries = [{ name: 'generated', tenantId, sha256: hashApiKey(generatedApiKey) }];
    }
    const apiKeys = createApiKeyVerifier(apiKeyEntries, { revoked: config.revokedApiKeys });

    // Tenants: the vendor accounts' tenant, and every tenant an API key acts for. The configured
    // CRM belongs to the vendor accounts' tenant; with a simulated CRM every other tenant gets a
    // workspace of its own, with a real one other tenants have none (their syncs answer 404).
    const tenants = new Map<string, TenantServices>();
    for (const id of new Set([tenantId, ...apiKeys.tenantIds])) {
      let crm: { client: AttioClient; simulator?: ReturnType<typeof createAttioSimulator> } | null = null;
      if (id === tenantId) {
        crm = simulators.attio ? { client: attio, simulator: simulators.attio } : { client: attio };
      } else if (simulators.attio) {
        const simulator = createAttioSimulator({ seed: seedOf(id) });
        const client = createAttioClient({
          apiKey: 'simulator',
          baseUrl: simulator.baseUrl,
          fetch: (input, init) => simulator.fetch(new Request(input, init)),
          events,
          logger,
        });
        crm = { client, simulator };
      }
      tenants.set(
        id,
        createTenantServices({
          tenantId: id,
          storage,
          events,
          scoring: SCORING,
          apollo: id === tenantId ? apollo : apolloFor(id),
          sync,
          crm,
        }),
      );
    }
    const home = tenants.get(tenantId) as TenantServices;
    const tenant = (id: string): TenantServices => {
      const services = tenants.get(id);
      if (!services) throw new RangeError(`No tenant "${id}": no API key acts for it.`);
      return services;
    };

    // Webhooks of the vendor accounts: verified and de-duplicated at the door, kept in the
    // inbox, applied by queue workers to the vendor accounts' tenant.
    const inbox = createWebhookInbox({ storage, queue, prefix: ['tenant', tenantId, 'inbox'] });
    const salesloftIntake = createSalesloftIntake({
      tenantId,
      storage: home.storage,
      book: home.book,
      scorer: home.scorer,
      engine: sequences,
      logger,
    });
    const processed = (vendor: 'salesloft' | 'attio', deliveryId: string) =>
      events.emit('server.webhook_processed', { tenantId, vendor, deliveryId });
    inbox.process<SalesloftEvent>(
      JOBS.salesloft,
      async (event, job) => {
        await salesloftIntake.handle(event);
        processed('salesloft', job.id);
      },
      { concurrency: 4 },
    );
    inbox.process<AttioParsedDelivery>(
      JOBS.attio,
      async (delivery, job) => {
        const syncIds = home.crm?.syncIds;
        if (syncIds)
          for (const name of SYNC_NAMES) await sync.handleWebhook(syncIds[name], 'right', delivery);
        processed('attio', job.id);
      },
      { concurrency: 2 },
    );
    const webhooks = {
      salesloft: createSalesloftWebhookHandler({
        secret: salesloftSecret,
        dedupe: { storage, prefix: ['tenant', tenantId, 'webhooks', 'salesloft'] },
        queue: inbox.queue,
        queueName: JOBS.salesloft,
        logger,
      }),
      attio: createAttioWebhookHandler({
        secret: attioSecret,
        dedupe: { storage, prefix: ['tenant', tenantId, 'webhooks', 'attio'] },
        queue: inbox.queue,
        queueName: JOBS.attio,
        logger,
      }),
    };
    const unsubscribe = createUnsubscribeHandler({
      secret: unsubscribeSecret,
      onUnsubscribe: async (recipient) => {
        await sequences.unsubscribe(recipient);
      },
      logger,
    });

    // Data subject requests: the address is suppressed first, then erased from every store.
    // The sync engine's store is built in, unless the caller brings its own `crm` store.
    const extraStores = options.personalDataStores?.({ storage, queue, sync, tenants }) ?? [];
    const syncStore = extraStores.some((store) => store.name === 'crm')
      ? []
      : [createSyncPersonalDataStore({ storage })];
    const privacy = createPrivacyService({
      stores: [
        createScoringPersonalDataStore({ storage }),
        createSequencePersonalDataStore({ storage, suppression: sequences.suppression }),
        createServerPersonalDataStore({
          storage,
          tenant: (id) => tenants.get(id),
          inbox: (id) => (id === tenantId ? inbox : undefined),
        }),
        ...syncStore,
        ...extraStores,
      ],
      suppression: sequences.suppression,
      logger,
    });

    const queueNames = [...Object.values(JOBS), 'sequences.step', 'sequences.resume', 'crm.sync-record'];
    const metrics = createMetrics({ events, queue, queueNames });
    observers.push(metrics);
    const health = createHealthCheck({
      storage,
      queue,
      queueNames: Object.values(JOBS),
      vendors: probes,
      events,
      logger,
    });
    observers.push(health);

    return {
      config,
      tenantId,
      logger,
      events,
      storage,
      queue,
      tenants,
      tenant,
      creditTracker,
      salesloft: salesloftClient,
      attio,
      sequences,
      sync,
      sender,
      privacy,
      inbox,
      apiKeys,
      metrics,
      health,
      webhooks,
      unsubscribe,
      simulators,
      generatedApiKey,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
