import { z } from 'zod';

/** What `GET /v2/self` says about the token in use. */
export const AttioSelfSchema = z.union([
  z.looseObject({
    active: z.literal(true),
    scope: z.string(),
    client_id: z.string(),
    token_type: z.string(),
    exp: z.number().nullable(),
    iat: z.number(),
    sub: z.string(),
    aud: z.string(),
    iss: z.string(),
    authorized_by_workspace_member_id: z.string().nullable(),
    workspace_id: z.string(),
    workspace_name: z.string(),
    workspace_slug: z.string(),
    workspace_logo_url: z.string().nullable(),
  }),
  z.looseObject({ active: z.literal(false) }),
]);
export type AttioSelf = z.infer<typeof AttioSelfSchema>;
