import { nameBasedUuid } from "../../platform/name-based-uuid.ts";
import { randomUUID } from "node:crypto";
import type { Clock } from "../../platform/clock.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { EntraError, TokenSource } from "../entra/index.ts";
import {
  retryAfterMs,
  withRetry,
  type HttpClient,
  type HttpMethod,
  type HttpResponse,
  type RetryDecision,
  type RetryPolicy,
  type RetryTools,
} from "../http/index.ts";
import { parseJsonExact } from "./exact-json.ts";
import { partnerCenterErrorOf } from "./partner-center-errors.ts";
import type { PartnerCenterError } from "./port.ts";
import type { RateLimiter } from "./rate-limiter.ts";

const PARTNER_CENTER = "https://api.partnercenter.microsoft.com";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Our namespace for name-based request ids (RFC 9562 §5.5), fixed forever: changing it changes every id. */
const REQUEST_ID_NAMESPACE = Buffer.from("5b0f8d3e6a7c4e21b9d4c1a2e3f40516", "hex");

/**
 * MS-RequestId for an idempotency key: the key itself when it is a GUID, otherwise a UUIDv5 of it, so the same
 * workflow step always sends the same id and no retry ever invents a new one.
 */
/**
 * Which of Partner Center's rate-limited resources a path belongs to (B4: 500 requests a minute per partner tenant on
 * the Customer and on the Subscription resource, counted apart); null for calls outside both, which are not limited
 * that way (domain checks, address validation, the agreement template, invoices).
 */
export function limitedResourceOf(path: string): "customers" | "subscriptions" | null {
  const pathname = path.replace(/^https?:\/\/[^/]+/i, "").split("?")[0] ?? "";
  if (!/^\/v1\/customers(\/|$)/.test(pathname)) return null;
  return /\/subscriptions(\/|$)/.test(pathname) ? "subscriptions" : "customers";
}

export function requestIdFor(idempotencyKey: string): string {
  if (GUID.test(idempotencyKey)) return idempotencyKey.toLowerCase();
  return nameBasedUuid(REQUEST_ID_NAMESPACE, idempotencyKey);
}

export type PartnerCenterCall = {
  readonly method: HttpMethod;
  /** Under the base URL, with its query if any: "/v1/customers?size=3". */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** App-only, or App+User (the secure application model) for the calls that require a user (B6, B8.1). */
  readonly auth: "app" | "user";
  /** The caller's idempotency key; without one, a new MS-RequestId for this call (kept across its retries). */
  readonly idempotencyKey?: string | undefined;
  /** Counts against this customer's bucket too. */
  readonly customerId?: string | undefined;
  /** Statuses besides 2xx that are an answer, not a failure (HEAD /domains: 404 = available). */
  readonly answers?: readonly number[];
  /** Parse numbers exactly (billing amounts). */
  readonly exactNumbers?: boolean;
};

export type PartnerCenterAnswer = {
  readonly status: number;
  readonly headers: HttpResponse["headers"];
  readonly body: unknown;
  /** The MS-RequestId and MS-CorrelationId this call sent, for errors found in a 2xx body. */
  readonly requestId: string;
  readonly correlationId: string;
};

export type PartnerCenterClientDeps = {
  readonly http: HttpClient;
  readonly tokens: TokenSource;
  readonly partnerTenantId: string;
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  readonly retry?: { readonly policy?: Partial<RetryPolicy>; readonly tools?: Partial<RetryTools> };
};

type Attempt =
  | { kind: "answer"; response: HttpResponse }
  | { kind: "no-answer" }
  | { kind: "no-token"; error: EntraError };

/** Statuses Partner Center may answer differently a moment later; 501 is not among them. */
const TRANSIENT = new Set([408, 500, 502, 503, 504]);

/**
 * Sends Partner Center calls the way its guidance asks (B1, B4): MS-RequestId = the caller's idempotency key,
 * reused on every retry of the call; a new MS-CorrelationId per call, kept on errors; retries after a timeout, 5xx
 * and 429 (honouring Retry-After), never after 400/401/403/404/409/412; every request waits for its partner's
 * and customer's rate-limit buckets first.
 */
export function createPartnerCenterClient(deps: PartnerCenterClientDeps) {
  const partnerKey = `partner:${deps.partnerTenantId.toLowerCase()}`;

  const tokenFor = (auth: "app" | "user") =>
    auth === "app"
      ? deps.tokens.appToken(deps.partnerTenantId, PARTNER_CENTER)
      : deps.tokens.userToken(PARTNER_CENTER);

  function decide(a: Attempt, keys: string[]): RetryDecision {
    if (a.kind === "no-token") return { retry: false };
    // No answer: the call may or may not have happened. Repeating it with the same MS-RequestId is safe: Partner
    // Center answers a repeated id with the first outcome instead of acting twice (B1).
    if (a.kind === "no-answer") return { retry: true };
    const { status, headers } = a.response;
    if (status !== 429 && !TRANSIENT.has(status)) return { retry: false };
    const afterMs = retryAfterMs(headers, deps.clock.now());
    if (afterMs === undefined) return { retry: true };
    // Everyone calling for this partner waits too, so a throttled partner is not hit again at once (B4).
    if (status === 429) deps.limiter.holdUntil(keys, deps.clock.now().getTime() + afterMs);
    return { retry: true, afterMs };
  }

  async function send(call: PartnerCenterCall): Promise<Result<PartnerCenterAnswer, PartnerCenterError>> {
    const requestId = call.idempotencyKey === undefined ? randomUUID() : requestIdFor(call.idempotencyKey);
    const correlationId = randomUUID();
    const resource = limitedResourceOf(call.path);
    const keys = [
      ...(resource ? [`${partnerKey}:${resource}`] : []),
      ...(call.customerId ? [`customer:${call.customerId.toLowerCase()}`] : []),
    ];
    const outcome = await withRetry<Attempt>(
      async () => {
        await deps.limiter.acquire(keys);
        const token = await tokenFor(call.auth);
        if (!token.ok) return { kind: "no-token", error: token.error };
        const sent = await deps.http.request({
          method: call.method,
          path: call.path,
          ...(call.query ? { query: call.query } : {}),
          ...(call.json === undefined ? {} : { json: call.json }),
          headers: {
            ...call.headers,
            authorization: `Bearer ${token.value.token}`,
            "ms-requestid": requestId,
            "ms-correlationid": correlationId,
          },
        });
        return sent.ok ? { kind: "answer", response: sent.value } : { kind: "no-answer" };
      },
      (a) => decide(a, keys),
      deps.retry,
    );
    if (outcome.kind === "no-token")
      return err({
        code: outcome.error.retryable ? "partner_center_unavailable" : "partner_center_sign_in_failed",
        message: `No token for Partner Center: ${outcome.error.message}`,
        retryable: outcome.error.retryable,
        details: {
          status: null,
          partnerCenterCode: null,
          description: null,
          requestId,
          correlationId,
          entraCode: outcome.error.code,
        },
      });
    const response = outcome.kind === "answer" ? outcome.response : null;
    const body = response ? bodyOf(response, call.exactNumbers ?? false) : undefined;
    if (
      response &&
      ((response.status >= 200 && response.status < 300) || call.answers?.includes(response.status))
    )
      return ok({ status: response.status, headers: response.headers, body, requestId, correlationId });
    const waitMs = response ? retryAfterMs(response.headers, deps.clock.now()) : undefined;
    return err(
      partnerCenterErrorOf({
        status: response?.status ?? null,
        body,
        requestId,
        correlationId,
        retryAfterSeconds: waitMs === undefined ? null : Math.ceil(waitMs / 1000),
      }),
    );
  }

  return { send };
}

export type PartnerCenterClient = ReturnType<typeof createPartnerCenterClient>;

function bodyOf(response: HttpResponse, exact: boolean): unknown {
  if (!exact || !response.text) return response.json;
  try {
    return parseJsonExact(response.text);
  } catch {
    return response.json;
  }
}
