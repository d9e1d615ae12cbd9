import { ACTIVITY_TYPES, type Seniority, SIGNAL_TYPES } from '@salesos/core';
import {
  type ActionRule,
  FIT_GROUPS,
  type FitCriterion,
  type FitGroup,
  type ScoringConfig,
} from '../config/scoring-config.ts';
import type { CompanyProfile, PersonProfile, ScoreComponent, Tier } from '../scorer/types.ts';
import { compilePhrases, containsAnyPhrase, inferSeniority, wordsOf } from './text-match.ts';

export const DAY_MS = 86_400_000;

/**
 * Per-type arrays for one decayed channel (activities or signals), indexed by type position.
 * A count is the decayed number of events (activities) or decayed strength (signals);
 * a type's contribution is `clamp(count × points, −cap, cap)`.
 */
export interface Channel {
  readonly component: ScoreComponent;
  readonly names: readonly string[];
  /** Type name → position; a null-prototype object, so unknown types read `undefined`. */
  readonly index: Readonly<Record<string, number>>;
  readonly points: Float64Array;
  readonly caps: Float64Array;
  /** Decay rate per millisecond; 0 never decays. */
  readonly lambdas: Float64Array;
  readonly factorNames: FactorNames;
}

/** Factor names of one component, built once so scoring does not concatenate strings. */
export interface FactorNames {
  /** `<component>.<type or group>`, by position. */
  readonly types: readonly string[];
  readonly floor: string;
  readonly ceiling: string;
}

const factorNames = (component: ScoreComponent, names: readonly string[]): FactorNames => ({
  types: names.map((name) => `${component}.${name}`),
  floor: `${component}.floor`,
  ceiling: `${component}.ceiling`,
});

/** What fit rules look at, computed once per contact. */
export interface FitContext {
  readonly person: PersonProfile | null;
  readonly company: CompanyProfile | null;
  readonly titleWords: readonly string[];
  readonly industryWords: readonly string[];
  readonly departmentWords: readonly string[];
  readonly seniority: Seniority | null;
  /** Lower-case country of the company, else of the person. */
  readonly country: string | null;
}

export interface CompiledCriterion {
  readonly group: number;
  readonly label: string;
  readonly points: number;
  /** How many times the rule matched: 0, 1, or more for `technologies` with `match: 'each'`. */
  readonly matches: (context: FitContext) => number;
}

export interface CompiledRule {
  readonly action: string;
  readonly name: string;
  readonly reason: string | null;
  readonly when: ActionRule['when'];
  /** Activity positions and window (ms; Infinity for ever) of `recent` / `notRecent`. */
  readonly recent: { readonly positions: number[]; readonly windowMs: number } | null;
  readonly notRecent: { readonly positions: number[]; readonly windowMs: number } | null;
}

export interface CompiledConfig {
  readonly config: ScoringConfig;
  readonly activities: Channel;
  readonly signals: Channel;
  readonly criteria: readonly CompiledCriterion[];
  readonly fitGroups: readonly FitGroup[];
  readonly fitCaps: Float64Array;
  readonly fitFactorNames: FactorNames;
  readonly weights: { readonly engagement: number; readonly intent: number; readonly fit: number };
  readonly tierMinimums: readonly [number, number, number];
  readonly rules: readonly CompiledRule[];
}

const decayRate = (halfLifeDays: number | null): number =>
  halfLifeDays === null ? 0 : Math.LN2 / (halfLifeDays * DAY_MS);

const indexOf = (names: readonly string[]): Record<string, number> => {
  const index: Record<string, number> = Object.create(null);
  names.forEach((name, position) => {
    index[name] = position;
  });
  return index;
};

const lower = (values: readonly string[]) => values.map((value) => value.trim().toLowerCase());

const range = (min: number | undefined, max: number | undefined, value: number | null | undefined) =>
  typeof value === 'number' && (min === undefined || value >= min) && (max === undefined || value <= max)
    ? 1
    : 0;

const rangeLabel = (field: string, min: number | undefined, max: number | undefined) =>
  min !== undefined && max !== undefined
    ? `${field} ${min}–${max}`
    : min !== undefined
      ? `${field} ≥ ${min}`
      : `${field} ≤ ${max}`;

function compileCriterion(criterion: FitCriterion): CompiledCriterion {
  const group = FIT_GROUPS.indexOf(criterion.type);
  const base = { group, points: criterion.points };
  switch (criterion.type) {
    case 'industry': {
      const phrases = compilePhrases(criterion.industries);
      return {
        ...base,
        label: criterion.name ?? `industry: ${criterion.industries.join('/')}`,
        matches: (context) => (containsAnyPhrase(context.industryWords, phrases) ? 1 : 0),
      };
    }
    case 'employees':
    case 'revenue': {
      const { min, max, type } = criterion;
      return {
        ...base,
        label: criterion.name ?? rangeLabel(type, min, max),
        matches: (context) =>
          range(
            min,
            max,
            type === 'employees' ? context.company?.employeeCount : context.company?.annualRevenue,
          ),
      };
    }
    case 'geography': {
      const countries = new Set(lower(criterion.countries));
      return {
        ...base,
        label: criterion.name ?? `geography: ${criterion.countries.join('/')}`,
        matches: (context) => (context.country !== null && countries.has(context.country) ? 1 : 0),
      };
    }
    case 'title': {
      const phrases = compilePhrases(criterion.keywords);
      return {
        ...base,
        label: criterion.name ?? `title: ${criterion.keywords.join('/')}`,
        matches: (context) => (containsAnyPhrase(context.titleWords, phrases) ? 1 : 0),
      };
    }
    case 'seniority': {
      const levels = new Set<string>(criterion.levels);
      return {
        ...base,
        label: criterion.name ?? `seniority: ${criterion.levels.join('/')}`,
        matches: (context) => (context.seniority !== null && levels.has(context.seniority) ? 1 : 0),
      };
    }
    case 'department': {
      const phrases = compilePhrases(criterion.departments);
      return {
        ...base,
        label: criterion.name ?? `department: ${criterion.departments.join('/')}`,
        matches: (context) => (containsAnyPhrase(context.departmentWords, phrases) ? 1 : 0),
      };
    }
    case 'technologies': {
      const technologies = new Set(lower(criterion.technologies));
      const each = criterion.match === 'each';
      return {
        ...base,
        label: criterion.name ?? `technologies: ${criterion.technologies.join('/')}`,
        matches: (context) => {
          const used = context.company?.technologies;
          if (!Array.isArray(used)) return 0;
          let found: string[] | null = null;
          for (const technology of used) {
            if (typeof technology !== 'string') continue;
            const name = technology.trim().toLowerCase();
            if (!technologies.has(name)) continue;
            if (!each) return 1;
            if (found === null) found = [name];
            else if (!found.includes(name)) found.push(name);
          }
          return found === null ? 0 : found.length;
        },
      };
    }
  }
}

function compileWindow(window: { types: readonly string[]; withinDays?: number | undefined } | undefined) {
  if (!window) return null;
  return {
    positions: window.types.map((type) => ACTIVITY_TYPES.indexOf(type as (typeof ACTIVITY_TYPES)[number])),
    windowMs: window.withinDays === undefined ? Number.POSITIVE_INFINITY : window.withinDays * DAY_MS,
  };
}

/** Turns a validated configuration into the arrays and closures the hot paths use. */
export function compileConfig(config: ScoringConfig): CompiledConfig {
  const activityRules = ACTIVITY_TYPES.map((type) => config.engagement.activities[type]);
  const signalRules = SIGNAL_TYPES.map((type) => config.intent.signals[type]);
  return {
    config,
    activities: {
      component: 'engagement',
      names: ACTIVITY_TYPES,
      index: indexOf(ACTIVITY_TYPES),
      factorNames: factorNames('engagement', ACTIVITY_TYPES),
      points: Float64Array.from(activityRules, (rule) => rule.points),
      caps: Float64Array.from(activityRules, (rule) => rule.cap),
      lambdas: Float64Array.from(activityRules, (rule) =>
        decayRate(rule.halfLifeDays === undefined ? config.engagement.halfLifeDays : rule.halfLifeDays),
      ),
    },
    signals: {
      component: 'intent',
      names: SIGNAL_TYPES,
      index: indexOf(SIGNAL_TYPES),
      factorNames: factorNames('intent', SIGNAL_TYPES),
      points: Float64Array.from(signalRules, (rule) => rule.weight * 100),
      caps: Float64Array.from(signalRules, (rule) => rule.weight * 100),
      lambdas: Float64Array.from(signalRules, (rule) =>
        decayRate(rule.halfLifeDays === undefined ? config.intent.halfLifeDays : rule.halfLifeDays),
      ),
    },
    criteria: config.fit.criteria.map(compileCriterion),
    fitGroups: FIT_GROUPS,
    fitCaps: Float64Array.from(FIT_GROUPS, (group) => config.fit.caps[group]),
    fitFactorNames: factorNames('fit', FIT_GROUPS),
    weights: config.priority.weights,
    tierMinimums: [config.tiers.tier1, config.tiers.tier2, config.tiers.tier3],
    rules: config.nextBestAction.rules.map((rule) => ({
      action: rule.action,
      name: rule.name ?? rule.action,
      reason: rule.reason ?? null,
      when: rule.when,
      recent: compileWindow(rule.when.recent),
      notRecent: compileWindow(rule.when.notRecent),
    })),
  };
}

// Profiles are validated when they come in; state stored before that check may still hold a
// non-text field, which reads as absent rather than failing every later score.
const textOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Builds what fit rules look at from a person and company. */
export function fitContext(person: PersonProfile | null, company: CompanyProfile | null): FitContext {
  const country = textOf(company?.country) || textOf(person?.country) || null;
  const title = textOf(person?.title);
  return {
    person,
    company,
    titleWords: wordsOf(title),
    industryWords: wordsOf(textOf(company?.industry)),
    departmentWords: wordsOf(textOf(person?.department)),
    seniority: person?.seniority ?? inferSeniority(title),
    country: country ? country.trim().toLowerCase() : null,
  };
}

// Tolerance for float noise at a tier boundary, so decay arithmetic never flips a tier.
const TIER_EPSILON = 1e-9;

/** The tier of a priority. */
export function tierOf(priority: number, minimums: readonly [number, number, number]): Tier {
  const value = priority + TIER_EPSILON;
  if (value >= minimums[0]) return 1;
  if (value >= minimums[1]) return 2;
  if (value >= minimums[2]) return 3;
  return 4;
}
