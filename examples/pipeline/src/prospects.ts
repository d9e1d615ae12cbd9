import { createHash } from 'node:crypto';
import type { Queue } from '@salesos/core';
import { createRandom } from '@salesos/core/testing';
import type { SalesloftSimulator } from '@salesos/salesloft/testing';
import type { OutgoingEmail } from '@salesos/sequences';

/** How prospects react to an email, decided once per email from the seed. */
export type Reaction = 'bounce' | 'auto_reply' | 'unsubscribe' | 'open' | 'click' | 'reply' | 'meeting';

/** A reaction waiting in the queue for its simulated time. */
export interface ReactionJob {
  reaction: Reaction;
  /** The SalesLoft email activity the reaction is about. */
  emailId: number;
  /** The prospect in SalesLoft. */
  salesloftPersonId: number;
}

/** Odds of each reaction (per email; `click` and `reply` only follow an open, `meeting` only a reply). */
export interface ReactionRates {
  bounce: number;
  autoReply: number;
  unsubscribe: number;
  open: number;
  click: number;
  reply: number;
  meeting: number;
}

/** Default odds, close to a good cold-outreach campaign. */
export const DEFAULT_REACTION_RATES: ReactionRates = {
  bounce: 0.015,
  autoReply: 0.03,
  unsubscribe: 0.015,
  open: 0.55,
  click: 0.35,
  reply: 0.2,
  meeting: 0.45,
};

/** Queue job name of reactions. */
export const REACTION_JOB = 'pipeline.reaction';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A 32-bit seed from the run's seed and a few parts, so every email draws its own dice. */
const diceSeed = (...parts: (string | number)[]): number =>
  createHash('sha256').update(parts.join('\u0000')).digest().readUInt32LE(0);

/** The simulated prospects: they receive the emails and react to them inside SalesLoft. */
export interface Prospects {
  /**
   * Logs a sent email as a SalesLoft email activity (raising its webhook) and queues the
   * recipient's reactions at their simulated times.
   */
  receive(email: OutgoingEmail, salesloftPersonId: number, sentAt: number): Promise<void>;
  /** Plays one reaction in SalesLoft: counts on the email, a meeting, or `do_not_contact`. */
  react(job: ReactionJob, at: number): Promise<void>;
}

/** Creates the simulated prospects of one run. */
export function createProspects(options: {
  seed: number;
  salesloft: SalesloftSimulator;
  queue: Queue;
  rates?: ReactionRates;
}): Prospects {
  const { salesloft, queue, seed } = options;
  const rates = options.rates ?? DEFAULT_REACTION_RATES;
  const iso = (at: number) => new Date(at).toISOString();

  // Odd seconds keep reactions off the minute marks steps are scheduled on, so the order of a
  // reaction and a step never depends on which job the queue happens to pick first.
  const later = (from: number, random: ReturnType<typeof createRandom>, minMs: number, maxMs: number) =>
    from + random.int(minMs, maxMs) + random.int(1, 59) * 1000 + 17;

  const plan = (email: OutgoingEmail, sentAt: number): { reaction: Reaction; at: number }[] => {
    const random = createRandom(diceSeed(seed, email.metadata.personId, email.metadata.stepIndex));
    const first = email.metadata.stepIndex === 0;
    if (first && random.chance(rates.bounce))
      return [{ reaction: 'bounce', at: later(sentAt, random, MINUTE, 10 * MINUTE) }];
    if (first && random.chance(rates.autoReply))
      return [{ reaction: 'auto_reply', at: later(sentAt, random, MINUTE, 5 * MINUTE) }];
    if (random.chance(rates.unsubscribe))
      return [{ reaction: 'unsubscribe', at: later(sentAt, random, HOUR, 6 * HOUR) }];
    if (!random.chance(rates.open)) return [];
    const openedAt = later(sentAt, random, 10 * MINUTE, 8 * HOUR);
    const reactions: { reaction: Reaction; at: number }[] = [{ reaction: 'open', at: openedAt }];
    if (random.chance(rates.click))
      reactions.push({ reaction: 'click', at: later(openedAt, random, MINUTE, 10 * MINUTE) });
    if (random.chance(rates.reply)) {
      const repliedAt = later(openedAt, random, 20 * MINUTE, 20 * HOUR);
      reactions.push({ reaction: 'reply', at: repliedAt });
      if (random.chance(rates.meeting))
        reactions.push({ reaction: 'meeting', at: later(repliedAt, random, 2 * HOUR, 2 * DAY) });
    }
    return reactions;
  };

  return {
    async receive(email, salesloftPersonId, sentAt) {
      const record = salesloft.store.emails.insert({
        sent_at: iso(sentAt),
        status: 'sent',
        bounced: false,
        subject: email.subject,
        recipient_email_address: email.to.email,
        click_tracking: true,
        view_tracking: true,
        counts: { views: 0, clicks: 0, replies: 0, unique_devices: 0, unique_locations: 0, attachments: 0 },
        recipient: { id: salesloftPersonId, _href: `${salesloft.baseUrl}/people/${salesloftPersonId}` },
        headers: {},
      });
      await salesloft.webhooks.flush();
      for (const { reaction, at } of plan(email, sentAt)) {
        const job: ReactionJob = {
          reaction,
          emailId: record.id,
          salesloftPersonId,
        };
        await queue.add(REACTION_JOB, job, { jobId: `${email.idempotencyKey}:${reaction}`, runAt: at });
      }
    },

    async react(job, at) {
      const email = salesloft.store.emails.get(job.emailId);
      if (!email) return;
      const known = email.counts ?? {};
      const counts = {
        views: known.views ?? 0,
        clicks: known.clicks ?? 0,
        replies: known.replies ?? 0,
        unique_devices: known.unique_devices ?? 0,
        unique_locations: known.unique_locations ?? 0,
        attachments: known.attachments ?? 0,
      };
      switch (job.reaction) {
        case 'bounce':
          salesloft.store.emails.update(job.emailId, { status: 'bounced', bounced: true });
          break;
        case 'auto_reply':
          // SalesLoft has no out-of-office event: the reply is marked as automatic (RFC 3834).
          salesloft.store.emails.update(job.emailId, {
            counts: { ...counts, replies: counts.replies + 1 },
            headers: { 'auto-submitted': 'auto-replied' },
          });
          break;
        case 'unsubscribe':
          salesloft.store.people.update(job.salesloftPersonId, { do_not_contact: true });
          break;
        case 'open':
          salesloft.store.emails.update(job.emailId, {
            counts: { ...counts, views: counts.views + 1, unique_devices: 1, unique_locations: 1 },
          });
          break;
        case 'click':
          salesloft.store.emails.update(job.emailId, { counts: { ...counts, clicks: counts.clicks + 1 } });
          break;
        case 'reply':
          salesloft.store.emails.update(job.emailId, { counts: { ...counts, replies: counts.replies + 1 } });
          break;
        case 'meeting':
          salesloft.store.meetings.insert({
            title: 'Intro call',
            status: 'booked',
            start_time: iso(at + 2 * DAY),
            end_time: iso(at + 2 * DAY + 30 * MINUTE),
            recipient_email: email.recipient_email_address ?? null,
            person: {
              id: job.salesloftPersonId,
              _href: `${salesloft.baseUrl}/people/${job.salesloftPersonId}`,
            },
          });
          break;
      }
      await salesloft.webhooks.flush();
    },
  };
}
