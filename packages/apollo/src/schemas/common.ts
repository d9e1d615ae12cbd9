import { z } from 'zod';

/** A string field Apollo may send as `null` or leave out. */
export const nullableString = z.string().nullish();

/** A number Apollo sometimes sends as a string (`"1"`), as in the `/users/search` pagination. */
export const numberLike = z.union([z.number(), z.string()]);

/**
 * Apollo's signed 64-bit `request_id`: kept as a string so no digit is lost when it
 * arrives as a string, and converted when it arrives as a JSON number.
 */
export const requestIdSchema = z.union([z.string(), z.number()]).transform((value) => String(value));

/** The `pagination` envelope of Apollo's search responses. `page` and `per_page` may be strings. */
export const ApolloPaginationSchema = z.looseObject({
  page: numberLike.nullish(),
  per_page: numberLike.nullish(),
  total_entries: numberLike.nullish(),
  total_pages: numberLike.nullish(),
});
export type ApolloPagination = z.infer<typeof ApolloPaginationSchema>;

/** One phone number on a contact or person. */
export const ApolloPhoneNumberSchema = z.looseObject({
  raw_number: nullableString,
  sanitized_number: nullableString,
  type: nullableString,
  type_cd: nullableString,
  status: nullableString,
  status_cd: nullableString,
  position: z.number().nullish(),
});
export type ApolloPhoneNumber = z.infer<typeof ApolloPhoneNumberSchema>;
