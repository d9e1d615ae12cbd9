import { describe, expect, it } from 'vitest';
import { ICP_SEARCH, icpSearches } from './playbook.ts';

describe('icpSearches', () => {
  it('keeps the profile as one search while the leads fit under the ceiling', () => {
    expect(icpSearches(200)).toEqual([ICP_SEARCH]);
    expect(icpSearches(50_000)).toEqual([ICP_SEARCH]);
  });

  it('above the ceiling, splits it into parts that together cover the profile exactly once', () => {
    const parts = icpSearches(100_000);
    const covered = parts.flatMap((part) =>
      (part.organization_num_employees_ranges ?? []).flatMap((range) =>
        (part.person_seniorities ?? []).map((seniority) => `${range} ${seniority}`),
      ),
    );
    const profile = (ICP_SEARCH.organization_num_employees_ranges ?? []).flatMap((range) =>
      (ICP_SEARCH.person_seniorities ?? []).map((seniority) => `${range} ${seniority}`),
    );
    expect(covered.sort()).toEqual(profile.sort());
    expect(new Set(covered).size).toBe(covered.length);
  });
});
