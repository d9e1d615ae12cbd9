import {
  ACTIVITY_TYPES,
  type ActivityType,
  createEventBus,
  createMemoryStorage,
  type EventBus,
  SIGNAL_TYPES,
  type SignalType,
  type Storage,
  scopeStorage,
} from '@salesos/core';
import { createRandom, createTestClock } from '@salesos/core/testing';
import { describe, expect, it } from 'vitest';
import type { ScoringConfigInput } from '../config/scoring-config.ts';
import { ScoringInputError } from '../errors/scoring-input-error.ts';
import { scoringKeys } from '../internal/scoring-state.ts';
import { createScorer } from './create-scorer.ts';
import type {
  ActivityEvent,
  CompanyProfile,
  ContactScore,
  ContactScoredEvent,
  PersonProfile,
  SignalEvent,
  TierChangedEvent,
} from './types.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 1);
const iso = (time: number) => new Date(time).toISOString();

const fitConfig: ScoringConfigInput = {
  fit: {
    criteria: [
      { type: 'industry', industries: ['software'], points: 20 },
      { type: 'seniority', levels: ['vp', 'director'], points: 15 },
      { type: 'employees', min: 50, max: 5000, points: 15 },
    ],
  },
};
const engagementOnly: ScoringConfigInput = { priority: { weights: { engagement: 1, intent: 0, fit: 0 } } };

let sequence = 0;
const activity = (personId: string, type: ActivityType, time: number): ActivityEvent => ({
  id: `a${++sequence}`,
  type,
  personId,
  occurredAt: iso(time),
});
const signal = (companyId: string, type: SignalType, strength: number, time: number): SignalEvent => ({
  id: `s${++sequence}`,
  type,
  companyId,
  occurredAt: iso(time),
  strength,
});

const record = (events: EventBus) => {
  const scored: ContactScoredEvent[] = [];
  const tiers: TierChangedEvent[] = [];
  events.on('contact.scored', (payload) => scored.push(payload));
  events.on('tier.changed', (payload) => tiers.push(payload));
  return { scored, tiers };
};

const expectSameScore = (incremental: ContactScore | null, batch: ContactScore) => {
  expect(incremental).not.toBe(null);
  const actual = incremental!;
  for (const name of ['fit', 'engagement', 'intent', 'priority'] as const) {
    expect(actual[name], name).toBeCloseTo(batch[name], 9);
  }
  expect(actual.tier).toBe(batch.tier);
  expect(actual.companyId).toBe(batch.companyId);
  expect(actual.factors.map((factor) => factor.name).sort()).toEqual(
    batch.factors.map((factor) => factor.name).sort(),
  );
  for (const factor of batch.factors) {
    const match = actual.factors.find((candidate) => candidate.name === factor.name);
    expect(match?.points, factor.name).toBeCloseTo(factor.points, 9);
  }
};

/** A storage that counts the calls made on it. */
const countingStorage = (inner: Storage) => {
  const counts = { reads: 0, commits: 0, lists: 0 };
  const storage: Storage = {
    get: (key) => {
      counts.reads += 1;
      return inner.get(key);
    },
    getMany: (keys) => {
      counts.reads += 1;
      return inner.getMany(keys);
    },
    list: (selector, options) => {
      counts.lists += 1;
      return inner.list(selector, options);
    },
    set: (key, value, options) => inner.set(key, value, options),
    delete: (key) => inner.delete(key),
    atomic: () => {
      counts.commits += 1;
      return inner.atomic();
    },
    close: () => inner.close(),
  };
  return { storage, counts };
};

const world = (seed: number) => {
  const random = createRandom(seed);
  const companies: CompanyProfile[] = Array.from({ length: 4 }, (_, index) => ({
    id: `c${index}`,
    industry: index % 2 === 0 ? 'Software' : 'Retail',
    employeeCount: 40 * (index + 1) * (index + 1),
  }));
  const people: PersonProfile[] = Array.from({ length: 24 }, (_, index) => ({
    id: `p${index}`,
    title: random.pick(['VP Sales', 'Director of Marketing', 'Engineer', 'CEO']),
    companyId: `c${index % 4}`,
  }));
  const activities: ActivityEvent[] = Array.from({ length: 400 }, () =>
    activity(
      random.pick(people).id,
      random.pick(ACTIVITY_TYPES),
      NOW - random.int(0, 120 * 24) * 3_600_000 - random.int(0, 3_599_999),
    ),
  );
  const signals: SignalEvent[] = Array.from({ length: 40 }, () =>
    signal(
      random.pick(companies).id,
      random.pick(SIGNAL_TYPES),
      random.next(),
      NOW - random.int(0, 90 * 24) * 3_600_000,
    ),
  );
  const shuffled = <T>(items: T[]): T[] => {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index -= 1) {
      const other = random.int(0, index);
      [copy[index], copy[other]] = [copy[other]!, copy[index]!];
    }
    return copy;
  };
  const inputFor = (person: PersonProfile) => {
    const company = companies.find((candidate) => candidate.id === person.companyId)!;
    return {
      person,
      company,
      activities: activities.filter((event) => event.personId === person.id),
      signals: signals.filter((event) => event.companyId === company.id),
    };
  };
  return { companies, people, activities, signals, shuffled, inputFor };
};

describe('scorer.apply', () => {
  it('agrees with batch scoring when events arrive out of order', async () => {
    const { companies, people, activities, signals, shuffled, inputFor } = world(11);
    const scorer = createScorer({ config: fitConfig, storage: createMemoryStorage() });
    for (const person of people) {
      await scorer.upsertContact(
        { person, company: companies.find((company) => company.id === person.companyId)! },
        {
          now: NOW,
        },
      );
    }
    for (const event of shuffled([...activities, ...signals])) await scorer.apply(event, { now: NOW });

    const later = NOW + 9 * DAY;
    const batch = scorer.scoreBatch(people.map(inputFor), { now: later });
    for (const [index, person] of people.entries()) {
      expectSameScore(await scorer.getScore(person.id, { now: later }), batch[index]!);
    }
  });

  it('agrees with batch scoring when events are applied as they happen', async () => {
    const { companies, people, activities, signals, inputFor } = world(23);
    const clock = createTestClock(NOW - 200 * DAY);
    const scorer = createScorer({ config: fitConfig, clock });
    for (const company of companies) await scorer.upsertCompany(company);
    for (const person of people) await scorer.upsertContact({ person });
    const timeOf = (event: ActivityEvent | SignalEvent) => Date.parse(event.occurredAt);
    const inOrder = [...activities, ...signals].sort((left, right) => timeOf(left) - timeOf(right));
    const lastScores = new Map<string, ContactScore>();
    for (const event of inOrder) {
      await clock.setTime(timeOf(event));
      const result = await scorer.apply(event);
      expect(result.status).toBe('applied');
      for (const score of result.scores) lastScores.set(score.personId, score);
    }
    const lastEvent = inOrder.at(-1)!;
    const batchAtLast = scorer.scoreBatch(people.map(inputFor), { now: timeOf(lastEvent) });
    const touched = 'personId' in lastEvent ? [lastEvent.personId] : [];
    for (const personId of touched) {
      expectSameScore(lastScores.get(personId)!, batchAtLast.find((score) => score.personId === personId)!);
    }
    const batch = scorer.scoreBatch(people.map(inputFor), { now: NOW + DAY });
    for (const score of batch)
      expectSameScore(await scorer.getScore(score.personId, { now: NOW + DAY }), score);
  });

  it('does the same storage work per event however long the history', async () => {
    const { storage, counts } = countingStorage(createMemoryStorage());
    const scorer = createScorer({ storage });
    await scorer.upsertContact(
      { person: { id: 'p1', companyId: 'c1' }, company: { id: 'c1' } },
      { now: NOW },
    );
    const costOf = async (time: number) => {
      const before = { ...counts };
      await scorer.apply(activity('p1', 'email_opened', time), { now: NOW });
      return {
        reads: counts.reads - before.reads,
        commits: counts.commits - before.commits,
        lists: counts.lists - before.lists,
      };
    };
    const early = await costOf(NOW - DAY);
    for (let index = 0; index < 500; index += 1)
      await scorer.apply(activity('p1', 'email_opened', NOW - index * 60_000), { now: NOW });
    const late = await costOf(NOW - DAY);
    expect(late).toEqual(early);
    expect(late.lists).toBe(0);
  });

  it('emits contact.scored and tier.changed only when the score or tier changes', async () => {
    const events = createEventBus();
    const { scored, tiers } = record(events);
    const scorer = createScorer({ config: engagementOnly, events });
    await scorer.upsertContact({ person: { id: 'p1' } }, { now: NOW });
    expect(scored).toHaveLength(1);
    expect(tiers).toEqual([
      expect.objectContaining({ personId: 'p1', from: null, to: 4, direction: 'assigned' }),
    ]);

    const sent = await scorer.apply(activity('p1', 'email_sent', NOW), { now: NOW });
    expect(sent.status).toBe('applied');
    expect(scored).toHaveLength(1);

    await scorer.apply(activity('p1', 'email_replied', NOW), { now: NOW });
    expect(scored).toHaveLength(2);
    expect(scored[1]).toMatchObject({
      tenantId: 'default',
      previous: { engagement: 0, tier: 4 },
      cause: { kind: 'activity', type: 'email_replied' },
      score: { personId: 'p1', engagement: 24, tier: 4 },
    });
    expect(tiers).toHaveLength(1);

    await scorer.apply(activity('p1', 'email_clicked', NOW), { now: NOW });
    expect(tiers.at(-1)).toMatchObject({ from: 4, to: 3, direction: 'raised', personId: 'p1' });

    // Eight days on, the reply is no longer recent and decay has brought engagement near the boundary.
    const later = NOW + 8 * DAY;
    const bounced = await scorer.apply(activity('p1', 'email_bounced', later), { now: later });
    expect(tiers.at(-1)).toMatchObject({ from: 3, to: 4, direction: 'dropped' });
    expect(bounced.scores[0]?.nextAction?.action).toBe('pause_sequence');
    expect(scored).toHaveLength(4);
    expect(tiers).toHaveLength(3);
  });

  it('counts a redelivered activity or signal once', async () => {
    const events = createEventBus();
    const { scored } = record(events);
    const scorer = createScorer({ events });
    await scorer.upsertContact({ person: { id: 'p1' }, company: { id: 'c1' } }, { now: NOW });
    const reply = activity('p1', 'email_replied', NOW);
    expect((await scorer.apply(reply, { now: NOW })).status).toBe('applied');
    expect(await scorer.apply(reply, { now: NOW })).toEqual({ status: 'duplicate', scores: [] });
    const funding = signal('c1', 'funding', 1, NOW);
    expect((await scorer.apply(funding, { now: NOW })).status).toBe('applied');
    expect((await scorer.apply(funding, { now: NOW })).status).toBe('duplicate');
    const score = await scorer.getScore('p1', { now: NOW });
    expect(score?.engagement).toBeCloseTo(24, 9);
    expect(score?.intent).toBeCloseTo(25, 9);
    expect(scored).toHaveLength(3);
  });

  it('counts every one of many concurrent activities for one contact, across scorers sharing storage', async () => {
    const storage = createMemoryStorage();
    const workers = [createScorer({ storage }), createScorer({ storage })];
    const scorer = workers[0]!;
    const clicks = Array.from({ length: 30 }, (_, index) =>
      activity('p1', 'email_opened', NOW - index * 1000),
    );
    const results = await Promise.all(
      clicks.map((event, index) => workers[index % 2]!.apply(event, { now: NOW })),
    );
    expect(results.every((result) => result.status === 'applied')).toBe(true);
    const expected = scorer.score({ person: { id: 'p1' }, activities: clicks }, { now: NOW });
    expectSameScore(await scorer.getScore('p1', { now: NOW }), expected);
  });

  it('rescores every known contact of the company a signal is about', async () => {
    const events = createEventBus();
    const { scored } = record(events);
    const scorer = createScorer({ events });
    await scorer.upsertContact({ person: { id: 'p1' }, company: { id: 'c1' } }, { now: NOW });
    await scorer.upsertContact({ person: { id: 'p2', companyId: 'c1' } }, { now: NOW });
    await scorer.upsertContact({ person: { id: 'p3' }, company: { id: 'c2' } }, { now: NOW });
    scored.length = 0;
    const result = await scorer.apply(signal('c1', 'funding', 0.8, NOW), { now: NOW });
    expect(result.scores.map((score) => score.personId).sort()).toEqual(['p1', 'p2']);
    for (const score of result.scores) expect(score.intent).toBeCloseTo(20, 9);
    expect(scored.map((event) => event.score.personId).sort()).toEqual(['p1', 'p2']);
    expect((await scorer.getScore('p3', { now: NOW }))?.intent).toBe(0);
  });

  it('moves a contact to a new company and rescores fit when a company changes', async () => {
    const events = createEventBus();
    const { scored } = record(events);
    const scorer = createScorer({ config: fitConfig, events });
    await scorer.upsertContact(
      { person: { id: 'p1', title: 'VP Sales' }, company: { id: 'c1', industry: 'Retail' } },
      {
        now: NOW,
      },
    );
    expect((await scorer.getScore('p1', { now: NOW }))?.fit).toBe(15);
    const [updated] = await scorer.upsertCompany({ id: 'c1', industry: 'Software' }, { now: NOW });
    expect(updated?.fit).toBe(35);
    expect(scored.at(-1)?.cause).toEqual({ kind: 'profile', id: 'c1', type: 'company' });

    await scorer.upsertContact(
      { person: { id: 'p1', title: 'VP Sales' }, company: { id: 'c2' } },
      { now: NOW },
    );
    await scorer.apply(signal('c1', 'hiring', 1, NOW), { now: NOW });
    const moved = await scorer.getScore('p1', { now: NOW });
    expect(moved?.companyId).toBe('c2');
    expect(moved?.intent).toBe(0);
  });

  it('keeps tenants apart on one storage', async () => {
    const storage = createMemoryStorage();
    const acme = createScorer({ storage, tenantId: 'acme' });
    const globex = createScorer({ storage, tenantId: 'globex' });
    await acme.apply(activity('p1', 'email_replied', NOW), { now: NOW });
    expect(await globex.getScore('p1', { now: NOW })).toBe(null);
    expect((await acme.getScore('p1', { now: NOW }))?.engagement).toBeCloseTo(24, 9);

    const scoped = createScorer({ storage: scopeStorage(storage, 'initech') });
    expect(await scoped.getScore('p1', { now: NOW })).toBe(null);
  });

  it('rejects an unusable event with an error naming the field', async () => {
    const scorer = createScorer();
    const bad = { ...activity('p1', 'email_opened', NOW), occurredAt: 'soon' };
    await expect(scorer.apply(bad)).rejects.toThrow(ScoringInputError);
    await expect(scorer.apply(bad)).rejects.toMatchObject({ path: 'occurredAt' });
    await expect(scorer.apply({ ...signal('c1', 'news', 1, NOW), strength: 3 })).rejects.toMatchObject({
      path: 'strength',
    });
    await expect(
      scorer.apply({ ...activity('p1', 'email_opened', NOW), personId: '' }),
    ).rejects.toMatchObject({
      path: 'personId',
    });
    const unknown = { ...activity('p1', 'email_opened', NOW), type: 'fax_sent' as ActivityType };
    expect(await scorer.apply(unknown, { now: NOW })).toEqual({ status: 'ignored', scores: [] });
  });

  it('names the field of a hostile value without calling its methods', async () => {
    const scorer = createScorer();
    // Neither can become a string: String() and JSON.stringify() would throw a raw TypeError.
    const hostile = { toString: 'not a function' };
    await expect(
      scorer.apply({ ...signal('c1', 'funding', 1, NOW), strength: hostile as never }),
    ).rejects.toMatchObject({
      name: 'ScoringInputError',
      path: 'strength',
      message: expect.stringContaining('a value of type object'),
    });
    await expect(
      scorer.apply({ ...activity('p1', 'email_opened', NOW), occurredAt: 10n as never }),
    ).rejects.toMatchObject({ name: 'ScoringInputError', path: 'occurredAt' });
  });
});

const storedKeys = async (storage: Storage) => {
  const keys: unknown[] = [];
  for await (const entry of storage.list({ prefix: ['scoring'] })) keys.push(entry.key);
  return keys;
};

describe('scorer.upsertContact', () => {
  it('refuses a non-text or mistyped profile field, naming it, before writing anything', async () => {
    const storage = createMemoryStorage();
    const scorer = createScorer({ storage, config: fitConfig });
    const company = { id: 'c1', industry: 'Software', employeeCount: 120 };
    const cases: [unknown, string][] = [
      [{ person: { id: 'p1', title: 8 }, company }, 'person.title'],
      [{ person: { id: 'p1', department: { name: 'Sales' } }, company }, 'person.department'],
      [{ person: { id: 'p1', email: ['ada@example.com'] }, company }, 'person.email'],
      [{ person: { id: 'p1', companyId: 7 } }, 'person.companyId'],
      [{ person: { id: 'p1', seniority: 'boss' }, company }, 'person.seniority'],
      [{ person: { id: 'p1' }, company: { ...company, industry: ['Software'] } }, 'company.industry'],
      [{ person: { id: 'p1' }, company: { ...company, country: 49 } }, 'company.country'],
      [{ person: { id: 'p1' }, company: { ...company, employeeCount: '120' } }, 'company.employeeCount'],
      [{ person: { id: 'p1' }, company: { ...company, annualRevenue: -1 } }, 'company.annualRevenue'],
      [{ person: { id: 'p1' }, company: { ...company, technologies: 'HubSpot' } }, 'company.technologies'],
      [
        { person: { id: 'p1' }, company: { ...company, technologies: ['HubSpot', null] } },
        'company.technologies[1]',
      ],
      [{ person: { id: 'p1' }, company: { name: 'Acme' } }, 'company.id'],
      [{ person: { id: 'p1' }, company: 'c1' }, 'company'],
      [{ person: null }, 'person'],
      [null, '(root)'],
    ];
    for (const [input, path] of cases) {
      const attempt = scorer.upsertContact(input as never, { now: NOW });
      await expect(attempt, path).rejects.toThrow(ScoringInputError);
      await expect(scorer.upsertContact(input as never, { now: NOW }), path).rejects.toMatchObject({
        path,
        message: expect.stringContaining(`"${path}"`),
      });
    }
    expect(await storedKeys(storage)).toEqual([]);
  });

  it('keeps scoring the company and its contacts after a refused profile', async () => {
    const scorer = createScorer({ config: fitConfig });
    await scorer.upsertContact(
      { person: { id: 'p1', title: 'VP Sales' }, company: { id: 'c1', industry: 'Software' } },
      { now: NOW },
    );
    const before = await scorer.getScore('p1', { now: NOW });
    await expect(
      scorer.upsertContact(
        { person: { id: 'p2', title: 8 as never }, company: { id: 'c1', industry: 'Retail' } },
        { now: NOW },
      ),
    ).rejects.toMatchObject({ path: 'person.title' });
    await expect(
      scorer.upsertContact(
        { person: { id: 'p3' }, company: { id: 'c1', industry: ['Software'] as never } },
        { now: NOW },
      ),
    ).rejects.toMatchObject({ path: 'company.industry' });
    expect(await scorer.getScore('p2', { now: NOW })).toBe(null);
    expect(await scorer.getScore('p3', { now: NOW })).toBe(null);
    expect(await scorer.getScore('p1', { now: NOW })).toEqual(before);
    expect((await scorer.apply(activity('p1', 'email_replied', NOW), { now: NOW })).status).toBe('applied');
    expect((await scorer.apply(signal('c1', 'funding', 1, NOW), { now: NOW })).scores).toHaveLength(1);
  });

  it('scores state stored before profiles were checked, reading a non-text field as absent', async () => {
    const storage = createMemoryStorage();
    const scorer = createScorer({ storage, config: fitConfig });
    await scorer.upsertContact(
      { person: { id: 'p1', title: 'VP Sales' }, company: { id: 'c1', industry: 'Software' } },
      { now: NOW },
    );
    const companyKey = scoringKeys('default').company('c1');
    const contactKey = scoringKeys('default').contact('p1');
    const stored = (await storage.get<Record<string, Record<string, unknown>>>(companyKey)).value!;
    await storage.set(companyKey, {
      ...stored,
      company: { ...stored.company, industry: ['Software'], country: 1, technologies: [3] },
    });
    const contact = (await storage.get<Record<string, Record<string, unknown>>>(contactKey)).value!;
    await storage.set(contactKey, { ...contact, person: { ...contact.person, title: 8, seniority: null } });
    const score = await scorer.getScore('p1', { now: NOW });
    expect(score?.fit).toBe(0);
    expect((await scorer.apply(signal('c1', 'funding', 1, NOW), { now: NOW })).status).toBe('applied');
  });
});

describe('scorer.upsertCompany', () => {
  it('refuses a non-text or mistyped field, naming it, and leaves the stored company as it was', async () => {
    const scorer = createScorer({ config: fitConfig });
    await scorer.upsertContact(
      { person: { id: 'p1', title: 'VP Sales' }, company: { id: 'c1', industry: 'Software' } },
      { now: NOW },
    );
    const before = await scorer.getScore('p1', { now: NOW });
    const cases: [unknown, string][] = [
      [{ id: 'c1', industry: 5 }, 'industry'],
      [{ id: 'c1', name: { text: 'Acme' } }, 'name'],
      [{ id: 'c1', domain: true }, 'domain'],
      [{ id: 'c1', employeeCount: Number.NaN }, 'employeeCount'],
      [{ id: 'c1', technologies: [['Salesforce']] }, 'technologies[0]'],
      [{ id: 42 }, 'id'],
      [[], '(root)'],
    ];
    for (const [input, path] of cases) {
      await expect(scorer.upsertCompany(input as never, { now: NOW }), path).rejects.toMatchObject({ path });
      await expect(scorer.upsertCompany(input as never, { now: NOW })).rejects.toThrow(ScoringInputError);
    }
    expect(await scorer.getScore('p1', { now: NOW })).toEqual(before);
    const [updated] = await scorer.upsertCompany({ id: 'c1', industry: 'Retail' }, { now: NOW });
    expect(updated?.fit).toBe(15);
  });
});
