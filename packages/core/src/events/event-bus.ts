import { EventEmitter } from 'eventemitter3';

/** Fields every HTTP event carries. */
export interface HttpEventBase {
  /** Vendor name given to `createHttpClient`. */
  vendor: string;
  method: string;
  /** The path template (`/people/{id}`), never the filled path, so metrics stay low-cardinality. */
  path: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Rate-limit cost charged for the call. */
  cost: number;
}

/** Payloads of the events SalesOS emits. Packages add theirs by declaration merging. */
export interface SalesOSEventMap {
  /** A request is about to be sent. */
  'http.request': HttpEventBase;
  /** A response arrived (any status). */
  'http.response': HttpEventBase & { status: number; durationMs: number };
  /** A failed attempt will be retried after `delayMs`. */
  'http.retry': HttpEventBase & { status?: number | undefined; delayMs: number; errorCode: string };
  /** A call failed for good. */
  'http.error': HttpEventBase & { status?: number | undefined; durationMs: number; errorCode: string };
  /** A rate limiter is holding calls back. */
  'ratelimit.wait': { vendor: string; waitMs: number; reason: string };
  /** The circuit breaker changed state. */
  'circuit.state': { vendor: string; state: 'closed' | 'open' | 'half-open' };
}

type Listener<Payload> = (payload: Payload) => void;

/**
 * A typed publish/subscribe bus. One bus can be shared by every client and engine
 * of an application, so metrics and tracing subscribe in one place.
 *
 * @example
 * ```ts
 * const events = createEventBus();
 * events.on('http.response', ({ vendor, path, status, durationMs }) => {
 *   histogram.observe({ vendor, path, status }, durationMs);
 * });
 * const client = createHttpClient({ vendor: 'example', baseUrl, events });
 * ```
 */
export interface EventBus<Events extends object = SalesOSEventMap> {
  on<Type extends keyof Events & string>(type: Type, listener: Listener<Events[Type]>): () => void;
  once<Type extends keyof Events & string>(type: Type, listener: Listener<Events[Type]>): () => void;
  off<Type extends keyof Events & string>(type: Type, listener: Listener<Events[Type]>): void;
  emit<Type extends keyof Events & string>(type: Type, payload: Events[Type]): void;
  /** Subscribes to every event; the listener receives the type and the payload. */
  onAny(listener: (type: keyof Events & string, payload: Events[keyof Events]) => void): () => void;
}

const ANY = Symbol('any');

/**
 * Creates an `EventBus` on eventemitter3. A listener that throws, or returns a promise that
 * rejects, is isolated: the error is reported through `onListenerError` (default: ignored) and
 * the other listeners still run. An `onListenerError` that throws itself is ignored.
 */
export function createEventBus<Events extends object = SalesOSEventMap>(
  options: { onListenerError?: (error: unknown, type: string) => void } = {},
): EventBus<Events> {
  const emitter = new EventEmitter();
  const report = (error: unknown, type: string) => {
    try {
      options.onListenerError?.(error, type);
    } catch {
      // The error reporter failing must not stop the emit either.
    }
  };
  const guard =
    <Args extends unknown[]>(type: string, listener: (...args: Args) => unknown) =>
    (...args: Args) => {
      try {
        const result = listener(...args);
        if (result instanceof Promise) result.catch((error: unknown) => report(error, type));
      } catch (error) {
        report(error, type);
      }
    };
  // Each listener's wrappers by event type, so `off(type, listener)` finds the one of that type
  // even when the same function listens to several types.
  // biome-ignore lint/suspicious/noExplicitAny: eventemitter3 listeners take any arguments
  type Wrapper = (...args: any[]) => void;
  const wrappers = new WeakMap<object, Map<string, Set<Wrapper>>>();
  const remember = (listener: object, type: string, safe: Wrapper) => {
    const byType = wrappers.get(listener) ?? new Map<string, Set<Wrapper>>();
    wrappers.set(listener, byType);
    const set = byType.get(type) ?? new Set<Wrapper>();
    byType.set(type, set);
    set.add(safe);
  };
  const forget = (listener: object, type: string, safe: Wrapper) => {
    wrappers.get(listener)?.get(type)?.delete(safe);
  };
  const subscribe = (type: string, listener: Wrapper, once: boolean): (() => void) => {
    const guarded: Wrapper = guard(type, listener);
    const safe: Wrapper = once
      ? (...args) => {
          forget(listener, type, safe);
          guarded(...args);
        }
      : guarded;
    remember(listener, type, safe);
    if (once) emitter.once(type, safe);
    else emitter.on(type, safe);
    return () => {
      forget(listener, type, safe);
      emitter.off(type, safe);
    };
  };
  return {
    on: (type, listener) => subscribe(type, listener as Wrapper, false),
    once: (type, listener) => subscribe(type, listener as Wrapper, true),
    off(type, listener) {
      const set = wrappers.get(listener)?.get(type);
      if (!set) return;
      for (const safe of set) emitter.off(type, safe);
      set.clear();
    },
    emit(type, payload) {
      emitter.emit(type, payload);
      emitter.emit(ANY, type, payload);
    },
    onAny(listener) {
      const safe = guard('*', listener);
      emitter.on(ANY, safe);
      return () => emitter.off(ANY, safe);
    },
  };
}
