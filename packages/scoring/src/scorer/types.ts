import type { Activity, Company, Person, Signal } from '@salesos/core';
import type { Persona } from '../config/scoring-config.ts';

/** Priority tier: 1 is the best. */
export type Tier = 1 | 2 | 3 | 4;

/** The three scores priority is made of. */
export type ScoreComponent = 'fit' | 'engagement' | 'intent';

/**
 * The person fields scoring reads. A canonical `Person` fits. `email` is not scored: stored
 * contacts are indexed by it, so data subject requests by address find them.
 */
export type PersonProfile = Pick<Person, 'id'> &
  Partial<Pick<Person, 'email' | 'title' | 'seniority' | 'department' | 'country' | 'companyId'>>;

/** The company fields scoring reads. A canonical `Company` fits. */
export type CompanyProfile = Pick<Company, 'id'> &
  Partial<Pick<Company, 'name' | 'domain' | 'industry' | 'employeeCount' | 'annualRevenue' | 'country'>> & {
    technologies?: readonly string[] | undefined;
  };

/** The activity fields scoring reads. A canonical `Activity` fits. */
export type ActivityEvent = Pick<Activity, 'id' | 'type' | 'personId' | 'occurredAt'>;

/** The signal fields scoring reads. A canonical `Signal` fits. */
export type SignalEvent = Pick<Signal, 'id' | 'type' | 'companyId' | 'occurredAt' | 'strength'>;

/** One contact to score: the person, their company and what happened. */
export interface ScoreInput {
  person: PersonProfile;
  /** The person's company; without it fit rules on the company do not match and intent is 0. */
  company?: CompanyProfile | null | undefined;
  /** The person's activities, in any order. Events dated after `now` count as happening at `now`. */
  activities?: readonly ActivityEvent[] | undefined;
  /** The company's buying signals, in any order. */
  signals?: readonly SignalEvent[] | undefined;
}

/** A point in time: epoch milliseconds, a `Date` or an ISO-8601 string. */
export type TimeInput = number | Date | string;

/** Options of `score` and `scoreBatch`. */
export interface ScoreOptions {
  /** The time decay is measured to. Default: the scorer's clock. The same `now` always gives the same scores. */
  now?: TimeInput | undefined;
}

/** Options of `score`. */
export interface ScoreOneOptions extends ScoreOptions {
  /** The contact's tier before this score, for `tierChange` action rules. */
  previousTier?: Tier | null | undefined;
}

/** One contribution to a score. */
export interface ScoreFactor {
  /** `fit.<group>`, `engagement.<activity type>`, `intent.<signal type>`, or `<component>.floor` / `.ceiling` where a component was clamped to 0–100. */
  name: string;
  component: ScoreComponent;
  /** Points in the priority: the factors of a score add up to its `priority`. */
  points: number;
  /** Points in the component's own 0–100 scale: a component's factors add up to that component's score. */
  componentPoints: number;
  /** For fit factors: the labels of the matched criteria. */
  detail?: string;
}

/** What to do next with a contact, from the first next-best-action rule that holds. */
export interface NextBestAction {
  action: string;
  /** The rule's name (its action when unnamed). */
  rule: string;
  reason: string | null;
}

/** The score of one contact. */
export interface ContactScore {
  personId: string;
  companyId: string | null;
  /** Ideal-customer-profile match, 0–100. */
  fit: number;
  /** Decayed, weighted activity, 0–100. */
  engagement: number;
  /** Decayed buying signals of the company, 0–100. */
  intent: number;
  /** Weighted blend of the three, 0–100. */
  priority: number;
  tier: Tier;
  /** Contributions sorted by points, highest first; they add up to `priority`. */
  factors: ScoreFactor[];
  nextAction: NextBestAction | null;
  /** ISO-8601 time the score was computed for. */
  scoredAt: string;
}

/** Options of `rankContacts`. */
export interface RankOptions {
  /** Buyer personas to match titles and departments against. Default: `authority.personas` of the configuration. */
  personas?: readonly Persona[] | undefined;
}

/** One contribution to authority. */
export interface AuthorityFactor {
  /** `seniority`, `persona` or `department`. */
  name: string;
  points: number;
}

/** A person ranked by who to contact first at an account. */
export interface RankedContact<P extends PersonProfile = PersonProfile> {
  person: P;
  /** 1 for the person to contact first. */
  rank: number;
  /** 0–100. */
  authority: number;
  /** The persona the person fits best, if any. */
  persona: string | null;
  /** Authority reaches `authority.decisionMakerMinimum`. */
  decisionMaker: boolean;
  /** The seniority used: the person's, or the level read from the title. */
  seniority: PersonProfile['seniority'] | null;
  /** Contributions, highest first; they add up to `authority`. */
  factors: AuthorityFactor[];
}

/** What caused an incremental rescore. */
export interface ScoreCause {
  kind: 'activity' | 'signal' | 'profile';
  /** The activity, signal, person or company id. */
  id: string;
  /** The activity or signal type, or `person` / `company`. */
  type: string;
}

/** Payload of `contact.scored`: a contact's score changed. */
export interface ContactScoredEvent {
  tenantId: string;
  score: ContactScore;
  /** The scores last emitted for this contact; `null` the first time. */
  previous: { fit: number; engagement: number; intent: number; priority: number; tier: Tier } | null;
  cause: ScoreCause;
}

/** Payload of `tier.changed`: a contact's tier changed (or was first assigned). */
export interface TierChangedEvent {
  tenantId: string;
  personId: string;
  companyId: string | null;
  /** `null` when the contact had no tier yet. */
  from: Tier | null;
  to: Tier;
  /** `dropped`: to a higher tier number; `raised`: to a lower one; `assigned`: the first tier. */
  direction: 'dropped' | 'raised' | 'assigned';
  priority: number;
  /** ISO-8601 time of the score. */
  scoredAt: string;
  cause: ScoreCause;
}

declare module '@salesos/core' {
  interface SalesOSEventMap {
    /** A contact's score changed by at least `events.minChange`. */
    'contact.scored': ContactScoredEvent;
    /** A contact's tier changed. */
    'tier.changed': TierChangedEvent;
  }
}
