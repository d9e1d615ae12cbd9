import type { ValidationIssue } from '@salesos/core';
import { z } from 'zod';
import { isTimeZone } from '../internal/zoned-time.ts';
import { WEEKDAYS } from '../schedule/send-window.ts';
import { parseTemplate } from '../template/render-template.ts';
import { DefinitionError } from './definition-error.ts';

const clock = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected a local time "HH:mm" from 00:00 to 24:00');

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date such as "2026-12-25"')
  .refine((value) => new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), 'not a real date');

const timeZone = z.string().refine(isTimeZone, 'expected an IANA time zone such as "America/Los_Angeles"');

/** A send window: weekdays and local opening hours. */
export const SendWindowSchema = z
  .object({
    days: z.array(z.enum(WEEKDAYS)).min(1, 'name at least one weekday').readonly(),
    start: clock,
    end: clock,
  })
  .refine((window) => window.start < window.end, { message: '"end" must be after "start"', path: ['end'] });

/** A step's delay, counted inside the send window (see `scheduleStep`). */
export const StepDelaySchema = z
  .object({
    businessDays: z.number().int().min(0).default(0),
    hours: z.number().min(0).default(0),
    minutes: z.number().min(0).default(0),
  })
  .prefault({});

/** One A/B variant of an email step. */
export const EmailVariantSchema = z.object({
  /** Stable id reported in events and to the sender. Default: `A`, `B`, … by position. */
  id: z.string().min(1).optional(),
  /** Subject template (plain text). Optional on a step that replies in thread. */
  subject: z.string().min(1).optional(),
  /** HTML body template. */
  body: z.string().min(1),
  /** Relative share of enrolments that get this variant. Default `1`. */
  weight: z.number().positive().default(1),
});

const stepBase = {
  /** Stable id of the step, unique in the sequence. Default: `step-1`, `step-2`, … */
  id: z.string().min(1).optional(),
  /** Wait before this step, counted from the previous step's run (the enrolment for the first). */
  delay: StepDelaySchema,
};

/**
 * Manual steps hand a task to the `TaskSink`. With `blocking: true` the sequence waits until
 * `engine.completeTask` before counting the next delay.
 */
const manualBase = {
  ...stepBase,
  blocking: z.boolean().default(false),
  /** Instructions for the rep (template). */
  note: z.string().optional(),
};

/** An email step: sent automatically through the `EmailSender`, or handed to a rep as a task. */
export const EmailStepSchema = z
  .object({
    ...manualBase,
    type: z.literal('email'),
    mode: z.enum(['automatic', 'manual']).default('automatic'),
    /** Subject template; use `variants` for an A/B test instead. */
    subject: z.string().min(1).optional(),
    /** HTML body template; use `variants` for an A/B test instead. */
    body: z.string().min(1).optional(),
    /** Two or more variants make an A/B test; each enrolment gets one, by weight. */
    variants: z.array(EmailVariantSchema).min(1).optional(),
    /** Send as a reply in the thread of the sequence's first automatic email (subject `Re: …` unless given). */
    replyInThread: z.boolean().default(false),
  })
  .superRefine((step, context) => {
    if (step.variants && (step.body !== undefined || step.subject !== undefined)) {
      context.addIssue({
        code: 'custom',
        message: 'give either subject/body or variants, not both',
        path: ['variants'],
      });
    }
    if (!step.variants && step.body === undefined) {
      context.addIssue({
        code: 'custom',
        message: 'an email step needs a body (or variants)',
        path: ['body'],
      });
    }
    if (!step.replyInThread) {
      if (!step.variants && step.subject === undefined) {
        context.addIssue({
          code: 'custom',
          message: 'required unless the step replies in thread',
          path: ['subject'],
        });
      }
      for (const [index, variant] of (step.variants ?? []).entries()) {
        if (variant.subject === undefined) {
          context.addIssue({
            code: 'custom',
            message: 'required unless the step replies in thread',
            path: ['variants', index, 'subject'],
          });
        }
      }
    }
  });

/** A phone call for the rep. */
export const CallStepSchema = z.object({
  ...manualBase,
  type: z.literal('call'),
  /** Task title (template). Default: `Call {{first_name|the prospect}}`. */
  title: z.string().min(1).optional(),
});

/** A LinkedIn touch for the rep. */
export const LinkedInStepSchema = z.object({
  ...manualBase,
  type: z.literal('linkedin'),
  action: z.enum(['connect', 'message', 'view_profile', 'interact']),
  /** Message to send (template), for `connect` and `message`. */
  message: z.string().optional(),
  title: z.string().min(1).optional(),
});

/** A generic to-do for the rep. */
export const TaskStepSchema = z.object({
  ...manualBase,
  type: z.literal('task'),
  title: z.string().min(1),
});

/** A pause only: nothing is executed, the next step's delay counts from its end. */
export const WaitStepSchema = z.object({
  ...stepBase,
  type: z.literal('wait'),
});

/** Any step of a sequence. */
export const SequenceStepSchema = z.discriminatedUnion('type', [
  EmailStepSchema,
  CallStepSchema,
  LinkedInStepSchema,
  TaskStepSchema,
  WaitStepSchema,
]);

/** Sequence-wide rules. Every field has a default. */
export const SequenceSettingsSchema = z
  .object({
    /** When steps run, in the prospect's time zone. Default: Monday to Friday, 09:00–17:00. */
    sendWindow: SendWindowSchema.default({
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '09:00',
      end: '17:00',
    }),
    /** Time zone used when neither the prospect nor the mailbox has one. Default `UTC`. */
    timeZone: timeZone.default('UTC'),
    /** Local ISO dates on which nothing runs. */
    holidays: z.array(isoDate).default([]),
    /** Per-mailbox send caps (automatic emails, across every sequence of the mailbox). Overflow waits, never drops. */
    mailboxCaps: z
      .object({
        /** Emails per mailbox per calendar day, in the mailbox's time zone. */
        daily: z.number().int().positive().optional(),
        /** Emails per mailbox per clock hour. */
        hourly: z.number().int().positive().optional(),
      })
      .prefault({}),
    /** What ends an enrolment. Unsubscribes always do. */
    exitOn: z
      .object({
        reply: z.boolean().default(true),
        meeting: z.boolean().default(true),
        bounce: z.boolean().default(true),
        click: z.boolean().default(false),
      })
      .prefault({}),
    /** Out-of-office replies pause the enrolment until the return date, or `resumeAfterDays` without one. */
    outOfOffice: z
      .object({
        pause: z.boolean().default(true),
        resumeAfterDays: z.number().int().positive().default(14),
      })
      .prefault({}),
    /** Whether a person may be enrolled again: `once` ever, `if_not_active`, or `any_time`. */
    reenrollment: z.enum(['once', 'if_not_active', 'any_time']).default('once'),
    /** Minimum minutes between two touches of one person (any sequence). Default `0`. */
    minimumGapMinutes: z.number().int().min(0).default(0),
  })
  .prefault({});

/** A sequence definition as `define` accepts it. */
export const SequenceDefinitionSchema = z
  .object({
    /** Stable id, unique per tenant. Defining an id again creates a new version. */
    id: z.string().min(1),
    name: z.string().optional(),
    steps: z.array(SequenceStepSchema).min(1, 'a sequence needs at least one step'),
    settings: SequenceSettingsSchema,
  })
  .superRefine((definition, context) => {
    const ids = new Set<string>();
    let automaticEmailBefore = false;
    for (const [index, step] of definition.steps.entries()) {
      const id = step.id ?? `step-${index + 1}`;
      if (ids.has(id))
        context.addIssue({
          code: 'custom',
          message: `duplicate step id "${id}"`,
          path: ['steps', index, 'id'],
        });
      ids.add(id);
      if (step.type === 'email') {
        if (step.replyInThread && !automaticEmailBefore) {
          context.addIssue({
            code: 'custom',
            message: 'a step that replies in thread needs an automatic email step before it',
            path: ['steps', index, 'replyInThread'],
          });
        }
        if (step.mode === 'automatic') automaticEmailBefore = true;
      }
      for (const [field, template] of templatesOf(step)) {
        try {
          parseTemplate(template);
        } catch (error) {
          context.addIssue({
            code: 'custom',
            message: (error as Error).message,
            path: ['steps', index, ...field],
          });
        }
      }
    }
  });

/** The input of `define`, before defaults. */
export type SequenceDefinitionInput = z.input<typeof SequenceDefinitionSchema>;
/** A validated definition with every default filled. */
export type SequenceDefinition = z.output<typeof SequenceDefinitionSchema>;
/** Any validated step. */
export type SequenceStep = z.output<typeof SequenceStepSchema>;
/** A validated email step. */
export type EmailStep = z.output<typeof EmailStepSchema>;
/** Validated sequence settings. */
export type SequenceSettings = z.output<typeof SequenceSettingsSchema>;
/** The type of a step. */
export type StepType = SequenceStep['type'];

/** @internal Every template of a step with its path inside the step. */
export function templatesOf(step: SequenceStep): [path: (string | number)[], template: string][] {
  const found: [(string | number)[], string][] = [];
  const add = (path: (string | number)[], template: string | undefined) => {
    if (template !== undefined) found.push([path, template]);
  };
  if (step.type === 'wait') return found;
  add(['note'], step.note);
  switch (step.type) {
    case 'email':
      add(['subject'], step.subject);
      add(['body'], step.body);
      for (const [index, variant] of (step.variants ?? []).entries()) {
        add(['variants', index, 'subject'], variant.subject);
        add(['variants', index, 'body'], variant.body);
      }
      break;
    case 'call':
      add(['title'], step.title);
      break;
    case 'linkedin':
      add(['title'], step.title);
      add(['message'], step.message);
      break;
    case 'task':
      add(['title'], step.title);
      break;
  }
  return found;
}

function formatIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): ValidationIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/**
 * Validates a definition and fills its defaults. Throws `DefinitionError` listing every problem
 * with its path (`steps.1.subject: required unless the step replies in thread`).
 *
 * @example
 * ```ts
 * const definition = parseSequenceDefinition({
 *   id: 'outbound-tier-1',
 *   steps: [
 *     { type: 'email', subject: 'Quick question, {{first_name|there}}', body: '<p>Hi {{first_name|there}}…</p>' },
 *     { type: 'email', replyInThread: true, delay: { businessDays: 2 }, body: '<p>Bumping this up.</p>' },
 *     { type: 'call', delay: { businessDays: 1 } },
 *   ],
 * });
 * ```
 */
export function parseSequenceDefinition(input: unknown): SequenceDefinition {
  const parsed = SequenceDefinitionSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = formatIssues(parsed.error.issues);
  const id =
    typeof input === 'object' && input !== null && typeof (input as { id?: unknown }).id === 'string'
      ? ` "${(input as { id: string }).id}"`
      : '';
  throw new DefinitionError(
    `Invalid sequence definition${id}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    { issues },
  );
}

/** @internal The id of a step: its own, or `step-<position>`. */
export function stepIdOf(step: SequenceStep, index: number): string {
  return step.id ?? `step-${index + 1}`;
}
