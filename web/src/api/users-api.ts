import { allPages } from "./all-pages.ts";
import type { HttpClient } from "./http-client.ts";
import type { OrgRole, Page, User } from "./types.ts";

const one = (id: string) => `/users/${encodeURIComponent(id)}`;

export function usersApi(http: HttpClient) {
  return {
    list: (orgId: string) =>
      allPages((cursor) =>
        http.get<Page<User>>(`/organizations/${encodeURIComponent(orgId)}/users`, { limit: 200, cursor }),
      ),
    update: (id: string, input: { orgRole?: OrgRole; name?: string }) => http.patch<User>(one(id), input),
    disable: (id: string) => http.post<User>(`${one(id)}/disable`),
    enable: (id: string) => http.post<User>(`${one(id)}/enable`),
  };
}
