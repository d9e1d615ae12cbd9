import type { Clock } from '@salesos/core';

/** Cost spent in one budget window. */
export interface SimulatorWindowUsage {
  /** Start of the window, epoch milliseconds. */
  start: number;
  /** Cost admitted in the window. */
  used: number;
  /** Requests refused with 429 in the window. */
  rejected: number;
}

/** What the simulated cost budget has seen. */
export interface SimulatorRateLimitStats {
  budget: number;
  windowMs: number;
  /** Cost admitted over the simulator's life. */
  totalCost: number;
  /** Requests admitted. */
  admitted: number;
  /** Requests refused with 429 because the budget was spent (429 bursts from `faults` not included). */
  rejected: number;
  /** Usage of the most recent windows (up to 1 000), oldest first. */
  windows: SimulatorWindowUsage[];
}

/** The outcome of charging one request. */
export interface BudgetDecision {
  allowed: boolean;
  cost: number;
  /** Budget left in the current window after this request. */
  remaining: number;
  /** Until the current window ends. */
  resetInMs: number;
}

/** The simulated team budget: fixed windows of `windowMs` that reset at each clock multiple (each minute). */
export interface SimulatorBudget {
  charge(cost: number): BudgetDecision;
  stats(): SimulatorRateLimitStats;
  /** Forgets the spending of the current window and the statistics. */
  reset(): void;
  budget: number;
  windowMs: number;
}

const MAX_WINDOWS = 1000;

/** Creates the cost budget the simulator enforces. */
export function createSimulatorBudget(options: {
  budget: number;
  windowMs: number;
  clock: Clock;
}): SimulatorBudget {
  const { clock } = options;
  let windows: SimulatorWindowUsage[] = [];
  let totalCost = 0;
  let admitted = 0;
  let rejected = 0;

  const current = (): SimulatorWindowUsage => {
    const start = Math.floor(clock.now() / budget.windowMs) * budget.windowMs;
    const last = windows[windows.length - 1];
    if (last && last.start === start) return last;
    const window = { start, used: 0, rejected: 0 };
    windows.push(window);
    if (windows.length > MAX_WINDOWS) windows = windows.slice(-MAX_WINDOWS);
    return window;
  };

  const budget: SimulatorBudget = {
    budget: options.budget,
    windowMs: options.windowMs,
    charge(cost) {
      const window = current();
      const resetInMs = window.start + budget.windowMs - clock.now();
      if (window.used + cost > budget.budget) {
        window.rejected += 1;
        rejected += 1;
        return { allowed: false, cost, remaining: Math.max(0, budget.budget - window.used), resetInMs };
      }
      window.used += cost;
      totalCost += cost;
      admitted += 1;
      return { allowed: true, cost, remaining: budget.budget - window.used, resetInMs };
    },
    stats: () => ({
      budget: budget.budget,
      windowMs: budget.windowMs,
      totalCost,
      admitted,
      rejected,
      windows: windows.map((window) => ({ ...window })),
    }),
    reset() {
      windows = [];
      totalCost = 0;
      admitted = 0;
      rejected = 0;
    },
  };
  return budget;
}
