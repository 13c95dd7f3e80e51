import type { HttpClient } from "../../api/http-client.ts";

/** A live check: it worked, or why not, with the id Microsoft support asks for. */
export type ConnectionCheck =
  { ok: true } | { ok: false; code: string; message: string; correlationId: string | null };

export type MicrosoftConnection = {
  connected: boolean;
  partnerTenantId: string | null;
  redirectUri: string;
  appCheck: ConnectionCheck | null;
  signIn: {
    userPrincipalName: string;
    userObjectId: string;
    mfa: boolean;
    signedInAt: string;
    signedInBy: { userId: string; email: string | null };
    refreshedAt: string | null;
    refresh: ConnectionCheck | null;
  } | null;
};

const PATH = "/partner/microsoft-connection";

/** The partner's Microsoft connection (operators): its status, the administrator's sign-in, and signing out. */
export function microsoftConnectionApi(http: HttpClient) {
  return {
    get: () => http.get<MicrosoftConnection>(PATH),
    startSignIn: () => http.post<{ authorizeUrl: string; expiresAt: string }>(`${PATH}/sign-in`),
    signOut: () => http.delete<null>(PATH),
  };
}
