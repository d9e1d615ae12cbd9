import { readFileSync } from 'node:fs';

/** A spec-derived example payload of a vendor package (`packages/<vendor>/src/__fixtures__/<name>.json`). */
export function vendorFixture(vendor: 'salesloft' | 'apollo' | 'attio', name: string): unknown {
  const url = new URL(`../../packages/${vendor}/src/__fixtures__/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as unknown;
}
