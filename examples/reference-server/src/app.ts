import { getConnInfo } from '@hono/node-server/conninfo';
import { SequenceDefinitionSchema } from '@salesos/sequences';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { rateLimiter } from 'hono-rate-limiter';
import type { Logger } from 'pino';
import { type ZodType, z } from 'zod';
import type { Dependencies } from './dependencies.ts';
import { type ErrorBody, fieldProblems, HttpProblem, toHttpProblem } from './http/errors.ts';
import { apolloToCanonical } from './leads/apollo-person.ts';
import { SYNC_NAMES, type SyncName, type TenantServices } from './tenancy/tenant-services.ts';

/** What the app keeps per request. */
export interface AppVariables {
  requestId: string;
  /** The name (never the key) of the API key that authenticated the request. */
  apiKeyName: string;
  /** The tenant of that API key: every `/api` request acts for it, and only for it. */
  tenant: TenantServices;
  /** The request's logger, carrying its request id. */
  log: Logger;
}

/** The Hono app type, for `app.request()` in tests. */
export type App = Hono<{ Variables: AppVariables }>;

const MAX_BODY_BYTES = 256 * 1024;

const LeadSearchSchema = z
  .object({
    titles: z.array(z.string().trim().min(1)).max(50).optional(),
    seniorities: z
      .array(
        z.enum([
          'owner',
          'founder',
          'c_suite',
          'partner',
          'vp',
          'head',
          'director',
          'manager',
          'senior',
          'entry',
        ]),
      )
      .optional(),
    locations: z.array(z.string().trim().min(1)).max(50).optional(),
    employeeRanges: z
      .array(z.string().regex(/^\d+,\d+$/, 'expected "min,max" such as "51,200"'))
      .max(20)
      .optional(),
    keywords: z.string().trim().min(1).max(200).optional(),
    limit: z.number().int().min(1).max(500).default(25),
  })
  .strict();

const PersonDetailsSchema = z
  .object({
    id: z.string().min(1).optional(),
    email: z.email().optional(),
    linkedinUrl: z.url().optional(),
    firstName: z.string().min(1).optional(),
    lastName: z.string().min(1).optional(),
    domain: z.string().min(3).optional(),
  })
  .strict()
  .refine(
    (details) =>
      details.id !== undefined ||
      details.email !== undefined ||
      details.linkedinUrl !== undefined ||
      (details.firstName !== undefined && details.lastName !== undefined && details.domain !== undefined),
    'give id, email, linkedinUrl, or firstName + lastName + domain',
  );

const EnrichSchema = z.object({ people: z.array(PersonDetailsSchema).min(1).max(100) }).strict();

const EnrollmentSchema = z
  .object({
    sequenceId: z.string().min(1),
    personId: z.string().min(1),
    mailbox: z
      .object({
        email: z.email(),
        name: z.string().min(1).optional(),
        timeZone: z.string().min(1).optional(),
      })
      .strict(),
    variables: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const PrivacyRequestSchema = z.object({ email: z.email().max(320) }).strict();

const SyncRunSchema = z.object({ mode: z.enum(['full', 'incremental']).default('incremental') }).strict();

const DealSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    amount: z.number().nonnegative().optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as "USD"')
      .optional(),
    stage: z.string().min(1).max(100).default('Lead'),
    companyId: z.string().min(1).optional(),
    personIds: z.array(z.string().min(1)).max(50).default([]),
  })
  .strict();

/**
 * Paths of the strings (and object keys) in a JSON value that are not well-formed Unicode: a lone
 * surrogate (`"\ud800"`) parses as JSON but cannot become a storage key or a vendor query.
 * Walked with a stack, so deeply nested bodies cannot overflow the call stack.
 */
function malformedText(body: unknown, limit = 20): string[] {
  const found: string[] = [];
  const stack: { value: unknown; path: string }[] = [{ value: body, path: '' }];
  while (stack.length > 0 && found.length < limit) {
    const { value, path } = stack.pop() as { value: unknown; path: string };
    if (typeof value === 'string') {
      if (!value.isWellFormed()) found.push(path || '(body)');
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        if (!key.isWellFormed()) found.push(at);
        stack.push({ value: item, path: at });
      }
    }
  }
  return found;
}

/** Reads and validates a JSON body, or throws a 400 naming every bad field. */
async function readBody<Schema extends ZodType>(context: Context, schema: Schema): Promise<z.output<Schema>> {
  let body: unknown;
  const text = await context.req.text();
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new HttpProblem(400, 'invalid_json', 'The request body is not valid JSON.');
  }
  const malformed = malformedText(body);
  if (malformed.length > 0) {
    throw new HttpProblem(400, 'invalid_request', 'The request body has text that is not valid Unicode.', {
      fieldErrors: malformed.map((path) => ({
        path,
        message: 'contains a lone surrogate (\\ud800-\\udfff)',
      })),
    });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new HttpProblem(400, 'invalid_request', 'The request body is invalid.', {
      fieldErrors: fieldProblems(parsed.error),
    });
  }
  return parsed.data;
}

const presentedKey = (context: Context): string | undefined => {
  const header = context.req.header('x-api-key');
  if (header) return header;
  const authorization = context.req.header('authorization');
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return match?.[1];
};

const clientAddress = (context: Context): string => {
  try {
    return getConnInfo(context).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
};

/**
 * Creates the reference server's Hono app from its dependencies. Nothing listens here: serve it
 * with `@hono/node-server` (see `startServer`) or call `app.request()` in tests.
 *
 * | route | what |
 * | --- | --- |
 * | `GET /health` | storage, queue and each vendor: `ok` or `degraded` with reasons (503 when degraded) |
 * | `GET /metrics` | Prometheus text: vendor calls, engine events, this server's requests, queue depth |
 * | `POST /webhooks/salesloft`, `POST /webhooks/attio` | verified, de-duplicated, queued |
 * | `POST /api/leads/search`, `POST /api/leads/enrich` | Apollo search; enrichment into the contact book, scored |
 * | `GET /api/contacts/:id/score` | the stored score with its top factors |
 * | `POST /api/sequences`, `POST /api/enrollments` | define a sequence; enrol a contact |
 * | `POST /api/unsubscribe` | one-click unsubscribe (RFC 8058): the signed token authenticates, no API key |
 * | `POST /api/sync/:id/run`, `GET /api/sync/:id` | start a CRM sync run (`people`, `deals`); its status |
 * | `POST /api/deals` | a deal in the contact book (the `deals` sync takes it to the CRM) |
 * | `POST /api/privacy/export`, `POST /api/privacy/forget` | a data subject request about `{ email }` |
 *
 * Every `/api` route but unsubscribe acts for the tenant of the request's API key.
 */
export function createApp(deps: Dependencies): App {
  const app: App = new Hono<{ Variables: AppVariables }>();
  const running = new Map<string, Promise<unknown>>();

  app.use('*', requestId());
  app.use('*', async (context, next) => {
    const started = performance.now();
    const log = deps.logger.child({ requestId: context.get('requestId') });
    context.set('log', log);
    await next();
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    const route = context.req.routePath;
    deps.metrics.observeRequest({
      method: context.req.method,
      route,
      status: context.res.status,
      durationMs,
    });
    log.info(
      {
        method: context.req.method,
        path: context.req.path,
        route,
        status: context.res.status,
        durationMs,
        apiKeyName: context.get('apiKeyName'),
        tenantId: context.get('tenant')?.tenantId,
      },
      'request',
    );
  });

  app.onError((error, context) => {
    const problem = toHttpProblem(error);
    const log = context.get('log') ?? deps.logger;
    if (problem.status >= 500) log.error({ err: error }, 'request failed');
    const body: ErrorBody = {
      error: {
        code: problem.code,
        message: problem.message,
        requestId: context.get('requestId'),
        ...(problem.fieldErrors ? { fieldErrors: problem.fieldErrors } : {}),
      },
    };
    for (const [name, value] of Object.entries(problem.headers)) context.header(name, value);
    return context.json(body, problem.status as 400);
  });

  app.notFound((context) =>
    context.json(
      { error: { code: 'not_found', message: 'No such route.', requestId: context.get('requestId') } },
      404,
    ),
  );

  app.get('/health', async (context) => {
    const report = await deps.health.check();
    return context.json(report, report.status === 'ok' ? 200 : 503);
  });

  app.get('/metrics', async (context) =>
    context.body(await deps.metrics.render(), 200, { 'content-type': deps.metrics.registry.contentType }),
  );

  // Webhooks authenticate by signature; the handlers answer fast and leave the work to the queue.
  const webhook = (vendor: 'salesloft' | 'attio') => async (context: Context) => {
    const response = await deps.webhooks[vendor](context.req.raw);
    if (response.status === 202) {
      const { id } = (await response.clone().json()) as { id: string };
      deps.events.emit('server.webhook_accepted', { tenantId: deps.tenantId, vendor, deliveryId: id });
    }
    return response;
  };
  app.post('/webhooks/salesloft', webhook('salesloft'));
  app.post('/webhooks/attio', webhook('attio'));

  // One-click unsubscribe comes from mail clients, which hold no API key: the token is the proof.
  app.post(
    '/api/unsubscribe',
    rateLimiter<{ Variables: AppVariables }>({
      windowMs: 60_000,
      limit: 60,
      standardHeaders: 'draft-7',
      keyGenerator: (context) => `unsubscribe:${clientAddress(context)}`,
      message: { error: { code: 'rate_limited', message: 'Too many requests; see Retry-After.' } },
    }),
    (context) => deps.unsubscribe(context.req.raw),
  );

  const api = new Hono<{ Variables: AppVariables }>();
  api.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new HttpProblem(413, 'payload_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes.`);
      },
    }),
  );
  api.use('*', async (context, next) => {
    // Missing, wrong and revoked keys get the same answer: it tells nothing about which keys exist.
    const identity = deps.apiKeys.verify(presentedKey(context));
    const tenant = identity ? deps.tenants.get(identity.tenantId) : undefined;
    if (!identity || !tenant) {
      context.header('www-authenticate', 'Bearer realm="salesos", error="invalid_token"');
      throw new HttpProblem(401, 'unauthorized', 'Send a valid API key in the x-api-key header.');
    }
    context.set('apiKeyName', identity.name);
    context.set('tenant', tenant);
    await next();
  });
  api.use(
    '*',
    rateLimiter<{ Variables: AppVariables }>({
      windowMs: 60_000,
      limit: deps.config.rateLimitPerMinute,
      standardHeaders: 'draft-7',
      keyGenerator: (context) => `key:${context.get('apiKeyName')}`,
      message: {
        error: { code: 'rate_limited', message: 'Too many requests for this API key; see Retry-After.' },
      },
    }),
  );

  api.post('/leads/search', async (context) => {
    const body = await readBody(context, LeadSearchSchema);
    const leads = await context
      .get('tenant')
      .apollo.people.search({
        ...(body.titles ? { person_titles: body.titles } : {}),
        ...(body.seniorities ? { person_seniorities: body.seniorities } : {}),
        ...(body.locations ? { person_locations: body.locations } : {}),
        ...(body.employeeRanges ? { organization_num_employees_ranges: body.employeeRanges } : {}),
        ...(body.keywords ? { q_keywords: body.keywords } : {}),
      })
      .toArray({ limit: body.limit });
    return context.json({
      leads: leads.map((lead) => ({
        apolloId: lead.id,
        firstName: lead.first_name ?? null,
        title: lead.title ?? null,
        company: lead.organization?.name ?? null,
      })),
    });
  });

  api.post('/leads/enrich', async (context) => {
    const body = await readBody(context, EnrichSchema);
    const { tenantId, apollo, book, scorer } = context.get('tenant');
    const matches = await apollo.people.bulkEnrich(
      body.people.map((details) => ({
        ...(details.id ? { id: details.id } : {}),
        ...(details.email ? { email: details.email } : {}),
        ...(details.linkedinUrl ? { linkedin_url: details.linkedinUrl } : {}),
        ...(details.firstName ? { first_name: details.firstName } : {}),
        ...(details.lastName ? { last_name: details.lastName } : {}),
        ...(details.domain ? { domain: details.domain } : {}),
      })),
    );
    const contacts = [];
    for (const match of matches) {
      if (!match) {
        contacts.push(null);
        continue;
      }
      const { person, company } = apolloToCanonical(match);
      if (company) await book.entities.company.upsert(company, { matchBy: ['id'] });
      const { record } = await book.entities.person.upsert(person, { matchBy: ['id', 'email'] });
      // The record carries the address: the scorer indexes it, so a data subject request finds the score.
      const score = await scorer.upsertContact({ person: record, company });
      contacts.push({ person: record, company, score: { tier: score.tier, priority: score.priority } });
    }
    const usage = await deps.creditTracker.usage(tenantId);
    return context.json({ contacts, credits: { today: usage.day.spent, month: usage.month.spent } });
  });

  api.get('/contacts/:id/score', async (context) => {
    const score = await context.get('tenant').scorer.getScore(context.req.param('id'));
    if (!score) throw new HttpProblem(404, 'not_found', 'No score for this contact; enrich it first.');
    return context.json({
      personId: score.personId,
      tier: score.tier,
      priority: score.priority,
      fit: score.fit,
      engagement: score.engagement,
      intent: score.intent,
      factors: score.factors.slice(0, 5),
      nextAction: score.nextAction,
      scoredAt: score.scoredAt,
    });
  });

  api.post('/sequences', async (context) => {
    const definition = await readBody(context, SequenceDefinitionSchema);
    // The server sends emails; it keeps no task list for people to work through.
    const manual = definition.steps.flatMap((step, index) =>
      step.type === 'wait' || (step.type === 'email' && step.mode !== 'manual') ? [] : [index],
    );
    if (manual.length > 0) {
      throw new HttpProblem(
        400,
        'invalid_sequence',
        'This server runs automatic email and wait steps only.',
        {
          fieldErrors: manual.map((index) => ({
            path: `steps.${index}`,
            message:
              'manual steps (call, LinkedIn, task, manual email) need a task list this server does not have',
          })),
        },
      );
    }
    const stored = await deps.sequences.define({ tenantId: context.get('tenant').tenantId, definition });
    return context.json({ id: stored.id, version: stored.version, definedAt: stored.definedAt }, 201);
  });

  api.post('/enrollments', async (context) => {
    const body = await readBody(context, EnrollmentSchema);
    const { tenantId, book } = context.get('tenant');
    const person = await book.entities.person.get(body.personId);
    if (!person)
      throw new HttpProblem(404, 'contact_not_found', `No contact "${body.personId}"; enrich it first.`);
    const enrollment = await deps.sequences.enroll({
      tenantId,
      sequenceId: body.sequenceId,
      person,
      mailbox: {
        email: body.mailbox.email,
        ...(body.mailbox.name ? { name: body.mailbox.name } : {}),
        ...(body.mailbox.timeZone ? { timeZone: body.mailbox.timeZone } : {}),
      },
      variables: body.variables ?? {},
    });
    return context.json(
      {
        id: enrollment.id,
        sequenceId: enrollment.sequenceId,
        personId: enrollment.personId,
        status: enrollment.status,
        dueAt: enrollment.dueAt,
      },
      201,
    );
  });

  /** The API name of the sync in the path, and the sync engine's id of the tenant's sync. */
  const syncOf = (context: Context<{ Variables: AppVariables }>): { name: SyncName; syncId: string } => {
    const name = context.req.param('id') ?? '';
    const crm = context.get('tenant').crm;
    if (!crm) throw new HttpProblem(404, 'sync_not_found', 'No CRM is connected for this tenant.');
    if (!(SYNC_NAMES as readonly string[]).includes(name))
      throw new HttpProblem(404, 'sync_not_found', `No sync "${name}"; known: ${SYNC_NAMES.join(', ')}.`);
    return { name: name as SyncName, syncId: crm.syncIds[name as SyncName] };
  };

  api.post('/sync/:id/run', async (context) => {
    const { name, syncId } = syncOf(context);
    const { mode } = await readBody(context, SyncRunSchema);
    if (running.has(syncId)) throw new HttpProblem(409, 'sync_running', `Sync "${name}" is running.`);
    const log = context.get('log');
    const run = deps.sync
      .run(syncId, { mode })
      .then((summary) =>
        log.info({ syncId, status: summary.status, counts: summary.counts }, 'sync run finished'),
      )
      .catch((error: unknown) => log.error({ err: error, syncId }, 'sync run failed'))
      .finally(() => running.delete(syncId));
    running.set(syncId, run);
    context.header('location', `/api/sync/${name}`);
    return context.json({ syncId: name, mode, state: 'running' }, 202);
  });

  api.get('/sync/:id', async (context) => {
    const { name, syncId } = syncOf(context);
    const status = await deps.sync.status(syncId);
    return context.json({
      ...status,
      syncId: name,
      state: running.has(syncId) ? 'running' : status.state,
    });
  });

  api.post('/deals', async (context) => {
    const body = await readBody(context, DealSchema);
    const { record } = await context.get('tenant').book.entities.deal.upsert(
      {
        name: body.name,
        stage: body.stage,
        personIds: body.personIds,
        ...(body.amount !== undefined ? { amount: body.amount } : {}),
        ...(body.currency ? { currency: body.currency } : {}),
        ...(body.companyId ? { companyId: body.companyId } : {}),
      },
      { matchBy: ['id'] },
    );
    return context.json(record, 201);
  });

  // Data subject requests, for the tenant of the key: the body names the person, never the tenant.
  api.post('/privacy/export', async (context) => {
    const { email } = await readBody(context, PrivacyRequestSchema);
    const result = await deps.privacy.exportPerson({ tenantId: context.get('tenant').tenantId, email });
    return context.json(result);
  });

  api.post('/privacy/forget', async (context) => {
    const { email } = await readBody(context, PrivacyRequestSchema);
    const report = await deps.privacy.forgetPerson({ tenantId: context.get('tenant').tenantId, email });
    return context.json(report);
  });

  app.route('/api', api);
  return app;
}
