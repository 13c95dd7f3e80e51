import { randomUUID } from "node:crypto";
import { z } from "zod";
import { err, ok, type Result } from "../../platform/result.ts";
import type { HttpClient } from "../http/index.ts";
import { entraError } from "./entra-error.ts";
import type { EntraError } from "./port.ts";
import { readTokenClaims } from "./token-claims.ts";

/** Entra's answer to the authorization-code grant (microsoft-apis.md §A1, §A5). */
const CodeTokenBody = z.object({
  token_type: z.string(),
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  id_token: z.string().min(1).optional(),
});

/** Who signed in, and the refresh token to keep for app+user calls (the secure application model, §A5). */
export type SignedInUser = {
  readonly refreshToken: string;
  readonly userPrincipalName: string;
  readonly objectId: string;
  readonly tenantId: string;
  /** The sign-in used multi-factor authentication (`amr` holds "mfa"): Partner Center requires it on app+user calls. */
  readonly mfa: boolean;
};

/** What the browser is sent to: the partner tenant's authorize endpoint, with a PKCE challenge (S256). */
export type AuthorizeRequest = {
  readonly redirectUri: string;
  readonly scope: string;
  readonly codeChallenge: string;
  readonly state: string;
};

/** The code Entra sent to the redirect URI, and what proves this application asked for it. */
export type CodeRedemption = {
  readonly code: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
  readonly scope: string;
};

/**
 * The partner administrator's interactive sign-in (authorization code with PKCE, in the partner's tenant):
 * `authorizeUrl` is where the browser goes, `redeemCode` turns the code sent back into the refresh token.
 */
export type PartnerAdminSignIn = {
  readonly authorizeUrl: (request: AuthorizeRequest) => string;
  readonly redeemCode: (redemption: CodeRedemption) => Promise<Result<SignedInUser, EntraError>>;
};

export type PartnerAdminSignInDeps = {
  /** A client for the Entra ID authority host (`MICROSOFT_LOGIN_URL`); its base URL is also the browser's. */
  readonly http: HttpClient;
  readonly partnerTenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
};

export function createPartnerAdminSignIn(deps: PartnerAdminSignInDeps): PartnerAdminSignIn {
  const tenant = deps.partnerTenantId;
  const tokenPath = `/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;

  function authorizeUrl(request: AuthorizeRequest): string {
    const url = new URL(`${deps.http.baseUrl}/${encodeURIComponent(tenant)}/oauth2/v2.0/authorize`);
    url.search = new URLSearchParams({
      client_id: deps.clientId,
      response_type: "code",
      redirect_uri: request.redirectUri,
      scope: request.scope,
      code_challenge: request.codeChallenge,
      code_challenge_method: "S256",
      state: request.state,
      // The partner may have several administrators: let the person choose, never reuse a session silently.
      prompt: "select_account",
    }).toString();
    return url.toString();
  }

  /**
   * One attempt only: a code is single use, so a retry after a lost answer could only be told "already
   * redeemed". A failure that is worth another try (`entra_unavailable`) means signing in again.
   */
  async function redeemCode(redemption: CodeRedemption): Promise<Result<SignedInUser, EntraError>> {
    const correlationId = randomUUID();
    // The resource of the first scope (`https://api.partnercenter.microsoft.com/.default` → the API), for errors.
    const resource = (redemption.scope.split(/\s+/)[0] ?? "").replace(/\/[^/]*$/, "");
    const outcome = await deps.http.request({
      method: "POST",
      path: tokenPath,
      query: { "client-request-id": correlationId },
      form: {
        client_id: deps.clientId,
        client_secret: deps.clientSecret,
        grant_type: "authorization_code",
        code: redemption.code,
        code_verifier: redemption.codeVerifier,
        redirect_uri: redemption.redirectUri,
        scope: redemption.scope,
      },
    });
    if (!outcome.ok || outcome.value.status !== 200)
      return err(entraError(outcome, { tenant, resource, grant: "authorization_code", correlationId }));
    const invalid = (why: string): Result<SignedInUser, EntraError> =>
      err({
        code: "entra_invalid_response",
        message: `Microsoft Entra ID answered the sign-in ${why}.`,
        retryable: false,
        details: { tenant, resource, correlationId, status: 200 },
      });
    const body = CodeTokenBody.safeParse(outcome.value.json);
    if (!body.success || body.data.token_type.toLowerCase() !== "bearer")
      return invalid("without a usable bearer token");
    if (!body.data.refresh_token)
      return invalid(
        "without a refresh token: the application must be allowed the offline_access permission (consent again)",
      );
    const access = readTokenClaims(body.data.access_token);
    const id = body.data.id_token ? readTokenClaims(body.data.id_token) : undefined;
    const userPrincipalName = access?.upn ?? id?.preferred_username;
    const objectId = id?.oid ?? access?.oid;
    const tenantId = id?.tid ?? access?.tid;
    if (!userPrincipalName || !objectId || !tenantId)
      return invalid("with tokens that do not say who signed in (no upn, oid or tid)");
    return ok({
      refreshToken: body.data.refresh_token,
      userPrincipalName,
      objectId,
      tenantId,
      mfa: (access?.amr ?? []).includes("mfa"),
    });
  }

  return { authorizeUrl, redeemCode };
}
