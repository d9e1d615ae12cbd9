import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const dist = new URL('../dist/', import.meta.url);

describe('the built @salesos/apollo', () => {
  it('loads with import and with require, and sets VERSION', async () => {
    expect(existsSync(new URL('index.mjs', dist))).toBe(true);
    const esm = (await import(new URL('index.mjs', dist).href)) as Record<string, unknown>;
    const require = createRequire(import.meta.url);
    const cjs = require(new URL('index.cjs', dist).pathname) as Record<string, unknown>;
    for (const loaded of [esm, cjs]) {
      expect(typeof loaded.VERSION).toBe('string');
      expect(loaded.VERSION).not.toBe('');
      expect(typeof loaded.createApolloClient).toBe('function');
      expect(typeof loaded.createCreditTracker).toBe('function');
      expect(typeof loaded.createApolloConnector).toBe('function');
    }
  });

  it('loads the testing entry with import', async () => {
    // Its CJS build needs @salesos/core/testing, which loads vitest; vitest refuses require().
    const testing = (await import(new URL('testing/index.mjs', dist).href)) as Record<string, unknown>;
    expect(typeof testing.createApolloSimulator).toBe('function');
  });
});
