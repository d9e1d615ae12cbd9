// @salesos/scoring: fit, engagement, intent, priority, tiers, explanations and next best action.

export {
  type ActionCondition,
  ActionConditionSchema,
  type ActionRule,
  ActionRuleSchema,
  DEFAULT_SCORING_CONFIG,
  FIT_GROUPS,
  type FitCriterion,
  type FitCriterionInput,
  FitCriterionSchema,
  type FitGroup,
  type Persona,
  PersonaSchema,
  parseScoringConfig,
  type ScoringConfig,
  type ScoringConfigInput,
  ScoringConfigSchema,
} from './config/scoring-config.ts';
export { ScoringInputError } from './errors/scoring-input-error.ts';
export { inferSeniority } from './internal/text-match.ts';
export {
  createScoringPersonalDataStore,
  type ScoringPersonalDataStoreOptions,
} from './privacy/scoring-personal-data-store.ts';
export {
  type ApplyOptions,
  type ApplyResult,
  createScorer,
  type Scorer,
  type ScorerOptions,
} from './scorer/create-scorer.ts';
export type {
  ActivityEvent,
  AuthorityFactor,
  CompanyProfile,
  ContactScore,
  ContactScoredEvent,
  NextBestAction,
  PersonProfile,
  RankedContact,
  RankOptions,
  ScoreCause,
  ScoreComponent,
  ScoreFactor,
  ScoreInput,
  ScoreOneOptions,
  ScoreOptions,
  SignalEvent,
  Tier,
  TierChangedEvent,
  TimeInput,
} from './scorer/types.ts';
export { VERSION } from './version.ts';
