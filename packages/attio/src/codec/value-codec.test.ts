import { InvalidRequestError } from '@salesos/core';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import record from '../__fixtures__/record.json' with { type: 'json' };
import values from '../__fixtures__/values.json' with { type: 'json' };
import { createAttioClient } from '../client.ts';
import type { AttioAttributeType } from '../schemas/attribute.ts';
import { AttioRecordSchema } from '../schemas/record.ts';
import { type AttioValue, AttioValueSchema } from '../schemas/value.ts';
import { createAttioSimulator } from '../testing/index.ts';
import { type AttioAttributeInfo, decodeRecord, decodeValue, encodeValues } from './value-codec.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const attribute = (
  api_slug: string,
  type: AttioAttributeType,
  is_multiselect = false,
  is_writable = true,
) => ({
  api_slug,
  type,
  is_multiselect,
  is_writable,
});

describe('decodeValue', () => {
  it('decodes the spec example of every one of the 17 attribute types', () => {
    const decoded = Object.fromEntries(
      values.map((value) => [value.attribute_type, decodeValue(AttioValueSchema.parse(value))]),
    );
    expect(Object.keys(decoded)).toHaveLength(17);
    expect(decoded).toEqual({
      'actor-reference': { type: 'workspace-member', id: '50cf242c-7fa3-4cad-87d0-75b1af71c57b' },
      checkbox: true,
      currency: { amount: 99, currencyCode: 'USD' },
      date: '2023-01-01',
      domain: 'app.attio.com',
      'email-address': 'alice@app.attio.com',
      'record-reference': { targetObject: 'people', targetRecordId: '891dcbfc-9141-415d-9b2a-2238a6cc012d' },
      interaction: {
        interactionType: 'email',
        interactedAt: '2023-01-01T15:00:00.000000000Z',
        ownerActor: { type: 'workspace-member', id: '50cf242c-7fa3-4cad-87d0-75b1af71c57b' },
      },
      location: {
        line1: '1 Infinite Loop',
        line2: 'Block 1',
        line3: 'Hilldrop Estate',
        line4: 'Westborough',
        locality: 'Cupertino',
        region: 'CA',
        postcode: '95014',
        countryCode: 'US',
        latitude: '37.331741',
        longitude: '-122.030333',
      },
      number: 42,
      'personal-name': { firstName: 'Ada', lastName: 'Lovelace', fullName: 'Ada Lovelace' },
      'phone-number': '+15558675309',
      status: 'In Progress',
      rating: 3,
      select: 'Medium',
      text: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.',
      timestamp: '2023-01-01T15:00:00.000000000Z',
    });
  });

  it('passes a value of an attribute type it does not know through without its history fields', () => {
    const value = AttioValueSchema.parse({
      active_from: '2024-01-01T00:00:00Z',
      active_until: null,
      created_by_actor: { type: 'system', id: null },
      attribute_type: 'hologram',
      depth: 3,
    });
    expect(decodeValue(value)).toEqual({ attribute_type: 'hologram', depth: 3 });
  });
});

describe('decodeRecord', () => {
  it('keeps only current values and tells single from multiselect by the attributes given', () => {
    const history: AttioValue[] = [
      {
        attribute_type: 'text',
        value: 'Old',
        active_from: '2020-01-01T00:00:00Z',
        active_until: '2021-01-01T00:00:00Z',
      },
      { attribute_type: 'text', value: 'New', active_from: '2021-01-01T00:00:00Z', active_until: null },
    ];
    const plain = decodeRecord(
      {
        values: {
          nickname: history,
          tags: [{ attribute_type: 'text', value: 'only one', active_until: null }],
          empty_single: [],
          empty_multi: [],
        },
      },
      [
        attribute('nickname', 'text'),
        attribute('tags', 'text', true),
        attribute('empty_single', 'number'),
        attribute('empty_multi', 'domain', true),
      ],
    );
    expect(plain).toEqual({ nickname: 'New', tags: ['only one'], empty_single: null, empty_multi: [] });
  });

  it('knows the standard attributes without a schema: email_addresses is a list, name a single value', () => {
    const plain = decodeRecord({
      values: {
        email_addresses: [
          {
            attribute_type: 'email-address',
            email_address: 'ada@example.com',
            original_email_address: 'Ada@example.com',
          },
        ],
        name: [
          {
            attribute_type: 'personal-name',
            first_name: 'Ada',
            last_name: 'Lovelace',
            full_name: 'Ada Lovelace',
          },
        ],
        custom_many: [
          { attribute_type: 'number', value: 1 },
          { attribute_type: 'number', value: 2 },
        ],
      },
    });
    expect(plain).toEqual({
      email_addresses: ['ada@example.com'],
      name: { firstName: 'Ada', lastName: 'Lovelace', fullName: 'Ada Lovelace' },
      custom_many: [1, 2],
    });
  });

  it('decodes the spec-derived record fixture after it validates', () => {
    const parsed = AttioRecordSchema.parse(record);
    const plain = decodeRecord(parsed);
    expect(plain.email_address).toBe('alice@app.attio.com');
    expect(plain.personal_name).toEqual({ firstName: 'Ada', lastName: 'Lovelace', fullName: 'Ada Lovelace' });
  });
});

describe('encodeValues', () => {
  const attributes: AttioAttributeInfo[] = [
    attribute('email_addresses', 'email-address', true),
    attribute('name', 'personal-name'),
    attribute('employee_count', 'number'),
    attribute('rating', 'rating'),
    attribute('is_customer', 'checkbox'),
    attribute('founded', 'date'),
    attribute('last_seen', 'timestamp'),
    attribute('stage', 'status'),
    attribute('categories', 'select', true),
    attribute('owner', 'actor-reference'),
    attribute('company', 'record-reference'),
    attribute('created_at', 'timestamp', false, false),
  ];

  it('writes Attio input shapes: arrays for multiselects, one value for the rest', () => {
    const encoded = encodeValues(
      {
        email_addresses: 'ada@example.com',
        name: 'Lovelace, Ada',
        employee_count: 12,
        is_customer: 'true',
        founded: '1843',
        last_seen: new Date('2026-01-02T03:04:05.000Z'),
        stage: 'Won',
        categories: ['B2B', 'SaaS'],
        owner: 'owner@example.com',
        company: { targetObject: 'companies', targetRecordId: 'c1' },
      },
      attributes,
    );
    expect(encoded).toEqual({
      email_addresses: [{ email_address: 'ada@example.com' }],
      name: { first_name: 'Ada', last_name: 'Lovelace', full_name: 'Ada Lovelace' },
      employee_count: { value: 12 },
      is_customer: { value: true },
      founded: { value: '1843-01-01' },
      last_seen: { value: '2026-01-02T03:04:05.000Z' },
      stage: { status: 'Won' },
      categories: [{ option: 'B2B' }, { option: 'SaaS' }],
      owner: { workspace_member_email_address: 'owner@example.com' },
      company: { target_object: 'companies', target_record_id: 'c1' },
    });
  });

  it('clears an attribute given null', () => {
    expect(encodeValues({ employee_count: null, categories: null }, attributes)).toEqual({
      employee_count: [],
      categories: [],
    });
  });

  it('refuses a value of the wrong type, naming the attribute and its path', () => {
    const attempt = () => encodeValues({ employee_count: 'twelve' }, attributes, { target: 'companies' });
    expect(attempt).toThrow(InvalidRequestError);
    expect(attempt).toThrow(/"employee_count" on companies \(number\) expects a finite number, got "twelve"/);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidRequestError).fieldErrors[0]?.path).toBe('values.employee_count');
    }
  });

  it('refuses a rating outside 0–5, an email without @ and several values for a single attribute', () => {
    expect(() => encodeValues({ rating: 7 }, attributes)).toThrow(/integer rating from 0 to 5/);
    expect(() => encodeValues({ email_addresses: ['nope'] }, attributes)).toThrow(
      /values\.email_addresses|email address/,
    );
    expect(() => encodeValues({ employee_count: [1, 2] }, attributes)).toThrow(/holds one value, got 2/);
  });

  it('refuses an unknown attribute and, unless told to skip them, read-only attributes', () => {
    expect(() => encodeValues({ nickname: 'x' }, attributes)).toThrow(/no attribute "nickname"/);
    expect(() => encodeValues({ created_at: '2026-01-01T00:00:00Z' }, attributes)).toThrow(
      /cannot be written/,
    );
    expect(
      encodeValues({ created_at: '2026-01-01T00:00:00Z', employee_count: 3 }, attributes, {
        readOnly: 'skip',
      }),
    ).toEqual({
      employee_count: { value: 3 },
    });
  });
});

describe('the value codec over the simulator', () => {
  it('round-trips every attribute type: encode, write, read, decode gives the plain values back', async () => {
    const simulator = createAttioSimulator({ seed: 5, records: { companies: 2, people: 0, deals: 0 } });
    server.use(...simulator.handlers);
    const client = createAttioClient({ apiKey: 'test-key', rateLimiter: false });
    await client.objects.create({ api_slug: 'gadgets', singular_noun: 'Gadget', plural_noun: 'Gadgets' });
    const types: AttioAttributeType[] = [
      'text',
      'number',
      'checkbox',
      'currency',
      'date',
      'timestamp',
      'rating',
      'status',
      'select',
      'record-reference',
      'actor-reference',
      'location',
      'domain',
      'email-address',
      'phone-number',
      'interaction',
      'personal-name',
    ];
    for (const type of types) {
      await client.attributes.create('objects', 'gadgets', {
        title: type,
        description: null,
        api_slug: `a_${type.replace(/-/g, '_')}`,
        type,
        is_required: false,
        is_unique: false,
        is_multiselect: false,
        config: {},
      });
    }
    await client.attributes.create('objects', 'gadgets', {
      title: 'Tags',
      description: null,
      api_slug: 'tags',
      type: 'select',
      is_required: false,
      is_unique: false,
      is_multiselect: true,
      config: {},
    });
    for (const title of ['Gold', 'Silver', 'Bronze']) {
      await client.attributes.createOption('objects', 'gadgets', 'a_select', { title });
      await client.attributes.createOption('objects', 'gadgets', 'tags', { title });
    }
    await client.attributes.createStatus('objects', 'gadgets', 'a_status', { title: 'Active' });
    const companyId = simulator.store.records('companies')[0]?.id.record_id as string;
    const memberId = simulator.store.members()[0]?.id.workspace_member_id as string;

    const plain = {
      a_text: 'Analytical Engine',
      a_number: 42.5,
      a_checkbox: true,
      a_currency: { amount: 1234.5, currencyCode: 'USD' },
      a_date: '1843-07-10',
      a_timestamp: '2024-03-01T10:20:30.000000000Z',
      a_rating: 4,
      a_status: 'Active',
      a_select: 'Gold',
      a_record_reference: { targetObject: 'companies', targetRecordId: companyId },
      a_actor_reference: { type: 'workspace-member', id: memberId },
      a_location: {
        line1: '12 St James Square',
        line2: null,
        line3: null,
        line4: null,
        locality: 'London',
        region: 'England',
        postcode: 'SW1Y 4LB',
        countryCode: 'GB',
        latitude: '51.507',
        longitude: '-0.135',
      },
      a_domain: 'engine.example',
      a_email_address: 'ada@engine.example',
      a_phone_number: '+442079460000',
      a_interaction: {
        interactionType: 'email',
        interactedAt: '2024-03-01T10:20:30.000000000Z',
        ownerActor: { type: 'workspace-member', id: memberId },
      },
      a_personal_name: { firstName: 'Ada', lastName: 'Lovelace', fullName: 'Ada Lovelace' },
      tags: ['Gold', 'Bronze'],
    };

    const values = await client.codec.encodeValues('gadgets', plain);
    const created = await client.records.create('gadgets', { values });
    const fetched = await client.records.get('gadgets', created.id.record_id);
    const decoded = await client.codec.decodeRecord('gadgets', fetched);
    const { record_id: _id, ...roundTripped } = decoded;
    expect(roundTripped).toEqual(plain);
    expect(Object.keys(plain)).toHaveLength(18);
  });
});
