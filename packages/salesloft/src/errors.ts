import type { ErrorBodyParser, ParsedErrorBody } from '@salesos/core';
import { z } from 'zod';

/**
 * SalesLoft's usual error body: `{ "error": "Invalid Bearer token" }` (401, 403, 404, 429).
 * OAuth endpoints add `error_description`.
 */
export const SalesloftErrorBodySchema = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
});
export type SalesloftErrorBody = z.infer<typeof SalesloftErrorBodySchema>;

/** SalesLoft's validation error body (422): `{ "errors": { "email_address": ["is already taken"] } }`. */
export const SalesloftValidationErrorBodySchema = z.looseObject({
  errors: z.record(z.string(), z.union([z.array(z.string()), z.string()])),
});
export type SalesloftValidationErrorBody = z.infer<typeof SalesloftValidationErrorBodySchema>;

// OAuth errors carry a machine code (`invalid_grant`); other `error` strings are prose.
const MACHINE_CODE = /^[a-z][a-z0-9_]*$/;

/**
 * Reads SalesLoft error bodies for core's HTTP client: the message, the OAuth error code
 * when there is one, and one field error per message of a 422 `errors` object.
 *
 * | body | result |
 * | --- | --- |
 * | `{ error }` | `message` = error; `vendorCode` when it is an OAuth code such as `invalid_grant` |
 * | `{ errors: { field: [messages] } }` | `fieldErrors` = `{ path: field, message }` for each message |
 * | anything else | nothing; core falls back to the status text |
 */
export const parseSalesloftError: ErrorBodyParser = ({ body }): ParsedErrorBody => {
  const validation = SalesloftValidationErrorBodySchema.safeParse(body);
  if (validation.success) {
    const fieldErrors: { path: string; message: string }[] = [];
    for (const [path, messages] of Object.entries(validation.data.errors)) {
      for (const message of Array.isArray(messages) ? messages : [messages])
        fieldErrors.push({ path, message });
    }
    const summary = fieldErrors.map((field) => `"${field.path}" ${field.message}`).join('; ');
    return {
      message: fieldErrors.length > 0 ? `SalesLoft rejected ${summary}` : 'SalesLoft rejected the request',
      fieldErrors,
    };
  }
  const plain = SalesloftErrorBodySchema.safeParse(body);
  if (plain.success) {
    const { error, error_description: description } = plain.data;
    const vendorCode = MACHINE_CODE.test(error) ? error : undefined;
    return { message: description ? `${error}: ${description}` : error, vendorCode };
  }
  if (typeof body === 'string' && body.trim().length > 0 && body.length <= 500)
    return { message: body.trim() };
  return {};
};
