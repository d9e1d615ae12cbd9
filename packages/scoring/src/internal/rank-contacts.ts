import type { Persona, ScoringConfig } from '../config/scoring-config.ts';
import type { AuthorityFactor, PersonProfile, RankedContact } from '../scorer/types.ts';
import { compilePhrases, containsAnyPhrase, inferSeniority, wordsOf } from './text-match.ts';

interface CompiledPersona {
  name: string;
  titles: string[][];
  departments: string[][] | null;
  seniorities: ReadonlySet<string> | null;
}

const compilePersona = (persona: Persona): CompiledPersona => ({
  name: persona.name,
  titles: compilePhrases(persona.titles),
  departments: persona.departments ? compilePhrases(persona.departments) : null,
  seniorities: persona.seniorities ? new Set(persona.seniorities) : null,
});

/**
 * Ranks the people of one account by who to contact first. Authority (0–100) blends the
 * seniority score, a title match to a buyer persona and a department match; with no
 * personas it is the seniority score alone. Ties keep the input order.
 */
export function rankContacts<P extends PersonProfile>(
  config: ScoringConfig['authority'],
  people: readonly P[],
  personas: readonly Persona[],
): RankedContact<P>[] {
  const compiled = personas.map(compilePersona);
  const weights = compiled.length > 0 ? config.weights : { seniority: 1, persona: 0, department: 0 };
  const pointsOf = (match: { title: number; department: number }) =>
    match.title * weights.persona + match.department * weights.department;
  const scored = people.map((person, order) => {
    const seniority = person.seniority ?? inferSeniority(person.title);
    const seniorityScore = seniority ? config.seniorityScores[seniority] : 0;
    const titleWords = wordsOf(person.title);
    const departmentWords = wordsOf(person.department);
    // A persona is named only on a title match; a department match alone still earns its points.
    let best: { name: string | null; title: number; department: number } | null = null;
    for (const persona of compiled) {
      if (persona.seniorities && !(seniority && persona.seniorities.has(seniority))) continue;
      const title = containsAnyPhrase(titleWords, persona.titles) ? 100 : 0;
      const department =
        persona.departments && containsAnyPhrase(departmentWords, persona.departments) ? 100 : 0;
      if (title === 0 && department === 0) continue;
      const candidate = { name: title > 0 ? persona.name : null, title, department };
      if (!best || pointsOf(candidate) > pointsOf(best)) best = candidate;
    }
    const factors: AuthorityFactor[] = [];
    if (seniorityScore > 0) factors.push({ name: 'seniority', points: seniorityScore * weights.seniority });
    if (best && best.title > 0) factors.push({ name: 'persona', points: best.title * weights.persona });
    if (best && best.department > 0)
      factors.push({ name: 'department', points: best.department * weights.department });
    factors.sort((left, right) => right.points - left.points);
    const authority = factors.reduce((sum, factor) => sum + factor.points, 0);
    return { person, order, seniorityScore, authority, persona: best?.name ?? null, seniority, factors };
  });
  scored.sort(
    (left, right) =>
      right.authority - left.authority ||
      right.seniorityScore - left.seniorityScore ||
      left.order - right.order,
  );
  return scored.map((entry, position) => ({
    person: entry.person,
    rank: position + 1,
    authority: entry.authority,
    persona: entry.persona,
    decisionMaker: entry.authority >= config.decisionMakerMinimum,
    seniority: entry.seniority,
    factors: entry.factors,
  }));
}
