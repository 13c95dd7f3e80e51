import { allPages } from "./all-pages.ts";
import type { HttpClient } from "./http-client.ts";
import type { ApiToken, Contexts, CreatedToken, Page, TokenScope } from "./types.ts";

export type CreateTokenInput = { name: string; scope: TokenScope; expiresInDays?: number };

/** The signed-in user's own things: contexts, favorites, password, API tokens. */
export function meApi(http: HttpClient) {
  return {
    contexts: () => http.get<Contexts>("/me/contexts"),
    addFavorite: (scopeId: string) => http.put<null>(`/me/favorites/${encodeURIComponent(scopeId)}`),
    removeFavorite: (scopeId: string) => http.delete<null>(`/me/favorites/${encodeURIComponent(scopeId)}`),
    changePassword: (currentPassword: string, newPassword: string) =>
      http.post<null>("/me/password", { currentPassword, newPassword }),
    tokens: () => allPages((cursor) => http.get<Page<ApiToken>>("/me/tokens", { limit: 200, cursor })),
    createToken: (input: CreateTokenInput) => http.post<CreatedToken>("/me/tokens", input),
    revokeToken: (tokenId: string) => http.delete<null>(`/me/tokens/${encodeURIComponent(tokenId)}`),
  };
}
