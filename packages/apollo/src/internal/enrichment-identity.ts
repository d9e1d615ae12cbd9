/** A bare lower-case domain from a domain, URL or email address. */
export function bareDomain(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^.*@/, '')
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[/?#].*$/, '');
}

const normalizeLinkedin = (value: string) =>
  value
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/+$/, '');

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/**
 * The keys that identify the person an enrichment asks for (or returned): by Apollo id,
 * email, hashed email, LinkedIn URL, or name at a company. `variant` separates results
 * fetched with different reveal options.
 */
export function personIdentities(detail: Record<string, unknown>, variant: string): string[] {
  const keys: string[] = [];
  const id = text(detail.id);
  if (id) keys.push(`id:${id}`);
  const email = text(detail.email);
  if (email) keys.push(`email:${email.toLowerCase()}`);
  const hashed = text(detail.hashed_email);
  if (hashed) keys.push(`hashed_email:${hashed.toLowerCase()}`);
  const linkedin = text(detail.linkedin_url);
  if (linkedin) keys.push(`linkedin:${normalizeLinkedin(linkedin)}`);
  if (keys.length === 0) {
    const name =
      text(detail.name) ?? [text(detail.first_name), text(detail.last_name)].filter(Boolean).join(' ');
    const company = text(detail.domain) ?? text(detail.organization_name);
    if (name && company) keys.push(`name:${name.toLowerCase()}|${bareDomain(company)}`);
  }
  return keys.map((key) => `${variant}:${key}`);
}

/** The keys that identify the organization an enrichment asks for (or returned). */
export function organizationIdentities(detail: Record<string, unknown>): string[] {
  const keys: string[] = [];
  const domain = text(detail.domain) ?? text(detail.primary_domain) ?? text(detail.website);
  if (domain) keys.push(`domain:${bareDomain(domain)}`);
  const website = text(detail.website_url);
  if (website && !domain) keys.push(`domain:${bareDomain(website)}`);
  const linkedin = text(detail.linkedin_url);
  if (linkedin) keys.push(`linkedin:${normalizeLinkedin(linkedin)}`);
  if (keys.length === 0) {
    const name = text(detail.name);
    if (name) keys.push(`name:${name.toLowerCase()}`);
  }
  return keys;
}
