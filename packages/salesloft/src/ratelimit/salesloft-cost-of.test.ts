import { describe, expect, it } from 'vitest';
import { SALESLOFT_PAGE_COSTS, salesloftCostOf, salesloftPageCost } from './salesloft-cost-of.ts';

describe('salesloftPageCost', () => {
  it.each([
    [1, 1],
    [100, 1],
    [101, 3],
    [150, 3],
    [151, 8],
    [250, 8],
    [251, 10],
    [500, 10],
    [501, 30],
    [10_000, 30],
  ])('charges page %i at %i', (page, cost) => {
    expect(salesloftPageCost(page)).toBe(cost);
  });

  it('prices invalid pages as page 1, as SalesLoft corrects them', () => {
    expect(salesloftPageCost(0)).toBe(1);
    expect(salesloftPageCost(-5)).toBe(1);
    expect(salesloftPageCost(Number.NaN)).toBe(1);
  });

  it('covers every page with exactly one tier', () => {
    for (let index = 1; index < SALESLOFT_PAGE_COSTS.length; index += 1) {
      expect(SALESLOFT_PAGE_COSTS[index]?.fromPage).toBe((SALESLOFT_PAGE_COSTS[index - 1]?.toPage ?? 0) + 1);
    }
  });
});

describe('salesloftCostOf', () => {
  it('reads the page of a request, as a number or a string', () => {
    expect(salesloftCostOf({ method: 'GET', path: '/people.json', query: { page: 260 } })).toBe(10);
    expect(salesloftCostOf({ method: 'GET', path: '/people.json', query: { page: '151' } })).toBe(8);
  });

  it('charges 1 for requests without a page', () => {
    expect(salesloftCostOf({ method: 'POST', path: '/people.json' })).toBe(1);
    expect(salesloftCostOf({ method: 'GET', path: '/me.json', query: {} })).toBe(1);
  });
});
