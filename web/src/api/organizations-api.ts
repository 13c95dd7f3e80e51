import { allPages } from "./all-pages.ts";
import type { HttpClient } from "./http-client.ts";
import type { Organization, Page } from "./types.ts";

export function organizationsApi(http: HttpClient) {
  return {
    list: () => allPages((cursor) => http.get<Page<Organization>>("/organizations", { limit: 200, cursor })),
    get: (orgId: string) => http.get<Organization>(`/organizations/${encodeURIComponent(orgId)}`),
    create: (name: string) => http.post<Organization>("/organizations", { name }),
    rename: (orgId: string, name: string) =>
      http.patch<Organization>(`/organizations/${encodeURIComponent(orgId)}`, { name }),
  };
}
