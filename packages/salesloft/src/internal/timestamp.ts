// SalesLoft compares timestamps with microsecond precision, finer than `Date`; these helpers
// keep the microseconds by working in integer microseconds since the epoch (safe below 2^53).

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parses an ISO-8601 timestamp into microseconds since the epoch; `undefined` when it is not one. */
export function parseTimestampMicros(value: string): number | undefined {
  const match = ISO_PATTERN.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone] = match;
  const millis = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  if (Number.isNaN(millis)) return undefined;
  const micros = Number(fraction.padEnd(6, '0').slice(0, 6));
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return (millis - offsetMinutes * 60_000) * 1000 + micros;
}

/** Formats microseconds since the epoch as `2026-01-01T00:00:00.000000Z`. */
export function formatTimestampMicros(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const fraction = String(micros - millis * 1000).padStart(3, '0');
  const iso = new Date(millis).toISOString(); // 2026-01-01T00:00:00.000Z
  return `${iso.slice(0, 23)}${fraction}Z`;
}

/** Normalises a timestamp (any ISO-8601 form, or a `Date`) to microsecond UTC form. */
export function normalizeTimestamp(value: string | Date): string | undefined {
  if (value instanceof Date) {
    const millis = value.getTime();
    return Number.isNaN(millis) ? undefined : formatTimestampMicros(millis * 1000);
  }
  const micros = parseTimestampMicros(value);
  return micros === undefined ? undefined : formatTimestampMicros(micros);
}
