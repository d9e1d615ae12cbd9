import { type Backoff, backoffDelay } from '@salesos/core';
import type { BackoffOptions, MinimalJob } from 'bullmq';

const CAPPED = 'salesos-capped';

/**
 * BullMQ's backoff option for a contract `Backoff`. BullMQ's own fixed and exponential
 * strategies compute the same delays; a `maxDelayMs` cap needs the custom strategy, so the cap
 * travels in the type name: `salesos-capped:<type>:<maxDelayMs>`.
 */
export function toBullBackoff(backoff: Backoff): BackoffOptions {
  return backoff.maxDelayMs === undefined
    ? { type: backoff.type, delay: backoff.delayMs }
    : { type: `${CAPPED}:${backoff.type}:${backoff.maxDelayMs}`, delay: backoff.delayMs };
}

/** The custom strategy every worker registers: the delay after failed attempt `attemptsMade`. */
export function bullBackoffStrategy(
  attemptsMade: number,
  type?: string,
  _error?: Error,
  job?: MinimalJob,
): number {
  const [name, kind, max] = (type ?? '').split(':');
  if (name !== CAPPED) throw new Error(`Unknown backoff strategy "${type ?? ''}".`);
  const configured = job?.opts.backoff;
  const delayMs = typeof configured === 'object' && configured !== null ? (configured.delay ?? 0) : 0;
  return backoffDelay(
    { type: kind === 'fixed' ? 'fixed' : 'exponential', delayMs, maxDelayMs: Number(max) },
    attemptsMade,
  );
}
