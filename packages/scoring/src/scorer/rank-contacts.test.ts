import { describe, expect, it } from 'vitest';
import type { Persona } from '../config/scoring-config.ts';
import { createScorer } from './create-scorer.ts';
import type { PersonProfile } from './types.ts';

const people: PersonProfile[] = [
  { id: 'intern', title: 'Sales Intern', department: 'Sales' },
  { id: 'cfo', title: 'Chief Financial Officer', seniority: 'c_suite', department: 'Finance' },
  { id: 'vp-sales', title: 'VP of Sales', department: 'Sales' },
  { id: 'director-it', title: 'Director of IT', seniority: 'director', department: 'Engineering' },
  { id: 'revops', title: 'Revenue Operations Manager', seniority: 'manager', department: 'Sales' },
  { id: 'unknown', title: null },
];

const personas: Persona[] = [
  {
    name: 'economic buyer',
    titles: ['vp sales', 'vp of sales', 'chief revenue officer', 'cro'],
    departments: ['sales'],
  },
  {
    name: 'champion',
    titles: ['revenue operations', 'sales operations'],
    departments: ['sales', 'operations'],
  },
];

describe('scorer.rankContacts', () => {
  it('ranks decision makers of the buyer personas first', () => {
    const scorer = createScorer();
    const ranked = scorer.rankContacts(people, { personas });
    expect(ranked.map((entry) => entry.person.id)).toEqual([
      'vp-sales',
      'revops',
      'cfo',
      'director-it',
      'intern',
      'unknown',
    ]);
    expect(ranked.map((entry) => entry.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    const [first] = ranked;
    expect(first).toMatchObject({ persona: 'economic buyer', seniority: 'vp', decisionMaker: true });
    expect(first!.authority).toBeCloseTo(80 * 0.5 + 100 * 0.35 + 100 * 0.15, 9);
    const intern = ranked.find((entry) => entry.person.id === 'intern');
    expect(intern).toMatchObject({ persona: null, decisionMaker: false });
    expect(intern?.factors.map((factor) => factor.name)).toEqual(['department', 'seniority']);
  });

  it('explains authority with factors that add up to it', () => {
    const ranked = createScorer().rankContacts(people, { personas });
    for (const entry of ranked) {
      const total = entry.factors.reduce((sum, factor) => sum + factor.points, 0);
      expect(total).toBeCloseTo(entry.authority, 9);
    }
    expect(ranked[0]!.factors.map((factor) => factor.name)).toEqual(['seniority', 'persona', 'department']);
  });

  it('ranks by seniority alone when no personas are given, keeping input order on ties', () => {
    const ranked = createScorer().rankContacts([
      { id: 'a', seniority: 'manager' },
      { id: 'b', seniority: 'founder' },
      { id: 'c', seniority: 'manager' },
    ]);
    expect(ranked.map((entry) => entry.person.id)).toEqual(['b', 'a', 'c']);
    expect(ranked[0]?.authority).toBe(100);
  });

  it('uses the configured personas and only at the persona seniorities', () => {
    const scorer = createScorer({
      config: {
        authority: {
          personas: [{ name: 'technical buyer', titles: ['it'], seniorities: ['director', 'vp', 'c_suite'] }],
          decisionMakerMinimum: 90,
        },
      },
    });
    const ranked = scorer.rankContacts([
      { id: 'helpdesk', title: 'IT Support Specialist' },
      { id: 'director-it', title: 'Director of IT' },
    ]);
    expect(ranked[0]).toMatchObject({
      person: { id: 'director-it' },
      persona: 'technical buyer',
      decisionMaker: false,
    });
    expect(ranked[1]?.persona).toBe(null);
  });

  it('refuses a person whose title is not text, naming the position and field', () => {
    const scorer = createScorer();
    expect(() => scorer.rankContacts([people[0]!, { id: 'odd', title: ['CEO'] as never }])).toThrow(
      expect.objectContaining({ code: 'scoring_input', path: '[1].title' }),
    );
  });
});
