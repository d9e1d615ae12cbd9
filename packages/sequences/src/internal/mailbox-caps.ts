import type { AtomicCheck, Key, Storage } from '@salesos/core';
import type { SequenceDefinition } from '../definition/sequence-definition.ts';
import type { Enrollment } from '../engine/types.ts';
import type { DeferReason } from '../events.ts';
import { nextWindowOpening } from '../schedule/send-window.ts';
import { normalizeEmail } from './email-address.ts';
import { keys } from './keys.ts';
import { DAY_MS, dayOf, fromWallClock, HOUR_MS, isoDateOf, isTimeZone, toWallClock } from './zoned-time.ts';

/** A slot under the caps (checks and writes to commit with the intent), or when to try again. */
export type CapReservation =
  | { ok: true; checks: AtomicCheck[]; writes: [key: Key, value: number, expireIn: number][] }
  | { ok: false; until: Date; reason: DeferReason };

/**
 * Reads a mailbox's counters for today (in the mailbox's time zone) and this clock hour. The
 * increments are committed together with the step's intent, so a slot is taken exactly once
 * and a repeat of the step does not take another.
 */
export async function reserveMailboxCaps(
  storage: Storage,
  enrollment: Enrollment,
  definition: SequenceDefinition,
  now: number,
): Promise<CapReservation> {
  const caps = definition.settings.mailboxCaps;
  if (caps.daily === undefined && caps.hourly === undefined) return { ok: true, checks: [], writes: [] };
  const mailbox = normalizeEmail(enrollment.mailbox.email);
  const mailboxZone =
    enrollment.mailbox.timeZone && isTimeZone(enrollment.mailbox.timeZone)
      ? enrollment.mailbox.timeZone
      : definition.settings.timeZone;
  const localNow = toWallClock(now, mailboxZone);
  const today = dayOf(localNow);
  const hour = Math.floor(now / HOUR_MS);
  const dayKey = keys.capDay(enrollment.tenantId, mailbox, isoDateOf(today));
  const hourKey = keys.capHour(enrollment.tenantId, mailbox, hour);
  const [dayEntry, hourEntry] = await storage.getMany<number>([dayKey, hourKey]);
  const dayCount = dayEntry?.value ?? 0;
  const hourCount = hourEntry?.value ?? 0;
  const window = { window: definition.settings.sendWindow, timeZone: enrollment.timeZone };
  const holidays = definition.settings.holidays;
  if (caps.daily !== undefined && dayCount >= caps.daily) {
    // The start of the mailbox's next day, as an instant: local midnight minus that day's offset.
    const nextDay = fromWallClock((today + 1) * DAY_MS, mailboxZone, now);
    return {
      ok: false,
      reason: 'daily_cap',
      until: nextWindowOpening({ from: nextDay, ...window, holidays }),
    };
  }
  if (caps.hourly !== undefined && hourCount >= caps.hourly) {
    return {
      ok: false,
      reason: 'hourly_cap',
      until: nextWindowOpening({ from: (hour + 1) * HOUR_MS, ...window, holidays }),
    };
  }
  return {
    ok: true,
    checks: [dayEntry, hourEntry].filter((entry): entry is NonNullable<typeof entry> => entry !== undefined),
    writes: [
      [dayKey, dayCount + 1, 3 * DAY_MS],
      [hourKey, hourCount + 1, 3 * HOUR_MS],
    ],
  };
}
