import { ConfigError } from '@salesos/core';
import {
  DAY_MS,
  dayOf,
  dayOfIsoDate,
  fromWallClock,
  MINUTE_MS,
  toWallClock,
  weekdayOf,
} from '../internal/zoned-time.ts';

/** Lower-case three-letter weekday names, Sunday first. */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** A weekday name such as `'mon'`. */
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * When steps may run: on `days`, from `start` (inclusive) to `end` (exclusive), both `'HH:mm'`
 * in local time of the time zone the window is applied in. `end` may be `'24:00'`.
 */
export interface SendWindow {
  /** Weekdays the window opens on, such as `['mon', 'tue', 'wed', 'thu', 'fri']`. */
  days: readonly Weekday[];
  /** Local opening time, `'HH:mm'`. */
  start: string;
  /** Local closing time, `'HH:mm'` (exclusive), after `start`. */
  end: string;
}

/** @internal A send window prepared for fast checks. */
export interface CompiledWindow {
  readonly openDays: readonly boolean[];
  readonly startMs: number;
  readonly endMs: number;
  readonly holidays: ReadonlySet<number>;
}

const CLOCK_PATTERN = /^(\d{2}):(\d{2})$/;
/** How far ahead an opening is searched before the window is declared never open. */
const MAX_SEARCH_DAYS = 3 * 366;

function parseClock(value: string, field: string): number {
  const match = CLOCK_PATTERN.exec(value);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) {
    throw new ConfigError(
      `Send window "${field}" must be a local time "HH:mm" (00:00 to 24:00), got "${value}"`,
    );
  }
  return (hours * 60 + minutes) * MINUTE_MS;
}

const compiled = new WeakMap<object, { holidays: readonly string[] | undefined; window: CompiledWindow }>();

/** @internal Validates a window and its holidays and prepares them; cached per window object. */
export function compileWindow(window: SendWindow, holidays?: readonly string[]): CompiledWindow {
  const cached = compiled.get(window);
  if (cached && cached.holidays === holidays) return cached.window;
  if (!Array.isArray(window.days) || window.days.length === 0) {
    throw new ConfigError('Send window "days" must name at least one weekday, such as ["mon", "tue"]');
  }
  const openDays = WEEKDAYS.map(() => false);
  for (const day of window.days) {
    const index = WEEKDAYS.indexOf(day);
    if (index < 0) {
      throw new ConfigError(
        `Send window "days" has "${String(day)}": expected one of ${WEEKDAYS.join(', ')}`,
      );
    }
    openDays[index] = true;
  }
  const startMs = parseClock(window.start, 'start');
  const endMs = parseClock(window.end, 'end');
  if (endMs <= startMs) {
    throw new ConfigError(`Send window "end" (${window.end}) must be after "start" (${window.start})`);
  }
  const holidayDays = new Set<number>();
  for (const [index, holiday] of (holidays ?? []).entries()) {
    const day = dayOfIsoDate(holiday);
    if (day === undefined) {
      throw new ConfigError(`holidays[${index}] must be an ISO date such as "2026-12-25", got "${holiday}"`);
    }
    holidayDays.add(day);
  }
  const result: CompiledWindow = { openDays, startMs, endMs, holidays: holidayDays };
  compiled.set(window, { holidays, window: result });
  return result;
}

/** @internal True when the window opens on this day number (right weekday, not a holiday). */
export function isOpenDay(window: CompiledWindow, day: number): boolean {
  return window.openDays[weekdayOf(day)] === true && !window.holidays.has(day);
}

/** @internal True when local milliseconds fall inside the window. */
export function isInsideLocal(window: CompiledWindow, localMs: number): boolean {
  const day = dayOf(localMs);
  const timeOfDay = localMs - day * DAY_MS;
  return isOpenDay(window, day) && timeOfDay >= window.startMs && timeOfDay < window.endMs;
}

/** @internal The first local time at or after `localMs` inside the window. */
export function nextOpeningLocal(window: CompiledWindow, localMs: number): number {
  let day = dayOf(localMs);
  const timeOfDay = localMs - day * DAY_MS;
  if (isOpenDay(window, day)) {
    if (timeOfDay < window.startMs) return day * DAY_MS + window.startMs;
    if (timeOfDay < window.endMs) return localMs;
  }
  for (let step = 0; step < MAX_SEARCH_DAYS; step += 1) {
    day += 1;
    if (isOpenDay(window, day)) return day * DAY_MS + window.startMs;
  }
  throw new ConfigError('The send window never opens: every weekday it names is a holiday for three years');
}

/** @internal The next day number after `day` the window opens on. */
export function nextOpenDay(window: CompiledWindow, day: number): number {
  for (let step = 0; step < MAX_SEARCH_DAYS; step += 1) {
    day += 1;
    if (isOpenDay(window, day)) return day;
  }
  throw new ConfigError('The send window never opens: every weekday it names is a holiday for three years');
}

/** True when `at` falls inside `window` in `timeZone`, holidays excluded. */
export function isWithinSendWindow(options: {
  at: Date | number;
  window: SendWindow;
  timeZone: string;
  holidays?: readonly string[];
}): boolean {
  const window = compileWindow(options.window, options.holidays);
  return isInsideLocal(window, toWallClock(Number(options.at), options.timeZone));
}

/** The first instant at or after `from` inside `window` in `timeZone`, holidays skipped. */
export function nextWindowOpening(options: {
  from: Date | number;
  window: SendWindow;
  timeZone: string;
  holidays?: readonly string[];
}): Date {
  const from = Number(options.from);
  const window = compileWindow(options.window, options.holidays);
  const local = nextOpeningLocal(window, toWallClock(from, options.timeZone));
  return new Date(Math.max(from, fromWallClock(local, options.timeZone, from)));
}
