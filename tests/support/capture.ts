import type { EventBus, Logger } from '@salesos/core';

/** One call to a captured logger. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown> | undefined;
  message: string | undefined;
}

/** A logger that keeps every line, for tests that inspect what was logged. */
export function createCapturingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const method =
    (level: LogLine['level']) =>
    (first: string | Record<string, unknown>, second?: string): void => {
      if (typeof first === 'string') lines.push({ level, fields: undefined, message: first });
      else lines.push({ level, fields: first, message: second });
    };
  return {
    lines,
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
  };
}

/** Every event emitted on `events` from now on, in order. */
export function captureEvents(events: EventBus): { type: string; payload: unknown }[] {
  const seen: { type: string; payload: unknown }[] = [];
  events.onAny((type, payload) => seen.push({ type: String(type), payload }));
  return seen;
}
