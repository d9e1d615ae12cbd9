import type { ApolloSimulatorStore } from '../simulator-store.ts';
import type { RequestParams } from './request-params.ts';
import { bulkError, json, unprocessable } from './responses.ts';
import {
  bareDomain,
  contains,
  normalizeLinkedin,
  pageOf,
  type RouteContext,
  type SimulatedRoute,
} from './route-context.ts';
import type { SimulatedOrganization, SimulatedPerson } from './seed-data.ts';

/** Credits: 1 for demographics or email, 8 more when a mobile number is revealed. */
const PERSON_CREDITS = 1;
const MOBILE_CREDITS = 8;

export function organizationShape(organization: SimulatedOrganization, store: ApolloSimulatorStore) {
  const { job_postings: _jobs, ...fields } = organization;
  const account = Array.from(store.accounts.values()).find(
    (item) => item.organization_id === organization.id,
  );
  return {
    ...fields,
    blog_url: null,
    twitter_url: null,
    facebook_url: null,
    phone: null,
    industries: [organization.industry],
    annual_revenue_printed: `${Math.round(organization.annual_revenue / 1_000_000)}M`,
    raw_address: `${organization.city}, ${organization.state}, ${organization.country}`,
    account_id: account?.id ?? null,
  };
}

export function personShape(
  person: SimulatedPerson,
  store: ApolloSimulatorStore,
  options: { revealPhone?: boolean } = {},
) {
  const { mobile_phone: mobile, ...fields } = person;
  const organization = store.organizations.get(person.organization_id);
  const contact = Array.from(store.contacts.values()).find((item) => item.person_id === person.id);
  return {
    ...fields,
    headline: `${person.title} at ${organization?.name ?? 'a company'}`,
    photo_url: null,
    twitter_url: null,
    github_url: null,
    facebook_url: null,
    organization: organization ? organizationShape(organization, store) : null,
    employment_history: organization
      ? [
          {
            organization_id: organization.id,
            organization_name: organization.name,
            title: person.title,
            current: true,
            start_date: '2021-01-01',
            end_date: null,
          },
        ]
      : [],
    contact_id: contact?.id ?? null,
    ...(options.revealPhone && mobile
      ? {
          phone_numbers: [
            { raw_number: mobile, sanitized_number: mobile, type_cd: 'mobile', status_cd: 'valid_number' },
          ],
        }
      : {}),
  };
}

function searchPersonShape(person: SimulatedPerson, store: ApolloSimulatorStore) {
  const organization = store.organizations.get(person.organization_id);
  const last = person.last_name;
  return {
    id: person.id,
    first_name: person.first_name,
    last_name_obfuscated: `${last.slice(0, 2)}***${last.slice(-1)}`,
    title: person.title,
    last_refreshed_at: store.nowIso(),
    has_email: true,
    has_city: true,
    has_state: true,
    has_country: true,
    has_direct_phone: person.mobile_phone ? 'Yes' : 'Maybe: please request direct dial via people/bulk_match',
    organization: {
      name: organization?.name ?? null,
      has_industry: true,
      has_phone: false,
      has_city: true,
      has_state: true,
      has_country: true,
      has_zip_code: false,
      has_revenue: true,
      has_employee_count: true,
    },
  };
}

/** A numeric request id, as Apollo's signed 64-bit ids (seeded). */
const requestId = (store: ApolloSimulatorStore) => BigInt(`0x${store.newId().slice(0, 15)}`).toString();

/** Finds the person one enrichment detail describes, as Apollo's matching would, through the store's indexes. */
function matchPerson(
  store: ApolloSimulatorStore,
  detail: Record<string, unknown>,
): SimulatedPerson | undefined {
  const text = (name: string) =>
    typeof detail[name] === 'string' ? (detail[name] as string).trim() : undefined;
  const id = text('id');
  if (id) return store.people.get(id);
  const email = text('email');
  if (email) return store.personByEmail(email);
  const hashed = text('hashed_email');
  if (hashed) return store.personByHashedEmail(hashed);
  const linkedin = text('linkedin_url');
  if (linkedin) return store.personByLinkedinUrl(linkedin);
  const name =
    text('name')?.toLowerCase() ??
    [text('first_name'), text('last_name')].filter(Boolean).join(' ').toLowerCase();
  const domain = text('domain');
  const organizationName = text('organization_name')?.toLowerCase();
  if (!name || (!domain && !organizationName)) return undefined;
  return store.peopleNamed(name).find((person) => {
    const organization = store.organizations.get(person.organization_id);
    if (domain) return organization?.primary_domain === bareDomain(domain);
    return organization?.name.toLowerCase() === organizationName;
  });
}

/** Finds the organization one enrichment detail describes. */
function matchOrganization(
  store: ApolloSimulatorStore,
  detail: Record<string, unknown>,
): SimulatedOrganization | undefined {
  const text = (name: string) =>
    typeof detail[name] === 'string' ? (detail[name] as string).trim() : undefined;
  const organizations = Array.from(store.organizations.values());
  const domain = text('domain') ?? text('website');
  if (domain) return organizations.find((item) => item.primary_domain === bareDomain(domain));
  const linkedin = text('linkedin_url');
  if (linkedin)
    return organizations.find((item) => normalizeLinkedin(item.linkedin_url) === normalizeLinkedin(linkedin));
  const name = text('name')?.toLowerCase();
  if (name) return organizations.find((item) => item.name.toLowerCase() === name);
  return undefined;
}

const PERSON_FIELDS = [
  'first_name',
  'last_name',
  'name',
  'email',
  'hashed_email',
  'organization_name',
  'domain',
  'id',
  'linkedin_url',
] as const;

function revealChecks(params: RequestParams): Response | undefined {
  const needsWebhook =
    params.bool('reveal_phone_number') ||
    params.bool('run_waterfall_email') ||
    params.bool('run_waterfall_phone');
  if (needsWebhook && !params.string('webhook_url')) {
    return unprocessable(
      "Please add a valid 'webhook_url' parameter when using 'reveal_phone_number' or waterfall enrichment.",
    );
  }
  return undefined;
}

function enrichPerson(context: RouteContext, detail: Record<string, unknown>) {
  const person = matchPerson(context.store, detail);
  if (!person) return { person: null, credits: 0 };
  const revealPhone = context.params.bool('reveal_phone_number') === true;
  const credits = PERSON_CREDITS + (revealPhone && person.mobile_phone ? MOBILE_CREDITS : 0);
  return { person: personShape(person, context.store, { revealPhone: false }), credits };
}

const inRanges = (value: number, ranges: string[]) =>
  ranges.some((range) => {
    const [low, high] = range.split(',').map((part) => Number(part.trim()));
    return (
      value >= (low ?? 0) && value <= (Number.isFinite(high) ? (high as number) : Number.POSITIVE_INFINITY)
    );
  });

const placeMatches = (place: { city: string; state: string; country: string }, locations: string[]) =>
  locations.some((location) =>
    [place.city, place.state, place.country].some(
      (part) => part.toLowerCase() === location.trim().toLowerCase(),
    ),
  );

function organizationFilter(params: RequestParams) {
  const domains = params.list('q_organization_domains_list').map(bareDomain);
  const sizes = params.list('organization_num_employees_ranges');
  const locations = params.list('organization_locations');
  const notLocations = params.list('organization_not_locations');
  const revenue = params.range('revenue_range');
  const technologies = params
    .list('currently_using_any_of_technology_uids')
    .map((value) => value.toLowerCase());
  const tags = params.list('q_organization_keyword_tags').map((value) => value.toLowerCase());
  const name = params.string('q_organization_name');
  const ids = params.list('organization_ids');
  return (organization: SimulatedOrganization) => {
    if (domains.length > 0 && !domains.includes(organization.primary_domain)) return false;
    if (sizes.length > 0 && !inRanges(organization.estimated_num_employees, sizes)) return false;
    if (locations.length > 0 && !placeMatches(organization, locations)) return false;
    if (notLocations.length > 0 && placeMatches(organization, notLocations)) return false;
    if (revenue.min !== undefined && organization.annual_revenue < revenue.min) return false;
    if (revenue.max !== undefined && organization.annual_revenue > revenue.max) return false;
    if (
      technologies.length > 0 &&
      !organization.technology_names.some((tech) =>
        technologies.includes(tech.toLowerCase().replace(/\s+/g, '_')),
      )
    )
      return false;
    if (
      tags.length > 0 &&
      !tags.some((tag) =>
        [organization.industry, ...organization.keywords].some((word) => contains(word, tag)),
      )
    )
      return false;
    if (name && !contains(organization.name, name)) return false;
    if (ids.length > 0 && !ids.includes(organization.id)) return false;
    return true;
  };
}

/** People and organization routes: search, enrichment, get, job postings. */
export const prospectingRoutes: SimulatedRoute[] = [
  {
    method: 'POST',
    path: '/mixed_people/api_search',
    scope: 'api/v1/mixed_people/api_search',
    handle({ store, params }) {
      const titles = params.list('person_titles');
      const similar = params.bool('include_similar_titles') !== false;
      const keywords = params.string('q_keywords');
      const locations = params.list('person_locations');
      const seniorities = params.list('person_seniorities');
      const statuses = params.list('contact_email_status');
      const matchesOrganization = organizationFilter(params);
      const organizationFiltered =
        params.has('q_organization_domains_list') ||
        params.has('organization_num_employees_ranges') ||
        params.has('organization_locations') ||
        params.has('organization_ids') ||
        params.has('revenue_range[min]') ||
        params.has('revenue_range[max]') ||
        params.has('currently_using_any_of_technology_uids');
      const matching = Array.from(store.people.values()).filter((person) => {
        if (titles.length > 0) {
          const ok = titles.some((title) =>
            similar ? contains(person.title, title) : person.title.toLowerCase() === title.toLowerCase(),
          );
          if (!ok) return false;
        }
        if (keywords && ![person.name, person.title, person.email].some((field) => contains(field, keywords)))
          return false;
        if (locations.length > 0 && !placeMatches(person, locations)) return false;
        if (seniorities.length > 0 && !seniorities.includes(person.seniority)) return false;
        if (statuses.length > 0 && !statuses.includes(person.email_status)) return false;
        if (organizationFiltered) {
          const organization = store.organizations.get(person.organization_id);
          if (!organization || !matchesOrganization(organization)) return false;
        }
        return true;
      });
      const { items, pagination } = pageOf(matching, params, 10);
      return json({
        total_entries: pagination.total_entries,
        people: items.map((person) => searchPersonShape(person, store)),
      });
    },
  },
  {
    method: 'POST',
    path: '/people/match',
    scope: 'api/v1/people/match',
    handle(context) {
      const refused = revealChecks(context.params);
      if (refused) return refused;
      const detail: Record<string, unknown> = {};
      for (const field of PERSON_FIELDS) {
        const value = context.params.string(field);
        if (value !== undefined) detail[field] = value;
      }
      const { person, credits } = enrichPerson(context, detail);
      context.charge(credits);
      return json({ person, request_id: requestId(context.store) });
    },
  },
  {
    method: 'POST',
    path: '/people/bulk_match',
    scope: 'api/v1/people/bulk_match',
    handle(context) {
      const details = context.params.body?.details;
      if (!Array.isArray(details) || details.length === 0) {
        return bulkError('INVALID_REQUEST', 'invalid request, missing details');
      }
      if (details.length > 10)
        return bulkError('RECORD_LIMIT_EXCEEDED', 'cannot enrich more than 10 in a single request');
      const refused = revealChecks(context.params);
      if (refused) return refused;
      let credits = 0;
      let missing = 0;
      const matches = details.map((detail) => {
        const result = enrichPerson(context, (detail ?? {}) as Record<string, unknown>);
        credits += result.credits;
        if (!result.person) missing += 1;
        return result.person;
      });
      context.charge(credits);
      return json({
        status: 'success',
        error_code: null,
        error_message: null,
        total_requested_enrichments: details.length,
        unique_enriched_records: details.length - missing,
        missing_records: missing,
        credits_consumed: credits,
        matches,
        request_id: requestId(context.store),
      });
    },
  },
  {
    method: 'GET',
    path: '/people/{id}',
    scope: 'api/v1/people/show',
    handle({ store, pathParams, charge }) {
      const person = store.people.get(pathParams.id ?? '');
      if (!person) return unprocessable('Person does not exist.');
      charge(1);
      return json({ person: personShape(person, store) });
    },
  },
  {
    method: 'GET',
    path: '/organizations/enrich',
    scope: 'api/v1/organizations/enrich',
    handle({ store, params, charge }) {
      const detail = {
        domain: params.string('domain'),
        website: params.string('website'),
        linkedin_url: params.string('linkedin_url'),
        name: params.string('name'),
      };
      if (!detail.domain && !detail.website && !detail.linkedin_url && !detail.name) {
        return unprocessable("Required parameter 'domain' missing");
      }
      const organization = matchOrganization(store, detail);
      if (!organization) return json({});
      charge(1);
      return json({ organization: organizationShape(organization, store) });
    },
  },
  {
    method: 'POST',
    path: '/organizations/bulk_enrich',
    scope: 'api/v1/organizations/bulk_enrich',
    handle({ store, params, charge }) {
      const bodyDetails = params.body?.details;
      const details: Record<string, unknown>[] = Array.isArray(bodyDetails)
        ? (bodyDetails as Record<string, unknown>[])
        : params.list('domains').map((domain) => ({ domain }));
      if (details.length === 0) return bulkError('INVALID_REQUEST', 'invalid request, missing domains');
      if (details.length > 10)
        return bulkError('RECORD_LIMIT_EXCEEDED', 'domain count cannot be more than 10');
      const found = details
        .map((detail) => matchOrganization(store, detail ?? {}))
        .filter((item): item is SimulatedOrganization => item !== undefined);
      charge(found.length);
      return json({
        status: 'success',
        error_code: null,
        error_message: null,
        total_requested_domains: details.length,
        unique_domains: details.length,
        unique_enriched_records: found.length,
        missing_records: details.length - found.length,
        organizations: found.map((organization) => organizationShape(organization, store)),
      });
    },
  },
  {
    method: 'POST',
    path: '/mixed_companies/search',
    scope: 'api/v1/mixed_companies/search',
    paidOnly: true,
    handle({ store, params, charge }) {
      const matching = Array.from(store.organizations.values()).filter(organizationFilter(params));
      const { items, pagination } = pageOf(matching, params, 10);
      if (items.length > 0) charge(1);
      const accountIds = new Set(
        Array.from(store.accounts.values()).map((account) => account.organization_id),
      );
      return json({
        breadcrumbs: [],
        partial_results_only: false,
        pagination,
        accounts: items
          .filter((item) => accountIds.has(item.id))
          .map((item) => organizationShape(item, store)),
        organizations: items
          .filter((item) => !accountIds.has(item.id))
          .map((item) => organizationShape(item, store)),
      });
    },
  },
  {
    method: 'GET',
    path: '/organizations/{id}',
    scope: 'api/v1/organizations/show',
    handle({ store, pathParams, charge }) {
      const organization = store.organizations.get(pathParams.id ?? '');
      if (!organization) return unprocessable('Parameters misconfigured. id is not a valid ID');
      charge(1);
      return json({ organization: organizationShape(organization, store) });
    },
  },
  {
    method: 'GET',
    path: '/organizations/{organization_id}/job_postings',
    scope: 'api/v1/organizations/job_postings',
    handle({ store, params, pathParams, charge }) {
      const organization = store.organizations.get(pathParams.organization_id ?? '');
      if (!organization) return unprocessable('Parameters misconfigured. organization_id is not a valid ID');
      const { items } = pageOf(organization.job_postings, params, 10);
      if (items.length > 0) charge(1);
      return json({
        organization_job_postings: items.map((posting) => ({
          ...posting,
          url: `https://jobs.example/${posting.id}`,
          state: null,
          last_seen_at: posting.posted_at,
        })),
      });
    },
  },
];
