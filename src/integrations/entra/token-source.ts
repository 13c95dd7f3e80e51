import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Clock } from "../../platform/clock.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import {
  retryAfterMs,
  withRetry,
  type HttpClient,
  type HttpOutcome,
  type RetryDecision,
  type RetryPolicy,
  type RetryTools,
} from "../http/index.ts";
import { entraError, type Grant } from "./entra-error.ts";
import type { AccessToken, EntraError, TokenSource } from "./port.ts";

/** Entra's token answer; v1 endpoints send the numbers as strings (microsoft-apis.md §A1, §A2). */
const TokenBody = z.object({
  token_type: z.string(),
  access_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
});

/** A cached token is used until this long before it expires, so no call starts with a token about to lapse. */
const EARLY_RENEWAL_MS = 5 * 60_000;

/**
 * The partner administrator's refresh token (the secure application model, microsoft-apis.md §A5), kept by the
 * caller, encrypted at rest. Entra may answer each exchange with a new refresh token: it is handed to `rotated`
 * to be stored in place of the old one before the access token is used.
 */
export type RefreshTokenStore = {
  readonly current: () => Promise<string | undefined>;
  readonly rotated: (refreshToken: string) => Promise<void>;
};

export type EntraTokenSourceDeps = {
  /** A client for the Entra ID authority host (`MICROSOFT_LOGIN_URL`). */
  readonly http: HttpClient;
  readonly partnerTenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clock: Clock;
  readonly refreshTokens?: RefreshTokenStore | undefined;
  readonly retry?: { readonly policy?: Partial<RetryPolicy>; readonly tools?: Partial<RetryTools> };
};

/** Token requests change nothing, so every failure without a refusal is worth another attempt. */
function decide(outcome: HttpOutcome, now: Date): RetryDecision {
  if (!outcome.ok) return { retry: true };
  const { status, headers } = outcome.value;
  if (status !== 429 && status < 500) return { retry: false };
  const afterMs = retryAfterMs(headers, now);
  return afterMs === undefined ? { retry: true } : { retry: true, afterMs };
}

export function createEntraTokenSource(deps: EntraTokenSourceDeps): TokenSource {
  const cache = new Map<string, AccessToken>();
  const pending = new Map<string, Promise<Result<AccessToken, EntraError>>>();
  let userExchanges: Promise<unknown> = Promise.resolve();

  const fresh = (key: string): AccessToken | undefined => {
    const hit = cache.get(key);
    return hit && hit.expiresAt.getTime() - EARLY_RENEWAL_MS > deps.clock.now().getTime() ? hit : undefined;
  };

  async function requestToken(
    tenant: string,
    resource: string,
    grant: Grant,
    form: Record<string, string>,
  ): Promise<Result<{ token: AccessToken; refreshToken?: string }, EntraError>> {
    // One client-request-id for all attempts: Entra logs it as the correlation id, so support sees one story.
    const correlationId = randomUUID();
    const outcome = await withRetry(
      () =>
        deps.http.request({
          method: "POST",
          path: `/${encodeURIComponent(tenant)}/oauth2/v2.0/token`,
          query: { "client-request-id": correlationId },
          form: { client_id: deps.clientId, client_secret: deps.clientSecret, ...form },
        }),
      (o) => decide(o, deps.clock.now()),
      deps.retry,
    );
    const context = { tenant, resource, grant, correlationId };
    if (!outcome.ok || outcome.value.status !== 200) return err(entraError(outcome, context));
    const body = TokenBody.safeParse(outcome.value.json);
    if (!body.success || body.data.token_type.toLowerCase() !== "bearer")
      return err({
        code: "entra_invalid_response",
        message: "Microsoft Entra ID answered 200 without a usable bearer token.",
        retryable: false,
        details: { tenant, resource, correlationId, status: 200 },
      });
    const expiresAt = new Date(deps.clock.now().getTime() + body.data.expires_in * 1000);
    const token = { token: body.data.access_token, expiresAt };
    return ok(body.data.refresh_token ? { token, refreshToken: body.data.refresh_token } : { token });
  }

  /** Serves from the cache, or joins the request already on its way, or starts one. */
  function shared(
    key: string,
    fetchToken: () => Promise<Result<AccessToken, EntraError>>,
  ): Promise<Result<AccessToken, EntraError>> {
    const hit = fresh(key);
    if (hit) return Promise.resolve(ok(hit));
    const inFlight = pending.get(key);
    if (inFlight) return inFlight;
    const started = fetchToken()
      .then((result) => {
        if (result.ok) cache.set(key, result.value);
        return result;
      })
      .finally(() => pending.delete(key));
    pending.set(key, started);
    return started;
  }

  const appToken = (tenant: string, resource: string) =>
    shared(`app ${tenant.toLowerCase()} ${resource}`, async () => {
      const result = await requestToken(tenant, resource, "client_credentials", {
        grant_type: "client_credentials",
        // Client credentials take exactly one resource's `/.default` scope (microsoft-apis.md §A1).
        scope: `${resource}/.default`,
      });
      return result.ok ? ok(result.value.token) : result;
    });

  async function exchangeRefreshToken(resource: string): Promise<Result<AccessToken, EntraError>> {
    const tenant = deps.partnerTenantId;
    // Read from the store each time: a partner administrator who signs in again replaces it there.
    const refreshToken = await deps.refreshTokens?.current();
    if (!refreshToken)
      return err({
        code: "entra_sign_in_required",
        message:
          "No partner administrator has signed in yet. A partner administrator must sign in (with MFA).",
        retryable: false,
        details: { tenant, resource, correlationId: "" },
      });
    const result = await requestToken(tenant, resource, "refresh_token", {
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      // A refresh token is good for any resource the user consented to; offline_access asks for its successor.
      scope: `${resource}/.default offline_access`,
    });
    if (!result.ok) return result;
    const rotated = result.value.refreshToken;
    if (rotated && rotated !== refreshToken) await deps.refreshTokens?.rotated(rotated);
    return ok(result.value.token);
  }

  const userToken = (resource: string) =>
    shared(`user ${resource}`, () => {
      // One exchange at a time: each may rotate the refresh token the next one must use.
      const next = userExchanges.then(() => exchangeRefreshToken(resource));
      userExchanges = next.catch(() => undefined);
      return next;
    });

  return { appToken, userToken };
}
