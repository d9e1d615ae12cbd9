import {
  ACTIVITY_TYPES,
  type ActivityType,
  ActivityTypeSchema,
  ConfigError,
  SENIORITIES,
  type Seniority,
  SenioritySchema,
  SIGNAL_TYPES,
  type SignalType,
} from '@salesos/core';
import { z } from 'zod';

const keywords = z.array(z.string().trim().min(1)).min(1);
const halfLifeDays = z.number().positive().nullable();
const scoreValue = z.number().min(0).max(100);

const criterionBase = {
  /** Label shown in explanations; defaults to the criterion type. */
  name: z.string().min(1).optional(),
  /** Points earned when the criterion matches (negative to penalise). */
  points: z.number(),
};

const rangeCriterion = <Type extends 'employees' | 'revenue'>(type: Type) =>
  z
    .strictObject({
      type: z.literal(type),
      /** Inclusive lower bound. */
      min: z.number().nonnegative().optional(),
      /** Inclusive upper bound. */
      max: z.number().nonnegative().optional(),
      ...criterionBase,
    })
    .refine((criterion) => criterion.min !== undefined || criterion.max !== undefined, {
      message: 'give "min", "max" or both',
      path: ['min'],
    })
    .refine(
      (criterion) =>
        criterion.min === undefined || criterion.max === undefined || criterion.min <= criterion.max,
      { message: '"min" must not exceed "max"', path: ['max'] },
    );

/**
 * One ideal-customer-profile rule. Text rules (industry, title, department) match whole words
 * case-insensitively, so `"cto"` matches "CTO & Co-founder" but not "Director".
 */
export const FitCriterionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('industry'),
    /** Matches `company.industry`. */
    industries: keywords,
    ...criterionBase,
  }),
  rangeCriterion('employees'),
  rangeCriterion('revenue'),
  z.strictObject({
    type: z.literal('geography'),
    /** Matches `company.country`, else `person.country`, ignoring case. List every spelling your sources use. */
    countries: keywords,
    ...criterionBase,
  }),
  z.strictObject({
    type: z.literal('title'),
    /** Words or phrases looked for in `person.title`. */
    keywords,
    ...criterionBase,
  }),
  z.strictObject({
    type: z.literal('seniority'),
    /** Matches `person.seniority`, or the level read from the title when it is missing. */
    levels: z.array(SenioritySchema).min(1),
    ...criterionBase,
  }),
  z.strictObject({
    type: z.literal('department'),
    /** Matches `person.department`. */
    departments: keywords,
    ...criterionBase,
  }),
  z.strictObject({
    type: z.literal('technologies'),
    /** Matches entries of `company.technologies`, ignoring case. */
    technologies: keywords,
    /** `any`: points once if any technology is used; `each`: points per technology used. */
    match: z.enum(['any', 'each']).default('any'),
    ...criterionBase,
  }),
]);
/** An ideal-customer-profile rule as given. */
export type FitCriterionInput = z.input<typeof FitCriterionSchema>;
/** An ideal-customer-profile rule with defaults applied. */
export type FitCriterion = z.output<typeof FitCriterionSchema>;

/** The groups fit points are capped by; one per criterion type. */
export const FIT_GROUPS = [
  'industry',
  'employees',
  'revenue',
  'geography',
  'title',
  'seniority',
  'department',
  'technologies',
] as const;
/** A fit criterion group. */
export type FitGroup = (typeof FIT_GROUPS)[number];

const DEFAULT_FIT_CAPS: Record<FitGroup, number> = {
  industry: 20,
  employees: 15,
  revenue: 15,
  geography: 10,
  title: 15,
  seniority: 15,
  department: 10,
  technologies: 10,
};

/**
 * Default engagement points. Email earns at most 60 of 100 points, split opens 0.25 (15),
 * clicks 0.35 (21) and replies 0.40 (24); meetings earn at most 25 and calls 15.
 */
const DEFAULT_ACTIVITY_RULES: Record<ActivityType, { points: number; cap: number }> = {
  email_sent: { points: 0, cap: 0 },
  email_opened: { points: 3, cap: 15 },
  email_clicked: { points: 7, cap: 21 },
  email_replied: { points: 24, cap: 24 },
  email_bounced: { points: -10, cap: 20 },
  unsubscribed: { points: -40, cap: 40 },
  out_of_office: { points: 0, cap: 0 },
  call_completed: { points: 5, cap: 15 },
  meeting_booked: { points: 10, cap: 10 },
  meeting_attended: { points: 15, cap: 15 },
};

const DEFAULT_SIGNAL_WEIGHTS: Record<SignalType, number> = {
  hiring: 0.2,
  funding: 0.25,
  news: 0.15,
  review: 0.2,
  website: 0.2,
  technographic: 0,
};

const DEFAULT_SENIORITY_SCORES: Record<Seniority, number> = {
  entry: 10,
  senior: 25,
  manager: 40,
  head: 55,
  director: 65,
  vp: 80,
  partner: 85,
  c_suite: 95,
  founder: 100,
  owner: 100,
};

const activityRule = (defaults: { points: number; cap: number }) =>
  z
    .strictObject({
      /** Points one fresh event earns (negative for bounces and unsubscribes). */
      points: z.number().default(defaults.points),
      /** Most points, in absolute value, events of this type can add up to: caps repeat earning. */
      cap: z.number().nonnegative().default(defaults.cap),
      /** Overrides `engagement.halfLifeDays` for this type; `null` never decays. */
      halfLifeDays: halfLifeDays.optional(),
    })
    .prefault({});

const signalRule = (weight: number) =>
  z
    .strictObject({
      /** Share of the 0–100 intent score this signal type can fill; a fresh signal of strength 1 fills it. */
      weight: z.number().min(0).max(1).default(weight),
      /** Overrides `intent.halfLifeDays` for this type; `null` never decays. */
      halfLifeDays: halfLifeDays.optional(),
    })
    .prefault({});

const perType = <Key extends string, Schema extends z.ZodType>(
  keys: readonly Key[],
  build: (key: Key) => Schema,
): z.ZodObject<Record<Key, Schema>> =>
  z.strictObject(Object.fromEntries(keys.map((key) => [key, build(key)])) as Record<Key, Schema>);

const componentScores = z
  .strictObject({
    priority: scoreValue.optional(),
    fit: scoreValue.optional(),
    engagement: scoreValue.optional(),
    intent: scoreValue.optional(),
  })
  .optional();

const activityWindow = z
  .strictObject({
    /** Activity types looked for. */
    types: z.array(ActivityTypeSchema).min(1),
    /** How far back to look, in days; omitted means ever. */
    withinDays: z.number().positive().optional(),
  })
  .optional();

/** The condition of a next-best-action rule: every field given must hold. */
export const ActionConditionSchema = z.strictObject({
  /** The contact's tier is one of these. */
  tiers: z
    .array(z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]))
    .min(1)
    .optional(),
  /** The tier moved this way since the last score (`dropped`: to a higher number). */
  tierChange: z.enum(['dropped', 'raised']).optional(),
  /** Scores at or above these values. */
  min: componentScores,
  /** Scores at or below these values. */
  max: componentScores,
  /** At least one of these activity types happened in the window. */
  recent: activityWindow,
  /** None of these activity types happened in the window. */
  notRecent: activityWindow,
});
/** The condition of a next-best-action rule. */
export type ActionCondition = z.output<typeof ActionConditionSchema>;

/** A next-best-action rule: the first rule whose condition holds gives the action. */
export const ActionRuleSchema = z.strictObject({
  /** The action proposed, such as `propose_meeting`; free text the host acts on. */
  action: z.string().min(1),
  /** Rule label shown with the action; defaults to the action. */
  name: z.string().min(1).optional(),
  /** Why, in words a rep can read. */
  reason: z.string().optional(),
  when: ActionConditionSchema,
});
/** A next-best-action rule. */
export type ActionRule = z.output<typeof ActionRuleSchema>;

const DEFAULT_ACTION_RULES: z.input<typeof ActionRuleSchema>[] = [
  {
    action: 'stop_outreach',
    reason: 'The contact unsubscribed.',
    when: { recent: { types: ['unsubscribed'] } },
  },
  {
    action: 'hand_to_rep',
    reason: 'The contact replied in the last 7 days.',
    when: { recent: { types: ['email_replied'], withinDays: 7 } },
  },
  {
    action: 'pause_sequence',
    reason: 'The tier dropped.',
    when: { tierChange: 'dropped' },
  },
  {
    action: 'propose_meeting',
    reason: 'High engagement and no meeting in the last 30 days.',
    when: {
      min: { engagement: 50 },
      notRecent: { types: ['meeting_booked', 'meeting_attended'], withinDays: 30 },
    },
  },
];

/** A buyer persona for authority ranking. */
export const PersonaSchema = z.strictObject({
  /** Label, such as `economic buyer`. */
  name: z.string().min(1),
  /** Words or phrases looked for in `person.title`. */
  titles: keywords,
  /** Departments this persona sits in. */
  departments: keywords.optional(),
  /** When given, the persona only fits people at these levels. */
  seniorities: z.array(SenioritySchema).min(1).optional(),
});
/** A buyer persona. */
export type Persona = z.output<typeof PersonaSchema>;

const weightsSumToOne = (weights: Record<string, number>) =>
  Math.abs(Object.values(weights).reduce((sum, weight) => sum + weight, 0) - 1) < 1e-9;

/**
 * The whole scoring configuration. Every field has a default, so `{}` is a valid configuration.
 * Parse it with {@link parseScoringConfig}; `createScorer` does so once.
 */
export const ScoringConfigSchema = z
  .strictObject({
    fit: z
      .strictObject({
        /** Ideal-customer-profile rules. */
        criteria: z.array(FitCriterionSchema).default([]),
        /** Most points each criterion group can earn. */
        caps: perType(FIT_GROUPS, (group) =>
          z.number().nonnegative().default(DEFAULT_FIT_CAPS[group]),
        ).prefault({}),
      })
      .prefault({}),
    engagement: z
      .strictObject({
        /** Days after which an activity's points are halved. */
        halfLifeDays: z.number().positive().default(30),
        /** Points and caps per activity type. */
        activities: perType(ACTIVITY_TYPES, (type) => activityRule(DEFAULT_ACTIVITY_RULES[type])).prefault(
          {},
        ),
      })
      .prefault({}),
    intent: z
      .strictObject({
        /** Days after which a signal's weight is halved. */
        halfLifeDays: z.number().positive().default(14),
        /** Weight per signal type; the weights add up to at most 1. */
        signals: perType(SIGNAL_TYPES, (type) => signalRule(DEFAULT_SIGNAL_WEIGHTS[type])).prefault({}),
      })
      .prefault({}),
    priority: z
      .strictObject({
        /** Priority = engagement × engagement weight + intent × intent weight + fit × fit weight; they add up to 1. */
        weights: z
          .strictObject({
            engagement: z.number().min(0).max(1).default(0.4),
            intent: z.number().min(0).max(1).default(0.4),
            fit: z.number().min(0).max(1).default(0.2),
          })
          .prefault({}),
      })
      .prefault({}),
    tiers: z
      .strictObject({
        /** Lowest priority of tier 1. */
        tier1: scoreValue.default(75),
        /** Lowest priority of tier 2. */
        tier2: scoreValue.default(50),
        /** Lowest priority of tier 3; anything lower is tier 4. */
        tier3: scoreValue.default(25),
      })
      .prefault({}),
    nextBestAction: z
      .strictObject({
        /** Checked in order; the first that holds gives the action. */
        rules: z.array(ActionRuleSchema).prefault(DEFAULT_ACTION_RULES),
      })
      .prefault({}),
    authority: z
      .strictObject({
        /** Default buyer personas of `rankContacts`. */
        personas: z.array(PersonaSchema).default([]),
        /** How seniority, persona title match and department make up authority; they add up to 1. */
        weights: z
          .strictObject({
            seniority: z.number().min(0).max(1).default(0.5),
            persona: z.number().min(0).max(1).default(0.35),
            department: z.number().min(0).max(1).default(0.15),
          })
          .prefault({}),
        /** Authority (0–100) per seniority level. */
        seniorityScores: perType(SENIORITIES, (level) =>
          scoreValue.default(DEFAULT_SENIORITY_SCORES[level]),
        ).prefault({}),
        /** Lowest authority counted as a decision maker. */
        decisionMakerMinimum: scoreValue.default(60),
      })
      .prefault({}),
    events: z
      .strictObject({
        /** Smallest change of any score that emits `contact.scored` again. */
        minChange: z.number().nonnegative().default(0.01),
      })
      .prefault({}),
  })
  .superRefine((config, context) => {
    if (!weightsSumToOne(config.priority.weights)) {
      context.addIssue({
        code: 'custom',
        path: ['priority', 'weights'],
        message: 'engagement, intent and fit weights must add up to 1',
      });
    }
    if (!weightsSumToOne(config.authority.weights)) {
      context.addIssue({
        code: 'custom',
        path: ['authority', 'weights'],
        message: 'seniority, persona and department weights must add up to 1',
      });
    }
    const intentTotal = Object.values(config.intent.signals).reduce((sum, rule) => sum + rule.weight, 0);
    if (intentTotal > 1 + 1e-9) {
      context.addIssue({
        code: 'custom',
        path: ['intent', 'signals'],
        message: `signal weights must add up to at most 1 (they add up to ${intentTotal})`,
      });
    }
    const { tier1, tier2, tier3 } = config.tiers;
    if (!(tier1 > tier2)) {
      context.addIssue({
        code: 'custom',
        path: ['tiers', 'tier2'],
        message: 'must be lower than tiers.tier1',
      });
    }
    if (!(tier2 > tier3)) {
      context.addIssue({
        code: 'custom',
        path: ['tiers', 'tier3'],
        message: 'must be lower than tiers.tier2',
      });
    }
  });

/** A scoring configuration as written by a user: every field optional. */
export type ScoringConfigInput = z.input<typeof ScoringConfigSchema>;
/** A complete scoring configuration, defaults applied. */
export type ScoringConfig = z.output<typeof ScoringConfigSchema>;

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`,
    '',
  ) || '(root)';

/**
 * Validates a scoring configuration and applies the defaults.
 *
 * @throws ConfigError naming every invalid field, such as
 *   `Invalid scoring configuration: engagement.halfLifeDays: Too small: expected number to be >0`.
 *
 * @example
 * ```ts
 * const config = parseScoringConfig({ engagement: { halfLifeDays: 14 } });
 * config.priority.weights.engagement; // 0.4
 * ```
 */
export function parseScoringConfig(input: ScoringConfigInput | undefined = {}): ScoringConfig {
  const result = ScoringConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  throw new ConfigError(`Invalid scoring configuration: ${problems.join('; ')}`, { cause: result.error });
}

/** The default configuration, fully resolved: the values the README's reference lists. */
export const DEFAULT_SCORING_CONFIG: ScoringConfig = parseScoringConfig({});
