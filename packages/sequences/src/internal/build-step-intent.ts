import type { SequenceDefinition, SequenceStep } from '../definition/sequence-definition.ts';
import { stepIdOf } from '../definition/sequence-definition.ts';
import type { Enrollment, OutgoingEmail, SequenceTask, StepExecution } from '../engine/types.ts';
import { renderTemplate } from '../template/render-template.ts';
import type { Tracking } from '../tracking/create-tracking.ts';
import {
  chooseVariant,
  displayName,
  isAutomaticEmail,
  templateVariables,
  variantsOf,
} from './step-content.ts';

/** What building a step's intent needs. */
export interface BuildStepIntentInput {
  enrollment: Enrollment;
  definition: SequenceDefinition;
  stepIndex: number;
  /** Epoch milliseconds of the run. */
  at: number;
  /**
   * Whether the engine has `unsubscribe` (one-click). Without it, emails carry only a `mailto:`
   * to the sending mailbox, which is also the `unsubscribe_url` variable.
   */
  oneClickUnsubscribe: boolean;
  /**
   * The recipient's unsubscribe link for the body and the header: the one-click URL (`null`
   * without an address), or the sending mailbox's `mailto:` without `oneClickUnsubscribe`.
   */
  unsubscribeUrl: string | null;
  /** Extra `mailto:` target of `List-Unsubscribe` next to the one-click link (`unsubscribe.mailto`). */
  mailto: string | undefined;
  tracking: Tracking | undefined;
}

/** The idempotency key of one step of one enrolment. */
export function idempotencyKeyOf(enrollmentId: string, stepIndex: number): string {
  return `seq_${enrollmentId}_${stepIndex}`;
}

/**
 * A `mailto:` URI (RFC 6068) asking to unsubscribe, for `List-Unsubscribe` (RFC 2369) and the
 * `unsubscribe_url` variable. Characters that would end the URI or the header are percent-encoded.
 */
export function unsubscribeMailtoOf(address: string): string {
  const encoded = encodeURIComponent(address.trim()).replace(/%40/g, '@').replace(/%2B/g, '+');
  return `mailto:${encoded}?subject=unsubscribe`;
}

function reSubject(subject: string): string {
  return /^re:/i.test(subject) ? subject : `Re: ${subject}`;
}

const ACTION_LABELS = {
  connect: 'send a connection request to',
  message: 'message',
  view_profile: 'view the profile of',
  interact: 'interact with a post of',
} as const;

/**
 * Renders what a step hands to its channel (the email or the task) into an intent record.
 * It is stored before the channel call, so a repeat sends exactly the same thing.
 */
export function buildStepIntent(input: BuildStepIntentInput): StepExecution {
  const { enrollment, definition, stepIndex, at, oneClickUnsubscribe, unsubscribeUrl, mailto, tracking } =
    input;
  const step = definition.steps[stepIndex] as SequenceStep;
  const stepId = stepIdOf(step, stepIndex);
  const idempotencyKey = idempotencyKeyOf(enrollment.id, stepIndex);
  const execution: StepExecution = {
    stepIndex,
    stepId,
    type: step.type === 'email' ? `email_${step.mode}` : step.type,
    idempotencyKey,
    state: 'intent',
    createdAt: new Date(at).toISOString(),
    completedAt: null,
    variantId: null,
    email: null,
    task: null,
    messageId: null,
    threadId: null,
    taskId: null,
    error: null,
  };
  if (step.type === 'wait') return execution;
  const variables = templateVariables({ ...enrollment, unsubscribeUrl });
  const text = (template: string) => renderTemplate(template, variables, { escape: 'none' });
  const html = (template: string) => renderTemplate(template, variables);
  const metadata = { enrollmentId: enrollment.id, sequenceId: enrollment.sequenceId, stepId, stepIndex };
  const name = displayName(enrollment.person);

  if (step.type === 'email') {
    const variant = chooseVariant(step, enrollment.id, stepIndex);
    execution.variantId = variant.id;
    let subject: string;
    if (variant.subject !== undefined) subject = text(variant.subject);
    else if (enrollment.thread) subject = reSubject(enrollment.thread.subject);
    else {
      const firstEmail = definition.steps.find((candidate) => isAutomaticEmail(candidate));
      const firstSubject =
        firstEmail && isAutomaticEmail(firstEmail) ? variantsOf(firstEmail)[0]?.subject : undefined;
      subject = firstSubject ? reSubject(text(firstSubject)) : '';
    }
    let body = html(variant.body);
    if (step.mode === 'manual') {
      const task: SequenceTask = {
        idempotencyKey,
        tenantId: enrollment.tenantId,
        type: 'email',
        title: `Email ${name}: ${subject}`,
        subject,
        body,
        blocking: step.blocking,
        person: enrollment.person,
        mailbox: enrollment.mailbox,
        dueAt: enrollment.dueAt ?? execution.createdAt,
        metadata,
      };
      if (step.note !== undefined) task.note = text(step.note);
      execution.task = task;
      return execution;
    }
    if (tracking) {
      body = tracking.instrument(
        body,
        {
          tenantId: enrollment.tenantId,
          personId: enrollment.personId,
          enrollmentId: enrollment.id,
          sequenceId: enrollment.sequenceId,
          stepIndex,
          messageId: idempotencyKey,
        },
        { skip: (url) => url === unsubscribeUrl },
      );
    }
    const headers: Record<string, string> = {};
    if (oneClickUnsubscribe) {
      const listUnsubscribe = [`<${unsubscribeUrl}>`];
      if (mailto) listUnsubscribe.push(`<${unsubscribeMailtoOf(mailto)}>`);
      headers['List-Unsubscribe'] = listUnsubscribe.join(', ');
      headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    } else {
      // RFC 8058 one-click needs an HTTPS URI, so a mailto alone gets no List-Unsubscribe-Post.
      headers['List-Unsubscribe'] = `<${unsubscribeUrl}>`;
    }
    const to: OutgoingEmail['to'] = { email: enrollment.email as string };
    if (name !== enrollment.email && name !== enrollment.personId) to.name = name;
    const from: OutgoingEmail['from'] = { email: enrollment.mailbox.email };
    if (enrollment.mailbox.name !== undefined) from.name = enrollment.mailbox.name;
    const email: OutgoingEmail = {
      idempotencyKey,
      tenantId: enrollment.tenantId,
      from,
      to,
      subject,
      html: body,
      headers,
      metadata: { ...metadata, personId: enrollment.personId, variantId: variant.id },
    };
    if (step.replyInThread && enrollment.thread) {
      if (enrollment.thread.threadId !== null) email.threadId = enrollment.thread.threadId;
      email.inReplyTo = enrollment.thread.lastMessageId;
    }
    execution.email = email;
    return execution;
  }

  const task: SequenceTask = {
    idempotencyKey,
    tenantId: enrollment.tenantId,
    type: step.type,
    title:
      step.type === 'call'
        ? step.title
          ? text(step.title)
          : `Call ${name}`
        : step.type === 'linkedin'
          ? step.title
            ? text(step.title)
            : `LinkedIn: ${ACTION_LABELS[step.action]} ${name}`
          : text(step.title),
    blocking: step.blocking,
    person: enrollment.person,
    mailbox: enrollment.mailbox,
    dueAt: enrollment.dueAt ?? execution.createdAt,
    metadata,
  };
  if (step.note !== undefined) task.note = text(step.note);
  if (step.type === 'linkedin') {
    task.action = step.action;
    if (step.message !== undefined) task.message = text(step.message);
  }
  execution.task = task;
  return execution;
}

/** A failed record for a step whose intent could not even be built. */
export function buildFailedExecution(
  step: SequenceStep,
  stepIndex: number,
  enrollmentId: string,
  at: number,
): StepExecution {
  return {
    stepIndex,
    stepId: stepIdOf(step, stepIndex),
    type: step.type,
    idempotencyKey: idempotencyKeyOf(enrollmentId, stepIndex),
    state: 'failed',
    createdAt: new Date(at).toISOString(),
    completedAt: null,
    variantId: null,
    email: null,
    task: null,
    messageId: null,
    threadId: null,
    taskId: null,
    error: null,
  };
}
