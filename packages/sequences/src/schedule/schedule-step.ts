import { ConfigError } from '@salesos/core';
import { DAY_MS, dayOf, fromWallClock, HOUR_MS, MINUTE_MS, toWallClock } from '../internal/zoned-time.ts';
import { compileWindow, nextOpenDay, nextOpeningLocal, type SendWindow } from './send-window.ts';

/**
 * How long to wait before a step, counted inside the send window. Business days are days the
 * window opens on (holidays excluded) and keep the local wall-clock time; hours and minutes are
 * window time, so two hours from 16:00 in a 09:00–17:00 window is 10:00 on the next open day.
 */
export interface StepDelay {
  /** Open days to skip ahead, keeping the local time of day. Default `0`. */
  businessDays?: number;
  /** Hours of window time. Default `0`. */
  hours?: number;
  /** Minutes of window time. Default `0`. */
  minutes?: number;
}

/** Input of `scheduleStep`. */
export interface ScheduleStepOptions {
  /** When the delay starts: the previous step's run, or the enrolment. */
  from: Date | number;
  /** The step's delay. Default: none (the next opening of the window). */
  delay?: StepDelay;
  /** When steps may run, in local time of `timeZone`. */
  window: SendWindow;
  /** IANA time zone the window is read in: the prospect's, else the sender's. */
  timeZone: string;
  /** Local ISO dates (`'2026-12-25'`) the window stays closed. */
  holidays?: readonly string[];
}

function delayPart(value: number | undefined, field: string): number {
  if (value === undefined) return 0;
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigError(`delay.${field} must be a finite number of at least 0, got ${String(value)}`);
  }
  return value;
}

/**
 * The time a step is due.
 *
 * The delay is counted inside the window in the given time zone: a `from` outside the window
 * counts from the window's next opening; business days move to the next open days keeping the
 * local time of day; hours and minutes consume window time only; a result outside the window
 * moves to its next opening. Local wall-clock time is kept across daylight-saving changes
 * (a time the clocks skip moves forward by the jump), and holidays are skipped.
 *
 * @example
 * ```ts
 * // Friday 16:00 in Los Angeles, one business day later, Monday being a holiday:
 * scheduleStep({
 *   from: new Date('2026-01-16T16:00:00-08:00'),
 *   delay: { businessDays: 1 },
 *   window: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
 *   timeZone: 'America/Los_Angeles',
 *   holidays: ['2026-01-19'],
 * }); // → Tuesday 2026-01-20 16:00 in Los Angeles
 * ```
 */
export function scheduleStep(options: ScheduleStepOptions): Date {
  const from = Number(options.from);
  if (!Number.isFinite(from)) throw new ConfigError('scheduleStep "from" must be a valid date');
  const businessDays = delayPart(options.delay?.businessDays, 'businessDays');
  if (!Number.isInteger(businessDays)) {
    throw new ConfigError(`delay.businessDays must be a whole number, got ${businessDays}`);
  }
  let remaining =
    delayPart(options.delay?.hours, 'hours') * HOUR_MS +
    delayPart(options.delay?.minutes, 'minutes') * MINUTE_MS;
  const window = compileWindow(options.window, options.holidays);

  let local = nextOpeningLocal(window, toWallClock(from, options.timeZone));
  for (let count = 0; count < businessDays; count += 1) {
    const day = dayOf(local);
    local = nextOpenDay(window, day) * DAY_MS + (local - day * DAY_MS);
  }
  while (remaining > 0) {
    const closing = dayOf(local) * DAY_MS + window.endMs;
    const available = closing - local;
    if (remaining < available) {
      local += remaining;
      remaining = 0;
    } else {
      remaining -= available;
      local = nextOpeningLocal(window, closing);
    }
  }
  local = nextOpeningLocal(window, local);
  return new Date(Math.max(from, fromWallClock(local, options.timeZone, from)));
}
