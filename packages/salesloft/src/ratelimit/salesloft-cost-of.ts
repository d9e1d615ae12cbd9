import type { RateLimitRequest } from '@salesos/core';

/** One row of SalesLoft's page-depth cost table: requests for pages `fromPage`…`toPage` cost `cost`. */
export interface SalesloftPageCostTier {
  fromPage: number;
  toPage: number;
  cost: number;
}

/**
 * SalesLoft's cost per request by the page number it asks for: pages up to 100 cost 1,
 * 101–150 cost 3, 151–250 cost 8, 251–500 cost 10, 501 and beyond cost 30.
 */
export const SALESLOFT_PAGE_COSTS: readonly SalesloftPageCostTier[] = Object.freeze([
  { fromPage: 1, toPage: 100, cost: 1 },
  { fromPage: 101, toPage: 150, cost: 3 },
  { fromPage: 151, toPage: 250, cost: 8 },
  { fromPage: 251, toPage: 500, cost: 10 },
  { fromPage: 501, toPage: Number.POSITIVE_INFINITY, cost: 30 },
]);

/** What a request for `page` costs against the team's minute budget. Invalid pages count as page 1. */
export function salesloftPageCost(page: number): number {
  const normalized = Number.isFinite(page) && page >= 1 ? Math.floor(page) : 1;
  for (const tier of SALESLOFT_PAGE_COSTS) {
    if (normalized >= tier.fromPage && normalized <= tier.toPage) return tier.cost;
  }
  return 1;
}

/**
 * Prices a request for the cost-budget limiter: the page-depth cost of its `page` query
 * parameter, 1 for everything else.
 */
export function salesloftCostOf(request: RateLimitRequest): number {
  const page = request.query?.page;
  if (page === undefined || page === null) return 1;
  return salesloftPageCost(Number(page));
}
