import { ACTIVITY_TYPES, type ActivityType, SIGNAL_TYPES, type SignalType } from '@salesos/core';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScoringConfigInput } from '../config/scoring-config.ts';
import { ScoringInputError } from '../errors/scoring-input-error.ts';
import { createScorer } from './create-scorer.ts';
import type { ActivityEvent, CompanyProfile, ContactScore, PersonProfile, SignalEvent } from './types.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 1);
const at = (daysAgo: number) => new Date(NOW - daysAgo * DAY).toISOString();

const person: PersonProfile = {
  id: 'p1',
  title: 'VP of Sales',
  seniority: 'vp',
  department: 'Sales',
  companyId: 'c1',
};
const company: CompanyProfile = {
  id: 'c1',
  industry: 'Computer Software',
  employeeCount: 250,
  annualRevenue: 40_000_000,
  country: 'US',
  technologies: ['Salesforce', 'HubSpot', 'Snowflake'],
};

let sequence = 0;
const activity = (type: ActivityType, daysAgo = 0, personId = 'p1'): ActivityEvent => ({
  id: `a${++sequence}`,
  type,
  personId,
  occurredAt: at(daysAgo),
});
const signal = (type: SignalType, strength: number, daysAgo = 0): SignalEvent => ({
  id: `s${++sequence}`,
  type,
  companyId: 'c1',
  occurredAt: at(daysAgo),
  strength,
});

const engagementOnly: ScoringConfigInput = { priority: { weights: { engagement: 1, intent: 0, fit: 0 } } };
const sumOf = (values: number[]) => values.reduce((sum, value) => sum + value, 0);

const expectFactorsAddUp = (score: ContactScore) => {
  expect(sumOf(score.factors.map((factor) => factor.points))).toBeCloseTo(score.priority, 9);
  for (const component of ['fit', 'engagement', 'intent'] as const) {
    const points = score.factors.filter((factor) => factor.component === component);
    expect(sumOf(points.map((factor) => factor.componentPoints))).toBeCloseTo(score[component], 9);
  }
  for (let index = 1; index < score.factors.length; index += 1) {
    expect(score.factors[index - 1]!.points).toBeGreaterThanOrEqual(score.factors[index]!.points);
  }
};

describe('scorer.score', () => {
  it("halves an activity's weight after one half-life", () => {
    const scorer = createScorer();
    const fresh = scorer.score({ person, activities: [activity('email_clicked', 0)] }, { now: NOW });
    const aged = scorer.score({ person, activities: [activity('email_clicked', 30)] }, { now: NOW });
    const twice = scorer.score({ person, activities: [activity('email_clicked', 60)] }, { now: NOW });
    expect(fresh.engagement).toBeCloseTo(7, 9);
    expect(aged.engagement).toBeCloseTo(3.5, 9);
    expect(twice.engagement).toBeCloseTo(1.75, 9);
  });

  it('uses the configured half-life, per channel and per type', () => {
    const scorer = createScorer({
      config: {
        engagement: { halfLifeDays: 10, activities: { meeting_attended: { halfLifeDays: null } } },
        intent: { halfLifeDays: 7 },
      },
    });
    const score = scorer.score(
      {
        person,
        company,
        activities: [activity('email_replied', 10), activity('meeting_attended', 400)],
        signals: [signal('funding', 1, 7)],
      },
      { now: NOW },
    );
    expect(score.engagement).toBeCloseTo(12 + 15, 9);
    expect(score.intent).toBeCloseTo(12.5, 9);
  });

  it('caps repeat earning per activity type', () => {
    const scorer = createScorer();
    const opens = Array.from({ length: 40 }, () => activity('email_opened'));
    const score = scorer.score({ person, activities: opens }, { now: NOW });
    expect(score.engagement).toBe(15);
    expect(score.factors.find((factor) => factor.name === 'engagement.email_opened')?.componentPoints).toBe(
      15,
    );
  });

  it('lets bounces and unsubscribes subtract, and never goes below 0', () => {
    const scorer = createScorer();
    const replied = scorer.score({ person, activities: [activity('email_replied')] }, { now: NOW });
    const bounced = scorer.score(
      { person, activities: [activity('email_replied'), activity('email_bounced')] },
      { now: NOW },
    );
    const unsubscribed = scorer.score(
      { person, activities: [activity('email_opened'), activity('unsubscribed')] },
      { now: NOW },
    );
    expect(bounced.engagement).toBeCloseTo(replied.engagement - 10, 9);
    expect(unsubscribed.engagement).toBe(0);
    expect(unsubscribed.factors.map((factor) => factor.name)).toContain('engagement.floor');
    expectFactorsAddUp(unsubscribed);
  });

  it('weights intent signals by type and strength, capped at the type weight', () => {
    const scorer = createScorer();
    const score = scorer.score(
      {
        person,
        company,
        signals: [signal('funding', 1), signal('funding', 1), signal('hiring', 0.5), signal('news', 0.2)],
      },
      { now: NOW },
    );
    expect(score.intent).toBeCloseTo(25 + 10 + 3, 9);
    expect(score.factors.find((factor) => factor.name === 'intent.funding')?.componentPoints).toBeCloseTo(
      25,
      9,
    );
  });

  it('blends priority as engagement × 0.4 + intent × 0.4 + fit × 0.2 by default', () => {
    const scorer = createScorer({
      config: { fit: { criteria: [{ type: 'industry', industries: ['software'], points: 20 }] } },
    });
    const score = scorer.score(
      { person, company, activities: [activity('email_replied')], signals: [signal('funding', 1)] },
      { now: NOW },
    );
    expect(score.engagement).toBeCloseTo(24, 9);
    expect(score.intent).toBeCloseTo(25, 9);
    expect(score.fit).toBe(20);
    expect(score.priority).toBeCloseTo(24 * 0.4 + 25 * 0.4 + 20 * 0.2, 9);
  });

  it('scores fit by ICP rules with caps per group', () => {
    const scorer = createScorer({
      config: {
        fit: {
          criteria: [
            { type: 'industry', industries: ['software', 'saas'], points: 25 },
            { type: 'employees', min: 100, max: 1000, points: 15 },
            { type: 'revenue', min: 10_000_000, points: 15 },
            { type: 'geography', countries: ['us', 'United States'], points: 10 },
            { type: 'title', keywords: ['sales', 'revenue'], points: 10 },
            { type: 'title', keywords: ['vp'], points: 10 },
            { type: 'seniority', levels: ['vp', 'c_suite'], points: 15 },
            { type: 'department', departments: ['sales'], points: 5 },
            {
              type: 'technologies',
              technologies: ['salesforce', 'hubspot', 'marketo'],
              match: 'each',
              points: 4,
            },
            { type: 'industry', industries: ['education'], points: -30 },
          ],
          caps: { title: 15 },
        },
      },
    });
    const score = scorer.score({ person, company }, { now: NOW });
    const fitPoints = Object.fromEntries(
      score.factors
        .filter((factor) => factor.component === 'fit')
        .map((factor) => [factor.name, factor.componentPoints]),
    );
    expect(fitPoints).toEqual({
      'fit.industry': 20,
      'fit.employees': 15,
      'fit.revenue': 15,
      'fit.geography': 10,
      'fit.title': 15,
      'fit.seniority': 15,
      'fit.department': 5,
      'fit.technologies': 8,
      'fit.ceiling': -3,
    });
    expect(score.fit).toBe(100);
    expect(score.factors.find((factor) => factor.name === 'fit.industry')?.detail).toBe(
      'industry: software/saas',
    );
    expectFactorsAddUp(score);

    const school = scorer.score(
      { person: { id: 'p2' }, company: { id: 'c2', industry: 'Higher Education' } },
      {
        now: NOW,
      },
    );
    expect(school.fit).toBe(0);
    expectFactorsAddUp(school);
  });

  it('reads seniority from the title when the person has none', () => {
    const scorer = createScorer({
      config: {
        fit: { criteria: [{ type: 'seniority', levels: ['c_suite'], points: 30 }], caps: { seniority: 30 } },
      },
    });
    const score = scorer.score({ person: { id: 'p3', title: 'Chief Revenue Officer' } }, { now: NOW });
    expect(score.fit).toBe(30);
  });

  it('assigns tiers at the configured boundaries', () => {
    const scorer = createScorer({
      config: { ...engagementOnly, engagement: { activities: { email_replied: { points: 1, cap: 100 } } } },
    });
    const tierAt = (priority: number) => {
      const replies = Array.from({ length: 1 }, () => activity('email_replied'));
      const exact = createScorer({
        config: {
          ...engagementOnly,
          engagement: { activities: { email_replied: { points: priority, cap: 100 } } },
        },
      });
      return exact.score({ person, activities: replies }, { now: NOW }).tier;
    };
    expect(tierAt(100)).toBe(1);
    expect(tierAt(75)).toBe(1);
    expect(tierAt(74.99)).toBe(2);
    expect(tierAt(50)).toBe(2);
    expect(tierAt(49.99)).toBe(3);
    expect(tierAt(25)).toBe(3);
    expect(tierAt(24.99)).toBe(4);
    expect(tierAt(0)).toBe(4);
    expect(scorer.score({ person }, { now: NOW }).tier).toBe(4);

    const custom = createScorer({
      config: {
        ...engagementOnly,
        tiers: { tier1: 90, tier2: 60, tier3: 10 },
        engagement: { activities: { email_replied: { points: 60, cap: 100 } } },
      },
    });
    expect(custom.score({ person, activities: [activity('email_replied')] }, { now: NOW }).tier).toBe(2);
  });

  it('never lowers any score when a positive activity is added', () => {
    const scorer = createScorer({
      config: { fit: { criteria: [{ type: 'industry', industries: ['software'], points: 20 }] } },
    });
    const positive = ACTIVITY_TYPES.filter((type) => DEFAULT_POINTS[type] > 0);
    const activityArbitrary = fc.record({
      type: fc.constantFrom(...ACTIVITY_TYPES),
      daysAgo: fc.double({ min: -5, max: 400, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(activityArbitrary, { maxLength: 40 }),
        fc.constantFrom(...positive),
        fc.double({ min: -5, max: 400, noNaN: true }),
        (history, extraType, extraDaysAgo) => {
          const activities = history.map(({ type, daysAgo }) => activity(type, daysAgo));
          const before = scorer.score({ person, company, activities }, { now: NOW });
          const after = scorer.score(
            { person, company, activities: [...activities, activity(extraType, extraDaysAgo)] },
            { now: NOW },
          );
          expect(after.engagement).toBeGreaterThanOrEqual(before.engagement);
          expect(after.priority).toBeGreaterThanOrEqual(before.priority);
          expect(after.tier).toBeLessThanOrEqual(before.tier);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('explains every score with factors sorted by points that add up to it', () => {
    const scorer = createScorer({
      config: {
        fit: {
          criteria: [
            { type: 'industry', industries: ['software'], points: 30 },
            { type: 'seniority', levels: ['vp'], points: 15 },
            { type: 'geography', countries: ['fr'], points: -50 },
          ],
        },
      },
    });
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            type: fc.constantFrom(...ACTIVITY_TYPES),
            daysAgo: fc.double({ min: 0, max: 200, noNaN: true }),
          }),
          {
            maxLength: 60,
          },
        ),
        fc.array(
          fc.record({
            type: fc.constantFrom(...SIGNAL_TYPES),
            strength: fc.double({ min: 0, max: 1, noNaN: true }),
            daysAgo: fc.double({ min: 0, max: 200, noNaN: true }),
          }),
          { maxLength: 10 },
        ),
        fc.constantFrom('US', 'FR'),
        (activities, signals, country) => {
          const score = scorer.score(
            {
              person,
              company: { ...company, country },
              activities: activities.map(({ type, daysAgo }) => activity(type, daysAgo)),
              signals: signals.map(({ type, strength, daysAgo }) => signal(type, strength, daysAgo)),
            },
            { now: NOW },
          );
          expectFactorsAddUp(score);
          for (const value of [score.fit, score.engagement, score.intent, score.priority]) {
            expect(value).toBeGreaterThanOrEqual(0);
            expect(value).toBeLessThanOrEqual(100);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same score for the same now, whatever the order of events', () => {
    const scorer = createScorer();
    const activities = [
      activity('email_opened', 3),
      activity('email_clicked', 2),
      activity('meeting_booked', 40),
    ];
    const first = scorer.score({ person, company, activities }, { now: NOW });
    const second = scorer.score({ person, company, activities: [...activities].reverse() }, { now: NOW });
    expect(second).toEqual(first);
    expect(first.scoredAt).toBe(new Date(NOW).toISOString());
  });

  it('counts events dated after now as happening now and skips unreadable ones', () => {
    const scorer = createScorer();
    const future = scorer.score({ person, activities: [activity('email_replied', -3)] }, { now: NOW });
    expect(future.engagement).toBeCloseTo(24, 9);
    const garbled = scorer.score(
      { person, activities: [{ ...activity('email_replied'), occurredAt: 'last tuesday' }] },
      { now: NOW },
    );
    expect(garbled.engagement).toBe(0);
  });

  it('refuses a non-text profile field with an error naming it, and skips events that are not objects', () => {
    const scorer = createScorer();
    expect(() => scorer.score({ person: { ...person, title: 8 as never } }, { now: NOW })).toThrow(
      expect.objectContaining({ code: 'scoring_input', path: 'person.title' }),
    );
    expect(() =>
      scorer.score({ person, company: { ...company, industry: ['Software'] as never } }, { now: NOW }),
    ).toThrow(ScoringInputError);
    expect(() => scorer.score({ person, activities: 'email_replied' as never }, { now: NOW })).toThrow(
      expect.objectContaining({ path: 'activities' }),
    );
    const noisy = scorer.score(
      {
        person,
        activities: [
          null,
          7,
          { ...activity('email_replied'), occurredAt: null },
          activity('email_replied'),
        ] as never,
        signals: [null, { ...signal('funding', 1), strength: '1' }] as never,
      },
      { now: NOW },
    );
    expect(noisy.engagement).toBeCloseTo(24, 9);
    expect(noisy.intent).toBe(0);
  });

  it('proposes the next best action from the first matching rule', () => {
    const scorer = createScorer();
    const replied = scorer.score({ person, activities: [activity('email_replied', 2)] }, { now: NOW });
    expect(replied.nextAction).toEqual({
      action: 'hand_to_rep',
      rule: 'hand_to_rep',
      reason: 'The contact replied in the last 7 days.',
    });

    const engaged = [
      ...Array.from({ length: 5 }, () => activity('email_opened', 1)),
      ...Array.from({ length: 3 }, () => activity('email_clicked', 1)),
      activity('call_completed', 1),
      activity('email_replied', 20),
    ];
    const noMeeting = scorer.score({ person, activities: engaged }, { now: NOW });
    expect(noMeeting.engagement).toBeGreaterThanOrEqual(50);
    expect(noMeeting.nextAction?.action).toBe('propose_meeting');
    const withMeeting = scorer.score(
      { person, activities: [...engaged, activity('meeting_booked', 5)] },
      { now: NOW },
    );
    expect(withMeeting.nextAction).toBe(null);

    const dropped = scorer.score({ person }, { now: NOW, previousTier: 2 });
    expect(dropped.nextAction?.action).toBe('pause_sequence');
    const unsubscribed = scorer.score(
      { person, activities: [activity('email_replied', 1), activity('unsubscribed', 90)] },
      {
        now: NOW,
      },
    );
    expect(unsubscribed.nextAction?.action).toBe('stop_outreach');
  });

  it('runs configured action rules over scores, tiers and recent activity', () => {
    const scorer = createScorer({
      config: {
        nextBestAction: {
          rules: [
            {
              action: 'call_now',
              name: 'hot',
              when: { tiers: [1, 2], recent: { types: ['email_clicked'], withinDays: 1 } },
            },
            { action: 'nurture', when: { max: { engagement: 10 }, min: { fit: 50 } } },
          ],
        },
        fit: {
          criteria: [{ type: 'industry', industries: ['software'], points: 60 }],
          caps: { industry: 60 },
        },
        ...{ priority: { weights: { engagement: 0.5, intent: 0, fit: 0.5 } } },
      },
    });
    expect(scorer.score({ person, company }, { now: NOW }).nextAction).toEqual({
      action: 'nurture',
      rule: 'nurture',
      reason: null,
    });
    const clicks = Array.from({ length: 3 }, () => activity('email_clicked', 0.5));
    const hot = scorer.score(
      { person, company, activities: [...clicks, activity('email_replied', 3)] },
      { now: NOW },
    );
    expect(hot.tier).toBeLessThanOrEqual(2);
    expect(hot.nextAction).toEqual({ action: 'call_now', rule: 'hot', reason: null });
  });
});

describe('scorer.scoreBatch', () => {
  it('scores every input at one now, the same as score one by one', () => {
    const scorer = createScorer();
    const inputs = Array.from({ length: 20 }, (_, index) => ({
      person: { ...person, id: `p${index}` },
      company,
      activities: Array.from({ length: index }, (__, offset) =>
        activity(ACTIVITY_TYPES[offset % 10]!, offset, `p${index}`),
      ),
      signals: [signal('hiring', index / 20, index)],
    }));
    const batch = scorer.scoreBatch(inputs, { now: NOW });
    expect(batch).toHaveLength(20);
    batch.forEach((score, index) => {
      expect(score).toEqual(scorer.score(inputs[index]!, { now: NOW }));
      expect(score.personId).toBe(`p${index}`);
    });
  });

  it('names the input and field of a refused profile', () => {
    const scorer = createScorer();
    const inputs = [{ person }, { person: { ...person, id: 'p2', department: 3 as never } }];
    expect(() => scorer.scoreBatch(inputs, { now: NOW })).toThrow(
      expect.objectContaining({ path: '[1].person.department' }),
    );
  });
});

const DEFAULT_POINTS: Record<ActivityType, number> = Object.fromEntries(
  ACTIVITY_TYPES.map((type) => [type, createScorer().config.engagement.activities[type].points]),
) as Record<ActivityType, number>;
