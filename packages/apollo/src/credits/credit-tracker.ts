import {
  type Clock,
  ConfigError,
  type EventBus,
  type Key,
  type Storage,
  StorageError,
  systemClock,
} from '@salesos/core';
import { CreditBudgetExceededError, type CreditBudgetPeriod } from './credit-budget-exceeded-error.ts';

/** A tenant's credit budgets. An omitted period is unlimited. */
export interface CreditBudget {
  /** Credits per UTC day. */
  daily?: number | undefined;
  /** Credits per UTC calendar month. */
  monthly?: number | undefined;
}

/** Options of `createCreditTracker`. */
export interface CreditTrackerOptions {
  /** Where spend, budgets and cached enrichments live (`createMemoryStorage()`, SQLite, Postgres…). */
  storage: Storage;
  /**
   * Budgets: one for every tenant, or a function answering a tenant's budget.
   * `setBudget(tenantId, …)` overrides it for one tenant. Default: no budget.
   */
  budgets?:
    | CreditBudget
    | ((tenantId: string) => CreditBudget | undefined | Promise<CreditBudget | undefined>);
  /** How long an enrichment result is reused instead of paid again, in ms. Default 7 days; `0` turns the cache off. */
  cacheTtlMs?: number | undefined;
  /** First parts of every storage key. Default `['apollo']`. */
  keyPrefix?: Key | undefined;
  /** Time source for periods. Default: the system clock. */
  clock?: Clock | undefined;
  /** Receives `apollo.credits.spent`, `apollo.credits.budget_exceeded` and `apollo.enrichment.cache`. */
  events?: EventBus | undefined;
}

/** Credits held for a call in flight. Settle or release it exactly once. */
export interface CreditReservation {
  /** The credits held (the most the call can spend at the documented price). */
  readonly credits: number;
  /** Records what the call spent and frees the rest. */
  settle(spent: number, source: 'response' | 'price'): Promise<void>;
  /** Frees the reservation: nothing was spent. */
  release(): Promise<void>;
}

/** Spend in one budget period. */
export interface CreditPeriodUsage {
  /** `2026-01-31` for a day, `2026-01` for a month (UTC). */
  period: string;
  /** Credits spent, plus those held by calls in flight. */
  spent: number;
  budget: number | undefined;
  /** `budget - spent`, or `undefined` without a budget. */
  remaining: number | undefined;
}

/** A tenant's credit usage. */
export interface CreditUsage {
  tenantId: string;
  day: CreditPeriodUsage;
  month: CreditPeriodUsage;
  /** Credits spent this month per operation (`people.enrich`…). */
  byOperation: Record<string, number>;
}

/** What is cached: the enrichment of a person or of an organization. */
export type EnrichmentKind = 'person' | 'organization';

/**
 * Records the Apollo credits each call spends, enforces per-tenant daily and monthly
 * budgets before calls are sent, reports usage, and caches enrichment results so the
 * same email or domain is not paid for twice within the TTL.
 */
export interface CreditTracker {
  /**
   * Holds `credits` for a call about to be sent, or raises `CreditBudgetExceededError`
   * when the tenant's daily or monthly budget cannot cover them.
   */
  reserve(tenantId: string, operation: string, credits: number): Promise<CreditReservation>;
  /** Records credits spent outside a reservation (no budget check). */
  record(tenantId: string, operation: string, credits: number, source?: 'response' | 'price'): Promise<void>;
  /** The tenant's spend today and this month, against its budgets. */
  usage(tenantId: string): Promise<CreditUsage>;
  /** Sets (or with `null` removes) a tenant's budget, over the `budgets` option. */
  setBudget(tenantId: string, budget: CreditBudget | null): Promise<void>;
  /** The budget that applies to a tenant. */
  budgetOf(tenantId: string): Promise<CreditBudget | undefined>;
  /** A cached enrichment stored under any of `identities`, if one is still fresh. */
  getCachedEnrichment<T>(
    tenantId: string,
    kind: EnrichmentKind,
    identities: readonly string[],
  ): Promise<T | undefined>;
  /** Caches an enrichment under each of `identities` for the TTL. */
  cacheEnrichment(
    tenantId: string,
    kind: EnrichmentKind,
    identities: readonly string[],
    value: unknown,
  ): Promise<void>;
  /** The cache TTL in ms (`0`: off). */
  readonly cacheTtlMs: number;
}

const DEFAULT_TTL_MS = 7 * 86_400_000;
const MAX_ATTEMPTS = 50;

const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);
const monthOf = (time: number) => new Date(time).toISOString().slice(0, 7);

const checkBudget = (budget: CreditBudget, where: string) => {
  for (const period of ['daily', 'monthly'] as const) {
    const value = budget[period];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new ConfigError(`${where}: "${period}" must be a number of credits >= 0, got ${String(value)}.`);
    }
  }
};

/**
 * Creates a credit tracker on any core `Storage`. Spend is counted per tenant, per UTC
 * day and month, with atomic commits, so several processes sharing one storage enforce
 * one budget.
 *
 * @example
 * ```ts
 * import { createMemoryStorage } from '@salesos/core';
 * import { createApolloClient, createCreditTracker } from '@salesos/apollo';
 *
 * const creditTracker = createCreditTracker({
 *   storage: createMemoryStorage(),
 *   budgets: { daily: 500, monthly: 8000 },
 *   cacheTtlMs: 30 * 86_400_000,
 * });
 * const client = createApolloClient({ tenantId: 'acme', creditTracker });
 * await client.people.enrich({ email: 'tim@apollo.io' });
 * console.log(await creditTracker.usage('acme'));
 * ```
 */
export function createCreditTracker(options: CreditTrackerOptions): CreditTracker {
  if (!options?.storage)
    throw new ConfigError('createCreditTracker: "storage" is required (a core Storage).');
  const storage = options.storage;
  const clock = options.clock ?? systemClock;
  const prefix: Key = options.keyPrefix ?? ['apollo'];
  const cacheTtlMs = options.cacheTtlMs ?? DEFAULT_TTL_MS;
  if (!(Number.isFinite(cacheTtlMs) && cacheTtlMs >= 0)) {
    throw new ConfigError(
      `createCreditTracker: "cacheTtlMs" must be a number of ms >= 0, got ${String(cacheTtlMs)}.`,
    );
  }
  if (options.budgets && typeof options.budgets === 'object')
    checkBudget(options.budgets, 'createCreditTracker budgets');

  const checkTenant = (tenantId: string) => {
    if (typeof tenantId !== 'string' || tenantId === '') {
      throw new ConfigError('Apollo credit tracking needs a non-empty tenantId.');
    }
  };
  const spentKey = (tenantId: string, period: CreditBudgetPeriod, name: string): Key => [
    ...prefix,
    'credits',
    tenantId,
    period,
    name,
  ];
  const operationKey = (tenantId: string, month: string, operation: string): Key => [
    ...prefix,
    'credits',
    tenantId,
    'operation',
    month,
    operation,
  ];
  const budgetKey = (tenantId: string): Key => [...prefix, 'budget', tenantId];
  const cacheKey = (tenantId: string, kind: EnrichmentKind, identity: string): Key => [
    ...prefix,
    'enrichment',
    tenantId,
    kind,
    identity,
  ];

  const budgetOf = async (tenantId: string): Promise<CreditBudget | undefined> => {
    const stored = await storage.get<CreditBudget>(budgetKey(tenantId));
    if (stored.value !== null) return stored.value;
    const configured = options.budgets;
    if (typeof configured === 'function') return (await configured(tenantId)) ?? undefined;
    return configured;
  };

  const spend = async (
    tenantId: string,
    operation: string,
    periods: { day: string; month: string },
    delta: number,
    spent: number,
  ) => {
    const atomic = storage.atomic();
    if (delta !== 0) {
      atomic
        .sum(spentKey(tenantId, 'day', periods.day), delta)
        .sum(spentKey(tenantId, 'month', periods.month), delta);
    }
    if (spent !== 0) atomic.sum(operationKey(tenantId, periods.month, operation), spent);
    await atomic.commit();
  };

  const emitSpent = (tenantId: string, operation: string, credits: number, source: 'response' | 'price') => {
    if (credits > 0) {
      options.events?.emit('apollo.credits.spent', {
        vendor: 'apollo',
        tenantId,
        operation,
        credits,
        source,
      });
    }
  };

  const tracker: CreditTracker = {
    cacheTtlMs,

    async reserve(tenantId, operation, credits) {
      checkTenant(tenantId);
      if (!(Number.isFinite(credits) && credits >= 0)) {
        throw new ConfigError(`Apollo credit reservation must be a number >= 0, got ${String(credits)}.`);
      }
      const now = clock.now();
      const periods = { day: dayOf(now), month: monthOf(now) };
      const budget = (await budgetOf(tenantId)) ?? {};
      const dayKey = spentKey(tenantId, 'day', periods.day);
      const monthKey = spentKey(tenantId, 'month', periods.month);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        const [day, month] = await storage.getMany<number>([dayKey, monthKey]);
        const spentToday = day?.value ?? 0;
        const spentThisMonth = month?.value ?? 0;
        for (const [period, limit, spent] of [
          ['day', budget.daily, spentToday],
          ['month', budget.monthly, spentThisMonth],
        ] as const) {
          if (limit !== undefined && spent + credits > limit) {
            const details = { tenantId, operation, period, budget: limit, spent, requested: credits };
            options.events?.emit('apollo.credits.budget_exceeded', { vendor: 'apollo', ...details });
            throw new CreditBudgetExceededError(details);
          }
        }
        if (credits === 0) break;
        const committed = await storage
          .atomic()
          .check(day ?? { key: dayKey, versionstamp: null }, month ?? { key: monthKey, versionstamp: null })
          .set(dayKey, spentToday + credits)
          .set(monthKey, spentThisMonth + credits)
          .commit();
        if (committed.ok) break;
        if (attempt === MAX_ATTEMPTS - 1) {
          throw new StorageError(
            `Could not reserve Apollo credits for tenant "${tenantId}": too much contention.`,
          );
        }
      }
      let open = true;
      return {
        credits,
        async settle(spent, source) {
          if (!open) return;
          open = false;
          await spend(tenantId, operation, periods, spent - credits, spent);
          emitSpent(tenantId, operation, spent, source);
        },
        async release() {
          if (!open) return;
          open = false;
          if (credits !== 0) await spend(tenantId, operation, periods, -credits, 0);
        },
      };
    },

    async record(tenantId, operation, credits, source = 'price') {
      checkTenant(tenantId);
      if (credits === 0) return;
      const now = clock.now();
      await spend(tenantId, operation, { day: dayOf(now), month: monthOf(now) }, credits, credits);
      emitSpent(tenantId, operation, credits, source);
    },

    async usage(tenantId) {
      checkTenant(tenantId);
      const now = clock.now();
      const day = dayOf(now);
      const month = monthOf(now);
      const budget = (await budgetOf(tenantId)) ?? {};
      const [spentToday, spentThisMonth] = await storage.getMany<number>([
        spentKey(tenantId, 'day', day),
        spentKey(tenantId, 'month', month),
      ]);
      const byOperation: Record<string, number> = {};
      const operationPrefix: Key = [...prefix, 'credits', tenantId, 'operation', month];
      for await (const entry of storage.list<number>({ prefix: operationPrefix })) {
        byOperation[String(entry.key[entry.key.length - 1])] = entry.value;
      }
      const period = (name: string, spent: number, limit: number | undefined): CreditPeriodUsage => ({
        period: name,
        spent,
        budget: limit,
        remaining: limit === undefined ? undefined : Math.max(0, limit - spent),
      });
      return {
        tenantId,
        day: period(day, spentToday?.value ?? 0, budget.daily),
        month: period(month, spentThisMonth?.value ?? 0, budget.monthly),
        byOperation,
      };
    },

    async setBudget(tenantId, budget) {
      checkTenant(tenantId);
      if (budget === null) {
        await storage.delete(budgetKey(tenantId));
        return;
      }
      checkBudget(budget, `setBudget("${tenantId}")`);
      const stored: CreditBudget = {};
      if (budget.daily !== undefined) stored.daily = budget.daily;
      if (budget.monthly !== undefined) stored.monthly = budget.monthly;
      await storage.set(budgetKey(tenantId), stored);
    },

    budgetOf: async (tenantId) => {
      checkTenant(tenantId);
      return budgetOf(tenantId);
    },

    async getCachedEnrichment<T>(tenantId: string, kind: EnrichmentKind, identities: readonly string[]) {
      if (cacheTtlMs === 0 || identities.length === 0) return undefined;
      checkTenant(tenantId);
      const entries = await storage.getMany<{ value: T }>(
        identities.map((identity) => cacheKey(tenantId, kind, identity)),
      );
      const found = entries.find((entry) => entry.value !== null);
      options.events?.emit('apollo.enrichment.cache', {
        vendor: 'apollo',
        tenantId,
        kind,
        hit: found !== undefined,
      });
      return found?.value?.value;
    },

    async cacheEnrichment(tenantId, kind, identities, value) {
      if (cacheTtlMs === 0 || identities.length === 0) return;
      checkTenant(tenantId);
      const atomic = storage.atomic();
      for (const identity of new Set(identities)) {
        atomic.set(cacheKey(tenantId, kind, identity), { value }, { expireIn: cacheTtlMs });
      }
      await atomic.commit();
    },
  };
  return tracker;
}
