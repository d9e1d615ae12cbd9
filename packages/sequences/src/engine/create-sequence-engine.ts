import { randomUUID } from 'node:crypto';
import {
  type Activity,
  ActivitySchema,
  ApiError,
  type AtomicCheck,
  type AtomicOperation,
  type Backoff,
  type Clock,
  ConfigError,
  createEventBus,
  type EventBus,
  type Job,
  type Logger,
  noopLogger,
  PermanentJobError,
  type Person,
  PersonSchema,
  type Queue,
  RateLimitError,
  SalesOSError,
  type Storage,
  StorageError,
  systemClock,
} from '@salesos/core';
import { createSuppressionList, type SuppressionList } from '../compliance/suppression-list.ts';
import { createUnsubscribeTokens } from '../compliance/unsubscribe-tokens.ts';
import {
  parseSequenceDefinition,
  type SequenceDefinition,
  type SequenceDefinitionInput,
  type SequenceStep,
  stepIdOf,
} from '../definition/sequence-definition.ts';
import type { DeferReason, SequenceStepEventBase } from '../events.ts';
import { buildFailedExecution, buildStepIntent, unsubscribeMailtoOf } from '../internal/build-step-intent.ts';
import { normalizeEmail } from '../internal/email-address.ts';
import { keys } from '../internal/keys.ts';
import { reserveMailboxCaps } from '../internal/mailbox-caps.ts';
import {
  isAutomaticEmail,
  isTouch,
  missingVariablesOf,
  templateVariables,
  variantsOf,
} from '../internal/step-content.ts';
import { DAY_MS, HOUR_MS, isTimeZone, MINUTE_MS } from '../internal/zoned-time.ts';
import { scheduleStep } from '../schedule/schedule-step.ts';
import { isWithinSendWindow, nextWindowOpening } from '../schedule/send-window.ts';
import { findMissingVariables, renderTemplate } from '../template/render-template.ts';
import { TemplateError } from '../template/template-error.ts';
import type { Tracking } from '../tracking/create-tracking.ts';
import { EnrollmentError } from './enrollment-error.ts';
import { SEQUENCE_JOB_NAMES } from './job-names.ts';
import type {
  EmailSender,
  Enrollment,
  EnrollmentStatus,
  EnrollmentTransition,
  FinishReason,
  Mailbox,
  PauseReason,
  StepExecution,
  TaskSink,
  TransitionReason,
} from './types.ts';

/** Options of `createSequenceEngine`. */
export interface SequenceEngineOptions {
  /** Where definitions, enrolments, their history and step records live. */
  storage: Storage;
  /** Where each enrolment's next step waits as a delayed job. */
  queue: Queue;
  /** Receives `sequences.*` events. Default: a private bus. */
  events?: EventBus;
  /** Sends automatic emails. Required by sequences with automatic email steps. */
  sender?: EmailSender;
  /** Receives manual steps. Required by sequences with manual steps (manual email, call, LinkedIn, task). */
  taskSink?: TaskSink;
  /** Time source. Default: the system clock; tests pass `createTestClock()`. */
  clock?: Clock;
  /** Default: no logging. */
  logger?: Logger;
  /**
   * One-click unsubscribe (RFC 8058): `url` is where `createUnsubscribeHandler` is served (HTTPS),
   * `secret` signs the tokens, `mailto` adds a mail address to `List-Unsubscribe`. Default: none;
   * emails then carry only `List-Unsubscribe: <mailto:{sending mailbox}?subject=unsubscribe>`
   * (RFC 2369, no `List-Unsubscribe-Post`), `{{unsubscribe_url}}` is that `mailto:`, and the
   * engine logs one warning. Gmail and Yahoo require one-click for bulk senders.
   */
  unsubscribe?: { secret: string; url: string; mailto?: string };
  /** Adds an open pixel and click tracking to automatic emails. Default: no tracking. */
  tracking?: Tracking;
  /** The suppression list checked before every send. Default: one on `storage`. */
  suppression?: SuppressionList;
  /** Process due steps in this process: `false` to only enrol and schedule. Default `{ concurrency: 1 }`. */
  worker?: false | { concurrency?: number };
  /** Attempts of a step before the enrolment fails. Default `5`. */
  stepAttempts?: number;
  /** Backoff between attempts of a step. Default: exponential from 30 s, at most 1 h. */
  stepBackoff?: Backoff;
}

/** A stored definition version. */
export type StoredDefinition = SequenceDefinition & {
  /** 1 for the first `define` of an id, then 2, 3… */
  version: number;
  /** ISO time of the `define`. */
  definedAt: string;
};

/** Input of `enroll`. */
export interface EnrollInput {
  tenantId: string;
  sequenceId: string;
  /** The canonical person; `email` is required for sequences with email steps. */
  person: Person | Record<string, unknown>;
  /** The mailbox that sends. */
  mailbox: Mailbox;
  /** Extra template variables (`company_name`, `pain_point`…); they override built-in ones. */
  variables?: Record<string, string>;
  /** Count the first step's delay from this time instead of now. */
  startAt?: Date | string | number;
}

/** What `status` answers. */
export interface EnrollmentReport {
  enrollment: Enrollment;
  /** Every transition, oldest first. */
  history: EnrollmentTransition[];
  /** Every step run, by step index. */
  executions: StepExecution[];
}

/** A step rendered for a person by `preview`. */
export interface StepPreview {
  index: number;
  id: string;
  type: SequenceStep['type'];
  /** `automatic` or `manual` for email steps. */
  mode?: 'automatic' | 'manual';
  /** Rendered variants of an email step (one unless it is an A/B test). */
  variants?: { id: string; subject: string | null; body: string }[];
  title?: string;
  note?: string;
  message?: string;
  /** Variables without value or fallback; their tags are left as written. */
  missingVariables: string[];
}

/** Input of `preview`. */
export interface PreviewInput {
  tenantId: string;
  sequenceId: string;
  person: Person | Record<string, unknown>;
  mailbox?: Mailbox;
  variables?: Record<string, string>;
}

/** The outreach sequence engine. Every call carries the `tenantId` it acts for. */
export interface SequenceEngine {
  /** Validates and stores a definition; defining an id again stores a new version for new enrolments. */
  define(input: { tenantId: string; definition: SequenceDefinitionInput }): Promise<StoredDefinition>;
  /** A definition: the latest version, or the given one. */
  getDefinition(input: {
    tenantId: string;
    sequenceId: string;
    version?: number;
  }): Promise<StoredDefinition | undefined>;
  /**
   * Enrols a person and schedules the first step. Throws `EnrollmentError` when the sequence is
   * unknown, the person has no email, the address is suppressed, the re-enrolment policy
   * forbids it, or a template variable has neither a value nor a fallback (`missingVariables`).
   */
  enroll(input: EnrollInput): Promise<Enrollment>;
  /** Pauses an enrolment; with `resumeAt` it resumes by itself then. */
  pause(input: {
    tenantId: string;
    enrollmentId: string;
    reason?: PauseReason;
    resumeAt?: Date | string | number;
  }): Promise<Enrollment>;
  /** Resumes a paused enrolment: a step that fell due meanwhile runs at the next window opening. */
  resume(input: { tenantId: string; enrollmentId: string }): Promise<Enrollment>;
  /** Ends an enrolment (`finished`, reason `manual` by default). Ending an ended one changes nothing. */
  exit(input: { tenantId: string; enrollmentId: string; reason?: FinishReason }): Promise<Enrollment>;
  /** Marks a blocking manual step done; the next step's delay counts from now. */
  completeTask(input: { tenantId: string; enrollmentId: string; stepIndex: number }): Promise<Enrollment>;
  /**
   * Applies a canonical activity of a person to their enrolments: replies, meetings and (when
   * configured) clicks finish them, bounces and unsubscribes end them and suppress the address,
   * out-of-office replies pause them until `data.resumeAt` (ISO; `outOfOffice.resumeAfterDays`
   * without one). Enrolments are found by `personId`, and also by `data.email` when given.
   * Activities older than an enrolment do not end or pause it. Answers the enrolments it changed.
   */
  handleActivity(input: {
    tenantId: string;
    activity: Activity | Record<string, unknown>;
  }): Promise<Enrollment[]>;
  /** Suppresses an address and opts every enrolment of it out. Answers the enrolments it changed. */
  unsubscribe(input: { tenantId: string; email: string }): Promise<Enrollment[]>;
  /** An enrolment with its history and step records, or `undefined`. */
  status(input: { tenantId: string; enrollmentId: string }): Promise<EnrollmentReport | undefined>;
  /** Enrolments of a person or an address. */
  listEnrollments(input: { tenantId: string; personId?: string; email?: string }): Promise<Enrollment[]>;
  /** Renders every step of a sequence for a person, without enrolling them. */
  preview(input: PreviewInput): Promise<StepPreview[]>;
  /**
   * Puts the due jobs of every live enrolment of a tenant back on the queue (they are
   * idempotent). Use after moving to a new queue or losing an in-memory one. Answers how many
   * enrolments were looked at.
   */
  recover(input: { tenantId: string }): Promise<number>;
  /** The suppression list the engine checks. */
  readonly suppression: SuppressionList;
}

interface StepJobData {
  tenantId: string;
  enrollmentId: string;
  generation: number;
}

interface TransitionDraft {
  to: EnrollmentStatus;
  reason: TransitionReason | null;
  activityId?: string;
}

interface Decision {
  next: Enrollment;
  transitions?: TransitionDraft[];
  checks?: AtomicCheck[];
  extra?: (operation: AtomicOperation) => void;
}

const FINAL: ReadonlySet<EnrollmentStatus> = new Set(['finished', 'bounced', 'opted_out', 'failed']);
const MAX_COMMIT_ATTEMPTS = 50;

function isFinal(status: EnrollmentStatus): boolean {
  return FINAL.has(status);
}

function toEpoch(value: Date | string | number, field: string): number {
  const epoch =
    typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (!Number.isFinite(epoch)) throw new ConfigError(`"${field}" must be a valid date, got ${String(value)}`);
  return epoch;
}

function errorCode(error: unknown): string {
  if (SalesOSError.isInstance(error)) return error.code;
  if (error instanceof Error) return error.name;
  return 'unknown';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Creates the sequence engine on a `Storage` and a `Queue`. It knows no vendor: emails go
 * through the `EmailSender`, manual steps through the `TaskSink`, engagement comes in as
 * canonical activities through `handleActivity`.
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage();
 * const engine = createSequenceEngine({
 *   storage,
 *   queue: createStorageQueue(storage),
 *   sender: mySender,
 *   taskSink: myTaskSink,
 *   // Without it, emails carry a mailto: unsubscribe only (and the engine logs a warning).
 *   unsubscribe: { secret: process.env.UNSUBSCRIBE_SECRET!, url: 'https://example.com/unsubscribe' },
 * });
 * await engine.define({
 *   tenantId: 't1',
 *   definition: {
 *     id: 'welcome',
 *     steps: [
 *       { type: 'email', subject: 'Hi {{first_name|there}}', body: '<p>Hello {{first_name|there}}</p>' },
 *       { type: 'email', replyInThread: true, delay: { businessDays: 2 }, body: '<p>Following up.</p>' },
 *       { type: 'call', delay: { businessDays: 1 } },
 *     ],
 *     settings: { sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' } },
 *   },
 * });
 * await engine.enroll({
 *   tenantId: 't1',
 *   sequenceId: 'welcome',
 *   person: { id: 'p1', email: 'ada@acme.com', firstName: 'Ada', timeZone: 'Europe/London' },
 *   mailbox: { email: 'rep@example.com', name: 'Rep', timeZone: 'America/New_York' },
 * });
 * ```
 */
export function createSequenceEngine(options: SequenceEngineOptions): SequenceEngine {
  if (!options?.storage) throw new ConfigError('createSequenceEngine: "storage" is required');
  if (!options.queue) throw new ConfigError('createSequenceEngine: "queue" is required');
  const { storage, queue } = options;
  const events = options.events ?? createEventBus();
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? noopLogger;
  const suppression = options.suppression ?? createSuppressionList({ storage, clock, events });
  const unsubscribeTokens = options.unsubscribe
    ? createUnsubscribeTokens({ secret: options.unsubscribe.secret })
    : undefined;
  if (options.unsubscribe) {
    try {
      new URL(options.unsubscribe.url);
    } catch (error) {
      throw new ConfigError(`createSequenceEngine: "unsubscribe.url" must be an absolute URL`, {
        cause: error,
      });
    }
  }
  let warnedMailtoOnly = false;
  /** Logs, once per engine, that emails go out without one-click unsubscribe. */
  const warnMailtoOnly = (sequenceId: string): void => {
    if (options.unsubscribe || warnedMailtoOnly) return;
    warnedMailtoOnly = true;
    logger.warn(
      { sequenceId },
      'sequences: one-click unsubscribe is off until createSequenceEngine is given "unsubscribe" ({ secret, url }); emails carry only List-Unsubscribe: <mailto:{sending mailbox}?subject=unsubscribe>, so route those mails to engine.unsubscribe',
    );
  };
  const stepAttempts = options.stepAttempts ?? 5;
  const stepBackoff: Backoff = options.stepBackoff ?? {
    type: 'exponential',
    delayMs: 30_000,
    maxDelayMs: HOUR_MS,
  };
  const nowIso = () => new Date(clock.now()).toISOString();

  // Definition versions never change once stored, so they are cached.
  const definitionCache = new Map<string, StoredDefinition>();
  const loadDefinition = async (
    tenantId: string,
    sequenceId: string,
    version?: number,
  ): Promise<StoredDefinition | undefined> => {
    if (version === undefined) {
      const latest = await storage.get<{ version: number }>(keys.definition(tenantId, sequenceId));
      if (!latest.value) return undefined;
      version = latest.value.version;
    }
    const cacheKey = `${tenantId}\u0000${sequenceId}\u0000${version}`;
    const cached = definitionCache.get(cacheKey);
    if (cached) return cached;
    const entry = await storage.get<StoredDefinition>(keys.definitionVersion(tenantId, sequenceId, version));
    if (!entry.value) return undefined;
    if (definitionCache.size > 1000) definitionCache.clear();
    definitionCache.set(cacheKey, entry.value);
    return entry.value;
  };
  const definitionOf = async (enrollment: Enrollment): Promise<StoredDefinition> => {
    const definition = await loadDefinition(
      enrollment.tenantId,
      enrollment.sequenceId,
      enrollment.definitionVersion,
    );
    if (!definition) {
      throw new StorageError(
        `Definition "${enrollment.sequenceId}" version ${enrollment.definitionVersion} of enrolment ${enrollment.id} is missing`,
      );
    }
    return definition;
  };

  /**
   * The recipient's unsubscribe link: the signed one-click URL (`null` without an address), or,
   * without `unsubscribe`, the `mailto:` of the sending mailbox.
   */
  const unsubscribeUrlFor = (tenantId: string, email: string | null, mailboxEmail: string): string | null => {
    if (!unsubscribeTokens || !options.unsubscribe) return unsubscribeMailtoOf(mailboxEmail);
    return email ? unsubscribeTokens.url(options.unsubscribe.url, { tenantId, email }) : null;
  };

  const stepBase = (enrollment: Enrollment, definition: SequenceDefinition, stepIndex: number) => {
    const step = definition.steps[stepIndex];
    const base: SequenceStepEventBase = {
      tenantId: enrollment.tenantId,
      enrollmentId: enrollment.id,
      sequenceId: enrollment.sequenceId,
      personId: enrollment.personId,
      stepIndex,
      stepId: step ? stepIdOf(step, stepIndex) : `step-${stepIndex + 1}`,
    };
    return base;
  };

  const applyTransition = (
    current: Enrollment,
    next: Enrollment,
    draft: TransitionDraft,
    at: string,
  ): EnrollmentTransition => {
    const record: EnrollmentTransition = {
      enrollmentId: current.id,
      from: next.status,
      to: draft.to,
      reason: draft.reason,
      at,
    };
    if (draft.activityId !== undefined) record.activityId = draft.activityId;
    next.status = draft.to;
    next.reason = draft.reason;
    next.transitionCount += 1;
    if (isFinal(draft.to)) {
      next.endedAt = at;
      next.dueAt = null;
      next.resumeAt = null;
      next.waitingForTask = false;
    }
    return record;
  };

  /** Puts the job an enrolment waits for on the queue; idempotent by job id. */
  const ensureScheduled = async (enrollment: Enrollment): Promise<void> => {
    if (isFinal(enrollment.status)) return;
    if (enrollment.status === 'paused') {
      if (!enrollment.resumeAt) return;
      await queue.add<StepJobData>(
        SEQUENCE_JOB_NAMES.resume,
        { tenantId: enrollment.tenantId, enrollmentId: enrollment.id, generation: enrollment.generation },
        {
          jobId: `sequences:resume:${enrollment.tenantId}:${enrollment.id}:${enrollment.generation}`,
          runAt: Date.parse(enrollment.resumeAt),
          attempts: stepAttempts,
          backoff: stepBackoff,
        },
      );
      return;
    }
    if (!enrollment.dueAt || enrollment.waitingForTask) return;
    const added = await queue.add<StepJobData>(
      SEQUENCE_JOB_NAMES.step,
      { tenantId: enrollment.tenantId, enrollmentId: enrollment.id, generation: enrollment.generation },
      {
        jobId: `sequences:step:${enrollment.tenantId}:${enrollment.id}:${enrollment.generation}`,
        runAt: Date.parse(enrollment.dueAt),
        attempts: stepAttempts,
        backoff: stepBackoff,
      },
    );
    if (added.added) {
      const definition = await definitionOf(enrollment);
      events.emit('sequences.step.scheduled', {
        ...stepBase(enrollment, definition, enrollment.stepIndex),
        dueAt: enrollment.dueAt,
      });
    }
  };

  /**
   * Reads an enrolment, lets `decide` compute its next state, and commits that with the
   * transitions it implies, retrying on concurrent writes. Emits the transitions and schedules
   * what the new state waits for.
   */
  const updateEnrollment = async (
    tenantId: string,
    enrollmentId: string,
    decide: (current: Enrollment) => Promise<Decision | undefined> | Decision | undefined,
  ): Promise<{ enrollment: Enrollment; changed: boolean } | undefined> => {
    const key = keys.enrollment(tenantId, enrollmentId);
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt += 1) {
      const entry = await storage.get<Enrollment>(key);
      if (!entry.value) return undefined;
      const current = entry.value;
      const decision = await decide(current);
      if (!decision) return { enrollment: current, changed: false };
      const at = nowIso();
      const next: Enrollment = { ...decision.next, updatedAt: at };
      const operation = storage.atomic().check(entry, ...(decision.checks ?? []));
      const records: EnrollmentTransition[] = [];
      for (const draft of decision.transitions ?? []) {
        const record = applyTransition(current, next, draft, at);
        operation.set(keys.history(tenantId, enrollmentId, next.transitionCount), record);
        records.push(record);
      }
      operation.set(key, next);
      decision.extra?.(operation);
      const result = await operation.commit();
      if (!result.ok) continue;
      for (const record of records) {
        events.emit('sequences.enrollment.transition', {
          tenantId,
          enrollmentId,
          sequenceId: next.sequenceId,
          personId: next.personId,
          from: record.from,
          to: record.to,
          reason: record.reason,
          at: record.at,
        });
      }
      await ensureScheduled(next);
      return { enrollment: next, changed: true };
    }
    throw new StorageError(`Enrolment ${enrollmentId} kept changing under concurrent writes; try again`);
  };

  const requireEnrollment = async (tenantId: string, enrollmentId: string): Promise<Enrollment> => {
    const entry = await storage.get<Enrollment>(keys.enrollment(tenantId, enrollmentId));
    if (!entry.value) {
      throw new EnrollmentError(`No enrolment "${enrollmentId}" in tenant "${tenantId}"`, {
        reason: 'enrollment_not_found',
      });
    }
    return entry.value;
  };

  /** The next state of an enrolment once step `stepIndex` ran at `at`. */
  const advance = (
    current: Enrollment,
    definition: SequenceDefinition,
    stepIndex: number,
    at: number,
  ): { next: Enrollment; transitions: TransitionDraft[] } => {
    const next: Enrollment = { ...current, generation: current.generation + 1 };
    const transitions: TransitionDraft[] = [];
    if (current.stepIndex !== stepIndex) return { next, transitions };
    const step = definition.steps[stepIndex] as SequenceStep;
    next.stepIndex = stepIndex + 1;
    next.lastStepAt = new Date(at).toISOString();
    next.dueAt = null;
    if (isFinal(current.status)) return { next, transitions };
    if (current.status === 'pending') transitions.push({ to: 'active', reason: null });
    const following = definition.steps[next.stepIndex];
    if (!following) {
      if (current.status !== 'paused') transitions.push({ to: 'finished', reason: 'completed' });
      return { next, transitions };
    }
    if (step.type !== 'wait' && step.blocking && !isAutomaticEmail(step)) {
      next.waitingForTask = true;
      return { next, transitions };
    }
    next.dueAt = scheduleStep({
      from: at,
      delay: following.delay,
      window: definition.settings.sendWindow,
      timeZone: current.timeZone,
      holidays: definition.settings.holidays,
    }).toISOString();
    return { next, transitions };
  };

  const defer = async (
    enrollment: Enrollment,
    definition: SequenceDefinition,
    until: Date,
    reason: DeferReason,
  ): Promise<void> => {
    const result = await updateEnrollment(enrollment.tenantId, enrollment.id, (current) => {
      if (current.generation !== enrollment.generation) return undefined;
      return { next: { ...current, dueAt: until.toISOString(), generation: current.generation + 1 } };
    });
    if (result?.changed) {
      events.emit('sequences.step.deferred', {
        ...stepBase(enrollment, definition, enrollment.stepIndex),
        reason,
        until: until.toISOString(),
      });
    }
  };

  const buildIntent = (
    enrollment: Enrollment,
    definition: SequenceDefinition,
    stepIndex: number,
    at: number,
  ) => {
    const step = definition.steps[stepIndex];
    if (step && isAutomaticEmail(step)) warnMailtoOnly(definition.id);
    return buildStepIntent({
      enrollment,
      definition,
      stepIndex,
      at,
      oneClickUnsubscribe: options.unsubscribe !== undefined,
      unsubscribeUrl: unsubscribeUrlFor(enrollment.tenantId, enrollment.email, enrollment.mailbox.email),
      mailto: options.unsubscribe?.mailto,
      tracking: options.tracking,
    });
  };

  const markFailed = async (
    enrollment: Enrollment,
    definition: SequenceDefinition,
    execution: StepExecution,
    error: unknown,
  ): Promise<void> => {
    await updateEnrollment(enrollment.tenantId, enrollment.id, (current) => {
      if (isFinal(current.status)) return undefined;
      return {
        next: { ...current, generation: current.generation + 1 },
        transitions: [{ to: 'failed', reason: errorCode(error) }],
        extra: (operation) =>
          operation.set(keys.execution(enrollment.tenantId, enrollment.id, execution.stepIndex), {
            ...execution,
            state: 'failed',
            completedAt: nowIso(),
            error: errorMessage(error),
          } satisfies StepExecution),
      };
    });
    events.emit('sequences.step.failed', {
      ...stepBase(enrollment, definition, execution.stepIndex),
      errorCode: errorCode(error),
      message: errorMessage(error),
      willRetry: false,
    });
  };

  /** Calls the channel of a recorded intent and records the outcome. */
  const perform = async (
    job: Job<StepJobData>,
    enrollment: Enrollment,
    definition: SequenceDefinition,
    execution: StepExecution,
  ): Promise<void> => {
    const { tenantId } = enrollment;
    let messageId: string | null = null;
    let threadId: string | null = null;
    let taskId: string | null = null;
    try {
      if (execution.email) {
        if (!options.sender)
          throw new ConfigError('createSequenceEngine: "sender" is required for automatic emails');
        const sent = await options.sender.send(execution.email, { signal: job.signal });
        messageId = sent.messageId;
        threadId = sent.threadId ?? null;
      } else if (execution.task) {
        if (!options.taskSink)
          throw new ConfigError('createSequenceEngine: "taskSink" is required for manual steps');
        taskId = (await options.taskSink.create(execution.task, { signal: job.signal })).taskId;
      }
    } catch (error) {
      // The queue took the job back (lease lost, shutting down): it runs again, same key.
      if (job.signal.aborted) throw error;
      const base = stepBase(enrollment, definition, execution.stepIndex);
      if (RateLimitError.isInstance(error)) {
        const resumeAt = clock.now() + Math.max(error.retryAfterMs ?? 60_000, 1_000);
        events.emit('sequences.step.failed', {
          ...base,
          errorCode: error.code,
          message: error.message,
          willRetry: true,
        });
        await updateEnrollment(tenantId, enrollment.id, (current) => {
          if (current.status !== 'active' && current.status !== 'pending') return undefined;
          return {
            next: {
              ...current,
              resumeAt: new Date(resumeAt).toISOString(),
              generation: current.generation + 1,
            },
            transitions: [{ to: 'paused', reason: 'throttle' }],
          };
        });
        return;
      }
      const permanent =
        (ApiError.isInstance(error) && !error.retryable) ||
        PermanentJobError.isInstance(error) ||
        ConfigError.isInstance(error) ||
        TemplateError.isInstance(error);
      if (permanent || job.attempt >= job.maxAttempts) {
        logger.error({ err: error, tenantId, enrollmentId: enrollment.id }, 'sequence step failed for good');
        await markFailed(enrollment, definition, execution, error);
        return;
      }
      events.emit('sequences.step.failed', {
        ...base,
        errorCode: errorCode(error),
        message: errorMessage(error),
        willRetry: true,
      });
      throw error;
    }

    const at = clock.now();
    const executionKey = keys.execution(tenantId, enrollment.id, execution.stepIndex);
    let recorded = false;
    await updateEnrollment(tenantId, enrollment.id, async (current) => {
      const stored = await storage.get<StepExecution>(executionKey);
      if (stored.value?.state !== 'intent') return undefined;
      const { next, transitions } = advance(current, definition, execution.stepIndex, at);
      const step = definition.steps[execution.stepIndex] as SequenceStep;
      if (execution.email && messageId !== null && isAutomaticEmail(step)) {
        next.thread =
          step.replyInThread && current.thread
            ? { ...current.thread, lastMessageId: messageId, threadId: current.thread.threadId ?? threadId }
            : (current.thread ?? { threadId, lastMessageId: messageId, subject: execution.email.subject });
      }
      recorded = true;
      return {
        next,
        transitions,
        checks: [stored],
        extra: (operation) =>
          operation.set(executionKey, {
            ...execution,
            state: 'done',
            completedAt: new Date(at).toISOString(),
            messageId,
            threadId,
            taskId,
          } satisfies StepExecution),
      };
    });
    if (recorded) {
      const executed: SequenceStepEventBase & {
        stepType: string;
        idempotencyKey: string;
        at: string;
        messageId?: string;
        taskId?: string;
        variantId?: string;
      } = {
        ...stepBase(enrollment, definition, execution.stepIndex),
        stepType: execution.type,
        idempotencyKey: execution.idempotencyKey,
        at: new Date(at).toISOString(),
      };
      if (messageId !== null) executed.messageId = messageId;
      if (taskId !== null) executed.taskId = taskId;
      if (execution.variantId !== null) executed.variantId = execution.variantId;
      events.emit('sequences.step.executed', executed);
    }
  };

  /** The handler of a due step. Safe to run more than once for one job. */
  const runStep = async (job: Job<StepJobData>): Promise<void> => {
    const { tenantId, enrollmentId, generation } = job.data;
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt += 1) {
      const entry = await storage.get<Enrollment>(keys.enrollment(tenantId, enrollmentId));
      const enrollment = entry.value;
      if (!enrollment) return;
      if (enrollment.generation !== generation) {
        // A newer schedule exists; make sure its job is queued in case a crash lost it.
        await ensureScheduled(enrollment);
        return;
      }
      if ((enrollment.status !== 'active' && enrollment.status !== 'pending') || enrollment.waitingForTask)
        return;
      const definition = await definitionOf(enrollment);
      const stepIndex = enrollment.stepIndex;
      const step = definition.steps[stepIndex];
      if (!step) return;
      const executionKey = keys.execution(tenantId, enrollmentId, stepIndex);
      const stored = await storage.get<StepExecution>(executionKey);
      if (stored.value) {
        // An intent without a recorded outcome: the previous run may have reached the channel.
        // Repeat the call with the same idempotency key; the channel answers the first result.
        if (stored.value.state === 'intent') await perform(job, enrollment, definition, stored.value);
        return;
      }

      const now = clock.now();
      const { settings } = definition;
      if (step.type === 'email' && enrollment.email) {
        const suppressed = await suppression.get({ tenantId, email: enrollment.email });
        if (suppressed) {
          await updateEnrollment(tenantId, enrollmentId, (current) =>
            isFinal(current.status)
              ? undefined
              : {
                  next: { ...current, generation: current.generation + 1 },
                  transitions: [
                    {
                      to: suppressed.reason === 'bounced' ? 'bounced' : 'opted_out',
                      reason: suppressed.reason,
                    },
                  ],
                },
          );
          return;
        }
      }
      const windowOptions = {
        window: settings.sendWindow,
        timeZone: enrollment.timeZone,
        holidays: settings.holidays,
      };
      if (!isWithinSendWindow({ at: now, ...windowOptions })) {
        await defer(
          enrollment,
          definition,
          nextWindowOpening({ from: now, ...windowOptions }),
          'send_window',
        );
        return;
      }
      const checks: AtomicCheck[] = [{ key: executionKey, versionstamp: null }];
      const touchKey = keys.touch(tenantId, enrollment.personId);
      if (isTouch(step) && settings.minimumGapMinutes > 0) {
        const touch = await storage.get<number>(touchKey);
        const earliest = (touch.value ?? Number.NEGATIVE_INFINITY) + settings.minimumGapMinutes * MINUTE_MS;
        if (now < earliest) {
          await defer(
            enrollment,
            definition,
            nextWindowOpening({ from: earliest, ...windowOptions }),
            'touch_gap',
          );
          return;
        }
      }
      let capWrites: [readonly (string | number)[], number, number][] = [];
      if (isAutomaticEmail(step)) {
        const caps = await reserveMailboxCaps(storage, enrollment, definition, now);
        if (!caps.ok) {
          await defer(enrollment, definition, caps.until, caps.reason);
          return;
        }
        checks.push(...caps.checks);
        capWrites = caps.writes;
      }

      let execution: StepExecution;
      try {
        execution = buildIntent(enrollment, definition, stepIndex, now);
      } catch (error) {
        await markFailed(
          enrollment,
          definition,
          buildFailedExecution(step, stepIndex, enrollment.id, now),
          error,
        );
        return;
      }
      const operation = storage
        .atomic()
        .check(entry, ...checks)
        .set(executionKey, execution);
      for (const [key, value, expireIn] of capWrites) operation.set(key, value, { expireIn });
      if (isTouch(step))
        operation.set(touchKey, now, { expireIn: Math.max(settings.minimumGapMinutes, 1) * MINUTE_MS * 2 });
      const committed = await operation.commit();
      if (!committed.ok) continue;
      await perform(job, enrollment, definition, execution);
      return;
    }
    throw new StorageError(`Step of enrolment ${enrollmentId} kept conflicting with concurrent writes`);
  };

  const resumeDecision = (current: Enrollment, definition: SequenceDefinition): Decision | undefined => {
    if (current.status !== 'paused') return undefined;
    const now = clock.now();
    const next: Enrollment = { ...current, resumeAt: null, generation: current.generation + 1 };
    if (current.stepIndex >= definition.steps.length) {
      return { next, transitions: [{ to: 'finished', reason: 'completed' }] };
    }
    if (!current.waitingForTask) {
      const due = Math.max(current.dueAt ? Date.parse(current.dueAt) : now, now);
      next.dueAt = nextWindowOpening({
        from: due,
        window: definition.settings.sendWindow,
        timeZone: current.timeZone,
        holidays: definition.settings.holidays,
      }).toISOString();
    }
    return { next, transitions: [{ to: current.lastStepAt ? 'active' : 'pending', reason: null }] };
  };

  const runResume = async (job: Job<StepJobData>): Promise<void> => {
    const { tenantId, enrollmentId, generation } = job.data;
    await updateEnrollment(tenantId, enrollmentId, async (current) => {
      if (current.generation !== generation) return undefined;
      return resumeDecision(current, await definitionOf(current));
    });
  };

  if (options.worker !== false) {
    const concurrency = options.worker?.concurrency ?? 1;
    queue.process<StepJobData>(SEQUENCE_JOB_NAMES.step, runStep, { concurrency });
    queue.process<StepJobData>(SEQUENCE_JOB_NAMES.resume, runResume, { concurrency });
  }

  const listIndexed = async (
    prefix: readonly (string | number)[],
    tenantId: string,
  ): Promise<Enrollment[]> => {
    const ids: string[] = [];
    for await (const entry of storage.list({ prefix })) ids.push(String(entry.key.at(-1)));
    if (ids.length === 0) return [];
    const entries = await storage.getMany<Enrollment>(ids.map((id) => keys.enrollment(tenantId, id)));
    return entries.flatMap((entry) => (entry.value ? [entry.value] : []));
  };

  const end = async (
    tenantId: string,
    enrollments: readonly Enrollment[],
    decide: (current: Enrollment, definition: StoredDefinition) => TransitionDraft | undefined,
  ): Promise<Enrollment[]> => {
    const changed: Enrollment[] = [];
    for (const enrollment of enrollments) {
      const result = await updateEnrollment(tenantId, enrollment.id, async (current) => {
        if (isFinal(current.status)) return undefined;
        const draft = decide(current, await definitionOf(current));
        if (!draft) return undefined;
        return { next: { ...current, generation: current.generation + 1 }, transitions: [draft] };
      });
      if (result?.changed) changed.push(result.enrollment);
    }
    return changed;
  };

  const engine: SequenceEngine = {
    suppression,

    async define({ tenantId, definition: input }) {
      const definition = parseSequenceDefinition(input);
      const automaticEmail = definition.steps.some((step) => isAutomaticEmail(step));
      const manual = definition.steps.some((step) => step.type !== 'wait' && !isAutomaticEmail(step));
      if (automaticEmail && !options.sender) {
        throw new ConfigError(
          `Sequence "${definition.id}" sends emails: give createSequenceEngine a "sender"`,
        );
      }
      if (manual && !options.taskSink) {
        throw new ConfigError(
          `Sequence "${definition.id}" has manual steps: give createSequenceEngine a "taskSink"`,
        );
      }
      if (automaticEmail) warnMailtoOnly(definition.id);
      const latestKey = keys.definition(tenantId, definition.id);
      for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt += 1) {
        const latest = await storage.get<{ version: number }>(latestKey);
        const version = (latest.value?.version ?? 0) + 1;
        const stored: StoredDefinition = { ...definition, version, definedAt: nowIso() };
        const result = await storage
          .atomic()
          .check(latest)
          .set(latestKey, { version })
          .set(keys.definitionVersion(tenantId, definition.id, version), stored)
          .commit();
        if (result.ok) return stored;
      }
      throw new StorageError(`Sequence "${definition.id}" kept changing under concurrent defines; try again`);
    },

    getDefinition({ tenantId, sequenceId, version }) {
      return loadDefinition(tenantId, sequenceId, version);
    },

    async enroll(input) {
      const { tenantId, sequenceId } = input;
      const parsed = PersonSchema.safeParse(input.person);
      if (!parsed.success) {
        const problems = parsed.error.issues.map(
          (issue) => `${issue.path.join('.') || 'person'}: ${issue.message}`,
        );
        throw new EnrollmentError(`Cannot enrol: the person is not valid (${problems.join('; ')})`, {
          reason: 'invalid_person',
        });
      }
      const person = parsed.data;
      if (!input.mailbox || typeof input.mailbox.email !== 'string' || !input.mailbox.email.includes('@')) {
        throw new ConfigError('enroll: "mailbox.email" must be the sending address');
      }
      const definition = await loadDefinition(tenantId, sequenceId);
      if (!definition) {
        throw new EnrollmentError(`Cannot enrol person "${person.id}": no sequence "${sequenceId}"`, {
          reason: 'sequence_not_found',
        });
      }
      const hasEmail = definition.steps.some((step) => step.type === 'email');
      const email = person.email ? normalizeEmail(person.email) : null;
      if (hasEmail && !email) {
        throw new EnrollmentError(
          `Cannot enrol person "${person.id}" in "${sequenceId}": the sequence sends email and the person has none`,
          { reason: 'missing_email' },
        );
      }
      if (email && (await suppression.has({ tenantId, email }))) {
        throw new EnrollmentError(
          `Cannot enrol person "${person.id}" in "${sequenceId}": their address is on the suppression list`,
          { reason: 'suppressed' },
        );
      }
      const variables = input.variables ?? {};
      const missing = missingVariablesOf(
        definition,
        templateVariables({
          person,
          mailbox: input.mailbox,
          variables,
          unsubscribeUrl: 'https://unsubscribe',
        }),
      );
      if (missing.length > 0) {
        throw new EnrollmentError(
          `Cannot enrol person "${person.id}" in "${sequenceId}": no value and no fallback for ${missing
            .map(({ name, location }) => `{{${name}}} (${location})`)
            .join(', ')}`,
          { reason: 'missing_variables', missingVariables: missing.map(({ name }) => name) },
        );
      }
      const timeZone =
        person.timeZone && isTimeZone(person.timeZone)
          ? person.timeZone
          : input.mailbox.timeZone && isTimeZone(input.mailbox.timeZone)
            ? input.mailbox.timeZone
            : definition.settings.timeZone;
      const now = clock.now();
      const start = input.startAt === undefined ? now : Math.max(now, toEpoch(input.startAt, 'startAt'));
      const firstStep = definition.steps[0] as SequenceStep;
      const dueAt = scheduleStep({
        from: start,
        delay: firstStep.delay,
        window: definition.settings.sendWindow,
        timeZone,
        holidays: definition.settings.holidays,
      });
      const mailbox: Mailbox = { email: input.mailbox.email };
      if (input.mailbox.name !== undefined) mailbox.name = input.mailbox.name;
      if (input.mailbox.timeZone !== undefined) mailbox.timeZone = input.mailbox.timeZone;

      const lockKey = keys.enrolLock(tenantId, sequenceId, person.id);
      for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt += 1) {
        const lock = await storage.get<{ enrollmentIds: string[] }>(lockKey);
        if (lock.value) {
          const policy = definition.settings.reenrollment;
          if (policy === 'once') {
            throw new EnrollmentError(
              `Cannot enrol person "${person.id}" in "${sequenceId}": already enrolled once (re-enrolment policy "once")`,
              { reason: 'already_enrolled' },
            );
          }
          if (policy === 'if_not_active') {
            const earlier = await storage.getMany<Enrollment>(
              lock.value.enrollmentIds.map((id) => keys.enrollment(tenantId, id)),
            );
            if (earlier.some((entry) => entry.value && !isFinal(entry.value.status))) {
              throw new EnrollmentError(
                `Cannot enrol person "${person.id}" in "${sequenceId}": an enrolment is still live (re-enrolment policy "if_not_active")`,
                { reason: 'already_enrolled' },
              );
            }
          }
        }
        const at = new Date(now).toISOString();
        const enrollment: Enrollment = {
          id: randomUUID(),
          tenantId,
          sequenceId,
          definitionVersion: definition.version,
          personId: person.id,
          email,
          person,
          mailbox,
          variables: { ...variables },
          timeZone,
          status: 'pending',
          reason: null,
          stepIndex: 0,
          dueAt: dueAt.toISOString(),
          resumeAt: null,
          waitingForTask: false,
          thread: null,
          enrolledAt: at,
          updatedAt: at,
          lastStepAt: null,
          endedAt: null,
          generation: 1,
          transitionCount: 1,
        };
        const history: EnrollmentTransition = {
          enrollmentId: enrollment.id,
          from: null,
          to: 'pending',
          reason: null,
          at,
        };
        const operation = storage
          .atomic()
          .check(lock)
          .set(lockKey, { enrollmentIds: [...(lock.value?.enrollmentIds ?? []), enrollment.id] })
          .set(keys.enrollment(tenantId, enrollment.id), enrollment)
          .set(keys.history(tenantId, enrollment.id, 1), history)
          .set(keys.byPerson(tenantId, person.id, enrollment.id), sequenceId);
        if (email) operation.set(keys.byEmail(tenantId, email, enrollment.id), person.id);
        const result = await operation.commit();
        if (!result.ok) continue;
        events.emit('sequences.enrollment.transition', {
          tenantId,
          enrollmentId: enrollment.id,
          sequenceId,
          personId: person.id,
          from: null,
          to: 'pending',
          reason: null,
          at,
        });
        await ensureScheduled(enrollment);
        return enrollment;
      }
      throw new StorageError(`Enrolment of "${person.id}" in "${sequenceId}" kept conflicting; try again`);
    },

    async pause({ tenantId, enrollmentId, reason = 'manual', resumeAt }) {
      const resumeEpoch = resumeAt === undefined ? undefined : toEpoch(resumeAt, 'resumeAt');
      await requireEnrollment(tenantId, enrollmentId);
      const result = await updateEnrollment(tenantId, enrollmentId, (current) => {
        if (isFinal(current.status)) {
          throw new EnrollmentError(`Cannot pause enrolment "${enrollmentId}": it is ${current.status}`, {
            reason: 'invalid_transition',
          });
        }
        return {
          next: {
            ...current,
            resumeAt: resumeEpoch === undefined ? null : new Date(resumeEpoch).toISOString(),
            generation: current.generation + 1,
          },
          transitions: [{ to: 'paused', reason }],
        };
      });
      return (result as { enrollment: Enrollment }).enrollment;
    },

    async resume({ tenantId, enrollmentId }) {
      await requireEnrollment(tenantId, enrollmentId);
      const result = await updateEnrollment(tenantId, enrollmentId, async (current) => {
        if (isFinal(current.status)) {
          throw new EnrollmentError(`Cannot resume enrolment "${enrollmentId}": it is ${current.status}`, {
            reason: 'invalid_transition',
          });
        }
        return resumeDecision(current, await definitionOf(current));
      });
      return (result as { enrollment: Enrollment }).enrollment;
    },

    async exit({ tenantId, enrollmentId, reason = 'manual' }) {
      const enrollment = await requireEnrollment(tenantId, enrollmentId);
      const [changed] = await end(tenantId, [enrollment], () => ({ to: 'finished', reason }));
      return changed ?? (await requireEnrollment(tenantId, enrollmentId));
    },

    async completeTask({ tenantId, enrollmentId, stepIndex }) {
      await requireEnrollment(tenantId, enrollmentId);
      const result = await updateEnrollment(tenantId, enrollmentId, async (current) => {
        if (!current.waitingForTask || current.stepIndex !== stepIndex + 1) return undefined;
        const definition = await definitionOf(current);
        const following = definition.steps[current.stepIndex];
        const next: Enrollment = { ...current, waitingForTask: false, generation: current.generation + 1 };
        if (following) {
          next.dueAt = scheduleStep({
            from: clock.now(),
            delay: following.delay,
            window: definition.settings.sendWindow,
            timeZone: current.timeZone,
            holidays: definition.settings.holidays,
          }).toISOString();
        }
        return { next };
      });
      return (result as { enrollment: Enrollment }).enrollment;
    },

    async handleActivity({ tenantId, activity: input }) {
      const parsed = ActivitySchema.safeParse(input);
      if (!parsed.success) {
        const problems = parsed.error.issues.map(
          (issue) => `${issue.path.join('.') || 'activity'}: ${issue.message}`,
        );
        throw new ConfigError(`handleActivity: not a canonical activity (${problems.join('; ')})`);
      }
      const activity = parsed.data;
      const occurredAt = Date.parse(activity.occurredAt);
      let enrollments = await listIndexed(keys.byPerson(tenantId, activity.personId), tenantId);
      // A reply from the address counts even when the reporting system knows the person by another id.
      if (typeof activity.data.email === 'string') {
        const known = new Set(enrollments.map((enrollment) => enrollment.id));
        const byEmail = await listIndexed(
          keys.byEmail(tenantId, normalizeEmail(activity.data.email)),
          tenantId,
        );
        enrollments = enrollments.concat(byEmail.filter((enrollment) => !known.has(enrollment.id)));
      }
      const endsAddress = activity.type === 'unsubscribed' || activity.type === 'email_bounced';
      if (endsAddress) {
        const addresses = new Set(
          enrollments.flatMap((enrollment) => (enrollment.email ? [enrollment.email] : [])),
        );
        if (typeof activity.data.email === 'string') addresses.add(normalizeEmail(activity.data.email));
        for (const email of addresses) {
          await suppression.add({
            tenantId,
            email,
            reason: activity.type === 'unsubscribed' ? 'unsubscribed' : 'bounced',
          });
          const byEmail = await listIndexed(keys.byEmail(tenantId, email), tenantId);
          const known = new Set(enrollments.map((enrollment) => enrollment.id));
          enrollments = enrollments.concat(byEmail.filter((enrollment) => !known.has(enrollment.id)));
        }
      }
      const activityId = activity.id;
      const afterEnrolment = (current: Enrollment) => occurredAt >= Date.parse(current.enrolledAt);
      if (activity.type === 'out_of_office') {
        const changed: Enrollment[] = [];
        for (const enrollment of enrollments) {
          const result = await updateEnrollment(tenantId, enrollment.id, async (current) => {
            const definition = await definitionOf(current);
            if (!definition.settings.outOfOffice.pause || !afterEnrolment(current)) return undefined;
            const live = current.status === 'active' || current.status === 'pending';
            const outOfOffice = current.status === 'paused' && current.reason === 'out_of_office';
            if (!live && !outOfOffice) return undefined;
            const stated =
              typeof activity.data.resumeAt === 'string' ? Date.parse(activity.data.resumeAt) : Number.NaN;
            const resumeAt =
              Number.isFinite(stated) && stated > clock.now()
                ? stated
                : clock.now() + definition.settings.outOfOffice.resumeAfterDays * DAY_MS;
            const next: Enrollment = {
              ...current,
              resumeAt: new Date(resumeAt).toISOString(),
              generation: current.generation + 1,
            };
            if (outOfOffice) return { next };
            return { next, transitions: [{ to: 'paused', reason: 'out_of_office', activityId }] };
          });
          if (result?.changed) changed.push(result.enrollment);
        }
        return changed;
      }
      return end(tenantId, enrollments, (current, definition) => {
        const { exitOn } = definition.settings;
        switch (activity.type) {
          case 'email_replied':
            return exitOn.reply && afterEnrolment(current)
              ? { to: 'finished', reason: 'replied', activityId }
              : undefined;
          case 'meeting_booked':
            return exitOn.meeting && afterEnrolment(current)
              ? { to: 'finished', reason: 'meeting', activityId }
              : undefined;
          case 'email_clicked': {
            const source = activity.data.enrollmentId;
            if (!exitOn.click || !afterEnrolment(current)) return undefined;
            if (typeof source === 'string' && source !== current.id) return undefined;
            return { to: 'finished', reason: 'clicked', activityId };
          }
          case 'email_bounced':
            return exitOn.bounce ? { to: 'bounced', reason: 'bounced', activityId } : undefined;
          case 'unsubscribed':
            return { to: 'opted_out', reason: 'unsubscribed', activityId };
          default:
            return undefined;
        }
      });
    },

    async unsubscribe({ tenantId, email }) {
      const address = normalizeEmail(email);
      await suppression.add({ tenantId, email: address, reason: 'unsubscribed' });
      const enrollments = await listIndexed(keys.byEmail(tenantId, address), tenantId);
      return end(tenantId, enrollments, () => ({ to: 'opted_out', reason: 'unsubscribed' }));
    },

    async status({ tenantId, enrollmentId }) {
      const entry = await storage.get<Enrollment>(keys.enrollment(tenantId, enrollmentId));
      if (!entry.value) return undefined;
      const history: EnrollmentTransition[] = [];
      for await (const record of storage.list<EnrollmentTransition>({
        prefix: keys.history(tenantId, enrollmentId),
      })) {
        history.push(record.value);
      }
      const executions: StepExecution[] = [];
      for await (const record of storage.list<StepExecution>({
        prefix: keys.execution(tenantId, enrollmentId, 0).slice(0, -1),
      })) {
        executions.push(record.value);
      }
      return { enrollment: entry.value, history, executions };
    },

    async listEnrollments({ tenantId, personId, email }) {
      if (personId === undefined && email === undefined) {
        throw new ConfigError('listEnrollments: give "personId" or "email"');
      }
      const found = new Map<string, Enrollment>();
      if (personId !== undefined) {
        for (const enrollment of await listIndexed(keys.byPerson(tenantId, personId), tenantId)) {
          found.set(enrollment.id, enrollment);
        }
      }
      if (email !== undefined) {
        for (const enrollment of await listIndexed(keys.byEmail(tenantId, normalizeEmail(email)), tenantId)) {
          found.set(enrollment.id, enrollment);
        }
      }
      return [...found.values()];
    },

    async preview({ tenantId, sequenceId, person: personInput, mailbox, variables = {} }) {
      const definition = await loadDefinition(tenantId, sequenceId);
      if (!definition) {
        throw new EnrollmentError(`No sequence "${sequenceId}" to preview`, { reason: 'sequence_not_found' });
      }
      const parsed = PersonSchema.safeParse(personInput);
      if (!parsed.success) {
        throw new EnrollmentError('Cannot preview: the person is not valid', { reason: 'invalid_person' });
      }
      const person = parsed.data;
      const sender = mailbox ?? { email: 'sender@example.com' };
      const values = templateVariables({
        person,
        mailbox: sender,
        variables,
        unsubscribeUrl: unsubscribeUrlFor(tenantId, person.email ?? null, sender.email),
      });
      return definition.steps.map((step, index) => {
        const missing = new Set<string>();
        const render = (template: string, escaping: 'html' | 'none') => {
          const filled = { ...values };
          for (const name of findMissingVariables(template, values)) {
            missing.add(name);
            filled[name] = `{{${name}}}`;
          }
          return renderTemplate(template, filled, { escape: escaping });
        };
        const preview: StepPreview = {
          index,
          id: stepIdOf(step, index),
          type: step.type,
          missingVariables: [],
        };
        if (step.type !== 'wait' && step.note !== undefined) preview.note = render(step.note, 'none');
        if (step.type === 'email') {
          preview.mode = step.mode;
          preview.variants = variantsOf(step).map((variant) => ({
            id: variant.id,
            subject: variant.subject === undefined ? null : render(variant.subject, 'none'),
            body: render(variant.body, 'html'),
          }));
        } else if (step.type === 'call' || step.type === 'linkedin' || step.type === 'task') {
          if (step.title !== undefined) preview.title = render(step.title, 'none');
          if (step.type === 'linkedin' && step.message !== undefined)
            preview.message = render(step.message, 'none');
        }
        preview.missingVariables = [...missing];
        return preview;
      });
    },

    async recover({ tenantId }) {
      let count = 0;
      for await (const entry of storage.list<Enrollment>({ prefix: keys.enrollments(tenantId) })) {
        count += 1;
        await ensureScheduled(entry.value);
      }
      return count;
    },
  };
  return engine;
}
