import { ConfigError } from '@salesos/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scheduleStep } from './schedule-step.ts';
import { isWithinSendWindow, type SendWindow, WEEKDAYS } from './send-window.ts';

const weekdays: SendWindow = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' };
const LA = 'America/Los_Angeles';
const TOKYO = 'Asia/Tokyo';

describe('scheduleStep', () => {
  it('keeps a time that is already inside the window when there is no delay', () => {
    const from = new Date('2026-01-14T10:30:00-08:00');
    expect(scheduleStep({ from, window: weekdays, timeZone: LA })).toEqual(from);
  });

  it('moves a time on a weekend to the next opening', () => {
    const saturday = new Date('2026-01-17T11:00:00-08:00');
    expect(scheduleStep({ from: saturday, window: weekdays, timeZone: LA }).toISOString()).toBe(
      new Date('2026-01-19T09:00:00-08:00').toISOString(),
    );
  });

  it('moves a time after closing to the next open day', () => {
    const evening = new Date('2026-01-14T18:00:00-08:00');
    expect(scheduleStep({ from: evening, window: weekdays, timeZone: LA }).toISOString()).toBe(
      new Date('2026-01-15T09:00:00-08:00').toISOString(),
    );
  });

  it('counts business days over a weekend and a holiday, keeping the local time', () => {
    const friday = new Date('2026-01-16T14:15:00-08:00');
    const due = scheduleStep({
      from: friday,
      delay: { businessDays: 1 },
      window: weekdays,
      timeZone: LA,
      holidays: ['2026-01-19'],
    });
    expect(due.toISOString()).toBe(new Date('2026-01-20T14:15:00-08:00').toISOString());
  });

  it('counts hours and minutes as window time', () => {
    const friday = new Date('2026-01-16T16:00:00-08:00');
    const due = scheduleStep({
      from: friday,
      delay: { hours: 2, minutes: 30 },
      window: weekdays,
      timeZone: LA,
    });
    expect(due.toISOString()).toBe(new Date('2026-01-19T10:30:00-08:00').toISOString());
  });

  it('counts a delay from outside the window from the next opening', () => {
    const sunday = new Date('2026-01-18T20:00:00-08:00');
    const due = scheduleStep({ from: sunday, delay: { businessDays: 3 }, window: weekdays, timeZone: LA });
    expect(due.toISOString()).toBe(new Date('2026-01-22T09:00:00-08:00').toISOString());
  });

  it('reads the window in the given time zone', () => {
    // 2026-01-16T09:00Z is Friday 18:00 in Tokyo (closed) and Friday 01:00 in Los Angeles (not yet open).
    const from = new Date('2026-01-16T09:00:00Z');
    expect(scheduleStep({ from, window: weekdays, timeZone: TOKYO }).toISOString()).toBe(
      new Date('2026-01-19T09:00:00+09:00').toISOString(),
    );
    expect(scheduleStep({ from, window: weekdays, timeZone: LA }).toISOString()).toBe(
      new Date('2026-01-16T09:00:00-08:00').toISOString(),
    );
  });

  it('skips a Tokyo holiday', () => {
    const friday = new Date('2026-01-09T10:00:00+09:00');
    const due = scheduleStep({
      from: friday,
      delay: { businessDays: 1 },
      window: weekdays,
      timeZone: TOKYO,
      holidays: ['2026-01-12'],
    });
    expect(due.toISOString()).toBe(new Date('2026-01-13T10:00:00+09:00').toISOString());
  });

  it('keeps the local time of day across the spring daylight-saving change', () => {
    const friday = new Date('2026-03-06T10:00:00-08:00');
    const due = scheduleStep({ from: friday, delay: { businessDays: 1 }, window: weekdays, timeZone: LA });
    expect(due.toISOString()).toBe(new Date('2026-03-09T10:00:00-07:00').toISOString());
    expect(due.getTime() - friday.getTime()).toBe((3 * 24 - 1) * 3_600_000);
  });

  it('keeps the local time of day across the autumn daylight-saving change', () => {
    const friday = new Date('2026-10-30T10:00:00-07:00');
    const due = scheduleStep({ from: friday, delay: { businessDays: 1 }, window: weekdays, timeZone: LA });
    expect(due.toISOString()).toBe(new Date('2026-11-02T10:00:00-08:00').toISOString());
  });

  it('moves an opening the clocks skip forward by the jump', () => {
    const night: SendWindow = { days: [...WEEKDAYS], start: '02:30', end: '04:00' };
    const due = scheduleStep({ from: new Date('2026-03-08T00:00:00-08:00'), window: night, timeZone: LA });
    expect(due.toISOString()).toBe(new Date('2026-03-08T03:30:00-07:00').toISOString());
  });

  it('never goes back in time inside the repeated hour', () => {
    const allDay: SendWindow = { days: [...WEEKDAYS], start: '00:00', end: '24:00' };
    // 01:10 on the second pass (standard time), plus 20 minutes.
    const from = new Date('2026-11-01T01:10:00-08:00');
    const due = scheduleStep({ from, delay: { minutes: 20 }, window: allDay, timeZone: LA });
    expect(due.toISOString()).toBe(new Date('2026-11-01T01:30:00-08:00').toISOString());
  });

  it('rejects an unknown time zone, naming it', () => {
    expect(() => scheduleStep({ from: 0, window: weekdays, timeZone: 'Mars/Olympus' })).toThrow(
      /Unknown time zone "Mars\/Olympus"/,
    );
  });

  it('rejects a window that closes before it opens', () => {
    expect(() =>
      scheduleStep({ from: 0, window: { days: ['mon'], start: '17:00', end: '09:00' }, timeZone: LA }),
    ).toThrow(ConfigError);
  });

  it('rejects a holiday that is not an ISO date, naming its position', () => {
    expect(() =>
      scheduleStep({ from: 0, window: weekdays, timeZone: LA, holidays: ['2026-01-01', '12/25/2026'] }),
    ).toThrow(/holidays\[1\]/);
  });

  it('always answers a time inside the window and not before from', () => {
    const zones = [LA, TOKYO, 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 600 }),
        fc.subarray([...WEEKDAYS], { minLength: 1 }),
        fc.integer({ min: 0, max: 22 }),
        (from, timeZone, businessDays, hours, minutes, days, startHour) => {
          const window: SendWindow = {
            days,
            start: `${String(startHour).padStart(2, '0')}:00`,
            end: `${String(startHour + 1).padStart(2, '0')}:30`,
          };
          const due = scheduleStep({ from, delay: { businessDays, hours, minutes }, window, timeZone });
          expect(due.getTime()).toBeGreaterThanOrEqual(from);
          expect(isWithinSendWindow({ at: due, window, timeZone })).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});
