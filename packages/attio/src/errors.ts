import type { ErrorBodyParser, ParsedErrorBody } from '@salesos/core';
import { z } from 'zod';

/** One entry of `validation_errors` in an Attio 400. */
export const AttioValidationErrorSchema = z.looseObject({
  code: z.string().optional(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
  message: z.string().optional(),
  expected: z.unknown().optional(),
  received: z.unknown().optional(),
});
export type AttioValidationError = z.infer<typeof AttioValidationErrorSchema>;

/** Attio's error body: `{ status_code, type, code, message, validation_errors? }`. */
export const AttioErrorBodySchema = z.looseObject({
  status_code: z.number().optional(),
  type: z.string().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  validation_errors: z.array(AttioValidationErrorSchema).optional(),
});
export type AttioErrorBody = z.infer<typeof AttioErrorBodySchema>;

// Attio answers a unique-value clash with a 400; it is a conflict, so it maps to ConflictError.
const CONFLICT_CODES = new Set(['uniqueness_conflict', 'slug_conflict']);

const describe = (value: unknown): string => {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
};

/**
 * Reads an Attio error body into message, code and field errors for core's HTTP client.
 * Field paths of `validation_errors` are joined with dots (`data.values.email_addresses`)
 * and named in the message, so a 400 says which field was wrong.
 */
export const parseAttioError: ErrorBodyParser = ({ status, body }) => {
  const parsed = AttioErrorBodySchema.safeParse(body);
  if (!parsed.success) return {};
  const error = parsed.data;
  const fieldErrors = (error.validation_errors ?? []).map((issue) => {
    const path = (issue.path ?? []).map(String).join('.') || '(body)';
    const expectation =
      issue.expected !== undefined || issue.received !== undefined
        ? ` (expected ${describe(issue.expected) || '?'}, received ${describe(issue.received) || '?'})`
        : '';
    return {
      path,
      message: `${issue.message ?? 'invalid value'}${expectation}`,
      ...(issue.code === undefined ? {} : { code: issue.code }),
    };
  });
  const fieldSummary = fieldErrors.map((field) => `"${field.path}": ${field.message}`).join('; ');
  const message = [error.message, fieldSummary]
    .filter((part) => part !== undefined && part !== '')
    .join(' — ');
  const result: ParsedErrorBody = {
    ...(message === '' ? {} : { message: error.code ? `${message} [${error.code}]` : message }),
    ...(error.code === undefined ? {} : { vendorCode: error.code }),
    ...(fieldErrors.length > 0 ? { fieldErrors } : {}),
  };
  if (error.code !== undefined && CONFLICT_CODES.has(error.code) && status === 400) result.status = 409;
  // A merge still running is worth waiting for; other 404s are final.
  if (error.code === 'merge_in_progress') result.retryable = true;
  return result;
};
