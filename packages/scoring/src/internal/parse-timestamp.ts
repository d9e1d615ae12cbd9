const DAY_MS = 86_400_000;

const digit = (text: string, index: number): number => {
  const code = text.charCodeAt(index) - 48;
  return code >= 0 && code <= 9 ? code : Number.NaN;
};

const two = (text: string, index: number): number => digit(text, index) * 10 + digit(text, index + 1);

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const daysInMonth = (year: number, month: number): number =>
  month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : (MONTH_DAYS[month - 1] ?? 0);

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const shifted = month <= 2 ? year - 1 : year;
  const era = Math.floor(shifted / 400);
  const yearOfEra = shifted - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
};

/**
 * Milliseconds since the epoch of an ISO-8601 date-time, `NaN` when it is not one (or not text).
 * The canonical shape (`2026-01-31T12:00:00.000Z` or with a `±hh:mm` offset) is read by hand,
 * several times faster than `Date.parse`, which takes anything else.
 */
export function parseTimestamp(text: unknown): number {
  if (typeof text !== 'string') return Number.NaN;
  const length = text.length;
  if (
    length >= 20 &&
    text.charCodeAt(4) === 45 &&
    text.charCodeAt(7) === 45 &&
    (text.charCodeAt(10) === 84 || text.charCodeAt(10) === 116) &&
    text.charCodeAt(13) === 58 &&
    text.charCodeAt(16) === 58
  ) {
    const year = two(text, 0) * 100 + two(text, 2);
    const month = two(text, 5);
    const day = two(text, 8);
    const hour = two(text, 11);
    const minute = two(text, 14);
    const second = two(text, 17);
    let index = 19;
    let millis = 0;
    if (text.charCodeAt(index) === 46) {
      index += 1;
      let scale = 100;
      while (index < length) {
        const value = digit(text, index);
        if (Number.isNaN(value)) break;
        millis += value * scale;
        scale /= 10;
        index += 1;
      }
      millis = Math.floor(millis);
    }
    let offsetMinutes = Number.NaN;
    const zone = text.charCodeAt(index);
    if ((zone === 90 || zone === 122) && index + 1 === length) offsetMinutes = 0;
    else if ((zone === 43 || zone === 45) && index + 6 === length && text.charCodeAt(index + 3) === 58) {
      const minutes = two(text, index + 1) * 60 + two(text, index + 4);
      offsetMinutes = zone === 43 ? minutes : -minutes;
    }
    if (
      !Number.isNaN(offsetMinutes) &&
      !Number.isNaN(year) &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= daysInMonth(year, month) &&
      hour <= 23 &&
      minute <= 59 &&
      second <= 59
    ) {
      return (
        daysFromCivil(year, month, day) * DAY_MS +
        ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 +
        millis
      );
    }
  }
  return Date.parse(text);
}
