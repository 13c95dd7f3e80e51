import type { AadFailure } from "./aad-error.ts";

/** Resources a token may be issued for, besides the emulator's own base URL. */
export const KNOWN_RESOURCES = [
  "https://management.azure.com",
  "https://management.core.windows.net",
  "https://graph.microsoft.com",
  "https://api.partnercenter.microsoft.com",
];

/** OpenID Connect scopes that may accompany the resource scopes of a user token request. */
export const OIDC_SCOPES = new Set(["openid", "profile", "email", "offline_access"]);

export type ParsedScopes = {
  resource: string;
  /** Delegated permissions (`scp`), or `.default` for the client-credentials grant. */
  permissions: string[];
  oidc: string[];
};

/**
 * Reads a v2 `scope` parameter. App-only tokens take exactly one `{resource}/.default`; user tokens take one or
 * more `{resource}/{permission}` of ONE resource (a v2 token has one audience) plus OpenID scopes. A request with
 * only OpenID scopes gets a Microsoft Graph token for `User.Read`, as Entra does.
 */
export function parseScopes(
  scope: string,
  kind: "app" | "user",
  baseUrl: string,
  tenantDomain: string,
): { ok: true; scopes: ParsedScopes } | { ok: false; failure: AadFailure } {
  const all = scope.trim().split(/\s+/).filter(Boolean);
  const oidc = all.filter((s) => OIDC_SCOPES.has(s));
  const rest = all.filter((s) => !OIDC_SCOPES.has(s));
  const invalid: AadFailure = {
    error: "invalid_scope",
    code: 70011,
    description: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  };
  if (kind === "user" && rest.length === 0 && oidc.length > 0)
    return {
      ok: true,
      scopes: { resource: "https://graph.microsoft.com", permissions: ["User.Read"], oidc },
    };
  const shape = kind === "app" ? /^\S+\/\.default$/ : /^\S+\/[\w.]+$/;
  if (rest.length === 0 || (kind === "app" && rest.length > 1) || !rest.every((s) => shape.test(s)))
    return { ok: false, failure: invalid };
  const split = rest.map((s) => {
    const slash = s.lastIndexOf("/");
    return { resource: s.slice(0, slash).replace(/\/+$/, ""), permission: s.slice(slash + 1) };
  });
  const resource = split[0]?.resource ?? "";
  if (split.some((s) => s.resource !== resource)) return { ok: false, failure: invalid };
  if (![...KNOWN_RESOURCES, baseUrl].includes(resource))
    return {
      ok: false,
      failure: {
        error: "invalid_resource",
        code: 500011,
        description: `The resource principal named ${resource} was not found in the tenant named ${tenantDomain}.`,
      },
    };
  return { ok: true, scopes: { resource, permissions: split.map((s) => s.permission), oidc } };
}
