import type { Activity } from '@salesos/core';
import type { EnrollmentStatus, TransitionReason } from './engine/types.ts';

/** Fields every step event carries. */
export interface SequenceStepEventBase {
  tenantId: string;
  enrollmentId: string;
  sequenceId: string;
  personId: string;
  stepIndex: number;
  stepId: string;
}

/** Payload of `sequences.enrollment.transition`. */
export interface EnrollmentTransitionEvent {
  tenantId: string;
  enrollmentId: string;
  sequenceId: string;
  personId: string;
  from: EnrollmentStatus | null;
  to: EnrollmentStatus;
  reason: TransitionReason | null;
  at: string;
}

/** Why a step waits longer than planned. */
export type DeferReason = 'send_window' | 'daily_cap' | 'hourly_cap' | 'touch_gap';

declare module '@salesos/core' {
  interface SalesOSEventMap {
    /** An enrolment changed status (also stored; see `engine.status`). */
    'sequences.enrollment.transition': EnrollmentTransitionEvent;
    /** A step was put on the queue for `dueAt`. */
    'sequences.step.scheduled': SequenceStepEventBase & { dueAt: string };
    /** A step ran: an email was sent, a task created, or a wait elapsed. */
    'sequences.step.executed': SequenceStepEventBase & {
      stepType: string;
      idempotencyKey: string;
      at: string;
      messageId?: string;
      taskId?: string;
      variantId?: string;
    };
    /** A step was due but must wait (send window, a cap, the minimum gap) until `until`. */
    'sequences.step.deferred': SequenceStepEventBase & { reason: DeferReason; until: string };
    /** A step failed; `willRetry` says whether the queue runs it again. */
    'sequences.step.failed': SequenceStepEventBase & {
      errorCode: string;
      message: string;
      willRetry: boolean;
    };
    /** A tracked open or click. */
    'sequences.tracking.activity': { tenantId: string; activity: Activity };
    /** An address was added to the suppression list. */
    'sequences.suppressed': { tenantId: string; email: string; reason: string };
  }
}
