import type { Random } from '@salesos/core/testing';

/** A person of the simulated Apollo database, with everything enrichment can reveal. */
export interface SimulatedPerson {
  id: string;
  first_name: string;
  last_name: string;
  name: string;
  title: string;
  seniority: string;
  departments: string[];
  email: string;
  email_status: 'verified' | 'unverified' | 'likely to engage' | 'unavailable';
  linkedin_url: string;
  city: string;
  state: string;
  country: string;
  time_zone: string;
  organization_id: string;
  /** A mobile number, revealed (for 8 more credits) with `reveal_phone_number`. */
  mobile_phone: string | null;
  [field: string]: unknown;
}

/** An organization of the simulated Apollo database. */
export interface SimulatedOrganization {
  id: string;
  name: string;
  primary_domain: string;
  website_url: string;
  linkedin_url: string;
  industry: string;
  estimated_num_employees: number;
  annual_revenue: number;
  founded_year: number;
  city: string;
  state: string;
  country: string;
  keywords: string[];
  technology_names: string[];
  latest_funding_stage: string | null;
  job_postings: { id: string; title: string; city: string | null; country: string; posted_at: string }[];
  [field: string]: unknown;
}

const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kira',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tariq',
  'Uma',
  'Victor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoe',
];
const LAST_NAMES = [
  'Adams',
  'Becker',
  'Costa',
  'Dubois',
  'Evans',
  'Fischer',
  'Garcia',
  'Hansen',
  'Ito',
  'Jensen',
  'Kowalski',
  'Larsen',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Patel',
  'Quist',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Usman',
  'Varga',
  'Weber',
  'Xu',
  'Young',
  'Zimmer',
];
const ROLES: { title: string; seniority: string; department: string }[] = [
  { title: 'Chief Executive Officer', seniority: 'c_suite', department: 'master_executive' },
  { title: 'Founder', seniority: 'founder', department: 'master_executive' },
  { title: 'VP of Sales', seniority: 'vp', department: 'master_sales' },
  { title: 'Head of Marketing', seniority: 'head', department: 'master_marketing' },
  { title: 'Director of Engineering', seniority: 'director', department: 'master_engineering_technical' },
  { title: 'Sales Manager', seniority: 'manager', department: 'master_sales' },
  { title: 'Senior Account Executive', seniority: 'senior', department: 'master_sales' },
  { title: 'Software Engineer', seniority: 'entry', department: 'master_engineering_technical' },
  { title: 'Marketing Manager', seniority: 'manager', department: 'master_marketing' },
  { title: 'Head of Revenue Operations', seniority: 'head', department: 'master_operations' },
  { title: 'Chief Technology Officer', seniority: 'c_suite', department: 'master_engineering_technical' },
  { title: 'Sales Development Representative', seniority: 'entry', department: 'master_sales' },
];
const PLACES: { city: string; state: string; country: string; timeZone: string }[] = [
  { city: 'San Francisco', state: 'California', country: 'United States', timeZone: 'America/Los_Angeles' },
  { city: 'New York', state: 'New York', country: 'United States', timeZone: 'America/New_York' },
  { city: 'Austin', state: 'Texas', country: 'United States', timeZone: 'America/Chicago' },
  { city: 'London', state: 'England', country: 'United Kingdom', timeZone: 'Europe/London' },
  { city: 'Berlin', state: 'Berlin', country: 'Germany', timeZone: 'Europe/Berlin' },
  { city: 'Paris', state: 'Ile-de-France', country: 'France', timeZone: 'Europe/Paris' },
  { city: 'Dublin', state: 'Leinster', country: 'Ireland', timeZone: 'Europe/Dublin' },
  { city: 'Toronto', state: 'Ontario', country: 'Canada', timeZone: 'America/Toronto' },
  { city: 'Sydney', state: 'New South Wales', country: 'Australia', timeZone: 'Australia/Sydney' },
  { city: 'Tokyo', state: 'Tokyo', country: 'Japan', timeZone: 'Asia/Tokyo' },
];
const COMPANY_WORDS = [
  'Acme',
  'Northwind',
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Vandelay',
  'Stark',
  'Wayne',
  'Tyrell',
  'Cyberdyne',
  'Soylent',
  'Aperture',
  'Massive',
  'Pied',
  'Wonka',
  'Oscorp',
  'Gringotts',
  'Monarch',
  'Zenith',
];
const COMPANY_SUFFIXES = ['Labs', 'Systems', 'Analytics', 'Cloud', 'Works', 'Robotics', 'Health', 'Finance'];
const INDUSTRIES = [
  'information technology & services',
  'computer software',
  'financial services',
  'hospital & health care',
  'marketing & advertising',
  'logistics & supply chain',
  'retail',
  'education management',
];
const TECHNOLOGIES = [
  'Salesforce',
  'HubSpot',
  'Google Analytics',
  'AWS',
  'Segment',
  'Stripe',
  'Zendesk',
  'Slack',
  'Snowflake',
  'Outreach',
];
const FUNDING = ['Seed', 'Series A', 'Series B', 'Series C', 'Series D', null];
const EMPLOYEE_SIZES = [8, 25, 60, 140, 320, 750, 1600, 4200, 12000];

/** A 24-hex-digit id like Apollo's, from the seeded source. */
export function apolloId(random: Random): string {
  let id = '';
  for (let index = 0; index < 24; index += 1) id += random.int(0, 15).toString(16);
  return id;
}

/** Builds one organization from the seeded source; `index` keeps names and domains unique. */
export function generateOrganization(random: Random, index: number): SimulatedOrganization {
  const word = COMPANY_WORDS[index % COMPANY_WORDS.length] as string;
  const suffix = random.pick(COMPANY_SUFFIXES);
  const round = Math.floor(index / COMPANY_WORDS.length);
  const name = `${word} ${suffix}${round > 0 ? ` ${round + 1}` : ''}`;
  const domain = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.com`;
  const place = random.pick(PLACES);
  const employees = random.pick(EMPLOYEE_SIZES);
  const jobs = random.int(0, 4);
  return {
    id: apolloId(random),
    name,
    primary_domain: domain,
    website_url: `http://www.${domain}`,
    linkedin_url: `http://www.linkedin.com/company/${domain.replace('.com', '')}`,
    industry: random.pick(INDUSTRIES),
    estimated_num_employees: employees,
    annual_revenue: employees * random.int(80, 400) * 1000,
    founded_year: random.int(1985, 2022),
    city: place.city,
    state: place.state,
    country: place.country,
    keywords: [random.pick(INDUSTRIES), 'b2b'],
    technology_names: Array.from(
      new Set([random.pick(TECHNOLOGIES), random.pick(TECHNOLOGIES), random.pick(TECHNOLOGIES)]),
    ),
    latest_funding_stage: random.pick(FUNDING),
    job_postings: Array.from({ length: jobs }, () => ({
      id: apolloId(random),
      title: random.pick(ROLES).title,
      city: random.chance(0.5) ? place.city : null,
      country: place.country,
      posted_at: new Date(Date.UTC(2026, 0, 1) - random.int(1, 90) * 86_400_000).toISOString(),
    })),
  };
}

/** Builds one person working at `organization`; `index` keeps emails unique. */
export function generatePerson(
  random: Random,
  index: number,
  organization: SimulatedOrganization,
): SimulatedPerson {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const role = random.pick(ROLES);
  const place = random.chance(0.7)
    ? { city: organization.city, state: organization.state, country: organization.country, timeZone: 'UTC' }
    : random.pick(PLACES);
  const timeZone = PLACES.find((candidate) => candidate.city === place.city)?.timeZone ?? 'UTC';
  const handle = `${first}.${last}${index}`.toLowerCase();
  return {
    id: apolloId(random),
    first_name: first,
    last_name: last,
    name: `${first} ${last}`,
    title: role.title,
    seniority: role.seniority,
    departments: [role.department],
    email: `${handle}@${organization.primary_domain}`,
    email_status: random.pick([
      'verified',
      'verified',
      'verified',
      'unverified',
      'likely to engage',
    ] as const),
    linkedin_url: `http://www.linkedin.com/in/${handle.replace('.', '-')}`,
    city: place.city,
    state: place.state,
    country: place.country,
    time_zone: timeZone,
    organization_id: organization.id,
    mobile_phone: random.chance(0.4) ? `+1555${String(random.int(1_000_000, 9_999_999))}` : null,
  };
}
