import { InvalidRequestError } from '@salesos/core';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAttioClient } from '../client.ts';
import { decodeRecord } from '../codec/value-codec.ts';
import { createAttioSimulator } from '../testing/index.ts';
import { attioFilter as f } from './filter-builder.ts';
import { supportedOperators, validateFilter } from './validate-filter.ts';

const attributes = [
  { api_slug: 'name', type: 'text' },
  { api_slug: 'employee_count', type: 'number' },
  { api_slug: 'domains', type: 'domain' },
  { api_slug: 'email_addresses', type: 'email-address' },
  { api_slug: 'person_name', type: 'personal-name' },
  { api_slug: 'founded', type: 'date' },
  { api_slug: 'stage', type: 'status' },
  { api_slug: 'is_customer', type: 'checkbox' },
  { api_slug: 'primary_location', type: 'location' },
  { api_slug: 'team', type: 'record-reference' },
];

describe('attioFilter', () => {
  it('builds Attio verbose filters, with properties and logic', () => {
    expect(
      f.and(
        f.attribute('email_addresses', 'email_domain').eq('acme.com'),
        f.or(f.attribute('name').contains('Acme'), f.not(f.attribute('employee_count').gte(10))),
        f.attribute('stage').in(['Won', 'Lost']),
        f.attribute('domains').notEmpty(),
      ),
    ).toEqual({
      $and: [
        { email_addresses: { email_domain: { $eq: 'acme.com' } } },
        { $or: [{ name: { $contains: 'Acme' } }, { $not: { employee_count: { $gte: 10 } } }] },
        { stage: { $in: ['Won', 'Lost'] } },
        { domains: { $not_empty: true } },
      ],
    });
  });
});

describe('validateFilter', () => {
  it('refuses $contains on a number attribute, before anything is sent', () => {
    const attempt = () =>
      validateFilter(f.attribute('employee_count').contains('5'), attributes, { target: 'companies' });
    expect(attempt).toThrow(InvalidRequestError);
    expect(attempt).toThrow(/"\$contains" is not supported on "employee_count" \(number\)/);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidRequestError).vendorCode).toBe('filter_error');
      expect((error as InvalidRequestError).fieldErrors[0]?.path).toBe('filter.employee_count.$contains');
      expect((error as InvalidRequestError).status).toBeUndefined();
    }
  });

  it('accepts each operator on the types that support it', () => {
    const valid = [
      f.attribute('name').contains('Ac'),
      f.attribute('name').startsWith('Ac'),
      f.attribute('name').endsWith('me'),
      f.attribute('employee_count').lt(5),
      f.attribute('employee_count').in([1, 2]),
      f.attribute('founded').gte('2020-01-01'),
      f.attribute('domains', 'root_domain').eq('acme.com'),
      f.attribute('person_name', 'last_name').startsWith('Love'),
      f.attribute('primary_location', 'locality').contains('Lon'),
      f.attribute('primary_location').notEmpty(false),
      f.attribute('record_id').in(['a', 'b']),
      { name: 'Acme' },
      { person_name: { first_name: 'Ada' } },
    ];
    for (const filter of valid) expect(() => validateFilter(filter, attributes)).not.toThrow();
  });

  it('refuses ordering on text, text operators on dates and statuses, and checks nested logic', () => {
    expect(() => validateFilter(f.attribute('name').gt('A'), attributes)).toThrow(
      /"\$gt" is not supported on "name"/,
    );
    expect(() => validateFilter(f.attribute('founded').contains('2020'), attributes)).toThrow(/founded/);
    expect(() => validateFilter(f.attribute('stage').startsWith('W'), attributes)).toThrow(/stage/);
    expect(() => validateFilter(f.attribute('is_customer').in([true]), attributes)).toThrow(/is_customer/);
    expect(() =>
      validateFilter(
        f.and(f.attribute('name').eq('x'), f.or(f.not(f.attribute('employee_count').endsWith('0')))),
        attributes,
      ),
    ).toThrow(/filter\.\$and\.1\.\$or\.0\.\$not\.employee_count\.\$ends_with|employee_count/);
    expect(() => validateFilter(f.attribute('email_addresses', 'email_domain').lt('a'), attributes)).toThrow(
      /email_domain/,
    );
  });

  it('refuses unknown attributes, unknown operators and malformed operands', () => {
    expect(() => validateFilter({ nickname: 'x' }, attributes)).toThrow(/no attribute "nickname"/);
    expect(() => validateFilter({ name: { $like: 'x' } }, attributes)).toThrow(/"\$like" is not supported/);
    expect(() => validateFilter({ $xor: [] }, attributes)).toThrow(/unknown logical operator "\$xor"/);
    expect(() => validateFilter({ $and: { name: 'x' } }, attributes)).toThrow(/"\$and" takes an array/);
    expect(() => validateFilter({ employee_count: { $in: 3 } }, attributes)).toThrow(/"\$in" takes an array/);
    expect(() => validateFilter({ name: { $not_empty: 'yes' } }, attributes)).toThrow(
      /"\$not_empty" takes true or false/,
    );
  });

  it('answers the operators of a type and of one of its properties', () => {
    expect(supportedOperators('number')).toContain('$gte');
    expect(supportedOperators('number')).not.toContain('$contains');
    expect(supportedOperators('email-address', 'email_domain')).toContain('$ends_with');
    expect(supportedOperators('made-up')).toBeUndefined();
  });
});

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('records.query with a filter', () => {
  it('refuses $contains on a number without calling the query endpoint', async () => {
    const simulator = createAttioSimulator({ seed: 2 });
    server.use(...simulator.handlers);
    const client = createAttioClient({ apiKey: 'test-key', rateLimiter: false });
    await expect(
      client.records.query('companies', { filter: f.attribute('employee_count').contains('5') }).toArray(),
    ).rejects.toThrow(InvalidRequestError);
    expect(simulator.calls.filter((call) => call.path.endsWith('/query'))).toEqual([]);
  });

  it('sends a valid filter and answers the matching records', async () => {
    const simulator = createAttioSimulator({ seed: 2 });
    server.use(...simulator.handlers);
    const client = createAttioClient({ apiKey: 'test-key', rateLimiter: false });
    const big = await client.records
      .query('companies', {
        filter: f.attribute('employee_count').gte(1000),
        sorts: [{ direction: 'desc', attribute: 'employee_count' }],
      })
      .toArray();
    const counts = big.map((company) => decodeRecord(company).employee_count);
    const expected = simulator.store
      .records('companies')
      .map((company) => decodeRecord(company).employee_count as number)
      .filter((count) => count >= 1000)
      .sort((left, right) => right - left);
    expect(counts).toEqual(expected);
    expect(counts.length).toBeGreaterThan(0);
  });

  it('checks a filter on an attribute created after the schema was cached against a fresh schema', async () => {
    const simulator = createAttioSimulator({ seed: 2 });
    server.use(...simulator.handlers);
    const client = createAttioClient({ apiKey: 'test-key', rateLimiter: false });
    await client.schema.attributes('objects', 'companies');
    simulator.store.addAttribute('objects', 'companies', { api_slug: 'tier', type: 'text' });
    await expect(
      client.records.query('companies', { filter: f.attribute('tier').eq('A') }).toArray(),
    ).resolves.toEqual([]);
  });
});
