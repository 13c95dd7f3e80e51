import { allPages } from "./all-pages.ts";
import type { HttpClient } from "./http-client.ts";
import type { Invitation, InvitationPreview, OrgRole, Page, Session, WorkspaceRole } from "./types.ts";

export type CreateInvitationInput = {
  email: string;
  orgRole: OrgRole;
  workspaceId?: string;
  workspaceRole?: WorkspaceRole;
};

export function invitationsApi(http: HttpClient) {
  return {
    list: (orgId: string) =>
      allPages((cursor) =>
        http.get<Page<Invitation>>(`/organizations/${encodeURIComponent(orgId)}/invitations`, {
          limit: 200,
          cursor,
        }),
      ),
    create: (orgId: string, input: CreateInvitationInput) =>
      http.post<Invitation>(`/organizations/${encodeURIComponent(orgId)}/invitations`, input),
    revoke: (id: string) => http.delete<null>(`/invitations/${encodeURIComponent(id)}`),
    preview: (token: string) => http.get<InvitationPreview>("/invitations/preview", { token }),
    accept: (token: string, name: string, password: string) =>
      http.post<Session>("/invitations/accept", { token, name, password }),
  };
}
