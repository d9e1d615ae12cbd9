import {
  type Clock,
  ConfigError,
  createMemoryStorage,
  type EntryMaybe,
  type EventBus,
  type Key,
  type Storage,
  StorageError,
  systemClock,
} from '@salesos/core';
import { parseScoringConfig, type ScoringConfig, type ScoringConfigInput } from '../config/scoring-config.ts';
import { ScoringInputError } from '../errors/scoring-input-error.ts';
import { compileConfig, fitContext } from '../internal/compile-config.ts';
import {
  accumulateActivities,
  accumulateSignals,
  assembleScore,
  channelContributions,
  evaluateFit,
  fitContributions,
} from '../internal/compute-score.ts';
import { parseTimestamp } from '../internal/parse-timestamp.ts';
import { rankContacts } from '../internal/rank-contacts.ts';
import {
  type CompanyRecord,
  type ContactRecord,
  countsAt,
  type EmittedScores,
  emptyCompany,
  emptyContact,
  foldEvent,
  normalizeEmail,
  scoringKeys,
} from '../internal/scoring-state.ts';
import { shown, validateCompany, validatePerson, validateScoreInput } from '../internal/validate-profile.ts';
import type {
  ActivityEvent,
  CompanyProfile,
  ContactScore,
  PersonProfile,
  RankedContact,
  RankOptions,
  ScoreCause,
  ScoreInput,
  ScoreOneOptions,
  ScoreOptions,
  SignalEvent,
  Tier,
  TimeInput,
} from './types.ts';

/** Options of `createScorer`. */
export interface ScorerOptions {
  /** Weights, half-lives, thresholds and rules; validated once. Default: `{}` (every default). */
  config?: ScoringConfigInput | undefined;
  /** Where incremental state lives (decayed counters per contact and company). Default: `createMemoryStorage()`. */
  storage?: Storage | undefined;
  /** Receives `contact.scored` and `tier.changed`. Default: none (nothing is emitted). */
  events?: EventBus | undefined;
  /** Tenant whose state this scorer reads and writes; part of every key and event. Default `'default'`. */
  tenantId?: string | undefined;
  /** Time source when a call gives no `now`. Default: `systemClock`. */
  clock?: Clock | undefined;
  /** How long an applied activity or signal id is remembered, so a redelivery is not counted twice. Default 30 days. */
  dedupeWindowMs?: number | undefined;
}

/** Options of the incremental calls. */
export interface ApplyOptions {
  /** The time scores are computed for. Default: the scorer's clock. */
  now?: TimeInput | undefined;
}

/** What `apply` did. */
export interface ApplyResult {
  /** `applied`; `duplicate` when the id was already applied; `ignored` for a type scoring has no rule for. */
  status: 'applied' | 'duplicate' | 'ignored';
  /** The new scores: the contact of an activity, or every known contact of a signal's company. Empty unless applied. */
  scores: ContactScore[];
}

/** A lead scoring engine. Create it with `createScorer`. */
export interface Scorer {
  /** The validated configuration, defaults applied. */
  readonly config: ScoringConfig;
  /** Scores one contact from everything given. Pure: reads and writes no storage. */
  score(input: ScoreInput, options?: ScoreOneOptions): ContactScore;
  /** Scores many contacts at one `now`. Pure and built for throughput: millions of activities per second. */
  scoreBatch(inputs: Iterable<ScoreInput>, options?: ScoreOptions): ContactScore[];
  /** Ranks the people of one account by who to contact first (seniority, persona title, department). */
  rankContacts<P extends PersonProfile>(people: readonly P[], options?: RankOptions): RankedContact<P>[];
  /**
   * Folds one activity or signal into stored state in constant time and rescores: the activity's
   * contact, or every known contact of the signal's company. Emits `contact.scored` when a score
   * moved by at least `events.minChange`, and `tier.changed` when the tier moved.
   */
  apply(event: ActivityEvent | SignalEvent, options?: ApplyOptions): Promise<ApplyResult>;
  /** Stores or updates a contact's person (and company) so fit counts, then rescores them. */
  upsertContact(
    input: { person: PersonProfile; company?: CompanyProfile | null | undefined },
    options?: ApplyOptions,
  ): Promise<ContactScore>;
  /** Stores or updates a company and rescores its known contacts. */
  upsertCompany(company: CompanyProfile, options?: ApplyOptions): Promise<ContactScore[]>;
  /** The current score of a contact from stored state, or `null` when nothing is known of them. */
  getScore(personId: string, options?: ApplyOptions): Promise<ContactScore | null>;
}

const DAY_MS = 86_400_000;
const MAX_ATTEMPTS = 25;

/** Edits a contact record before it is rescored and saved; answers false to abandon. */
type ContactChange = (
  record: ContactRecord,
  write: { set: (key: Key, value: unknown, expireIn?: number) => void; remove: (key: Key) => void },
  seen: EntryMaybe | null,
) => boolean;

const requireText = (value: unknown, path: string, what: string): string => {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ScoringInputError(`${what}: "${path}" must be a non-empty string`, { path });
  }
  return value;
};

const eventTime = (value: unknown, path: string, what: string): number => {
  const time = typeof value === 'string' ? parseTimestamp(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new ScoringInputError(`${what}: "${path}" must be an ISO-8601 date-time, got ${shown(value)}`, {
      path,
    });
  }
  return time;
};

const storedPerson = (person: PersonProfile): PersonProfile => ({
  id: person.id,
  email: normalizeEmail(person.email),
  title: person.title ?? null,
  seniority: person.seniority ?? null,
  department: person.department ?? null,
  country: person.country ?? null,
  companyId: person.companyId ?? null,
});

const storedCompany = (company: CompanyProfile): CompanyProfile => ({
  id: company.id,
  name: company.name ?? null,
  domain: company.domain ?? null,
  industry: company.industry ?? null,
  employeeCount: company.employeeCount ?? null,
  annualRevenue: company.annualRevenue ?? null,
  country: company.country ?? null,
  technologies: [...(company.technologies ?? [])],
});

/**
 * Creates a lead scoring engine: fit (ICP rules), engagement (decayed, capped activity
 * points), intent (decayed buying signals), priority, tiers 1–4, explanations and the next
 * best action; `score`/`scoreBatch` for pure scoring at a given `now`, `apply` for constant-time
 * incremental updates from stored state. The configuration is validated once, here.
 *
 * @throws ConfigError naming the invalid configuration field.
 *
 * @example
 * ```ts
 * import { createEventBus, createMemoryStorage } from '@salesos/core';
 * import { createScorer } from '@salesos/scoring';
 *
 * const events = createEventBus();
 * const scorer = createScorer({
 *   config: { fit: { criteria: [{ type: 'industry', industries: ['software'], points: 20 }] } },
 *   storage: createMemoryStorage(),
 *   events,
 * });
 * events.on('tier.changed', ({ personId, from, to }) => console.log(personId, from, '→', to));
 *
 * const score = scorer.score(
 *   { person, company, activities, signals },
 *   { now: '2026-03-01T00:00:00Z' },
 * );
 * console.log(score.priority, score.tier, score.factors[0]);
 *
 * await scorer.upsertContact({ person, company });
 * await scorer.apply({ id: 'a1', type: 'email_replied', personId: person.id, occurredAt: new Date().toISOString() });
 * ```
 */
export function createScorer(options: ScorerOptions = {}): Scorer {
  const config = parseScoringConfig(options.config);
  const compiled = compileConfig(config);
  const storage = options.storage ?? createMemoryStorage();
  const events = options.events;
  const tenantId = options.tenantId ?? 'default';
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new ConfigError('createScorer: "tenantId" must be a non-empty string');
  }
  const clock = options.clock ?? systemClock;
  const dedupeWindowMs = options.dedupeWindowMs ?? 30 * DAY_MS;
  if (!(dedupeWindowMs > 0))
    throw new ConfigError('createScorer: "dedupeWindowMs" must be a positive number');
  const keys = scoringKeys(tenantId);
  const minChange = config.events.minChange;

  // Scratch arrays reused by every synchronous score: scoring allocates per contact, not per event.
  const activityCount = compiled.activities.names.length;
  const signalCount = compiled.signals.names.length;
  const activityCounts = new Float64Array(activityCount);
  const lastAt = new Float64Array(activityCount);
  const signalCounts = new Float64Array(signalCount);
  const engagement = new Float64Array(activityCount);
  const intent = new Float64Array(signalCount);
  const fitRaw = new Float64Array(compiled.fitGroups.length);
  const fit = new Float64Array(compiled.fitGroups.length);
  const fitLabels: (string | undefined)[] = new Array(compiled.fitGroups.length).fill(undefined);

  const toMillis = (value: TimeInput | undefined): number => {
    if (value === undefined) return clock.now();
    const time =
      typeof value === 'number' ? value : value instanceof Date ? value.getTime() : parseTimestamp(value);
    if (!Number.isFinite(time)) {
      throw new ScoringInputError(`"now" must be a finite time, got ${String(value)}`, { path: 'now' });
    }
    return time;
  };

  const scoreOne = (
    input: ScoreInput,
    now: number,
    scoredAt: string,
    previousTier: Tier | null,
  ): ContactScore => {
    const person = input.person;
    const company = input.company ?? null;
    activityCounts.fill(0);
    lastAt.fill(Number.NEGATIVE_INFINITY);
    signalCounts.fill(0);
    if (input.activities)
      accumulateActivities(input.activities, now, compiled.activities, activityCounts, lastAt);
    if (input.signals) accumulateSignals(input.signals, now, compiled.signals, signalCounts);
    evaluateFit(compiled, fitContext(person, company), fitRaw, fitLabels);
    return assembleScore(compiled, {
      personId: person.id,
      companyId: company?.id ?? person.companyId ?? null,
      engagement: channelContributions(compiled.activities, activityCounts, engagement),
      intent: channelContributions(compiled.signals, signalCounts, intent),
      fit: fitContributions(compiled, fitRaw, fit),
      fitLabels,
      lastAt,
      now,
      scoredAt,
      previousTier,
    });
  };

  const scoreStored = (
    personId: string,
    contact: ContactRecord,
    company: CompanyRecord | null,
    now: number,
  ): ContactScore => {
    countsAt(contact, compiled.activities, now, activityCounts);
    lastAt.fill(Number.NEGATIVE_INFINITY);
    for (const [type, time] of Object.entries(contact.lastAt)) {
      const position = compiled.activities.index[type];
      if (position !== undefined) lastAt[position] = time;
    }
    if (company) countsAt(company, compiled.signals, now, signalCounts);
    else signalCounts.fill(0);
    evaluateFit(compiled, fitContext(contact.person, company?.company ?? null), fitRaw, fitLabels);
    return assembleScore(compiled, {
      personId,
      companyId: contact.companyId,
      engagement: channelContributions(compiled.activities, activityCounts, engagement),
      intent: channelContributions(compiled.signals, signalCounts, intent),
      fit: fitContributions(compiled, fitRaw, fit),
      fitLabels,
      lastAt,
      now,
      scoredAt: new Date(now).toISOString(),
      previousTier: contact.last?.tier ?? null,
    });
  };

  const moved = (last: EmittedScores | null, score: ContactScore): boolean => {
    if (!last || last.tier !== score.tier) return true;
    for (const name of ['fit', 'engagement', 'intent', 'priority'] as const) {
      const delta = Math.abs(score[name] - last[name]);
      if (delta !== 0 && delta >= minChange) return true;
    }
    return false;
  };

  const announce = (previous: EmittedScores | null, score: ContactScore, cause: ScoreCause) => {
    if (!events) return;
    events.emit('contact.scored', {
      tenantId,
      score,
      previous: previous ? { ...previous } : null,
      cause,
    });
    const from = previous?.tier ?? null;
    if (from !== score.tier) {
      events.emit('tier.changed', {
        tenantId,
        personId: score.personId,
        companyId: score.companyId,
        from,
        to: score.tier,
        direction: from === null ? 'assigned' : score.tier > from ? 'dropped' : 'raised',
        priority: score.priority,
        scoredAt: score.scoredAt,
        cause,
      });
    }
  };

  const readCompany = async (companyId: string | null): Promise<CompanyRecord | null> => {
    if (companyId === null) return null;
    return (await storage.get<CompanyRecord>(keys.company(companyId))).value;
  };

  // In-process updates of one record queue behind each other; the optimistic check still guards
  // against other processes sharing the storage.
  const queues = new Map<string, Promise<unknown>>();
  const serialize = <T>(name: string, task: () => Promise<T>): Promise<T> => {
    const previous = queues.get(name) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    queues.set(name, settled);
    void settled.then(() => {
      if (queues.get(name) === settled) queues.delete(name);
    });
    return run;
  };

  const backoff = (attempt: number) =>
    new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 2 ** Math.min(attempt, 6)));

  const updateContact = (
    personId: string,
    now: number,
    cause: ScoreCause,
    change?: ContactChange,
    seenKey?: Key,
  ): Promise<ContactScore | null> =>
    serialize(`contact:${personId}`, () => updateContactNow(personId, now, cause, change, seenKey));

  /**
   * Reads a contact, lets `change` edit it, rescores, and writes it back under an optimistic
   * check, retrying on a concurrent write. `change` answers false to abandon (a duplicate).
   */
  const updateContactNow = async (
    personId: string,
    now: number,
    cause: ScoreCause,
    change?: ContactChange,
    seenKey?: Key,
  ): Promise<ContactScore | null> => {
    const contactKey = keys.contact(personId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const [entry, seen] = await storage.getMany<ContactRecord>(
        seenKey ? [contactKey, seenKey] : [contactKey],
      );
      if (!entry) throw new StorageError('getMany answered fewer entries than keys asked');
      const record = entry.value ?? emptyContact();
      const sets: { key: Key; value: unknown; expireIn: number | undefined }[] = [];
      const removals: Key[] = [];
      if (change) {
        const proceed = change(
          record,
          {
            set: (key, value, expireIn) => sets.push({ key, value, expireIn }),
            remove: (key) => removals.push(key),
          },
          seen ?? null,
        );
        if (!proceed) return null;
      }
      const company = await readCompany(record.companyId);
      const score = scoreStored(personId, record, company, now);
      const previous = record.last;
      const changed = moved(previous, score);
      if (!changed && !change) return score;
      if (changed) {
        record.last = {
          fit: score.fit,
          engagement: score.engagement,
          intent: score.intent,
          priority: score.priority,
          tier: score.tier,
        };
      }
      const operation = storage.atomic().check(entry);
      if (seen) operation.check(seen);
      operation.set(contactKey, record);
      for (const key of removals) operation.delete(key);
      for (const write of sets) {
        operation.set(
          write.key,
          write.value,
          write.expireIn === undefined ? {} : { expireIn: write.expireIn },
        );
      }
      const result = await operation.commit();
      if (!result.ok) {
        await backoff(attempt);
        continue;
      }
      if (changed) announce(previous, score, cause);
      return score;
    }
    throw new StorageError(
      `Could not save the score of contact "${personId}": ${MAX_ATTEMPTS} attempts met concurrent writes`,
    );
  };

  const updateCompany = (
    companyId: string,
    change: (record: CompanyRecord, seen: EntryMaybe | null) => boolean,
    seenKey?: Key,
  ): Promise<boolean> =>
    serialize(`company:${companyId}`, () => updateCompanyNow(companyId, change, seenKey));

  const updateCompanyNow = async (
    companyId: string,
    change: (record: CompanyRecord, seen: EntryMaybe | null) => boolean,
    seenKey?: Key,
  ): Promise<boolean> => {
    const companyKey = keys.company(companyId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const [entry, seen] = await storage.getMany<CompanyRecord>(
        seenKey ? [companyKey, seenKey] : [companyKey],
      );
      if (!entry) throw new StorageError('getMany answered fewer entries than keys asked');
      const record = entry.value ?? emptyCompany();
      if (!change(record, seen ?? null)) return false;
      const operation = storage.atomic().check(entry).set(companyKey, record);
      if (seen && seenKey) operation.check(seen).set(seenKey, 1, { expireIn: dedupeWindowMs });
      if ((await operation.commit()).ok) return true;
      await backoff(attempt);
    }
    throw new StorageError(
      `Could not save company "${companyId}": ${MAX_ATTEMPTS} attempts met concurrent writes`,
    );
  };

  const rescoreMembers = async (
    companyId: string,
    now: number,
    cause: ScoreCause,
  ): Promise<ContactScore[]> => {
    const scores: ContactScore[] = [];
    for await (const entry of storage.list({ prefix: keys.members(companyId) })) {
      const personId = entry.key[entry.key.length - 1];
      if (typeof personId !== 'string') continue;
      const score = await updateContact(personId, now, cause);
      if (score) scores.push(score);
    }
    return scores;
  };

  const applyActivity = async (activity: ActivityEvent, now: number): Promise<ApplyResult> => {
    const what = 'Activity';
    const id = requireText(activity.id, 'id', what);
    const personId = requireText(activity.personId, 'personId', what);
    const type = requireText(activity.type, 'type', what);
    const occurred = eventTime(activity.occurredAt, 'occurredAt', what);
    if (compiled.activities.index[type] === undefined) return { status: 'ignored', scores: [] };
    const time = Math.min(occurred, now);
    let duplicate = false;
    const score = await updateContact(
      personId,
      now,
      { kind: 'activity', id, type },
      (record, write, seen) => {
        if (seen?.value !== null && seen?.value !== undefined) {
          duplicate = true;
          return false;
        }
        foldEvent(record, compiled.activities, type, time, 1);
        if (!(time <= (record.lastAt[type] ?? Number.NEGATIVE_INFINITY))) record.lastAt[type] = time;
        write.set(keys.seen('activity', id), 1, dedupeWindowMs);
        return true;
      },
      keys.seen('activity', id),
    );
    if (duplicate || !score) return { status: 'duplicate', scores: [] };
    return { status: 'applied', scores: [score] };
  };

  const applySignal = async (signal: SignalEvent, now: number): Promise<ApplyResult> => {
    const what = 'Signal';
    const id = requireText(signal.id, 'id', what);
    const companyId = requireText(signal.companyId, 'companyId', what);
    const type = requireText(signal.type, 'type', what);
    const occurred = eventTime(signal.occurredAt, 'occurredAt', what);
    const strength = signal.strength;
    if (typeof strength !== 'number' || !(strength >= 0 && strength <= 1)) {
      throw new ScoringInputError(
        `${what}: "strength" must be a number from 0 to 1, got ${shown(strength)}`,
        {
          path: 'strength',
        },
      );
    }
    if (compiled.signals.index[type] === undefined) return { status: 'ignored', scores: [] };
    const time = Math.min(occurred, now);
    const applied = await updateCompany(
      companyId,
      (record, seen) => {
        if (seen?.value !== null && seen?.value !== undefined) return false;
        if (strength > 0) foldEvent(record, compiled.signals, type, time, strength);
        return true;
      },
      keys.seen('signal', id),
    );
    if (!applied) return { status: 'duplicate', scores: [] };
    return { status: 'applied', scores: await rescoreMembers(companyId, now, { kind: 'signal', id, type }) };
  };

  const profileCause = (type: 'person' | 'company', id: string): ScoreCause => ({
    kind: 'profile',
    id,
    type,
  });

  return {
    config,

    score(input, scoreOptions = {}) {
      const now = toMillis(scoreOptions.now);
      validateScoreInput(input, 'score', '');
      return scoreOne(input, now, new Date(now).toISOString(), scoreOptions.previousTier ?? null);
    },

    scoreBatch(inputs, batchOptions = {}) {
      const now = toMillis(batchOptions.now);
      const scoredAt = new Date(now).toISOString();
      const results: ContactScore[] = [];
      for (const input of inputs) {
        validateScoreInput(input, 'scoreBatch', `[${results.length}]`);
        results.push(scoreOne(input, now, scoredAt, null));
      }
      return results;
    },

    rankContacts(people, rankOptions = {}) {
      people.forEach((person, position) => {
        validatePerson(person, 'rankContacts', `[${position}]`);
      });
      return rankContacts(config.authority, people, rankOptions.personas ?? config.authority.personas);
    },

    async apply(event, applyOptions = {}) {
      const now = toMillis(applyOptions.now);
      if (typeof event !== 'object' || event === null) {
        throw new ScoringInputError('apply expects an activity or a signal object', { path: '(root)' });
      }
      return 'personId' in event ? applyActivity(event, now) : applySignal(event, now);
    },

    async upsertContact(input, upsertOptions = {}) {
      const now = toMillis(upsertOptions.now);
      // Every field is checked before the first write: a company saved ahead of a refused
      // person would otherwise be scored with its contacts from then on.
      const what = 'upsertContact';
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new ScoringInputError(`${what}: "(root)" must be an object { person, company }`, {
          path: '(root)',
        });
      }
      const person = validatePerson(input.person, what, 'person');
      const company =
        input.company === undefined || input.company === null
          ? null
          : validateCompany(input.company, what, 'company');
      const personId = person.id;
      if (company) {
        await updateCompany(company.id, (record) => {
          record.company = storedCompany(company);
          return true;
        });
      }
      const companyId = company?.id ?? person.companyId ?? null;
      const score = await updateContact(personId, now, profileCause('person', personId), (record, write) => {
        const previousEmail = record.person?.email ?? null;
        record.person = storedPerson(person);
        const email = record.person.email ?? null;
        if (previousEmail !== null && previousEmail !== email)
          write.remove(keys.byEmail(previousEmail, personId));
        if (email !== null) write.set(keys.byEmail(email, personId), true);
        if (record.companyId !== companyId) {
          if (record.companyId !== null) write.remove(keys.member(record.companyId, personId));
          record.companyId = companyId;
        }
        if (companyId !== null) write.set(keys.member(companyId, personId), true);
        return true;
      });
      return score!;
    },

    async upsertCompany(company, upsertOptions = {}) {
      const now = toMillis(upsertOptions.now);
      const checked = validateCompany(company, 'upsertCompany', '');
      const companyId = checked.id;
      await updateCompany(companyId, (record) => {
        record.company = storedCompany(checked);
        return true;
      });
      return rescoreMembers(companyId, now, profileCause('company', companyId));
    },

    async getScore(personId, getOptions = {}) {
      const now = toMillis(getOptions.now);
      const contact = (await storage.get<ContactRecord>(keys.contact(personId))).value;
      if (!contact) return null;
      return scoreStored(personId, contact, await readCompany(contact.companyId), now);
    },
  };
}
