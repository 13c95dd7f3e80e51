import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { EmulatorState } from "../state/emulator-state.ts";
import type { SigningKey } from "./signing-key.ts";

/** Resources a client-credentials token may be issued for, besides the emulator's own base URL. */
const KNOWN_RESOURCES = [
  "https://management.azure.com",
  "https://management.core.windows.net",
  "https://graph.microsoft.com",
  "https://api.partnercenter.microsoft.com",
];

const TOKEN_LIFETIME_S = 3599;

/** OpenID Connect scopes that may accompany the one resource scope of a user token request. */
const OIDC_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);

/** Microsoft Entra's error body: `AADSTSnnnnn:` description with trace and correlation ids (A1). */
function aadError(
  reply: FastifyReply,
  status: number,
  error: string,
  code: number,
  description: string,
  correlationId?: string,
) {
  const now = new Date();
  const timestamp = `${now.toISOString().slice(0, 19).replace("T", " ")}Z`;
  const traceId = randomUUID();
  const correlation = correlationId ?? randomUUID();
  return reply.code(status).send({
    error,
    error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
  });
}

/**
 * Entra ID's v2.0 endpoints as MSAL and @azure/identity call them (A4): the OpenID configuration, the signing
 * keys, and the token endpoint with the client-credentials grant.
 */
export function entraRoutes(
  app: FastifyInstance,
  deps: { state: EmulatorState; key: SigningKey; baseUrl: () => string },
) {
  const { state, key } = deps;
  const knownTenant = (t: string) => t === "common" || t === "organizations" || state.tenant(t) !== undefined;

  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
    done(
      null,
      Object.fromEntries(new URLSearchParams(typeof body === "string" ? body : body.toString("utf8"))),
    );
  });

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
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        tenant_region_scope: "NA",
      };
    },
  );

  app.get("/:tenant/discovery/v2.0/keys", () => Promise.resolve(key.jwks()));

  app.post<{ Params: { tenant: string }; Body: Record<string, string> | undefined }>(
    "/:tenant/oauth2/v2.0/token",
    async (req, reply) => {
      const correlationId =
        typeof req.query === "object" && req.query
          ? (req.query as Record<string, string>)["client-request-id"]
          : undefined;
      const form = req.body ?? {};
      const tenant = state.tenant(req.params.tenant);
      if (!tenant)
        return aadError(
          reply,
          400,
          "invalid_request",
          90002,
          `Tenant '${req.params.tenant}' not found.`,
          correlationId,
        );
      const grant = form["grant_type"] ?? "";
      if (!["client_credentials", "password"].includes(grant))
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
      const servicePrincipalId = registered ? state.servicePrincipalIn(registered, tenant.id) : undefined;
      if (!registered || (grant === "client_credentials" && !servicePrincipalId))
        return aadError(
          reply,
          400,
          "unauthorized_client",
          700016,
          `Application with identifier '${clientId}' was not found in the directory '${tenant.domain}'.`,
          correlationId,
        );
      if (!secret || !state.secretMatches(registered, secret))
        return aadError(
          reply,
          401,
          "invalid_client",
          7000215,
          "Invalid client secret provided.",
          correlationId,
        );
      const scopes = (form["scope"] ?? "").trim().split(/\s+/).filter(Boolean);
      const resourceScope = scopes.find((x) => !OIDC_SCOPES.has(x)) ?? "";
      const scopeShape = grant === "client_credentials" ? /^\S+\/\.default$/ : /^\S+\/[\w.]+$/;
      if (!scopeShape.test(resourceScope))
        return aadError(
          reply,
          400,
          "invalid_scope",
          70011,
          `The provided value for the input parameter 'scope' is not valid. The scope ${form["scope"] ?? ""} is not valid.`,
          correlationId,
        );
      const slash = resourceScope.lastIndexOf("/");
      const resource = resourceScope.slice(0, slash).replace(/\/+$/, "");
      const permission = resourceScope.slice(slash + 1);
      if (![...KNOWN_RESOURCES, deps.baseUrl()].includes(resource))
        return aadError(
          reply,
          400,
          "invalid_resource",
          500011,
          `The resource principal named ${resource} was not found in the tenant named ${tenant.domain}.`,
          correlationId,
        );
      const iat = Math.floor(Date.now() / 1000);
      const common = {
        aud: resource,
        iss: `${deps.baseUrl()}/${tenant.id}/v2.0`,
        iat,
        nbf: iat,
        exp: iat + TOKEN_LIFETIME_S,
        tid: tenant.id,
        appid: registered.clientId,
        azp: registered.clientId,
        ver: "2.0",
      };
      let access_token: string;
      if (grant === "password") {
        // The resource-owner password grant: kept for tests and scripts; people sign in through the pages.
        const user = state.user(form["username"] ?? "");
        if (!user || user.tenantId !== tenant.id || !state.passwordMatches(user, form["password"] ?? ""))
          return aadError(
            reply,
            400,
            "invalid_grant",
            50126,
            "Error validating credentials due to invalid username or password.",
            correlationId,
          );
        access_token = key.sign({
          ...common,
          oid: user.id,
          sub: user.id,
          upn: user.userPrincipalName,
          name: user.displayName,
          idtyp: "user",
          scp: permission === ".default" ? "user_impersonation" : permission,
          amr: ["pwd", "mfa"],
          wids: user.roles,
        });
      } else {
        access_token = key.sign({
          ...common,
          oid: servicePrincipalId,
          sub: servicePrincipalId,
          idtyp: "app",
          roles: [],
        });
      }
      return {
        token_type: "Bearer",
        expires_in: TOKEN_LIFETIME_S,
        ext_expires_in: TOKEN_LIFETIME_S,
        access_token,
      };
    },
  );
}
