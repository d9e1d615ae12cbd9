import { randomUUID } from 'node:crypto';
import type { EventBus, Queue, Storage } from '@salesos/core';

/** The state of one dependency. */
export interface CheckResult {
  status: 'ok' | 'degraded';
  /** Why it is degraded. */
  reason?: string;
  /** Set when the vendor is the in-process simulator. */
  simulated?: boolean;
}

/** What `GET /health` answers. */
export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: { storage: CheckResult; queue: CheckResult } & Record<string, CheckResult>;
}

/** A vendor as the health check sees it. */
export interface VendorProbe {
  name: string;
  simulated: boolean;
  /** A cheap authenticated call; it throws when the vendor cannot be used. */
  probe(signal: AbortSignal): Promise<unknown>;
}

/** Runs the health checks. */
export interface HealthCheck {
  check(): Promise<HealthReport>;
  close(): void;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * What an unauthenticated `/health` may say of a storage or queue failure: the error's class and
 * code. Its message can name a file path, a host or a user, so that goes to the log only.
 */
const kindOf = (error: unknown): string => {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? `${error.name} (${code})` : error.name;
};

/**
 * Creates the health check: storage (a write and read back), queue (reachable, no dead letters)
 * and each vendor (its circuit breaker is closed and a cheap call succeeds; vendor calls are made
 * at most every `vendorTtlMs`, so health checks do not spend the vendors' rate limits).
 */
export function createHealthCheck(options: {
  storage: Storage;
  queue: Queue;
  queueNames: readonly string[];
  vendors: readonly VendorProbe[];
  events: EventBus;
  vendorTtlMs?: number;
  timeoutMs?: number;
  /** Where the full storage and queue errors go; `/health` itself gives only their kind. */
  logger?: { warn(object: object, message: string): void };
}): HealthCheck {
  const ttl = options.vendorTtlMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const circuits = new Map<string, string>();
  const cached = new Map<string, { at: number; result: Promise<CheckResult> }>();
  const unsubscribe = options.events.on('circuit.state', ({ vendor, state }) => {
    circuits.set(vendor, state);
    // A change of state makes the cached probe stale.
    cached.delete(vendor);
  });

  const storageCheck = async (): Promise<CheckResult> => {
    try {
      const key = ['health', 'probe', randomUUID()];
      await options.storage.set(key, 'ok', { expireIn: 60_000 });
      const read = await options.storage.get<string>(key);
      await options.storage.delete(key);
      return read.value === 'ok'
        ? { status: 'ok' }
        : { status: 'degraded', reason: 'a write was not read back' };
    } catch (error) {
      options.logger?.warn({ check: 'storage', error: messageOf(error) }, 'health: storage failed');
      return { status: 'degraded', reason: `storage failed: ${kindOf(error)}` };
    }
  };

  const queueCheck = async (): Promise<CheckResult> => {
    try {
      const dead: string[] = [];
      for (const name of options.queueNames) {
        const counts = await options.queue.counts(name);
        if (counts.dead > 0) dead.push(`${counts.dead} in ${name}`);
      }
      return dead.length === 0
        ? { status: 'ok' }
        : { status: 'degraded', reason: `dead-lettered jobs: ${dead.join(', ')}` };
    } catch (error) {
      options.logger?.warn({ check: 'queue', error: messageOf(error) }, 'health: queue failed');
      return { status: 'degraded', reason: `queue failed: ${kindOf(error)}` };
    }
  };

  const vendorCheck = (vendor: VendorProbe): Promise<CheckResult> => {
    const state = circuits.get(vendor.name);
    if (state === 'open')
      return Promise.resolve({ status: 'degraded', reason: 'circuit breaker open after repeated failures' });
    const hit = cached.get(vendor.name);
    if (hit && Date.now() - hit.at < ttl) return hit.result;
    const result = (async (): Promise<CheckResult> => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        await Promise.race([
          vendor.probe(controller.signal),
          new Promise((_resolve, reject) =>
            controller.signal.addEventListener('abort', () =>
              reject(new Error(`no answer in ${timeoutMs} ms`)),
            ),
          ),
        ]);
        return { status: 'ok', ...(vendor.simulated ? { simulated: true } : {}) };
      } catch (error) {
        return {
          status: 'degraded',
          reason: messageOf(error),
          ...(vendor.simulated ? { simulated: true } : {}),
        };
      } finally {
        clearTimeout(timer);
      }
    })();
    cached.set(vendor.name, { at: Date.now(), result });
    return result;
  };

  return {
    async check() {
      const [storage, queue, ...vendors] = await Promise.all([
        storageCheck(),
        queueCheck(),
        ...options.vendors.map(vendorCheck),
      ]);
      const checks: HealthReport['checks'] = { storage: storage as CheckResult, queue: queue as CheckResult };
      options.vendors.forEach((vendor, index) => {
        checks[vendor.name] = vendors[index] as CheckResult;
      });
      const status = Object.values(checks).every((check) => check.status === 'ok') ? 'ok' : 'degraded';
      return { status, checks };
    },
    close: unsubscribe,
  };
}
