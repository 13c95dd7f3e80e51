import type { FastifyInstance, FastifyReply } from "fastify";
import type { EmulatedApp, EmulatedTenant, EmulatedUser, EmulatorState } from "../state/emulator-state.ts";
import type { EmulatorClock } from "../control/clock.ts";
import { aadError, sendAadFailure, type AadFailure } from "./aad-error.ts";
import { openAuthorizationCodes } from "./authorization-codes.ts";
import { authorizeRoutes } from "./authorize-routes.ts";
import { ADMIN_CENTER_CLIENT } from "./first-party-clients.ts";
import { openRedirectUris, redirectUriRoutes } from "./redirect-uris.ts";
import { openRefreshTokens } from "./refresh-tokens.ts";
import { OIDC_SCOPES, parseScopes } from "./scopes.ts";
import type { SigningKey } from "./signing-key.ts";
import { openSignInSessions } from "./sign-in-sessions.ts";
import { openUserRevocations, userRevocationRoutes } from "./user-revocations.ts";
import { ACCESS_TOKEN_LIFETIME_S, userTokenResponse } from "./user-tokens.ts";

const GRANTS = ["client_credentials", "password", "authorization_code", "refresh_token"];

/** Who a user grant was for, and the scopes to issue, once the grant itself checked out. */
type UserGrant = { user: EmulatedUser; tenant: EmulatedTenant; scope: string; nonce?: string | null };

/**
 * Entra ID's v2.0 endpoints as MSAL and @azure/identity call them (A4): the OpenID configuration, the signing
 * keys, the authorization endpoint with its sign-in page, logout, and the token endpoint with the
 * client-credentials, password, authorization-code and refresh-token grants. Returns what the admin-center pages
 * need to sign people in through it.
 */
export function entraRoutes(
  app: FastifyInstance,
  deps: { state: EmulatorState; key: SigningKey; clock: EmulatorClock; baseUrl: () => string },
) {
  const { state, key, clock } = deps;
  const knownTenant = (t: string) => t === "common" || t === "organizations" || state.tenant(t) !== undefined;
  const revocations = openUserRevocations(state, clock);
  const codes = openAuthorizationCodes(state.store, clock);
  const refreshTokens = openRefreshTokens(state.store, clock);
  const sessions = openSignInSessions(state.store, clock, revocations);
  const redirectUris = openRedirectUris(state, clock);

  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    done(
      null,
      Object.fromEntries(new URLSearchParams(typeof body === "string" ? body : body.toString("utf8"))),
    );
  });

  authorizeRoutes(app, { state, clock, baseUrl: deps.baseUrl, codes, sessions, redirectUris, revocations });
  redirectUriRoutes(app, state, redirectUris);
  userRevocationRoutes(app, revocations);

  app.get<{ Params: { tenant: string } }>(
    "/:tenant/v2.0/.well-known/openid-configuration",
    async (req, reply) => {
      const { tenant } = req.params;
      if (!knownTenant(tenant))
        return aadError(reply, 400, "invalid_tenant", 90002, `Tenant '${tenant}' not found.`);
      const base = `${deps.baseUrl()}/${tenant}`;
      return {
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        response_types_supported: ["code", "id_token", "code id_token", "token id_token"],
        id_token_signing_alg_values_supported: ["RS256"],
        token_endpoint_auth_methods_supported: [
          "client_secret_post",
          "private_key_jwt",
          "client_secret_basic",
        ],
        code_challenge_methods_supported: ["S256"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        tenant_region_scope: "NA",
      };
    },
  );

  app.get("/:tenant/discovery/v2.0/keys", () => Promise.resolve(key.jwks()));

  const fail = (error: string, code: number, description: string): { ok: false; failure: AadFailure } => ({
    ok: false,
    failure: { error, code, description },
  });

  /** Resource-owner password grant: kept for tests and scripts; people sign in through the pages. */
  function passwordGrant(form: Record<string, string>, tenant: EmulatedTenant | undefined) {
    const user = revocations.activeUser(form["username"] ?? "");
    if (
      !user ||
      (tenant && user.tenantId !== tenant.id) ||
      !state.passwordMatches(user, form["password"] ?? "")
    )
      return fail(
        "invalid_grant",
        50126,
        "Error validating credentials due to invalid username or password.",
      );
    const home = state.tenant(user.tenantId);
    if (!home) throw new Error(`User ${user.id} has no tenant.`);
    return { ok: true as const, grant: { user, tenant: home, scope: form["scope"] ?? "" } };
  }

  function authorizationCodeGrant(
    form: Record<string, string>,
    tenant: EmulatedTenant | undefined,
    registered: EmulatedApp,
  ) {
    const redeemed = codes.redeem({
      code: form["code"] ?? "",
      clientId: registered.clientId,
      redirectUri: form["redirect_uri"],
      codeVerifier: form["code_verifier"],
    });
    if (!redeemed.ok) return redeemed;
    const { grant } = redeemed;
    if (tenant && tenant.id !== grant.tenantId)
      return fail(
        "invalid_grant",
        70000,
        "The provided value for the 'code' parameter is not valid for this tenant.",
      );
    const user = revocations.activeUser(grant.userId);
    const home = state.tenant(grant.tenantId);
    if (!user || !home)
      return fail("invalid_grant", 50173, "The provided grant has been revoked: the user no longer exists.");
    // The OpenID scopes consented at the authorize step (offline_access, openid) still apply when the token
    // request names only the resource scopes.
    const consentedOidc = grant.scope.split(/\s+/).filter((s) => OIDC_SCOPES.has(s));
    const scope = form["scope"] ? `${form["scope"]} ${consentedOidc.join(" ")}` : grant.scope;
    return { ok: true as const, grant: { user, tenant: home, scope, nonce: grant.nonce } };
  }

  function refreshTokenGrant(
    form: Record<string, string>,
    tenant: EmulatedTenant | undefined,
    registered: EmulatedApp,
  ) {
    const stored = refreshTokens.find(form["refresh_token"] ?? "");
    if (!stored || stored.clientId !== registered.clientId || (tenant && tenant.id !== stored.tenantId))
      return fail(
        "invalid_grant",
        9002313,
        "Invalid request. Request is malformed or invalid: the refresh token is not valid.",
      );
    if (stored.expiresAt <= clock.now())
      return fail(
        "invalid_grant",
        700082,
        "The refresh token has expired due to inactivity. The token was issued and was inactive for 90 days.",
      );
    const user = revocations.activeUser(stored.userId);
    const home = state.tenant(stored.tenantId);
    if (!user || !home || !revocations.stillValid(stored.userId, stored.issuedAt))
      return fail(
        "invalid_grant",
        50173,
        "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have been deleted or an administrator revoked their sessions.",
      );
    // A refresh always returns a new refresh token (rotation); the one just used stays valid until it expires.
    const scope = `${form["scope"] ?? stored.scope} offline_access`;
    return { ok: true as const, grant: { user, tenant: home, scope } };
  }

  function sendUserTokens(
    reply: FastifyReply,
    registered: EmulatedApp,
    g: UserGrant,
    correlationId?: string,
  ) {
    const parsed = parseScopes(g.scope, "user", deps.baseUrl(), g.tenant.domain);
    if (!parsed.ok) return sendAadFailure(reply, parsed.failure, correlationId);
    return userTokenResponse(
      { key, baseUrl: deps.baseUrl(), refreshTokens },
      { tenant: g.tenant, app: registered, user: g.user, scopes: parsed.scopes, nonce: g.nonce },
    );
  }

  app.post<{ Params: { tenant: string }; Body: Record<string, string> | undefined }>(
    "/:tenant/oauth2/v2.0/token",
    async (req, reply) => {
      const correlationId =
        typeof req.query === "object" && req.query
          ? (req.query as Record<string, string>)["client-request-id"]
          : undefined;
      const form = req.body ?? {};
      const grant = form["grant_type"] ?? "";
      // The tenant-independent endpoints serve user grants (the user's home tenant decides); app-only tokens
      // need a named tenant.
      const anyTenant =
        grant !== "client_credentials" &&
        (req.params.tenant === "common" || req.params.tenant === "organizations");
      const tenant = state.tenant(req.params.tenant);
      if (!tenant && !anyTenant)
        return aadError(
          reply,
          400,
          "invalid_request",
          90002,
          `Tenant '${req.params.tenant}' not found.`,
          correlationId,
        );
      if (!GRANTS.includes(grant))
        return aadError(
          reply,
          400,
          "unsupported_grant_type",
          70003,
          "The app requested an unsupported grant type.",
          correlationId,
        );
      let clientId = form["client_id"];
      let secret = form["client_secret"];
      const basic = req.headers.authorization;
      if (basic?.startsWith("Basic ")) {
        const [id, s] = Buffer.from(basic.slice(6), "base64").toString("utf8").split(":");
        clientId ??= id;
        secret ??= s;
      }
      if (!clientId)
        return aadError(
          reply,
          400,
          "invalid_request",
          900144,
          "The request body must contain the following parameter: 'client_id'.",
          correlationId,
        );
      const registered = state.app(clientId);
      // App-only tokens only where the app has a service principal: at home, or in a tenant that consented to it
      // (a CSP partner's app in its customers' tenants). User tokens may be asked in any tenant.
      const servicePrincipalId =
        registered && tenant ? state.servicePrincipalIn(registered, tenant.id) : undefined;
      if (!registered || (grant === "client_credentials" && !servicePrincipalId))
        return aadError(
          reply,
          400,
          "unauthorized_client",
          700016,
          `Application with identifier '${clientId}' was not found in the directory '${tenant?.domain ?? req.params.tenant}'.`,
          correlationId,
        );
      // Every application the emulator registers is a confidential client: each grant authenticates it.
      if (!secret || !state.secretMatches(registered, secret))
        return aadError(
          reply,
          401,
          "invalid_client",
          7000215,
          "Invalid client secret provided.",
          correlationId,
        );
      if (grant !== "client_credentials") {
        const checked =
          grant === "password"
            ? passwordGrant(form, tenant)
            : grant === "authorization_code"
              ? authorizationCodeGrant(form, tenant, registered)
              : refreshTokenGrant(form, tenant, registered);
        if (!checked.ok) return sendAadFailure(reply, checked.failure, correlationId);
        return sendUserTokens(reply, registered, checked.grant, correlationId);
      }
      if (!tenant) throw new Error("client_credentials always names a tenant");
      const parsed = parseScopes(form["scope"] ?? "", "app", deps.baseUrl(), tenant.domain);
      if (!parsed.ok) return sendAadFailure(reply, parsed.failure, correlationId);
      const iat = Math.floor(Date.now() / 1000);
      return {
        token_type: "Bearer",
        expires_in: ACCESS_TOKEN_LIFETIME_S,
        ext_expires_in: ACCESS_TOKEN_LIFETIME_S,
        access_token: key.sign({
          aud: parsed.scopes.resource,
          iss: `${deps.baseUrl()}/${tenant.id}/v2.0`,
          iat,
          nbf: iat,
          exp: iat + ACCESS_TOKEN_LIFETIME_S,
          tid: tenant.id,
          appid: registered.clientId,
          azp: registered.clientId,
          ver: "2.0",
          oid: servicePrincipalId,
          sub: servicePrincipalId,
          idtyp: "app",
          roles: [],
        }),
      };
    },
  );

  return {
    /**
     * Redeems a code issued to the emulator's admin-center client (it has no secret: it is part of the
     * emulator) and returns the signed-in user, or undefined when the code is unusable.
     */
    redeemAdminCenterCode(code: string, codeVerifier: string): EmulatedUser | undefined {
      const redeemed = codes.redeem({
        code,
        clientId: ADMIN_CENTER_CLIENT.clientId,
        redirectUri: `${deps.baseUrl()}${ADMIN_CENTER_CLIENT.redirectPath}`,
        codeVerifier,
      });
      return redeemed.ok ? revocations.activeUser(redeemed.grant.userId) : undefined;
    },
    /** True while a user's sign-in at `at` still counts (not deleted, sessions not revoked since). */
    stillSignedIn: (userId: string, at: number) =>
      revocations.activeUser(userId) !== undefined && revocations.stillValid(userId, at),
  };
}

export type EntraSignIn = ReturnType<typeof entraRoutes>;
