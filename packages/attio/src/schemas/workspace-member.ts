import { z } from 'zod';

/** A member of the workspace. */
export const AttioWorkspaceMemberSchema = z.looseObject({
  id: z.looseObject({ workspace_id: z.string(), workspace_member_id: z.string() }),
  first_name: z.string(),
  last_name: z.string(),
  avatar_url: z.string().nullable(),
  email_address: z.string(),
  created_at: z.string(),
  access_level: z.string(),
});
export type AttioWorkspaceMember = z.infer<typeof AttioWorkspaceMemberSchema>;
