import type { SimulatedRecord } from '../simulator-store.ts';
import type { RequestParams } from './request-params.ts';
import { json, unprocessable } from './responses.ts';
import { contains, pageOf, type SimulatedRoute, sortByDate } from './route-context.ts';

const CONTACT_FIELDS = [
  'first_name',
  'last_name',
  'organization_name',
  'title',
  'account_id',
  'email',
  'website_url',
  'contact_stage_id',
  'present_raw_address',
  'direct_phone',
  'corporate_phone',
  'mobile_phone',
  'home_phone',
  'other_phone',
  'typed_custom_fields',
  'linkedin_url',
  'owner_id',
] as const;

const ACCOUNT_FIELDS = [
  'name',
  'domain',
  'owner_id',
  'account_stage_id',
  'phone',
  'raw_address',
  'typed_custom_fields',
] as const;

const OPPORTUNITY_FIELDS = [
  'name',
  'owner_id',
  'account_id',
  'amount',
  'opportunity_stage_id',
  'closed_date',
  'typed_custom_fields',
] as const;

const pick = (source: Record<string, unknown> | undefined, fields: readonly string[]) => {
  const picked: Record<string, unknown> = {};
  for (const field of fields) if (source && source[field] !== undefined) picked[field] = source[field];
  return picked;
};

const isValidId = (value: unknown) => typeof value === 'string' && /^[0-9a-f]{24}$/.test(value);

const SORT_FIELDS: Record<string, string> = {
  contact_created_at: 'created_at',
  contact_updated_at: 'updated_at',
  contact_last_activity_date: 'updated_at',
  contact_email_last_opened_at: 'updated_at',
  contact_email_last_clicked_at: 'updated_at',
  account_created_at: 'created_at',
  account_updated_at: 'updated_at',
  account_last_activity_date: 'updated_at',
};

function searchRecords(records: SimulatedRecord[], params: RequestParams, defaultSort: string) {
  const sortField = SORT_FIELDS[params.string('sort_by_field') ?? ''] ?? defaultSort;
  return sortByDate(records, sortField, params.bool('sort_ascending') === true);
}

/** Whether a record is in one of `stages` and carries one of `labels` (an empty list matches all). */
const inStagesAndLabels = (
  record: SimulatedRecord,
  stageField: string,
  stages: string[],
  labels: string[],
): boolean => {
  if (stages.length > 0 && !stages.includes(String(record[stageField]))) return false;
  if (
    labels.length > 0 &&
    !labels.some((label) => (record.label_ids as string[] | undefined)?.includes(label))
  )
    return false;
  return true;
};

const withLabels = (contact: SimulatedRecord, labelNames: unknown) => {
  if (!Array.isArray(labelNames)) return contact;
  return { ...contact, label_ids: labelNames.map((name) => `label-${String(name)}`) };
};

/** Contacts, accounts and deals. */
export const crmRoutes: SimulatedRoute[] = [
  {
    method: 'POST',
    path: '/contacts',
    scope: 'api/v1/contacts/create',
    handle({ store, params }) {
      const fields = pick(params.body, CONTACT_FIELDS);
      if (fields.account_id !== undefined && !store.accounts.has(String(fields.account_id))) {
        return unprocessable(`Parameters misconfigured. ${String(fields.account_id)} is not a valid ID`);
      }
      if (params.body?.run_dedupe === true && typeof fields.email === 'string') {
        const email = fields.email.toLowerCase();
        const existing = Array.from(store.contacts.values()).find(
          (contact) => String(contact.email ?? '').toLowerCase() === email,
        );
        if (existing) return json({ contact: existing, labels: [] });
      }
      const contact = store.addContact(withLabels(fields as SimulatedRecord, params.body?.label_names));
      return json({ contact, labels: [] });
    },
  },
  {
    method: 'PATCH',
    path: '/contacts/{contact_id}',
    scope: 'api/v1/contacts/update',
    handle({ store, params, pathParams }) {
      const id = pathParams.contact_id ?? '';
      if (!store.contacts.has(id)) return unprocessable(`Parameters misconfigured. ${id} is not a valid ID`);
      const fields = pick(params.body, CONTACT_FIELDS);
      const contact = store.updateContact(
        id,
        withLabels(fields as SimulatedRecord, params.body?.label_names),
      );
      return json({ contact, labels: [] });
    },
  },
  {
    method: 'GET',
    path: '/contacts/{contact_id}',
    scope: 'api/v1/contacts/show',
    handle({ store, pathParams }) {
      const id = pathParams.contact_id ?? '';
      const contact = store.contacts.get(id);
      if (!contact) return unprocessable(`Parameters misconfigured. ${id} is not a valid ID`);
      return json({ contact, labels: [] });
    },
  },
  {
    method: 'POST',
    path: '/contacts/search',
    scope: 'api/v1/contacts/search',
    paidOnly: true,
    handle({ store, params }) {
      const keywords = params.string('q_keywords');
      const stages = params.list('contact_stage_ids');
      const labels = params.list('contact_label_ids');
      const matching = Array.from(store.contacts.values()).filter((contact) => {
        if (
          keywords &&
          !['name', 'email', 'title', 'organization_name'].some((field) => contains(contact[field], keywords))
        )
          return false;
        return inStagesAndLabels(contact, 'contact_stage_id', stages, labels);
      });
      const { items, pagination } = pageOf(searchRecords(matching, params, 'created_at'), params, 25);
      return json({ contacts: items, breadcrumbs: [], pagination });
    },
  },
  {
    method: 'POST',
    path: '/contacts/bulk_create',
    scope: 'api/v1/contacts/bulk_create',
    handle({ store, params }) {
      const contacts = params.body?.contacts;
      if (!Array.isArray(contacts) || contacts.length === 0) {
        return unprocessable('Please provide an array of contact attributes in the "contacts" parameter.');
      }
      if (contacts.length > 100) return unprocessable('Please limit your array to 100 contacts or fewer.');
      const created: SimulatedRecord[] = [];
      const existing: SimulatedRecord[] = [];
      for (const input of contacts as Record<string, unknown>[]) {
        const email = typeof input.email === 'string' ? input.email.toLowerCase() : undefined;
        const found = email
          ? Array.from(store.contacts.values()).find(
              (contact) => String(contact.email ?? '').toLowerCase() === email,
            )
          : undefined;
        if (found) existing.push(found);
        else created.push(store.addContact(pick(input, CONTACT_FIELDS)));
      }
      return json({ created_contacts: created, existing_contacts: existing });
    },
  },
  {
    method: 'POST',
    path: '/contacts/bulk_update',
    scope: 'api/v1/contacts/bulk_update',
    handle({ store, params }) {
      const attributes = params.body?.contact_attributes;
      const ids = params.body?.contact_ids;
      const updated: SimulatedRecord[] = [];
      if (Array.isArray(attributes)) {
        for (const input of attributes as Record<string, unknown>[]) {
          const id = String(input.id ?? '');
          if (store.contacts.has(id)) updated.push(store.updateContact(id, pick(input, CONTACT_FIELDS)));
        }
      } else if (Array.isArray(ids)) {
        const fields = pick(params.body, CONTACT_FIELDS);
        for (const id of ids as string[]) {
          if (store.contacts.has(id)) updated.push(store.updateContact(id, fields));
        }
      } else {
        return unprocessable('Please specify either contact_ids or contact_attributes.');
      }
      return json({ contacts: updated });
    },
  },
  {
    method: 'POST',
    path: '/accounts',
    scope: 'api/v1/accounts/create',
    handle({ store, params }) {
      const fields = pick(params.body, ACCOUNT_FIELDS);
      if (!fields.name && !fields.domain) return unprocessable('Please provide a name or a domain.');
      return json({ account: store.addAccount(fields) });
    },
  },
  {
    method: 'PATCH',
    path: '/accounts/{account_id}',
    scope: 'api/v1/accounts/update',
    handle({ store, params, pathParams }) {
      const id = pathParams.account_id ?? '';
      if (!store.accounts.has(id)) return unprocessable(`Parameters misconfigured. ${id} is not a valid ID`);
      return json({ account: store.updateAccount(id, pick(params.body, ACCOUNT_FIELDS)), labels: [] });
    },
  },
  {
    method: 'GET',
    path: '/accounts/{id}',
    scope: 'api/v1/accounts/show',
    handle({ store, pathParams }) {
      const id = pathParams.id ?? '';
      const account = store.accounts.get(id);
      if (!account) return unprocessable(`Parameters misconfigured. ${id} is not a valid ID`);
      return json({ account, salesforce_users: [], hubspot_owners: [] });
    },
  },
  {
    method: 'POST',
    path: '/accounts/search',
    scope: 'api/v1/accounts/search',
    handle({ store, params }) {
      const name = params.string('q_organization_name');
      const stages = params.list('account_stage_ids');
      const labels = params.list('account_label_ids');
      const sort = params.string('sort_by_field');
      if (sort && !SORT_FIELDS[sort]?.length)
        return json({ error: 'Invalid sort criteria', skip_alert_dialog: true }, 422);
      const matching = Array.from(store.accounts.values()).filter((account) => {
        if (name && !contains(account.name, name) && !contains(account.domain, name)) return false;
        return inStagesAndLabels(account, 'account_stage_id', stages, labels);
      });
      const { items, pagination } = pageOf(searchRecords(matching, params, 'created_at'), params, 25);
      return json({ accounts: items, breadcrumbs: [], pagination });
    },
  },
  {
    method: 'POST',
    path: '/opportunities',
    scope: 'api/v1/opportunities/create',
    handle({ store, params }) {
      const fields = pick(params.body, OPPORTUNITY_FIELDS);
      if (!fields.name) return unprocessable('Name is required');
      for (const field of ['account_id', 'owner_id', 'opportunity_stage_id']) {
        if (fields[field] !== undefined && !isValidId(fields[field])) {
          return unprocessable(`Parameters misconfigured. ${String(fields[field])} is not a valid ID`);
        }
      }
      const now = store.nowIso();
      const opportunity: SimulatedRecord = {
        id: store.newId(),
        owner_id: store.users[0]?.id ?? null,
        account_id: null,
        opportunity_stage_id: store.opportunityStages[0]?.id ?? null,
        closed_date: null,
        is_closed: false,
        is_won: false,
        source: 'api',
        created_at: now,
        updated_at: now,
        currency: { name: 'US Dollar', iso_code: 'USD', symbol: '$' },
        exchange_rate_code: 'USD',
        ...fields,
        amount: fields.amount === undefined ? null : Number(fields.amount),
      };
      store.opportunities.set(opportunity.id, opportunity);
      return json({ opportunity });
    },
  },
  {
    method: 'GET',
    path: '/opportunities/{opportunity_id}',
    scope: 'api/v1/opportunities/show',
    handle({ store, pathParams }) {
      const opportunity = store.opportunities.get(pathParams.opportunity_id ?? '');
      if (!opportunity) return json({ status: 404, error: 'Not Found' }, 404);
      return json({ opportunity });
    },
  },
  {
    method: 'PATCH',
    path: '/opportunities/{opportunity_id}',
    scope: 'api/v1/opportunities/update',
    handle({ store, params, pathParams }) {
      const id = pathParams.opportunity_id ?? '';
      const current = store.opportunities.get(id);
      if (!current) return unprocessable('Opportunity does not exist.');
      const fields = pick(params.body, OPPORTUNITY_FIELDS);
      const stage = store.opportunityStages.find(
        (item) => item.id === (fields.opportunity_stage_id ?? current.opportunity_stage_id),
      );
      const opportunity: SimulatedRecord = {
        ...current,
        ...fields,
        ...(fields.amount === undefined ? {} : { amount: Number(fields.amount) }),
        is_closed: stage?.is_closed ?? current.is_closed,
        is_won: stage?.is_won ?? current.is_won,
        updated_at: store.nowIso(),
      };
      store.opportunities.set(id, opportunity);
      return json({ opportunity });
    },
  },
  {
    method: 'GET',
    path: '/opportunities/search',
    scope: 'api/v1/opportunities/search',
    paidOnly: true,
    handle({ store, params }) {
      const sort = params.string('sort_by_field');
      const records = Array.from(store.opportunities.values());
      if (sort === 'amount')
        records.sort((left, right) => Number(right.amount ?? 0) - Number(left.amount ?? 0));
      if (sort === 'is_closed' || sort === 'is_won')
        records.sort((left, right) => Number(right[sort] === true) - Number(left[sort] === true));
      const { items, pagination } = pageOf(records, params, 25);
      return json({ breadcrumbs: [], opportunities: items, pagination });
    },
  },
  {
    method: 'GET',
    path: '/opportunity_stages',
    scope: 'api/v1/opportunity_stages/index',
    handle({ store }) {
      return json({ opportunity_stages: store.opportunityStages });
    },
  },
];
