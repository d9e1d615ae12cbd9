import type { Activity } from '@salesos/core';
import type { RunSummary } from '@salesos/crm';
import type { Enrollment } from '@salesos/sequences';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_RUN_PREFIX } from './crm-sync.ts';
import { ACTIVITY_PREFIX } from './engagement-intake.ts';
import { type PipelineRun, runPipeline } from './run-pipeline.ts';

const SEED = 7;
const LEADS = 50;

describe('runPipeline', () => {
  let run: PipelineRun;
  let enrollments: Enrollment[];

  beforeAll(async () => {
    run = await runPipeline({ seed: SEED, leads: LEADS });
    enrollments = [];
    for await (const person of run.book.entities.person.records()) {
      enrollments.push(
        ...(await run.engine.listEnrollments({ tenantId: run.tenantId, personId: person.id })),
      );
    }
  });

  afterAll(async () => {
    await run?.close();
  });

  it('finds, enriches and pays for the leads asked', async () => {
    const { summary, simulators } = run;
    expect(summary.leadsFound).toBe(LEADS);
    expect(summary.enriched).toBe(LEADS);
    // Apollo's own ledger: one credit per enriched person.
    expect(summary.creditsSpent).toBe(simulators.apollo.store.credits.consumed);
    expect(summary.creditsSpent).toBe(summary.enriched);
  });

  it('tiers every enriched lead, as the scorer has stored them', async () => {
    const { summary, book, scorer } = run;
    const tiers = { 1: 0, 2: 0, 3: 0, 4: 0 };
    for await (const person of book.entities.person.records()) {
      if (!person.externalIds.apollo) continue;
      const score = await scorer.getScore(person.id);
      expect(score).not.toBeNull();
      if (score) tiers[score.tier] += 1;
    }
    expect(summary.tiers).toEqual(tiers);
    expect(tiers[1] + tiers[2] + tiers[3] + tiers[4]).toBe(summary.enriched);
  });

  it('counts the enrolments the sequence engine holds', () => {
    expect(run.summary.enrolled).toBeGreaterThan(0);
    expect(enrollments).toHaveLength(run.summary.enrolled);
  });

  it('counts every email the engine sent and SalesLoft logged', async () => {
    const { summary, engine, tenantId, simulators } = run;
    let executed = 0;
    for (const enrollment of enrollments) {
      const report = await engine.status({ tenantId, enrollmentId: enrollment.id });
      executed +=
        report?.executions.filter((step) => step.email !== null && step.state === 'done').length ?? 0;
    }
    expect(summary.emailsSent).toBeGreaterThan(summary.enrolled - 1);
    expect(executed).toBe(summary.emailsSent);
    expect(simulators.salesloft.store.emails.size).toBe(summary.emailsSent);
  });

  it('counts the engagement SalesLoft recorded and the engine acted on', async () => {
    const { summary, simulators, engine, tenantId } = run;
    const emails = simulators.salesloft.store.emails.all();
    const automatic = (email: (typeof emails)[number]) => email.headers?.['auto-submitted'] !== undefined;
    expect(summary.opens).toBe(emails.filter((email) => (email.counts?.views ?? 0) > 0).length);
    expect(summary.clicks).toBe(emails.filter((email) => (email.counts?.clicks ?? 0) > 0).length);
    expect(summary.replies).toBe(
      emails.filter((email) => (email.counts?.replies ?? 0) > 0 && !automatic(email)).length,
    );
    expect(summary.outOfOffice).toBe(emails.filter(automatic).length);
    expect(summary.bounces).toBe(emails.filter((email) => email.bounced === true).length);
    expect(summary.meetings).toBe(simulators.salesloft.store.meetings.size);
    const optedOut = simulators.salesloft.store.people.all().filter((person) => person.do_not_contact);
    expect(summary.unsubscribes).toBe(optedOut.length);

    // Bounces and unsubscribes end enrolments and suppress the address; replies end them too
    // (unless the last step had already gone out and the sequence had completed).
    expect(enrollments.filter((enrollment) => enrollment.status === 'bounced')).toHaveLength(summary.bounces);
    const repliedPeople = new Set<string>();
    for await (const entry of run.storage.list<Activity>({ prefix: [...ACTIVITY_PREFIX, 'email_replied'] }))
      repliedPeople.add(entry.value.personId);
    expect(repliedPeople.size).toBeLessThanOrEqual(summary.replies);
    const endedByReply = enrollments.filter((enrollment) => enrollment.reason === 'replied');
    expect(endedByReply.length).toBeGreaterThan(0);
    for (const enrollment of endedByReply) expect(repliedPeople.has(enrollment.personId)).toBe(true);
    for (const enrollment of enrollments.filter((item) => repliedPeople.has(item.personId)))
      expect(enrollment.status).toBe('finished');
    const suppressed = [];
    for await (const entry of engine.suppression.list({ tenantId })) suppressed.push(entry);
    expect(suppressed).toHaveLength(summary.bounces + summary.unsubscribes);
  });

  it('syncs people and deals both ways with Attio, as both sides and the sync engine hold them', async () => {
    const { summary, simulators, book, crm } = run;
    const attio = simulators.attio.store;
    expect(summary.sync.people).toBeGreaterThan(summary.enriched - 1);
    expect(attio.countRecords('people')).toBe(summary.sync.people);
    expect(await book.entities.person.count()).toBe(summary.sync.people);
    expect(attio.countRecords('deals')).toBe(summary.sync.deals);
    expect(await book.entities.deal.count()).toBe(summary.sync.deals);
    let conflicts = 0;
    for await (const entry of run.storage.list<RunSummary>({ prefix: SYNC_RUN_PREFIX }))
      conflicts += entry.value.counts.conflicts;
    expect(conflicts).toBe(summary.sync.conflicts);
    expect(summary.sync.conflicts).toBeGreaterThan(0);
    for (const syncId of ['people', 'deals']) {
      const status = await crm.status(syncId);
      expect(status.lastRun?.status).toBe('completed');
      expect(status.deadLetters).toBe(0);
    }
  });

  it('gives the same summary for the same seed', async () => {
    const again = await runPipeline({ seed: SEED, leads: LEADS });
    try {
      expect({ ...again.summary, wallTimeMs: 0 }).toEqual({ ...run.summary, wallTimeMs: 0 });
    } finally {
      await again.close();
    }
  });
});
