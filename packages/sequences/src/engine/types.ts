import type { Person } from '@salesos/core';
import type { z } from 'zod';
import type { LinkedInStepSchema } from '../definition/sequence-definition.ts';

/** Where an enrolment stands. `finished`, `bounced`, `opted_out` and `failed` are final. */
export type EnrollmentStatus =
  | 'pending'
  | 'active'
  | 'paused'
  | 'finished'
  | 'bounced'
  | 'opted_out'
  | 'failed';

/** Why an enrolment is paused. */
export type PauseReason = 'manual' | 'out_of_office' | 'throttle';

/** Why an enrolment finished. `clicked` is the optional exit on a click. */
export type FinishReason = 'replied' | 'meeting' | 'completed' | 'manual' | 'clicked';

/** The reason that goes with a status: a pause reason, a finish reason, or a short code. */
export type TransitionReason = PauseReason | FinishReason | string;

/** The mailbox a sequence sends from. */
export interface Mailbox {
  /** The sending address; caps are counted per address. */
  email: string;
  /** Display name. */
  name?: string;
  /** The sender's IANA time zone: used when the prospect has none, and for daily caps. */
  timeZone?: string;
}

/** The reply thread an enrolment's emails continue. */
export interface EnrollmentThread {
  /** The sender's thread id, when it has one. */
  threadId: string | null;
  /** Message id of the last email in the thread. */
  lastMessageId: string;
  /** Subject of the first email. */
  subject: string;
}

/** One person's run through one sequence, as stored. */
export interface Enrollment {
  id: string;
  tenantId: string;
  sequenceId: string;
  /** The definition version this enrolment runs (changes to the sequence apply to new enrolments). */
  definitionVersion: number;
  personId: string;
  /** The recipient address, lower-cased, or `null` for a sequence without emails. */
  email: string | null;
  /** The person as enrolled. */
  person: Person;
  mailbox: Mailbox;
  /** Extra template variables given at enrolment. */
  variables: Record<string, string>;
  /** The time zone steps are scheduled in: the prospect's, else the mailbox's, else the sequence's. */
  timeZone: string;
  status: EnrollmentStatus;
  /** Pause or finish reason; `null` while pending or active. */
  reason: TransitionReason | null;
  /** Index of the next step to run (equals the step count once every step ran). */
  stepIndex: number;
  /** ISO time the next step is due, or `null` when none is scheduled. */
  dueAt: string | null;
  /** ISO time a paused enrolment resumes by itself, or `null`. */
  resumeAt: string | null;
  /** True while a blocking manual step waits for `completeTask`. */
  waitingForTask: boolean;
  thread: EnrollmentThread | null;
  enrolledAt: string;
  updatedAt: string;
  /** ISO time the last step ran. */
  lastStepAt: string | null;
  /** ISO time it reached a final status. */
  endedAt: string | null;
  /** Bumped whenever the schedule changes; jobs of older generations are ignored. */
  generation: number;
  /** Number of transitions recorded. */
  transitionCount: number;
}

/** One recorded change of status. */
export interface EnrollmentTransition {
  enrollmentId: string;
  /** `null` for the creation of the enrolment. */
  from: EnrollmentStatus | null;
  to: EnrollmentStatus;
  reason: TransitionReason | null;
  at: string;
  /** The activity that caused it, when one did. */
  activityId?: string;
}

/** An email the engine asks the `EmailSender` to send. */
export interface OutgoingEmail {
  /**
   * Stable for one step of one enrolment. Senders MUST honour it: a second `send` with a key
   * already sent must not send again and must answer the first result. See the README.
   */
  idempotencyKey: string;
  tenantId: string;
  from: { email: string; name?: string };
  to: { email: string; name?: string };
  subject: string;
  /** HTML body, already rendered and instrumented for tracking. */
  html: string;
  /**
   * Headers to send as they are. With the engine's `unsubscribe`: `List-Unsubscribe`
   * (`<https://…>`, plus `<mailto:…>` when configured) and
   * `List-Unsubscribe-Post: List-Unsubscribe=One-Click`; DKIM must sign both. Without it:
   * only `List-Unsubscribe: <mailto:{from.email}?subject=unsubscribe>`.
   */
  headers: Record<string, string>;
  /** Thread to reply in (the sender's own id), for follow-ups in thread. */
  threadId?: string;
  /** Message id this email replies to (`In-Reply-To`). */
  inReplyTo?: string;
  metadata: {
    enrollmentId: string;
    sequenceId: string;
    stepId: string;
    stepIndex: number;
    personId: string;
    variantId?: string;
  };
}

/** What a sender answers for an email it sent (or had already sent under the same key). */
export interface SentEmail {
  /** The message id (`Message-ID`, or the provider's id). */
  messageId: string;
  /** The provider's thread id, when it has threads. */
  threadId?: string;
}

/** Per-call context the engine gives channels. */
export interface ChannelContext {
  /** Aborted when the worker loses the job or shuts down. */
  signal: AbortSignal;
}

/**
 * Sends automatic emails. Implement it over Gmail, Microsoft Graph, SMTP or an ESP.
 *
 * The contract: `send` must be idempotent on `email.idempotencyKey`. The engine records its
 * intent before calling `send` and calls again with the same key when it cannot tell whether
 * an earlier call went through (the worker died between sending and recording). A repeated
 * key must answer the first `SentEmail` without sending. Throw an `ApiError` with
 * `retryable: false` for a permanent rejection, a `RateLimitError` to pause the enrolment
 * until `retryAfterMs`, anything else to retry with backoff.
 */
export interface EmailSender {
  send(email: OutgoingEmail, context: ChannelContext): Promise<SentEmail>;
}

/** A LinkedIn action. */
export type LinkedInAction = z.output<typeof LinkedInStepSchema>['action'];

/** A manual step handed to a rep. */
export interface SequenceTask {
  /** Stable for one step of one enrolment; sinks MUST honour it as `EmailSender` does. */
  idempotencyKey: string;
  tenantId: string;
  /** `email` for a manual email, else the step type. */
  type: 'email' | 'call' | 'linkedin' | 'task';
  /** Rendered title for the task list. */
  title: string;
  /** Rendered instructions. */
  note?: string;
  /** Rendered subject and HTML body of a manual email. */
  subject?: string;
  body?: string;
  /** LinkedIn action and rendered message. */
  action?: LinkedInAction;
  message?: string;
  /** Whether the sequence waits for `engine.completeTask`. */
  blocking: boolean;
  person: Person;
  mailbox: Mailbox;
  /** ISO time the task became due. */
  dueAt: string;
  metadata: { enrollmentId: string; sequenceId: string; stepId: string; stepIndex: number };
}

/**
 * Receives manual steps (manual email, call, LinkedIn, task), e.g. a CRM task queue.
 * `create` must be idempotent on `task.idempotencyKey`, exactly like `EmailSender.send`.
 */
export interface TaskSink {
  create(task: SequenceTask, context: ChannelContext): Promise<{ taskId: string }>;
}

/** How one step run ended, as stored. */
export interface StepExecution {
  stepIndex: number;
  stepId: string;
  type: string;
  idempotencyKey: string;
  /** `intent`: recorded before the channel call; `done`: the result is recorded; `failed`: rejected for good. */
  state: 'intent' | 'done' | 'failed';
  createdAt: string;
  completedAt: string | null;
  variantId: string | null;
  email: OutgoingEmail | null;
  task: SequenceTask | null;
  messageId: string | null;
  threadId: string | null;
  taskId: string | null;
  error: string | null;
}
