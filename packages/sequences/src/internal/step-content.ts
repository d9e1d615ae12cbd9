import { createHash } from 'node:crypto';
import type { Person } from '@salesos/core';
import {
  type EmailStep,
  type SequenceDefinition,
  type SequenceStep,
  stepIdOf,
  templatesOf,
} from '../definition/sequence-definition.ts';
import type { Mailbox } from '../engine/types.ts';
import { findMissingVariables, type TemplateVariables } from '../template/render-template.ts';

/** The variables every template can use. Enrolment `variables` override the built-in ones. */
export function templateVariables(input: {
  person: Person;
  mailbox: Mailbox;
  variables: Readonly<Record<string, string>>;
  unsubscribeUrl: string | null;
}): Record<string, string | null> {
  const { person, mailbox } = input;
  const fullName = [person.firstName, person.lastName].filter(Boolean).join(' ');
  return {
    first_name: person.firstName ?? null,
    last_name: person.lastName ?? null,
    full_name: fullName || null,
    email: person.email ?? null,
    title: person.title ?? null,
    department: person.department ?? null,
    phone: person.phone ?? null,
    linkedin_url: person.linkedinUrl ?? null,
    country: person.country ?? null,
    sender_email: mailbox.email,
    sender_name: mailbox.name ?? null,
    unsubscribe_url: input.unsubscribeUrl,
    ...input.variables,
  };
}

/** A display name for task titles. */
export function displayName(person: Person): string {
  return [person.firstName, person.lastName].filter(Boolean).join(' ') || person.email || person.id;
}

/** One email variant with its id resolved. */
export interface ResolvedVariant {
  id: string;
  subject: string | undefined;
  body: string;
  weight: number;
}

/** The variants of an email step; a plain step is one variant `A`. */
export function variantsOf(step: EmailStep): ResolvedVariant[] {
  if (!step.variants) return [{ id: 'A', subject: step.subject, body: step.body as string, weight: 1 }];
  return step.variants.map((variant, index) => ({
    id:
      variant.id ??
      String.fromCharCode(65 + (index % 26)) + (index >= 26 ? String(Math.floor(index / 26)) : ''),
    subject: variant.subject,
    body: variant.body,
    weight: variant.weight,
  }));
}

/** Picks a variant by weight, deterministically per enrolment and step, so a re-run picks the same. */
export function chooseVariant(step: EmailStep, enrollmentId: string, stepIndex: number): ResolvedVariant {
  const variants = variantsOf(step);
  if (variants.length === 1) return variants[0] as ResolvedVariant;
  const digest = createHash('sha256').update(`${enrollmentId}:${stepIndex}`).digest();
  const point =
    (digest.readUInt32BE(0) / 0x1_0000_0000) * variants.reduce((sum, variant) => sum + variant.weight, 0);
  let cumulative = 0;
  for (const variant of variants) {
    cumulative += variant.weight;
    if (point < cumulative) return variant;
  }
  return variants.at(-1) as ResolvedVariant;
}

/** A step's type as reported: `email` steps split into automatic and manual. */
export function isAutomaticEmail(step: SequenceStep): step is EmailStep {
  return step.type === 'email' && step.mode === 'automatic';
}

/** Steps that reach the person (everything but `wait`). */
export function isTouch(step: SequenceStep): boolean {
  return step.type !== 'wait';
}

/** Every variable of every template in a definition with no value and no fallback, with where it is used. */
export function missingVariablesOf(
  definition: SequenceDefinition,
  variables: TemplateVariables,
): { name: string; location: string }[] {
  const missing: { name: string; location: string }[] = [];
  const seen = new Set<string>();
  for (const [index, step] of definition.steps.entries()) {
    for (const [path, template] of templatesOf(step)) {
      for (const name of findMissingVariables(template, variables)) {
        if (seen.has(name)) continue;
        seen.add(name);
        missing.push({ name, location: `step ${index + 1} (${stepIdOf(step, index)}) ${path.join('.')}` });
      }
    }
  }
  return missing;
}
