import type { SimulatedRecord } from '../simulator-store.ts';
import { json, unprocessable } from './responses.ts';
import { contains, MAX_PER_PAGE, pageOf, type SimulatedRoute, sortByDate } from './route-context.ts';

const TASK_TYPES = new Set([
  'call',
  'outreach_manual_email',
  'linkedin_step_connect',
  'linkedin_step_message',
  'linkedin_step_view_profile',
  'linkedin_step_interact_post',
  'action_item',
]);

const sequenceShape = (sequence: SimulatedRecord) => {
  const { contact_statuses: _statuses, ...fields } = sequence;
  return fields;
};

/** Sequences, tasks, users, email accounts and usage. */
export const engagementRoutes: SimulatedRoute[] = [
  {
    method: 'POST',
    path: '/emailer_campaigns/search',
    scope: 'api/v1/emailer_campaigns/search',
    paidOnly: true,
    handle({ store, params }) {
      const name = params.string('q_name');
      const matching = Array.from(store.sequences.values()).filter(
        (sequence) => !name || contains(sequence.name, name),
      );
      const { items, pagination } = pageOf(matching, params, 25);
      return json({ pagination, breadcrumbs: [], emailer_campaigns: items.map(sequenceShape) });
    },
  },
  {
    method: 'POST',
    path: '/emailer_campaigns/{sequence_id}/add_contact_ids',
    scope: 'api/v1/emailer_campaigns/add_contact_ids',
    handle({ store, params, pathParams }) {
      const id = pathParams.sequence_id ?? '';
      const sequence = store.sequences.get(id);
      if (!sequence) return unprocessable(`Parameters misconfigured. ${id} is not a valid ID`);
      if (params.string('emailer_campaign_id') !== id) {
        return unprocessable('emailer_campaign_id must be the same as the sequence id in the path.');
      }
      const mailboxes = params.list('send_email_from_email_account_id');
      if (mailboxes.length === 0)
        return unprocessable("Required parameter 'send_email_from_email_account_id' missing");
      const unknownMailbox = mailboxes.find(
        (mailbox) => !store.emailAccounts.some((account) => account.id === mailbox),
      );
      if (unknownMailbox)
        return unprocessable(`Parameters misconfigured. ${unknownMailbox} is not a valid ID`);
      const labelNames = params.list('label_names');
      const contactIds =
        labelNames.length > 0
          ? Array.from(store.contacts.values())
              .filter((contact) =>
                labelNames.some((name) =>
                  (contact.label_ids as string[] | undefined)?.includes(`label-${name}`),
                ),
              )
              .map((contact) => contact.id)
          : params.list('contact_ids');
      if (contactIds.length === 0 && labelNames.length === 0) {
        return unprocessable('Please specify either contact_ids or label_names.');
      }
      const status = params.string('status') === 'paused' ? 'paused' : 'active';
      const skipped: Record<string, string> = {};
      const added: SimulatedRecord[] = [];
      for (const contactId of contactIds) {
        const contact = store.contacts.get(contactId);
        if (!contact) {
          skipped[contactId] = 'contact_not_found';
          continue;
        }
        if (!contact.email && params.bool('sequence_no_email') !== true) {
          skipped[contactId] = 'no_email';
          continue;
        }
        const activeElsewhere = Array.from(store.sequences.values()).some(
          (other) => other.id !== id && other.contact_statuses[contactId] === 'active',
        );
        if (activeElsewhere && params.bool('sequence_active_in_other_campaigns') !== true) {
          skipped[contactId] = 'in_other_campaign';
          continue;
        }
        sequence.contact_statuses[contactId] = status;
        const ids = new Set((contact.emailer_campaign_ids as string[] | undefined) ?? []);
        ids.add(id);
        added.push(store.updateContact(contactId, { emailer_campaign_ids: [...ids] }));
      }
      return json({
        contacts: added,
        skipped_contact_ids: skipped,
        emailer_campaign: sequenceShape(sequence),
        emailer_steps: [],
        emailer_touches: [],
      });
    },
  },
  {
    method: 'POST',
    path: '/emailer_campaigns/remove_or_stop_contact_ids',
    scope: 'api/v1/emailer_campaigns/remove_or_stop_contact_ids',
    handle({ store, params }) {
      const sequenceIds = params.list('emailer_campaign_ids');
      const contactIds = params.list('contact_ids');
      const mode = params.string('mode');
      if (sequenceIds.length === 0 || contactIds.length === 0) {
        return unprocessable("Required parameter 'emailer_campaign_ids' or 'contact_ids' missing");
      }
      const statusOf: Record<string, string> = {
        mark_as_finished: 'finished',
        remove: 'removed',
        stop: 'paused',
      };
      const status = statusOf[mode ?? ''];
      if (!status) return unprocessable("Parameter 'mode' must be one of mark_as_finished, remove or stop");
      const sequences = sequenceIds.map((id) => store.sequences.get(id)).filter((item) => item !== undefined);
      for (const sequence of sequences) {
        for (const contactId of contactIds) {
          if (sequence.contact_statuses[contactId] === undefined) continue;
          if (status === 'removed') delete sequence.contact_statuses[contactId];
          else sequence.contact_statuses[contactId] = status;
        }
      }
      const contacts = contactIds.map((id) => store.contacts.get(id)).filter((item) => item !== undefined);
      return json({
        contacts,
        emailer_campaigns: sequences.map(sequenceShape),
        num_contacts: contacts.length,
      });
    },
  },
  {
    method: 'POST',
    path: '/tasks',
    scope: 'api/v1/tasks/create',
    handle({ store, params }) {
      const body = params.body ?? {};
      for (const field of ['user_id', 'contact_id', 'type', 'status', 'due_at']) {
        if (body[field] === undefined || body[field] === '')
          return unprocessable(`Required parameter '${field}' missing`);
      }
      if (!TASK_TYPES.has(String(body.type))) return unprocessable(`Invalid task type: ${String(body.type)}`);
      if (!store.contacts.has(String(body.contact_id))) return unprocessable('Contact does not exist');
      const task: SimulatedRecord = {
        id: store.newId(),
        user_id: body.user_id,
        contact_id: body.contact_id,
        account_id: store.contacts.get(String(body.contact_id))?.account_id ?? null,
        opportunity_id: null,
        type: body.type,
        priority: body.priority ?? 'medium',
        status: body.status,
        due_at: body.due_at,
        title: body.title ?? null,
        note: body.note ?? null,
        created_at: store.nowIso(),
        completed_at: body.status === 'completed' ? store.nowIso() : null,
      };
      store.tasks.set(task.id, task);
      return json({ task });
    },
  },
  {
    method: 'POST',
    path: '/tasks/search',
    scope: 'api/v1/tasks/search',
    paidOnly: true,
    handle({ store, params }) {
      const perPage = params.int('per_page');
      if (perPage !== undefined && (perPage > MAX_PER_PAGE || perPage < 1))
        return unprocessable('Per page not supported');
      const sort = params.string('sort_by_field') === 'task_priority' ? 'priority' : 'due_at';
      const records = sortByDate(Array.from(store.tasks.values()), sort, false);
      const { items, pagination } = pageOf(records, params, 25);
      return json({ tasks: items, breadcrumbs: [], pagination });
    },
  },
  {
    method: 'GET',
    path: '/users/search',
    scope: 'api/v1/users/search',
    paidOnly: true,
    handle({ store, params }) {
      const { items, pagination } = pageOf(store.users, params, 25);
      // Apollo sends these two as strings on this route.
      return json({
        pagination: { ...pagination, page: String(pagination.page), per_page: String(pagination.per_page) },
        users: items,
      });
    },
  },
  {
    method: 'GET',
    path: '/email_accounts',
    scope: 'api/v1/email_accounts/index',
    handle({ store }) {
      return json({ email_accounts: store.emailAccounts });
    },
  },
  {
    method: 'POST',
    path: '/usage_stats/api_usage_stats',
    scope: 'api/v1/usage_stats/api_usage_stats',
    handle({ apiUsage }) {
      return json(apiUsage());
    },
  },
  {
    method: 'POST',
    path: '/usage_stats/credit_usage_stats',
    scope: 'api/v1/usage_stats/credit_usage_stats',
    handle({ store }) {
      const { limit, consumed } = store.credits;
      const start = new Date(store.nowIso());
      const cycleStart = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
      const cycleEnd = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
      return json({
        credit_usage_stats: {
          lead_credit: { limit, consumed, left_over: Math.max(0, limit - consumed) },
          direct_dial_credit: { limit: 0, consumed: 0, left_over: 0 },
          export_credit: { limit: 0, consumed: 0, left_over: 0 },
          ai_credit: { limit: 0, consumed: 0, left_over: 0 },
        },
        current_credit_cycle: { start_date: cycleStart.toISOString(), end_date: cycleEnd.toISOString() },
      });
    },
  },
];
