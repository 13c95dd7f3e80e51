import { allPages } from "./all-pages.ts";
import type { HttpClient } from "./http-client.ts";
import type { CostCenter, Page } from "./types.ts";

const one = (id: string) => `/cost-centers/${encodeURIComponent(id)}`;

export function costCentersApi(http: HttpClient) {
  return {
    list: (orgId: string) =>
      allPages((cursor) =>
        http.get<Page<CostCenter>>(`/organizations/${encodeURIComponent(orgId)}/cost-centers`, {
          limit: 200,
          cursor,
        }),
      ),
    create: (orgId: string, name: string) =>
      http.post<CostCenter>(`/organizations/${encodeURIComponent(orgId)}/cost-centers`, { name }),
    rename: (id: string, name: string) => http.patch<CostCenter>(one(id), { name }),
    remove: (id: string) => http.delete<null>(one(id)),
    addAdmin: (id: string, userId: string) =>
      http.put<null>(`${one(id)}/admins/${encodeURIComponent(userId)}`),
    removeAdmin: (id: string, userId: string) =>
      http.delete<null>(`${one(id)}/admins/${encodeURIComponent(userId)}`),
  };
}
