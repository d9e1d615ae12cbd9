import { ConfigError } from '@salesos/core';
import { describe, expect, it } from 'vitest';
import { createScorer } from '../scorer/create-scorer.ts';
import { DEFAULT_SCORING_CONFIG, parseScoringConfig, type ScoringConfigInput } from './scoring-config.ts';

const messageOf = (input: unknown): string => {
  try {
    parseScoringConfig(input as ScoringConfigInput);
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
};

describe('parseScoringConfig', () => {
  it('applies the documented defaults to an empty configuration', () => {
    const config = parseScoringConfig({});
    expect(config.engagement.halfLifeDays).toBe(30);
    expect(config.priority.weights).toEqual({ engagement: 0.4, intent: 0.4, fit: 0.2 });
    expect(config.tiers).toEqual({ tier1: 75, tier2: 50, tier3: 25 });
    expect(config.intent.signals.funding.weight).toBe(0.25);
    expect(config.intent.signals.hiring.weight).toBe(0.2);
    expect(config.intent.signals.news.weight).toBe(0.15);
    expect(config.engagement.activities.email_replied).toEqual({ points: 24, cap: 24 });
    expect(config.nextBestAction.rules.map((rule) => rule.action)).toEqual([
      'stop_outreach',
      'hand_to_rep',
      'pause_sequence',
      'propose_meeting',
    ]);
    expect(DEFAULT_SCORING_CONFIG).toEqual(config);
  });

  it('splits the default email share 0.25 / 0.35 / 0.40 between opens, clicks and replies', () => {
    const { activities } = DEFAULT_SCORING_CONFIG.engagement;
    const email = activities.email_opened.cap + activities.email_clicked.cap + activities.email_replied.cap;
    expect(activities.email_opened.cap / email).toBeCloseTo(0.25);
    expect(activities.email_clicked.cap / email).toBeCloseTo(0.35);
    expect(activities.email_replied.cap / email).toBeCloseTo(0.4);
  });

  it('merges a partial override with the defaults of the same type', () => {
    const config = parseScoringConfig({ engagement: { activities: { email_opened: { points: 1 } } } });
    expect(config.engagement.activities.email_opened).toEqual({ points: 1, cap: 15 });
    expect(config.engagement.activities.email_clicked).toEqual({ points: 7, cap: 21 });
  });

  it('names the field of a value out of range', () => {
    expect(messageOf({ engagement: { halfLifeDays: -1 } })).toContain('engagement.halfLifeDays');
    expect(messageOf({ intent: { signals: { funding: { weight: 2 } } } })).toContain(
      'intent.signals.funding.weight',
    );
    expect(messageOf({ tiers: { tier1: 120 } })).toContain('tiers.tier1');
  });

  it('names the field of a misspelt key', () => {
    const message = messageOf({ engagement: { activities: { email_opened: { pointz: 3 } } } });
    expect(message).toContain('engagement.activities.email_opened');
    expect(message).toContain('pointz');
  });

  it('rejects priority weights that do not add up to 1', () => {
    expect(messageOf({ priority: { weights: { fit: 0.5 } } })).toContain('priority.weights');
  });

  it('rejects tiers that are not in descending order', () => {
    expect(messageOf({ tiers: { tier2: 80 } })).toContain('tiers.tier2');
    expect(messageOf({ tiers: { tier3: 60 } })).toContain('tiers.tier3');
  });

  it('rejects intent weights above 1 in total', () => {
    expect(messageOf({ intent: { signals: { technographic: { weight: 0.5 } } } })).toContain(
      'intent.signals',
    );
  });

  it('names the criterion of a bad fit rule', () => {
    const criteria = [
      { type: 'industry', industries: ['software'], points: 10 },
      { type: 'employees', min: 500, max: 50, points: 10 },
    ];
    expect(messageOf({ fit: { criteria } })).toContain('fit.criteria[1].max');
    expect(messageOf({ fit: { criteria: [{ type: 'headcount', points: 1 }] } })).toContain(
      'fit.criteria[0].type',
    );
  });

  it('names the field of a bad next-best-action rule', () => {
    const rules = [{ action: 'call', when: { recent: { types: ['email_teleported'] } } }];
    expect(messageOf({ nextBestAction: { rules } })).toContain(
      'nextBestAction.rules[0].when.recent.types[0]',
    );
  });
});

describe('createScorer', () => {
  it('fails on a bad configuration with a ConfigError naming the field', () => {
    expect(() => createScorer({ config: { engagement: { halfLifeDays: 0 } } })).toThrow(
      /engagement\.halfLifeDays/,
    );
    expect(() => createScorer({ config: { engagement: { halfLifeDays: 0 } } })).toThrow(ConfigError);
  });
});
