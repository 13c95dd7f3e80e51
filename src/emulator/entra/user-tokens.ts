import type { EmulatedApp, EmulatedTenant, EmulatedUser } from "../state/emulator-state.ts";
import type { SigningKey } from "./signing-key.ts";
import type { RefreshTokens } from "./refresh-tokens.ts";
import type { ParsedScopes } from "./scopes.ts";

export const ACCESS_TOKEN_LIFETIME_S = 3599;

/**
 * The token response for a signed-in user (password, authorization-code and refresh-token grants): an access
 * token with `idtyp: "user"`, `upn`, `oid`, `tid`, `scp` and `amr` with "mfa" (Partner Center enforces MFA on
 * app+user calls, A5); an `id_token` when `openid` was asked; a new refresh token when `offline_access` was asked.
 * Access-token times follow the real clock, as `verifyBearer` checks them against it.
 */
export function userTokenResponse(
  deps: { key: SigningKey; baseUrl: string; refreshTokens: RefreshTokens },
  input: {
    tenant: EmulatedTenant;
    app: EmulatedApp;
    user: EmulatedUser;
    scopes: ParsedScopes;
    nonce?: string | null;
  },
) {
  const { tenant, app, user, scopes } = input;
  const iat = Math.floor(Date.now() / 1000);
  const iss = `${deps.baseUrl}/${tenant.id}/v2.0`;
  const scp = scopes.permissions.map((p) => (p === ".default" ? "user_impersonation" : p)).join(" ");
  const access_token = deps.key.sign({
    aud: scopes.resource,
    iss,
    iat,
    nbf: iat,
    exp: iat + ACCESS_TOKEN_LIFETIME_S,
    tid: tenant.id,
    appid: app.clientId,
    azp: app.clientId,
    ver: "2.0",
    oid: user.id,
    sub: user.id,
    upn: user.userPrincipalName,
    name: user.displayName,
    idtyp: "user",
    scp,
    amr: ["pwd", "mfa"],
    wids: user.roles,
  });
  const granted = [...scopes.permissions.map((p) => `${scopes.resource}/${p}`), ...scopes.oidc];
  const response: Record<string, string | number> = {
    token_type: "Bearer",
    scope: granted.join(" "),
    expires_in: ACCESS_TOKEN_LIFETIME_S,
    ext_expires_in: ACCESS_TOKEN_LIFETIME_S,
    access_token,
  };
  if (scopes.oidc.includes("offline_access"))
    response["refresh_token"] = deps.refreshTokens.issue({
      clientId: app.clientId,
      userId: user.id,
      tenantId: tenant.id,
      scope: granted.join(" "),
    });
  if (scopes.oidc.includes("openid"))
    response["id_token"] = deps.key.sign({
      aud: app.clientId,
      iss,
      iat,
      nbf: iat,
      exp: iat + ACCESS_TOKEN_LIFETIME_S,
      tid: tenant.id,
      oid: user.id,
      sub: user.id,
      preferred_username: user.userPrincipalName,
      name: user.displayName,
      ver: "2.0",
      ...(input.nonce ? { nonce: input.nonce } : {}),
    });
  return response;
}
