import type {
  ActivityEvent,
  ContactScore,
  NextBestAction,
  ScoreComponent,
  ScoreFactor,
  SignalEvent,
  Tier,
} from '../scorer/types.ts';
import type { Channel, CompiledConfig, CompiledRule, FactorNames, FitContext } from './compile-config.ts';
import { tierOf } from './compile-config.ts';
import { parseTimestamp } from './parse-timestamp.ts';

/**
 * Adds each activity's decay weight to `counts` and keeps the latest time per type in
 * `lastAt`. The hot loop of batch scoring: no allocation, one timestamp parse and one `exp`
 * per event. Entries that are not objects, unknown types and unparseable times are skipped;
 * times after `now` count as `now`.
 */
export function accumulateActivities(
  activities: readonly ActivityEvent[],
  now: number,
  channel: Channel,
  counts: Float64Array,
  lastAt: Float64Array,
): void {
  const index = channel.index;
  const lambdas = channel.lambdas;
  for (let position = 0, length = activities.length; position < length; position += 1) {
    const activity = activities[position];
    if (typeof activity !== 'object' || activity === null) continue;
    const type = index[activity.type];
    if (type === undefined) continue;
    let time = parseTimestamp(activity.occurredAt);
    if (!(time < now)) {
      if (Number.isNaN(time)) continue;
      time = now;
    }
    const lambda = lambdas[type]!;
    counts[type] = counts[type]! + (lambda === 0 ? 1 : Math.exp(lambda * (time - now)));
    if (time > lastAt[type]!) lastAt[type] = time;
  }
}

/** Adds each signal's decayed strength to `counts`. Signals with no positive strength are skipped. */
export function accumulateSignals(
  signals: readonly SignalEvent[],
  now: number,
  channel: Channel,
  counts: Float64Array,
): void {
  const index = channel.index;
  const lambdas = channel.lambdas;
  for (let position = 0, length = signals.length; position < length; position += 1) {
    const signal = signals[position];
    if (typeof signal !== 'object' || signal === null) continue;
    const type = index[signal.type];
    const strength = signal.strength;
    if (type === undefined || typeof strength !== 'number' || !(strength > 0)) continue;
    let time = parseTimestamp(signal.occurredAt);
    if (!(time < now)) {
      if (Number.isNaN(time)) continue;
      time = now;
    }
    const lambda = lambdas[type]!;
    counts[type] = counts[type]! + (lambda === 0 ? strength : strength * Math.exp(lambda * (time - now)));
  }
}

/** Raw fit points per group (before caps) and the labels of the matched criteria, comma-separated. */
export function evaluateFit(
  compiled: CompiledConfig,
  context: FitContext,
  groupPoints: Float64Array,
  labels: (string | undefined)[],
): void {
  groupPoints.fill(0);
  labels.fill(undefined);
  for (const criterion of compiled.criteria) {
    const matches = criterion.matches(context);
    if (matches === 0) continue;
    groupPoints[criterion.group] = groupPoints[criterion.group]! + matches * criterion.points;
    const existing = labels[criterion.group];
    labels[criterion.group] = existing === undefined ? criterion.label : `${existing}, ${criterion.label}`;
  }
}

const clampScore = (value: number) => (value < 0 ? 0 : Math.min(value, 100));

function pushComponent(
  factors: ScoreFactor[],
  component: ScoreComponent,
  weight: number,
  names: FactorNames,
  contributions: Float64Array,
  labels: readonly (string | undefined)[] | null,
): number {
  let raw = 0;
  for (let position = 0; position < contributions.length; position += 1) {
    const value = contributions[position]!;
    if (value === 0) continue;
    raw += value;
    const name = names.types[position]!;
    const detail = labels?.[position];
    factors.push(
      detail === undefined
        ? { name, component, points: value * weight, componentPoints: value }
        : { name, component, points: value * weight, componentPoints: value, detail },
    );
  }
  const score = clampScore(raw);
  if (score !== raw) {
    // Keeps the factors adding up to the score when the total is clamped to 0–100.
    const adjustment = score - raw;
    factors.push({
      name: raw < 0 ? names.floor : names.ceiling,
      component,
      points: adjustment * weight,
      componentPoints: adjustment,
    });
  }
  return score;
}

/** Capped contribution of each type of a decayed channel. */
export function channelContributions(
  channel: Channel,
  counts: Float64Array,
  into: Float64Array,
): Float64Array {
  for (let position = 0; position < counts.length; position += 1) {
    const cap = channel.caps[position]!;
    const value = counts[position]! * channel.points[position]!;
    into[position] = value > cap ? cap : Math.max(value, -cap);
  }
  return into;
}

/** Capped fit points per group: positive points stop at the group cap, penalties are not capped. */
export function fitContributions(
  compiled: CompiledConfig,
  groupPoints: Float64Array,
  into: Float64Array,
): Float64Array {
  for (let position = 0; position < groupPoints.length; position += 1) {
    const cap = compiled.fitCaps[position]!;
    const value = groupPoints[position]!;
    into[position] = Math.min(value, cap);
  }
  return into;
}

const byPoints = (left: ScoreFactor, right: ScoreFactor) =>
  right.points - left.points || (left.name < right.name ? -1 : left.name > right.name ? 1 : 0);

function holdsWindow(
  window: CompiledRule['recent'],
  lastAt: Float64Array,
  now: number,
  wantRecent: boolean,
): boolean {
  if (!window) return true;
  let found = false;
  for (const position of window.positions) {
    const time = lastAt[position]!;
    if (time !== Number.NEGATIVE_INFINITY && now - time <= window.windowMs) {
      found = true;
      break;
    }
  }
  return found === wantRecent;
}

type Scores = { priority: number; fit: number; engagement: number; intent: number };
const SCORE_NAMES = ['priority', 'fit', 'engagement', 'intent'] as const;

/** The first next-best-action rule whose condition holds, or `null`. */
export function nextBestAction(
  rules: readonly CompiledRule[],
  scores: Scores,
  tier: Tier,
  previousTier: Tier | null,
  lastAt: Float64Array,
  now: number,
): NextBestAction | null {
  nextRule: for (const rule of rules) {
    const { when } = rule;
    if (when.tiers && !when.tiers.includes(tier)) continue;
    if (when.tierChange) {
      if (previousTier === null) continue;
      if (when.tierChange === 'dropped' ? tier <= previousTier : tier >= previousTier) continue;
    }
    for (const name of SCORE_NAMES) {
      const minimum = when.min?.[name];
      if (minimum !== undefined && !(scores[name] >= minimum)) continue nextRule;
      const maximum = when.max?.[name];
      if (maximum !== undefined && !(scores[name] <= maximum)) continue nextRule;
    }
    if (!holdsWindow(rule.recent, lastAt, now, true)) continue;
    if (!holdsWindow(rule.notRecent, lastAt, now, false)) continue;
    return { action: rule.action, rule: rule.name, reason: rule.reason };
  }
  return null;
}

/** Everything a score is assembled from, whichever path (batch or incremental) produced it. */
export interface ScoreParts {
  personId: string;
  companyId: string | null;
  /** Capped contribution per activity type. */
  engagement: Float64Array;
  /** Capped contribution per signal type. */
  intent: Float64Array;
  /** Capped fit points per group. */
  fit: Float64Array;
  fitLabels: readonly (string | undefined)[];
  /** Latest time per activity type; `-Infinity` when never. */
  lastAt: Float64Array;
  now: number;
  scoredAt: string;
  previousTier: Tier | null;
}

/** Builds the score, its sorted factors, tier and next best action. */
export function assembleScore(compiled: CompiledConfig, parts: ScoreParts): ContactScore {
  const { weights } = compiled;
  const factors: ScoreFactor[] = [];
  const fit = pushComponent(factors, 'fit', weights.fit, compiled.fitFactorNames, parts.fit, parts.fitLabels);
  const engagement = pushComponent(
    factors,
    'engagement',
    weights.engagement,
    compiled.activities.factorNames,
    parts.engagement,
    null,
  );
  const intent = pushComponent(
    factors,
    'intent',
    weights.intent,
    compiled.signals.factorNames,
    parts.intent,
    null,
  );
  factors.sort(byPoints);
  const priority = clampScore(engagement * weights.engagement + intent * weights.intent + fit * weights.fit);
  const tier = tierOf(priority, compiled.tierMinimums);
  const scores = { priority, fit, engagement, intent };
  return {
    personId: parts.personId,
    companyId: parts.companyId,
    fit,
    engagement,
    intent,
    priority,
    tier,
    factors,
    nextAction: nextBestAction(compiled.rules, scores, tier, parts.previousTier, parts.lastAt, parts.now),
    scoredAt: parts.scoredAt,
  };
}
