import type { AttioAttributeType } from '../schemas/attribute.ts';

/** What the codec and the simulator know of one standard attribute. */
export interface StandardAttribute {
  api_slug: string;
  title: string;
  type: AttioAttributeType;
  is_multiselect: boolean;
  is_unique: boolean;
  is_writable: boolean;
  is_system_attribute: boolean;
  /** Target object of a record reference. */
  target?: string;
  /** Options of a select, or statuses of a status attribute. */
  choices?: readonly string[];
}

const attribute = (
  api_slug: string,
  title: string,
  type: AttioAttributeType,
  flags: Partial<Omit<StandardAttribute, 'api_slug' | 'title' | 'type'>> = {},
): StandardAttribute => ({
  api_slug,
  title,
  type,
  is_multiselect: false,
  is_unique: false,
  is_writable: true,
  is_system_attribute: true,
  ...flags,
});

const systemManaged = { is_writable: false } as const;

/**
 * The standard attributes of Attio's standard objects (people, companies, deals), as a
 * workspace has them out of the box.
 */
export const STANDARD_ATTRIBUTES: Readonly<Record<string, readonly StandardAttribute[]>> = {
  people: [
    attribute('record_id', 'Record ID', 'text', systemManaged),
    attribute('name', 'Name', 'personal-name'),
    attribute('email_addresses', 'Email addresses', 'email-address', {
      is_multiselect: true,
      is_unique: true,
    }),
    attribute('description', 'Description', 'text'),
    attribute('company', 'Company', 'record-reference', { target: 'companies' }),
    attribute('job_title', 'Job title', 'text'),
    attribute('phone_numbers', 'Phone numbers', 'phone-number', { is_multiselect: true }),
    attribute('primary_location', 'Primary location', 'location'),
    attribute('linkedin', 'LinkedIn', 'text'),
    attribute('twitter', 'Twitter', 'text'),
    attribute('avatar_url', 'Avatar URL', 'text', systemManaged),
    attribute('associated_deals', 'Associated deals', 'record-reference', {
      is_multiselect: true,
      target: 'deals',
    }),
    attribute('last_interaction', 'Last interaction', 'interaction', systemManaged),
    attribute('created_at', 'Created at', 'timestamp', systemManaged),
    attribute('created_by', 'Created by', 'actor-reference', systemManaged),
  ],
  companies: [
    attribute('record_id', 'Record ID', 'text', systemManaged),
    attribute('domains', 'Domains', 'domain', { is_multiselect: true, is_unique: true }),
    attribute('name', 'Name', 'text'),
    attribute('description', 'Description', 'text'),
    attribute('team', 'Team', 'record-reference', { is_multiselect: true, target: 'people' }),
    attribute('categories', 'Categories', 'select', {
      is_multiselect: true,
      choices: ['B2B', 'B2C', 'SaaS', 'E-commerce', 'Fintech', 'Healthcare', 'Manufacturing'],
    }),
    attribute('primary_location', 'Primary location', 'location'),
    attribute('logo_url', 'Logo URL', 'text', systemManaged),
    attribute('linkedin', 'LinkedIn', 'text'),
    attribute('employee_count', 'Employee count', 'number', { is_system_attribute: false }),
    attribute('employee_range', 'Employee range', 'select', {
      choices: ['1-10', '11-50', '51-250', '251-1K', '1K-5K', '5K-10K', '10K-50K', '50K-100K', '100K+'],
    }),
    attribute('funding_raised_usd', 'Funding raised', 'currency'),
    attribute('foundation_date', 'Foundation date', 'date'),
    attribute('associated_deals', 'Associated deals', 'record-reference', {
      is_multiselect: true,
      target: 'deals',
    }),
    attribute('last_interaction', 'Last interaction', 'interaction', systemManaged),
    attribute('created_at', 'Created at', 'timestamp', systemManaged),
    attribute('created_by', 'Created by', 'actor-reference', systemManaged),
  ],
  deals: [
    attribute('record_id', 'Record ID', 'text', systemManaged),
    attribute('name', 'Deal name', 'text'),
    attribute('stage', 'Deal stage', 'status', {
      choices: ['Lead', 'In Progress', 'Won 🎉', 'Lost'],
    }),
    attribute('owner', 'Deal owner', 'actor-reference'),
    attribute('value', 'Deal value', 'currency'),
    attribute('associated_people', 'Associated people', 'record-reference', {
      is_multiselect: true,
      target: 'people',
    }),
    attribute('associated_company', 'Associated company', 'record-reference', { target: 'companies' }),
    attribute('created_at', 'Created at', 'timestamp', systemManaged),
    attribute('created_by', 'Created by', 'actor-reference', systemManaged),
  ],
};

const MULTISELECT_BY_SLUG: ReadonlyMap<string, boolean> = (() => {
  const known = new Map<string, boolean>();
  for (const attributes of Object.values(STANDARD_ATTRIBUTES)) {
    for (const standard of attributes) {
      // Standard slugs agree across objects (`associated_deals` is multiselect wherever it exists).
      known.set(standard.api_slug, standard.is_multiselect);
    }
  }
  return known;
})();

/** Whether a standard attribute slug holds several values, or `undefined` when it is not standard. */
export function standardMultiselect(slug: string): boolean | undefined {
  return MULTISELECT_BY_SLUG.get(slug);
}
