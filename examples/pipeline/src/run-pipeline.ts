import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ApolloClient,
  type ApolloPerson,
  type CreditTracker,
  createApolloClient,
  createCreditTracker,
} from '@salesos/apollo';
import { type ApolloSimulator, createApolloSimulator } from '@salesos/apollo/testing';
import { type AttioSimulator, createAttioSimulator } from '@salesos/attio/testing';
import {
  type Company,
  createEventBus,
  createStorageConnector,
  createStorageQueue,
  type EventBus,
  type Person,
  type Queue,
  SENIORITIES,
  type Seniority,
  type Storage,
  type StorageConnector,
} from '@salesos/core';
import { type FaultOptions, type ListeningServer, listenFetchHandler } from '@salesos/core/testing';
import type { SyncEngine } from '@salesos/crm';
import {
  createSalesloftClient,
  createSalesloftWebhookHandler,
  personToSalesloftInput,
  type SalesloftClient,
  type SalesloftEvent,
} from '@salesos/salesloft';
import { createSalesloftSimulator, type SalesloftSimulator } from '@salesos/salesloft/testing';
import { createScorer, type Scorer, type Tier } from '@salesos/scoring';
import {
  createRecordingSender,
  createSequenceEngine,
  EnrollmentError,
  type RecordingSender,
  SEQUENCE_JOB_NAMES,
  type SequenceEngine,
  sequenceForTier,
} from '@salesos/sequences';
import { createSqliteStorage } from '@salesos/sqlite';
import { syncWithCrm } from './crm-sync.ts';
import { createEngagementIntake, salesloftLinkKey } from './engagement-intake.ts';
import { icpSearches, MAILBOXES, ROUTING, SCORING, SEQUENCES } from './playbook.ts';
import { createProspects, REACTION_JOB, type ReactionJob } from './prospects.ts';
import { createSimulation, type Simulation } from './simulation.ts';
import { countSummary, type PipelineSummary } from './summary.ts';

/** The stages of a run, in order. */
export type PipelineStage = 'setup' | 'search' | 'enrich' | 'score' | 'enrol' | 'engage' | 'sync' | 'summary';

/** A progress line of a run. */
export interface PipelineProgress {
  stage: PipelineStage;
  message: string;
}

/** Options of `runPipeline`. */
export interface PipelineOptions {
  /** Seed of the simulators and of the prospects' reactions. Default 1. */
  seed?: number;
  /** Leads to find, 1 to 100 000. Default 200. */
  leads?: number;
  /** Folder of the SQLite file. Default: a new temporary folder, removed by `close()`. */
  directory?: string;
  /** Receives progress lines. Default: none. */
  onProgress?: (progress: PipelineProgress) => void;
  /**
   * Faults every vendor simulator injects (5xx, connection resets, 429 bursts, latency), for
   * reliability runs: the clients then retry harder, and the run must end as a fault-free one.
   * Default: none.
   */
  faults?: FaultOptions;
}

/** A finished run: the summary, and the storage it was counted from (open until `close()`). */
export interface PipelineRun {
  summary: PipelineSummary;
  storage: Storage;
  book: StorageConnector;
  engine: SequenceEngine;
  scorer: Scorer;
  sender: RecordingSender;
  /** The CRM sync engine, with the syncs `people` and `deals`. */
  crm: SyncEngine;
  creditTracker: CreditTracker;
  simulators: { apollo: ApolloSimulator; salesloft: SalesloftSimulator; attio: AttioSimulator };
  tenantId: string;
  /** The SQLite file. */
  databasePath: string;
  /** Stops the simulators and closes the storage; removes the temporary folder. */
  close(): Promise<void>;
}

/** The tenant every key of the run belongs to. */
export const TENANT = 'demo';
/** Monday 2 February 2026, 07:00 UTC: the simulated start. */
export const START = Date.UTC(2026, 1, 2, 7, 0);
const DAY = 86_400_000;
/** The longest simulated outreach: sequences, out-of-office pauses and late meetings fit in it. */
const HORIZON_DAYS = 35;
const WEBHOOK_SECRET = 'pipeline-salesloft-callback-token';
const UNSUBSCRIBE_SECRET = 'pipeline-unsubscribe-secret';
const WEBHOOK_JOB = 'salesloft.webhook';
const ENROLL_CONCURRENCY = 8;

const FUNDING_STRENGTH: Record<string, number> = {
  Seed: 0.4,
  'Series A': 0.6,
  'Series B': 0.8,
  'Series C': 1,
  'Series D': 1,
};

/** Runs `task` over `items` with at most `limit` at once, in order of start. */
async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const hashIndex = (text: string, size: number) =>
  createHash('sha256').update(text).digest().readUInt32LE(0) % size;

const toSeniority = (value: string | null | undefined): Seniority | null => {
  if (!value) return null;
  if (value === 'intern') return 'entry';
  return (SENIORITIES as readonly string[]).includes(value) ? (value as Seniority) : null;
};

/** The canonical company and person of an Apollo enrichment. */
function toCanonical(apollo: ApolloPerson): { person: Person; company: Company | null } {
  const organization = apollo.organization;
  const company: Company | null = organization
    ? {
        id: `co_${organization.id}`,
        name: (organization.name as string | null | undefined) ?? null,
        domain: (organization.primary_domain as string | null | undefined) ?? null,
        industry: (organization.industry as string | null | undefined) ?? null,
        employeeCount: (organization.estimated_num_employees as number | null | undefined) ?? null,
        annualRevenue: (organization.annual_revenue as number | null | undefined) ?? null,
        country: (organization.country as string | null | undefined) ?? null,
        technologies: (organization.technology_names as string[] | null | undefined) ?? [],
        externalIds: { apollo: String(organization.id) },
      }
    : null;
  const person: Person = {
    id: `pe_${apollo.id}`,
    email: apollo.email ?? null,
    firstName: apollo.first_name ?? null,
    lastName: apollo.last_name ?? null,
    title: apollo.title ?? null,
    seniority: toSeniority(apollo.seniority),
    department: apollo.departments?.[0]?.replace(/^master_/, '').replace(/_/g, ' ') ?? null,
    linkedinUrl: apollo.linkedin_url ?? null,
    companyId: company?.id ?? null,
    timeZone: apollo.time_zone ?? null,
    country: apollo.country ?? null,
    externalIds: { apollo: apollo.id },
  };
  return { person, company };
}

interface Environment {
  simulation: Simulation;
  storage: Storage;
  queue: Queue;
  events: EventBus;
  apollo: { simulator: ApolloSimulator; client: ApolloClient; server: ListeningServer };
  salesloft: {
    simulator: SalesloftSimulator;
    client: SalesloftClient;
    server: { url: string; close(): Promise<void> };
  };
  attio: { simulator: AttioSimulator; server: { url: string; close(): Promise<void> } };
  receiver: ListeningServer;
  creditTracker: CreditTracker;
  databasePath: string;
  /** Retries of the vendor clients: more under injected faults. */
  maxRetries: number | undefined;
}

/**
 * Runs the whole job end to end on embedded defaults (SQLite in a temporary folder, the storage
 * queue) against the three vendor simulators served on local ports: search Apollo for leads of
 * the ideal customer profile, enrich them (credits tracked), score and tier them, enrol tiers 1
 * and 2 in sequences, send through a recording sender, receive the prospects' reactions as
 * signed SalesLoft webhooks, rescore, exit and pause, and sync people and deals with Attio.
 * Simulated time runs on a controlled clock, so one seed always gives the same summary.
 *
 * @example
 * ```ts
 * const run = await runPipeline({ seed: 7, leads: 50 });
 * console.log(run.summary.emailsSent);
 * await run.close();
 * ```
 */
export async function runPipeline(options: PipelineOptions = {}): Promise<PipelineRun> {
  const seed = options.seed ?? 1;
  const leads = options.leads ?? 200;
  if (!Number.isInteger(seed)) throw new RangeError(`--seed must be an integer, got ${seed}.`);
  if (!Number.isInteger(leads) || leads < 1 || leads > 100_000)
    throw new RangeError(`--leads must be an integer from 1 to 100000, got ${leads}.`);
  const progress = (stage: PipelineStage, message: string) => options.onProgress?.({ stage, message });
  const started = performance.now();

  const temporary = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'salesos-pipeline-')));
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    if (temporary) await rm(directory, { recursive: true, force: true });
  };

  try {
    const environment = await setUp({ seed, leads, directory, cleanups, faults: options.faults });
    progress('setup', `SQLite storage at ${environment.databasePath}; simulators on local ports`);
    const run = await execute(environment, { seed, leads, progress });
    const summary = await countSummary({
      ...run,
      storage: environment.storage,
      creditTracker: environment.creditTracker,
      tenantId: TENANT,
      seed,
      requestedLeads: leads,
      simulatedDays: Math.round((environment.simulation.clock.now() - START) / DAY),
      wallTimeMs: Math.round(performance.now() - started),
    });
    return {
      summary,
      storage: environment.storage,
      book: run.book,
      engine: run.engine,
      scorer: run.scorer,
      sender: run.sender,
      crm: run.crm,
      creditTracker: environment.creditTracker,
      simulators: {
        apollo: environment.apollo.simulator,
        salesloft: environment.salesloft.simulator,
        attio: environment.attio.simulator,
      },
      tenantId: TENANT,
      databasePath: environment.databasePath,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function setUp(input: {
  seed: number;
  leads: number;
  directory: string;
  cleanups: (() => Promise<void>)[];
  faults: FaultOptions | undefined;
}): Promise<Environment> {
  const { seed, leads, directory, cleanups, faults } = input;
  // Under injected faults the clients retry more often: a 429 burst and a 5xx can follow each other.
  const maxRetries = faults ? 8 : undefined;
  const simulation = createSimulation(START);
  const { clock, queueClock } = simulation;
  const databasePath = join(directory, 'salesos.db');
  const storage = createSqliteStorage({ path: databasePath, clock });
  cleanups.push(() => storage.close());
  const queue = simulation.track(
    createStorageQueue(storage, { clock: queueClock, pollIntervalMs: DAY, leaseMs: 600_000 }),
  );
  cleanups.push(() => queue.close({ timeoutMs: 5_000 }));
  const events = createEventBus();

  // About 40 % of Apollo's people fit the profile; the database holds enough for the leads asked.
  const apolloSimulator = createApolloSimulator({
    seed,
    people: Math.ceil(leads * 2.8) + 50,
    organizations: Math.max(40, Math.ceil(leads / 8)),
    contacts: 0,
    accounts: 0,
    creditLimit: leads * 10 + 1_000,
    rateLimits: { minute: null, hour: null, day: null },
    clock,
    ...(faults ? { faults: { ...faults, seed: (faults.seed ?? seed) + 1 } } : {}),
  });
  const apolloServer = await apolloSimulator.listen();
  cleanups.push(() => apolloServer.close());
  const creditTracker = createCreditTracker({ storage, clock, events });
  const apollo = createApolloClient({
    apiKey: 'pipeline-apollo-key',
    baseUrl: `${apolloServer.url}/api/v1`,
    tenantId: TENANT,
    creditTracker,
    events,
    maxRetries,
  });

  // The simulators keep the vendors' budgets; they are opened wide so the demo is not throttled.
  const salesloftSimulator = createSalesloftSimulator({
    seed,
    people: 0,
    accounts: 0,
    cadences: 0,
    emails: 0,
    calls: 0,
    budget: Number.MAX_SAFE_INTEGER,
    clock,
    ...(faults ? { faults: { ...faults, seed: (faults.seed ?? seed) + 2 } } : {}),
  });
  const salesloftServer = await salesloftSimulator.listen();
  cleanups.push(() => salesloftServer.close());
  const salesloft = createSalesloftClient({
    apiKey: 'pipeline-salesloft-key',
    baseUrl: salesloftServer.url,
    rateLimiter: false,
    events,
    maxRetries,
  });

  const attioSimulator = createAttioSimulator({
    seed,
    records: { companies: 10, people: 25, deals: 5 },
    rateLimits: false,
    clock,
    ...(faults ? { faults: { ...faults, seed: (faults.seed ?? seed) + 3 } } : {}),
  });
  const attioServer = await attioSimulator.listen();
  cleanups.push(() => attioServer.close());

  const salesloftWebhook = createSalesloftWebhookHandler({
    secret: WEBHOOK_SECRET,
    dedupe: { storage },
    queue,
    queueName: WEBHOOK_JOB,
  });
  const receiver = await listenFetchHandler((request) =>
    new URL(request.url).pathname === '/webhooks/salesloft'
      ? salesloftWebhook(request)
      : new Response('Not found', { status: 404 }),
  );
  cleanups.push(() => receiver.close());
  for (const eventType of ['email_updated', 'meeting_booked', 'person_updated']) {
    salesloftSimulator.store.webhookSubscriptions.insert({
      event_type: eventType,
      callback_url: `${receiver.url}/webhooks/salesloft`,
      callback_token: WEBHOOK_SECRET,
      enabled: true,
    });
  }

  return {
    simulation,
    storage,
    queue,
    events,
    apollo: { simulator: apolloSimulator, client: apollo, server: apolloServer },
    salesloft: { simulator: salesloftSimulator, client: salesloft, server: salesloftServer },
    attio: { simulator: attioSimulator, server: attioServer },
    receiver,
    creditTracker,
    databasePath,
    maxRetries,
  };
}

async function execute(
  environment: Environment,
  context: { seed: number; leads: number; progress: (stage: PipelineStage, message: string) => void },
) {
  const { storage, queue, events, simulation } = environment;
  const { clock } = simulation;
  const { seed, leads, progress } = context;
  const book = createStorageConnector({ storage, id: 'book', prefix: ['book'], clock });

  // 1. Search Apollo for leads of the ideal customer profile (searches cost no credits).
  const found: string[] = [];
  for (const filters of icpSearches(leads)) {
    for await (const lead of environment.apollo.client.people.search(filters)) {
      await storage.set(['pipeline', 'lead', lead.id], lead);
      found.push(lead.id);
      if (found.length % 1_000 === 0) progress('search', `${found.length} leads found`);
      if (found.length >= leads) break;
    }
    if (found.length >= leads) break;
  }
  progress('search', `${found.length} leads found in Apollo`);

  // 2. Enrich them: emails and company data, one credit per match, tracked in storage.
  const enriched: { person: Person; company: Company | null }[] = [];
  const chunk = 100;
  for (let offset = 0; offset < found.length; offset += chunk) {
    const batch = found.slice(offset, offset + chunk);
    const matches = await environment.apollo.client.people.bulkEnrich(batch.map((id) => ({ id })));
    for (const match of matches) {
      if (!match?.email) continue;
      const canonical = toCanonical(match);
      if (canonical.company) await book.entities.company.upsert(canonical.company, { matchBy: ['id'] });
      await book.entities.person.upsert(canonical.person, { matchBy: ['id'] });
      enriched.push(canonical);
    }
    if ((offset / chunk) % 10 === 9) progress('enrich', `${enriched.length} leads enriched`);
  }
  const usage = await environment.creditTracker.usage(TENANT);
  progress('enrich', `${enriched.length} leads enriched, ${usage.month.spent} credits spent`);

  // 3. Score and tier: fit from the profile, intent from the company's funding.
  const scorer = createScorer({ config: SCORING, storage, events, clock, tenantId: TENANT });
  const companies = new Map<string, Company>();
  for (const { company } of enriched) if (company) companies.set(company.id, company);
  const tiers = new Map<string, Tier>();
  for (const { person, company } of enriched) {
    const score = await scorer.upsertContact({ person, company });
    tiers.set(person.id, score.tier);
  }
  for (const company of companies.values()) {
    const stage = company.externalIds.apollo
      ? (environment.apollo.simulator.store.organizations.get(company.externalIds.apollo)
          ?.latest_funding_stage ?? null)
      : null;
    const strength = stage ? FUNDING_STRENGTH[stage] : undefined;
    if (strength === undefined) continue;
    const results = await scorer.apply({
      id: `apollo:funding:${company.id}`,
      type: 'funding',
      companyId: company.id,
      occurredAt: new Date(START - 12 * DAY).toISOString(),
      strength,
    });
    for (const score of results.scores) tiers.set(score.personId, score.tier);
  }
  const tierCounts = [1, 2, 3, 4].map((tier) => [...tiers.values()].filter((value) => value === tier).length);
  progress('score', `tiers 1–4: ${tierCounts.join(' / ')}`);

  // 4. Enrol tiers 1 and 2. Each lead is also pushed to SalesLoft, where engagement is tracked.
  const prospects = createProspects({ seed, salesloft: environment.salesloft.simulator, queue });
  let sent = 0;
  const sender = createRecordingSender({
    storage,
    prefix: ['pipeline', 'sent'],
    clock,
    onRecorded: async (email, recorded) => {
      sent += 1;
      const person = await book.entities.person.get(email.metadata.personId);
      const salesloftId = person?.externalIds.salesloft;
      if (salesloftId) await prospects.receive(email, Number(salesloftId), recorded.sentAt);
    },
  });
  const engine = createSequenceEngine({
    storage,
    queue,
    events,
    sender,
    clock,
    unsubscribe: { secret: UNSUBSCRIBE_SECRET, url: 'https://salesos.example/unsubscribe' },
    worker: { concurrency: 4 },
  });
  for (const definition of SEQUENCES) await engine.define({ tenantId: TENANT, definition });
  const intake = createEngagementIntake({ tenantId: TENANT, storage, book, scorer, engine });
  queue.process<SalesloftEvent>(WEBHOOK_JOB, (job) => intake.handle(job.data), { concurrency: 4 });
  queue.process<ReactionJob>(REACTION_JOB, (job) => prospects.react(job.data, clock.now()), {
    concurrency: 4,
  });

  const toEnrol = enriched.flatMap(({ person, company }) => {
    const tier = tiers.get(person.id) ?? 4;
    const sequenceId = sequenceForTier(tier, ROUTING);
    return sequenceId ? [{ person, company, tier, sequenceId }] : [];
  });
  let enrolled = 0;
  await eachLimited(toEnrol, ENROLL_CONCURRENCY, async ({ person, company, tier, sequenceId }) => {
    // An upsert by address, not a create: repeating it after a lost answer makes no second person.
    const { person: created } = await environment.salesloft.client.people.upsert({
      ...personToSalesloftInput(person),
      upsert_key: 'email_address',
    });
    await storage.set(salesloftLinkKey(created.id), person.id);
    const { record } = await book.entities.person.upsert(
      { id: person.id, externalIds: { ...person.externalIds, salesloft: String(created.id) } },
      { matchBy: ['id'] },
    );
    const mailbox = MAILBOXES[hashIndex(person.id, MAILBOXES.length)] as (typeof MAILBOXES)[number];
    try {
      const enrollment = await engine.enroll({
        tenantId: TENANT,
        sequenceId,
        person: record,
        mailbox,
        variables: company?.name ? { company_name: company.name } : {},
      });
      await storage.set(['pipeline', 'enrolment', person.id], {
        enrollmentId: enrollment.id,
        sequenceId,
        tier,
      });
      enrolled += 1;
    } catch (error) {
      // A refused enrolment (suppressed address, missing variable) is skipped, not fatal.
      if (!EnrollmentError.isInstance(error)) throw error;
    }
  });
  progress('enrol', `${enrolled} leads enrolled (tier 1 and 2), pushed to SalesLoft`);

  // 5. Simulated weeks: steps run in each prospect's send window, reactions come back as
  //    signed SalesLoft webhooks and rescore, end, pause or unsubscribe enrolments.
  const idle = async () => {
    for (const name of [SEQUENCE_JOB_NAMES.step, SEQUENCE_JOB_NAMES.resume, REACTION_JOB, WEBHOOK_JOB]) {
      const counts = await queue.counts(name);
      if (counts.waiting + counts.delayed + counts.active > 0) return false;
    }
    return true;
  };
  for (let day = 1; day <= HORIZON_DAYS; day += 1) {
    await simulation.runUntil(START + day * DAY);
    const applied = intake.counts;
    progress(
      'engage',
      `day ${String(day).padStart(2)}: ${sent} emails sent, ${applied.email_opened ?? 0} opens, ${applied.email_replied ?? 0} replies, ${applied.meeting_booked ?? 0} meetings`,
    );
    if (await idle()) break;
  }

  // 6. Two-way sync of people and deals with Attio.
  const { engine: crm, totals: sync } = await syncWithCrm({
    seed,
    tenantId: TENANT,
    storage,
    queue,
    events,
    simulation,
    book,
    attio: { simulator: environment.attio.simulator, url: environment.attio.server.url },
    maxRetries: environment.maxRetries,
    progress: (message) => progress('sync', message),
  });

  return { book, engine, scorer, sender, crm, sync };
}
