import { ConfigError } from '@salesos/core';

/** Milliseconds in a minute, an hour and a day. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The formatter of a time zone, created once. Throws `ConfigError` naming the zone when the
 * runtime does not know it.
 */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter) return formatter;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch (error) {
    throw new ConfigError(
      `Unknown time zone "${timeZone}": expected an IANA name such as "America/Los_Angeles"`,
      {
        cause: error,
      },
    );
  }
  formatters.set(timeZone, formatter);
  return formatter;
}

/** Throws `ConfigError` when `timeZone` is not an IANA time zone the runtime knows. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

/** True when `timeZone` is an IANA time zone the runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function computeOffset(epochMs: number, timeZone: string): number {
  const seconds = Math.floor(epochMs / 1000) * 1000;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatterFor(timeZone).formatToParts(seconds)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
    }
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) - seconds;
}

const BUCKET_MS = 15 * MINUTE_MS;
const offsetCache = new Map<string, number>();

/**
 * The UTC offset of `timeZone` at `epochMs`, in milliseconds (negative west of Greenwich).
 * Offsets are cached per quarter hour when both ends of the quarter agree, so a transition
 * inside the quarter is always computed exactly.
 */
export function offsetAt(epochMs: number, timeZone: string): number {
  const bucket = Math.floor(epochMs / BUCKET_MS);
  const cacheKey = `${timeZone}|${bucket}`;
  const cached = offsetCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const start = bucket * BUCKET_MS;
  const atStart = computeOffset(start, timeZone);
  const atEnd = computeOffset(start + BUCKET_MS - 1000, timeZone);
  if (atStart !== atEnd) return computeOffset(epochMs, timeZone);
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(cacheKey, atStart);
  return atStart;
}

/**
 * Wall-clock time of an instant in `timeZone`, as milliseconds since 1970-01-01T00:00 of that
 * wall clock ("local milliseconds"): date arithmetic on it is plain arithmetic.
 */
export function toWallClock(epochMs: number, timeZone: string): number {
  return epochMs + offsetAt(epochMs, timeZone);
}

/**
 * The instant a wall-clock time in `timeZone` denotes. A time that does not exist (skipped by
 * a daylight-saving jump) moves forward by the size of the jump. A time that exists twice
 * (clocks set back) takes the earlier instant not before `notBefore`, else the later one.
 */
export function fromWallClock(
  localMs: number,
  timeZone: string,
  notBefore = Number.NEGATIVE_INFINITY,
): number {
  const offsetBefore = offsetAt(localMs - DAY_MS, timeZone);
  const offsetAfter = offsetAt(localMs + DAY_MS, timeZone);
  const candidates = [localMs - offsetBefore, localMs - offsetAfter]
    .filter((instant) => toWallClock(instant, timeZone) === localMs)
    .sort((left, right) => left - right);
  if (candidates.length === 0) return localMs - offsetBefore;
  return candidates.find((instant) => instant >= notBefore) ?? (candidates.at(-1) as number);
}

/** Day number (days since 1970-01-01) of local milliseconds. */
export function dayOf(localMs: number): number {
  return Math.floor(localMs / DAY_MS);
}

/** Weekday of a day number: 0 Sunday … 6 Saturday. */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** ISO date (`2026-11-26`) of a day number. */
export function isoDateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Day number of an ISO date (`2026-11-26`), or `undefined` when it is not a real date. */
export function dayOfIsoDate(isoDate: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return undefined;
  const [, year, month, day] = match;
  const epoch = Date.UTC(Number(year), Number(month) - 1, Number(day));
  if (isoDateOf(epoch / DAY_MS) !== isoDate) return undefined;
  return epoch / DAY_MS;
}
