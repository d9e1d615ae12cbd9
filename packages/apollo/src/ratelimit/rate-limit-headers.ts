/** Apollo's three fixed rate-limit windows. */
export type ApolloRateWindow = 'minute' | 'hour' | 'day';

/** The windows, shortest first. */
export const APOLLO_RATE_WINDOWS: readonly ApolloRateWindow[] = ['minute', 'hour', 'day'];

/** Length of each window in milliseconds. */
export const WINDOW_MS: Record<ApolloRateWindow, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** What one response said about one window. `limit` is `undefined` when Apollo left it out. */
export interface WindowReading {
  limit: number | undefined;
  used: number | undefined;
  /** Calls left in the window. */
  remaining: number;
}

// Both naming families: the names seen on live responses first, then the older documented ones.
const HEADER_NAMES: Record<ApolloRateWindow, { limit: string[]; used: string[]; remaining: string[] }> = {
  minute: {
    limit: ['x-rate-limit-minute'],
    used: ['x-minute-usage'],
    remaining: ['x-minute-requests-left'],
  },
  hour: {
    limit: ['x-rate-limit-hourly'],
    used: ['x-hourly-usage'],
    remaining: ['x-hourly-requests-left'],
  },
  day: {
    limit: ['x-rate-limit-24-hour', 'x-rate-limit-daily'],
    used: ['x-24-hour-usage', 'x-daily-usage'],
    remaining: ['x-24-hour-requests-left', 'x-daily-requests-left'],
  },
};

const readNumber = (headers: Headers, names: string[]): number | undefined | null => {
  for (const name of names) {
    const raw = headers.get(name);
    if (raw === null) continue;
    const trimmed = raw.trim();
    // An empty header means the window is unlimited on this plan.
    if (trimmed === '') return null;
    const value = Number(trimmed);
    if (Number.isFinite(value)) return value;
  }
  return undefined;
};

/**
 * Reads Apollo's usage headers (`x-minute-requests-left`, `x-hourly-requests-left`,
 * `x-24-hour-requests-left` and the older `x-daily-*` names) into one reading per window
 * the response spoke of. A window with an empty limit header is reported as unlimited
 * (`null`).
 */
export function readRateLimitHeaders(
  headers: Headers,
): Partial<Record<ApolloRateWindow, WindowReading | null>> {
  const readings: Partial<Record<ApolloRateWindow, WindowReading | null>> = {};
  for (const window of APOLLO_RATE_WINDOWS) {
    const names = HEADER_NAMES[window];
    const limit = readNumber(headers, names.limit);
    const used = readNumber(headers, names.used);
    let remaining = readNumber(headers, names.remaining);
    if (limit === null && (remaining === undefined || remaining === null)) {
      readings[window] = null;
      continue;
    }
    if (
      (remaining === undefined || remaining === null) &&
      typeof limit === 'number' &&
      typeof used === 'number'
    ) {
      remaining = Math.max(0, limit - used);
    }
    if (typeof remaining !== 'number') continue;
    readings[window] = {
      limit: typeof limit === 'number' ? limit : undefined,
      used: typeof used === 'number' ? used : undefined,
      remaining,
    };
  }
  return readings;
}

/** Which window a 429 body names ("… is 600 times per hour …"), if any. */
export function windowOfRateLimitMessage(message: string): ApolloRateWindow | undefined {
  const match = /times per (minute|hour|day|24[ -]hours?)/i.exec(message);
  if (!match?.[1]) return undefined;
  const unit = match[1].toLowerCase();
  if (unit === 'minute') return 'minute';
  if (unit === 'hour') return 'hour';
  return 'day';
}

/** Start of the next fixed window after `now`, on UTC minute, hour and day boundaries. */
export function nextWindowStart(window: ApolloRateWindow, now: number): number {
  const length = WINDOW_MS[window];
  return (Math.floor(now / length) + 1) * length;
}
