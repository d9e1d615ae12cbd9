import type { Key } from '@salesos/core';

/** Every key the sequence engine stores, under `['sequences', tenantId, …]`. */
export const keys = {
  definition: (tenantId: string, sequenceId: string): Key => [
    'sequences',
    tenantId,
    'definition',
    sequenceId,
  ],
  definitionVersion: (tenantId: string, sequenceId: string, version: number): Key => [
    'sequences',
    tenantId,
    'definition-version',
    sequenceId,
    version,
  ],
  enrollment: (tenantId: string, enrollmentId: string): Key => [
    'sequences',
    tenantId,
    'enrollment',
    enrollmentId,
  ],
  enrollments: (tenantId: string): Key => ['sequences', tenantId, 'enrollment'],
  history: (tenantId: string, enrollmentId: string, index?: number): Key =>
    index === undefined
      ? ['sequences', tenantId, 'history', enrollmentId]
      : ['sequences', tenantId, 'history', enrollmentId, index],
  execution: (tenantId: string, enrollmentId: string, stepIndex: number): Key => [
    'sequences',
    tenantId,
    'execution',
    enrollmentId,
    stepIndex,
  ],
  byPerson: (tenantId: string, personId: string, enrollmentId?: string): Key =>
    enrollmentId === undefined
      ? ['sequences', tenantId, 'by-person', personId]
      : ['sequences', tenantId, 'by-person', personId, enrollmentId],
  byEmail: (tenantId: string, email: string, enrollmentId?: string): Key =>
    enrollmentId === undefined
      ? ['sequences', tenantId, 'by-email', email]
      : ['sequences', tenantId, 'by-email', email, enrollmentId],
  /** Per sequence and person: the ids of every enrolment, for the re-enrolment policy. */
  enrolLock: (tenantId: string, sequenceId: string, personId: string): Key => [
    'sequences',
    tenantId,
    'enrol-lock',
    sequenceId,
    personId,
  ],
  suppression: (tenantId: string, email?: string): Key =>
    email === undefined
      ? ['sequences', tenantId, 'suppression']
      : ['sequences', tenantId, 'suppression', email],
  capDay: (tenantId: string, mailbox: string, isoDate: string): Key => [
    'sequences',
    tenantId,
    'cap',
    mailbox,
    'day',
    isoDate,
  ],
  capHour: (tenantId: string, mailbox: string, hour: number): Key => [
    'sequences',
    tenantId,
    'cap',
    mailbox,
    'hour',
    hour,
  ],
  touch: (tenantId: string, personId: string): Key => ['sequences', tenantId, 'touch', personId],
};
