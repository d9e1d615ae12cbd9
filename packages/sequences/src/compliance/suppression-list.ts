import { type Clock, type EventBus, type Storage, systemClock } from '@salesos/core';
import { normalizeEmail } from '../internal/email-address.ts';
import { keys } from '../internal/keys.ts';

/** Why an address is suppressed. `erased`: the person's data was erased on request (a data subject request). */
export type SuppressionReason = 'unsubscribed' | 'bounced' | 'complaint' | 'manual' | 'erased';

/** One suppressed address. */
export interface SuppressionEntry {
  /** Lower-cased address. */
  email: string;
  reason: SuppressionReason;
  /** ISO time it was added. */
  at: string;
}

/** Options of `createSuppressionList`. */
export interface SuppressionListOptions {
  storage: Storage;
  /** Default: the system clock. */
  clock?: Clock;
  /** Emits `sequences.suppressed` when an address is added. */
  events?: EventBus;
}

/** Addresses that must never be emailed, per tenant. The engine checks it before every send. */
export interface SuppressionList {
  /** Adds an address (compared case-insensitively). Adding it again keeps the first entry. */
  add(input: { tenantId: string; email: string; reason: SuppressionReason }): Promise<SuppressionEntry>;
  /** Removes an address, e.g. after a person opts back in. */
  remove(input: { tenantId: string; email: string }): Promise<void>;
  /** The entry of an address, or `undefined`. */
  get(input: { tenantId: string; email: string }): Promise<SuppressionEntry | undefined>;
  /** True when the address is suppressed. */
  has(input: { tenantId: string; email: string }): Promise<boolean>;
  /** Every suppressed address of a tenant, in address order. */
  list(input: { tenantId: string }): AsyncIterable<SuppressionEntry>;
}

/**
 * A suppression list on any `Storage`.
 *
 * @example
 * ```ts
 * const suppression = createSuppressionList({ storage });
 * await suppression.add({ tenantId: 't1', email: 'Ada@Acme.com', reason: 'manual' });
 * await suppression.has({ tenantId: 't1', email: 'ada@acme.com' }); // true
 * ```
 */
export function createSuppressionList(options: SuppressionListOptions): SuppressionList {
  const { storage } = options;
  const clock = options.clock ?? systemClock;
  const get = async (input: { tenantId: string; email: string }) => {
    const entry = await storage.get<SuppressionEntry>(
      keys.suppression(input.tenantId, normalizeEmail(input.email)),
    );
    return entry.value ?? undefined;
  };
  return {
    async add(input) {
      const email = normalizeEmail(input.email);
      const key = keys.suppression(input.tenantId, email);
      for (;;) {
        const current = await storage.get<SuppressionEntry>(key);
        if (current.value) return current.value;
        const entry: SuppressionEntry = {
          email,
          reason: input.reason,
          at: new Date(clock.now()).toISOString(),
        };
        const result = await storage.atomic().check(current).set(key, entry).commit();
        if (result.ok) {
          options.events?.emit('sequences.suppressed', {
            tenantId: input.tenantId,
            email,
            reason: input.reason,
          });
          return entry;
        }
      }
    },
    async remove(input) {
      await storage.delete(keys.suppression(input.tenantId, normalizeEmail(input.email)));
    },
    get,
    async has(input) {
      return (await get(input)) !== undefined;
    },
    async *list(input) {
      for await (const entry of storage.list<SuppressionEntry>({
        prefix: keys.suppression(input.tenantId),
      })) {
        yield entry.value;
      }
    },
  };
}
