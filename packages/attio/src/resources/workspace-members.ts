import type { HttpClient, Paginator } from '@salesos/core';
import { singlePage } from '../internal/pages.ts';
import { dataOf, listOf } from '../schemas/common.ts';
import { type AttioWorkspaceMember, AttioWorkspaceMemberSchema } from '../schemas/workspace-member.ts';
import { type AttioListControl, type AttioRequestOptions, callOptions } from './resource-context.ts';

/** `client.workspaceMembers`: the people who use the workspace (task assignees, comment authors). */
export interface AttioWorkspaceMembersResource {
  list(control?: AttioListControl): Paginator<AttioWorkspaceMember>;
  get(workspaceMemberId: string, options?: AttioRequestOptions): Promise<AttioWorkspaceMember>;
}

const MemberList = listOf(AttioWorkspaceMemberSchema);
const MemberData = dataOf(AttioWorkspaceMemberSchema);

/** Creates `client.workspaceMembers`. */
export function createWorkspaceMembersResource(http: HttpClient): AttioWorkspaceMembersResource {
  return {
    list: (control) =>
      singlePage(
        async (signal) =>
          (await http.get('/workspace_members', { schema: MemberList, ...(signal ? { signal } : {}) })).data,
        control,
      ),
    get: async (workspaceMemberId, options) =>
      (
        await http.get('/workspace_members/{workspace_member_id}', {
          pathParams: { workspace_member_id: workspaceMemberId },
          schema: MemberData,
          ...callOptions(options),
        })
      ).data,
  };
}
