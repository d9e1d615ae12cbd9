import { inspect } from 'node:util';

/** Where a secret was found. */
export interface SecretFinding {
  /** Path of the value, such as `log[3].fields.error` or `error.cause.message`. */
  where: string;
  /** Which secret (its label, never its value). */
  secret: string;
}

/** The forms a secret can leak in: as is, URL-encoded, base64 and base64url. */
function variantsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      bytes.toString('base64').replace(/=+$/, ''),
      bytes.toString('base64url'),
    ]),
  ];
}

/**
 * Looks for secrets anywhere in `value`: strings, object keys and values, arrays, maps, sets,
 * headers, byte arrays, and errors (message, stack, `toJSON()`, `cause` chain and what
 * `util.inspect` prints of them). `secrets` maps a label to the secret.
 */
export function findSecrets(
  value: unknown,
  secrets: Record<string, string>,
  root = 'value',
): SecretFinding[] {
  const patterns = Object.entries(secrets).map(([label, secret]) => ({
    label,
    variants: variantsOf(secret),
  }));
  const findings: SecretFinding[] = [];
  const seen = new WeakSet<object>();

  const checkString = (text: string, where: string) => {
    for (const { label, variants } of patterns) {
      if (variants.some((variant) => text.includes(variant))) findings.push({ where, secret: label });
    }
  };

  const walk = (item: unknown, where: string, depth: number): void => {
    if (typeof item === 'string') {
      checkString(item, where);
      return;
    }
    if (typeof item === 'bigint' || typeof item === 'number' || typeof item === 'boolean') return;
    if (typeof item === 'function' || item === null || item === undefined || typeof item !== 'object') return;
    if (seen.has(item) || depth > 12) return;
    seen.add(item);
    if (item instanceof Uint8Array) {
      checkString(Buffer.from(item).toString('utf8'), where);
      return;
    }
    if (item instanceof Error) {
      checkString(item.message, `${where}.message`);
      checkString(item.stack ?? '', `${where}.stack`);
      checkString(inspect(item, { depth: 8 }), `${where}<inspect>`);
      const withJson = item as Error & { toJSON?: () => unknown };
      if (typeof withJson.toJSON === 'function') walk(withJson.toJSON(), `${where}.toJSON()`, depth + 1);
      if (item.cause !== undefined) walk(item.cause, `${where}.cause`, depth + 1);
      if (item instanceof AggregateError) {
        for (const [index, inner] of item.errors.entries())
          walk(inner, `${where}.errors[${index}]`, depth + 1);
      }
    }
    if (item instanceof Headers || item instanceof Map) {
      for (const [key, entry] of item as Map<unknown, unknown>) {
        walk(key, `${where}<key>`, depth + 1);
        walk(entry, `${where}[${String(key)}]`, depth + 1);
      }
      return;
    }
    if (item instanceof Set) {
      for (const entry of item) walk(entry, `${where}<entry>`, depth + 1);
      return;
    }
    if (Array.isArray(item)) {
      for (const [index, entry] of item.entries()) walk(entry, `${where}[${index}]`, depth + 1);
      return;
    }
    for (const key of Object.keys(item)) {
      checkString(key, `${where}<key ${key}>`);
      let entry: unknown;
      try {
        entry = (item as Record<string, unknown>)[key];
      } catch {
        continue;
      }
      walk(entry, `${where}.${key}`, depth + 1);
    }
  };

  walk(value, root, 0);
  return findings;
}
