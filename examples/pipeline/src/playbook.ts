import type { ApolloPeopleSearchFilters } from '@salesos/apollo';
import type { ScoringConfigInput } from '@salesos/scoring';
import type { Mailbox, SequenceDefinitionInput, TierSequenceMap } from '@salesos/sequences';

/** The ideal customer profile, as an Apollo People API Search. */
export const ICP_SEARCH: ApolloPeopleSearchFilters = {
  person_seniorities: ['owner', 'founder', 'c_suite', 'vp', 'head', 'director'],
  organization_num_employees_ranges: ['11,50', '51,200', '201,500', '501,1000', '1001,5000'],
};

/** The most records one Apollo search returns (500 pages of 100). */
const APOLLO_SEARCH_CEILING = 50_000;

/**
 * The searches that find `leads` leads: the ideal customer profile as one search while it stays
 * under Apollo's ceiling, else split by company size and seniority (the parts do not overlap),
 * as Apollo asks of larger result sets.
 */
export function icpSearches(leads: number): ApolloPeopleSearchFilters[] {
  if (leads <= APOLLO_SEARCH_CEILING) return [ICP_SEARCH];
  return (ICP_SEARCH.organization_num_employees_ranges ?? []).flatMap((range) =>
    (ICP_SEARCH.person_seniorities ?? []).map((seniority) => ({
      ...ICP_SEARCH,
      organization_num_employees_ranges: [range],
      person_seniorities: [seniority],
    })),
  );
}

/** How leads are scored: who fits, what engagement and intent are worth, where the tiers start. */
export const SCORING: ScoringConfigInput = {
  fit: {
    criteria: [
      {
        type: 'industry',
        industries: ['software', 'information technology', 'financial services'],
        points: 20,
      },
      { type: 'employees', min: 50, max: 2000, points: 15 },
      { type: 'seniority', levels: ['vp', 'head', 'c_suite', 'founder'], points: 15 },
      { type: 'title', keywords: ['sales', 'revenue', 'marketing', 'growth'], points: 15 },
      { type: 'technologies', technologies: ['salesforce', 'hubspot', 'outreach', 'segment'], points: 10 },
      {
        type: 'geography',
        countries: ['United States', 'United Kingdom', 'Canada', 'Germany', 'Ireland'],
        points: 10,
      },
    ],
  },
  priority: { weights: { fit: 0.5, engagement: 0.35, intent: 0.15 } },
  tiers: { tier1: 42, tier2: 30, tier3: 18 },
};

/** Sequence of each tier: tiers 1 and 2 are enrolled, 3 and 4 wait for a later campaign. */
export const ROUTING: TierSequenceMap = { 1: 'tier-1-high-touch', 2: 'tier-2-standard', 3: null, 4: null };

const settings = {
  sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:30', end: '17:30' },
  exitOn: { reply: true, meeting: true, bounce: true },
  outOfOffice: { pause: true, resumeAfterDays: 7 },
} satisfies SequenceDefinitionInput['settings'];

const footer = '<p>{{sender_name|The SalesOS team}}</p><p><a href="{{unsubscribe_url}}">Unsubscribe</a></p>';

/** The two outbound sequences. */
export const SEQUENCES: SequenceDefinitionInput[] = [
  {
    id: 'tier-1-high-touch',
    name: 'Tier 1: high touch',
    settings,
    steps: [
      {
        type: 'email',
        subject: 'Pipeline at {{company_name|your team}}',
        body: `<p>Hi {{first_name|there}},</p><p>Teams like {{company_name|yours}} use SalesOS to find, score and reach the right accounts. Worth 20 minutes?</p>${footer}`,
      },
      {
        type: 'email',
        replyInThread: true,
        delay: { businessDays: 2 },
        body: `<p>Hi {{first_name|there}}, bringing this back to the top of your inbox.</p>${footer}`,
      },
      {
        type: 'email',
        delay: { businessDays: 3 },
        subject: 'A benchmark for {{title|sales leaders}}',
        body: `<p>{{first_name|Hi}}, here is how similar teams cut their research time in half.</p>${footer}`,
      },
    ],
  },
  {
    id: 'tier-2-standard',
    name: 'Tier 2: standard',
    settings,
    steps: [
      {
        type: 'email',
        subject: 'Quick question, {{first_name|there}}',
        body: `<p>Hi {{first_name|there}},</p><p>Who looks after outbound at {{company_name|your company}}?</p>${footer}`,
      },
      {
        type: 'email',
        replyInThread: true,
        delay: { businessDays: 3 },
        body: `<p>Hi {{first_name|there}}, any thoughts?</p>${footer}`,
      },
    ],
  },
];

/** The reps' mailboxes; each lead is given one by a hash of its id. */
export const MAILBOXES: Mailbox[] = [
  { email: 'ava@salesos.example', name: 'Ava Reed', timeZone: 'America/New_York' },
  { email: 'ben@salesos.example', name: 'Ben Ortiz', timeZone: 'America/Los_Angeles' },
  { email: 'chloe@salesos.example', name: 'Chloe Martin', timeZone: 'Europe/London' },
  { email: 'dev@salesos.example', name: 'Dev Patel', timeZone: 'Europe/Berlin' },
];
