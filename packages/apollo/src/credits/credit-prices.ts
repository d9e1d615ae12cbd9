/**
 * Apollo's documented credit prices (API pricing, 2026). Writes, CRM searches and People
 * API Search cost nothing.
 */
export const APOLLO_CREDIT_PRICES = {
  /** People enrichment (single or bulk): demographics or email, per person found. */
  personEnrichment: 1,
  /** Added when a mobile number is returned (`reveal_phone_number`). */
  mobilePhone: 8,
  /** Organization enrichment (single or bulk), per organization found. */
  organizationEnrichment: 1,
  /** `GET /people/{id}`. */
  personById: 1,
  /** `GET /organizations/{id}`. */
  organizationById: 1,
  /** Organization Search, per page of results. */
  organizationSearchPage: 1,
  /** Organization job postings, per page of results. */
  jobPostingsPage: 1,
} as const;
