import { ConfigError } from '@salesos/core';

/** Rejects an empty or non-string id with a message naming the method. */
export function requireId(id: unknown, where: string, what = 'id'): string {
  if (typeof id !== 'string' || id.trim() === '') {
    throw new ConfigError(
      `${where}: expected an Apollo ${what} (a non-empty string), got ${JSON.stringify(id)}.`,
    );
  }
  return id;
}
