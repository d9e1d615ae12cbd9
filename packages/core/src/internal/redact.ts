/** What replaces a secret in messages, logs and error bodies. */
export const REDACTED = '[REDACTED]';

const SECRET_KEY_PATTERN =
  /^(authorization|proxy-authorization|x-api-key|api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|token|client[-_]?secret|secret|password|cookie|set-cookie|signature|x-salesloft-signature|attio-signature|callback[-_]?token|webhook[-_]?secret|private[-_]?key)$/i;

// `Bearer abc`, `Basic abc`, and `name=value` / `name: value` / `"name":"value"` for secret-named keys.
const CREDENTIAL_SCHEME_PATTERN = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi;
const SECRET_ASSIGNMENT_PATTERN =
  /(["']?)\b(authorization|x-api-key|api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|id[-_]?token|token|client[-_]?secret|secret|password|assertion)\1(\s*[:=]\s*)(["']?)([^\s"'&,;}]+)/gi;

/** True for header, query and body keys whose values are secrets. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key);
}

/**
 * Replaces secrets in strings and nested values: every known secret value, and the
 * value of every key that names a secret. Returns a copy; the input is untouched.
 */
export function createRedactor(secrets: Iterable<string> = []) {
  const known = new Set<string>();
  for (const secret of secrets) if (secret.length >= 4) known.add(secret);

  const redactString = (text: string): string => {
    let result = text;
    for (const secret of known) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    return result;
  };

  const redactValue = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') return redactString(value);
    if (depth > 8 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = isSecretKey(key) && item != null && item !== '' ? REDACTED : redactValue(item, depth + 1);
    }
    return copy;
  };

  return {
    /** Adds a secret learned later (a refreshed OAuth token). */
    add(secret: string) {
      if (secret.length >= 4) known.add(secret);
    },
    string: redactString,
    /**
     * Free text from elsewhere (a token provider's error message): known secrets, plus
     * anything shaped like a credential (`Bearer …`, `refresh_token=…`, `"client_secret": "…"`).
     */
    text(text: string): string {
      return redactString(text)
        .replace(CREDENTIAL_SCHEME_PATTERN, (_match, scheme: string) => `${scheme} ${REDACTED}`)
        .replace(
          SECRET_ASSIGNMENT_PATTERN,
          (_match, quote: string, key: string, separator: string, valueQuote: string) =>
            `${quote}${key}${quote}${separator}${valueQuote}${REDACTED}`,
        );
    },
    value: redactValue,
    /** A URL with secret query parameters and known secrets removed. */
    url(url: string): string {
      try {
        const parsed = new URL(url);
        for (const key of [...parsed.searchParams.keys()]) {
          if (isSecretKey(key)) parsed.searchParams.set(key, REDACTED);
        }
        if (parsed.username || parsed.password) {
          parsed.username = '';
          parsed.password = '';
        }
        return redactString(parsed.toString());
      } catch {
        return redactString(url);
      }
    },
  };
}

/** A redactor built by `createRedactor`. */
export type Redactor = ReturnType<typeof createRedactor>;
