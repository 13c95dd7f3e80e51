import { allPages } from "./all-pages.ts";
import type { HttpClient } from "./http-client.ts";
import type { Member, Page, Workspace, WorkspaceRole } from "./types.ts";

export type CreateWorkspaceInput = { name: string; costCenterId: string; icon?: string | null };
export type UpdateWorkspaceInput = { name?: string; icon?: string | null };

const one = (id: string) => `/workspaces/${encodeURIComponent(id)}`;

export function workspacesApi(http: HttpClient) {
  return {
    list: (orgId: string, costCenterId?: string) =>
      allPages((cursor) =>
        http.get<Page<Workspace>>(`/organizations/${encodeURIComponent(orgId)}/workspaces`, {
          costCenterId,
          limit: 200,
          cursor,
        }),
      ),
    get: (id: string) => http.get<Workspace>(one(id)),
    create: (orgId: string, input: CreateWorkspaceInput) =>
      http.post<Workspace>(`/organizations/${encodeURIComponent(orgId)}/workspaces`, input),
    update: (id: string, input: UpdateWorkspaceInput) => http.patch<Workspace>(one(id), input),
    remove: (id: string) => http.delete<null>(one(id)),
    members: (id: string) =>
      allPages((cursor) => http.get<Page<Member>>(`${one(id)}/members`, { limit: 200, cursor })),
    setMember: (id: string, userId: string, role: WorkspaceRole) =>
      http.put<null>(`${one(id)}/members/${encodeURIComponent(userId)}`, { role }),
    removeMember: (id: string, userId: string) =>
      http.delete<null>(`${one(id)}/members/${encodeURIComponent(userId)}`),
  };
}
