import { SalesOSError } from '@salesos/core';

const marker = Symbol.for('salesos.error.apollo.credit_budget_exceeded');

/** The budget period a `CreditBudgetExceededError` is about. */
export type CreditBudgetPeriod = 'day' | 'month';

/** Details of a `CreditBudgetExceededError`. */
export interface CreditBudgetExceededDetails {
  tenantId: string;
  /** The operation that was refused (`people.bulkEnrich`). */
  operation: string;
  period: CreditBudgetPeriod;
  /** The budget of the period. */
  budget: number;
  /** Credits already spent (or reserved by calls in flight) in the period. */
  spent: number;
  /** Credits the refused call could have spent. */
  requested: number;
}

/**
 * A call was refused before it was sent because it could spend more Apollo credits than
 * the tenant's daily or monthly budget has left. Nothing was spent.
 */
export class CreditBudgetExceededError extends SalesOSError {
  override readonly code: string = 'credit_budget_exceeded';
  readonly tenantId: string;
  readonly operation: string;
  readonly period: CreditBudgetPeriod;
  readonly budget: number;
  readonly spent: number;
  readonly requested: number;
  /** @internal */
  readonly [marker] = true;

  constructor(details: CreditBudgetExceededDetails) {
    super(
      `Apollo ${details.operation} for tenant "${details.tenantId}" could spend ${details.requested} credit(s), but only ${Math.max(0, details.budget - details.spent)} of the ${details.period === 'day' ? 'daily' : 'monthly'} budget of ${details.budget} are left. Nothing was sent; raise the budget or wait for the next ${details.period}.`,
    );
    this.tenantId = details.tenantId;
    this.operation = details.operation;
    this.period = details.period;
    this.budget = details.budget;
    this.spent = details.spent;
    this.requested = details.requested;
  }

  static override isInstance(value: unknown): value is CreditBudgetExceededError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      tenantId: this.tenantId,
      operation: this.operation,
      period: this.period,
      budget: this.budget,
      spent: this.spent,
      requested: this.requested,
    };
  }
}
