import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import type { Logger } from "../../platform/log.ts";
import { appError, err, ok, type AppError, type Result } from "../../platform/result.ts";
import { defaultRetryPolicy, retryAfterMs, retryDelayMs } from "./backoff.ts";
import type { WebhooksDeps } from "./deps.ts";
import { SIGNATURE_HEADER, signatureHeader } from "./signature.ts";
import { webhookDeliveries, webhookEndpoints, webhookEvents } from "./tables.ts";

/** How long a claim holds a delivery: longer than any attempt (the timeout), so only a stopped worker loses it. */
const LEASE_MS = 60_000;
const BATCH = 10;
const DEFAULT_TIMEOUT_MS = 10_000;

type Claimed = {
  id: string;
  attempts: number;
  eventId: string;
  eventType: string;
  body: string;
  url: string;
  secretEncrypted: string;
  previousSecretEncrypted: string | null;
  previousSecretExpiresAt: Date | null;
};

type Outcome =
  | { delivered: true; statusCode: number }
  | { delivered: false; statusCode: number | null; error: string; retryAfter: string | null };

export type DeliveryRound = { attempted: number; delivered: number };

const timedOut = (e: unknown): boolean => e instanceof Error && e.name === "TimeoutError";

/** A failed request in words, with the network's error code (ECONNREFUSED, ENOTFOUND…) when there is one. */
const reason = (e: unknown): string => {
  const cause =
    e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const detail =
    typeof cause?.code === "string" ? cause.code : typeof cause?.message === "string" ? cause.message : "";
  const message = e instanceof Error ? e.message : String(e);
  return detail ? `${message} (${detail})` : message;
};

export function createDelivery(deps: WebhooksDeps) {
  const { db, clock } = deps;
  const policy = deps.retry ?? defaultRetryPolicy;
  const random = deps.random ?? Math.random;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const send = deps.fetch ?? fetch;

  /**
   * Takes up to `limit` due deliveries under row locks (SKIP LOCKED: workers never wait for, nor take, each other's
   * rows) and leases them by moving `nextAttemptAt` past the attempt, so the lock is released before any request
   * is made. A delivery whose worker stopped mid-attempt is due again when its lease ends.
   */
  async function claim(limit: number): Promise<{ claimed: Claimed[]; givenUp: number }> {
    return db.transaction(async (tx) => {
      const now = clock.now();
      const due = await tx
        .select({
          id: webhookDeliveries.id,
          attempts: webhookDeliveries.attempts,
          eventId: webhookDeliveries.eventId,
          eventType: webhookDeliveries.eventType,
          body: webhookEvents.body,
          url: webhookEndpoints.url,
          secretEncrypted: webhookEndpoints.secretEncrypted,
          previousSecretEncrypted: webhookEndpoints.previousSecretEncrypted,
          previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt,
        })
        .from(webhookDeliveries)
        .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.webhookId))
        .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
        .where(
          and(
            eq(webhookDeliveries.status, "pending"),
            lte(webhookDeliveries.nextAttemptAt, now),
            eq(webhookEndpoints.enabled, true),
          ),
        )
        .orderBy(asc(webhookDeliveries.nextAttemptAt))
        .limit(limit)
        .for("update", { of: webhookDeliveries, skipLocked: true });
      // A worker stopped during the last allowed attempt: no outcome will come, so the delivery is given up.
      const exhausted = due.filter((d) => d.attempts >= policy.maxAttempts);
      if (exhausted.length > 0)
        await tx
          .update(webhookDeliveries)
          .set({
            status: "failed",
            nextAttemptAt: null,
            lastError: `no outcome was recorded for attempt ${policy.maxAttempts} (its worker stopped); gave up`,
          })
          .where(
            inArray(
              webhookDeliveries.id,
              exhausted.map((d) => d.id),
            ),
          );
      const claimed = due.filter((d) => d.attempts < policy.maxAttempts);
      if (claimed.length > 0)
        await tx
          .update(webhookDeliveries)
          .set({
            attempts: sql`${webhookDeliveries.attempts} + 1`,
            nextAttemptAt: new Date(now.getTime() + LEASE_MS),
            lastAttemptAt: now,
          })
          .where(
            inArray(
              webhookDeliveries.id,
              claimed.map((d) => d.id),
            ),
          );
      return { claimed: claimed.map((d) => ({ ...d, attempts: d.attempts + 1 })), givenUp: exhausted.length };
    });
  }

  /** The secrets that sign this attempt: the current one, and the previous one while a roll's overlap lasts. */
  function secretsOf(d: Claimed): Result<string[], AppError> {
    const box = deps.secrets();
    const current = box.decrypt(d.secretEncrypted);
    if (!current.ok)
      return err(
        appError(
          current.error.code,
          `the signing secret cannot be read (${current.error.code}): roll the endpoint's secret`,
        ),
      );
    const honoured = [current.value];
    if (d.previousSecretEncrypted && d.previousSecretExpiresAt && d.previousSecretExpiresAt > clock.now()) {
      const previous = box.decrypt(d.previousSecretEncrypted);
      if (previous.ok) honoured.push(previous.value);
    }
    return ok(honoured);
  }

  async function attempt(d: Claimed): Promise<Outcome> {
    const secrets = secretsOf(d);
    if (!secrets.ok)
      return { delivered: false, statusCode: null, error: secrets.error.message, retryAfter: null };
    const timestamp = Math.floor(clock.now().getTime() / 1000);
    try {
      const res = await send(d.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "User-Agent": "Partner-Cloud-Webhooks/1",
          "Partner-Cloud-Event-Id": d.eventId,
          "Partner-Cloud-Event-Type": d.eventType,
          [SIGNATURE_HEADER]: signatureHeader(secrets.value, d.body, timestamp),
        },
        body: d.body,
        // A redirect is an answer that is not 2xx: following it could send the event somewhere not configured.
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Only the status matters: the body is not read, and not kept.
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { delivered: true, statusCode: res.status };
      return {
        delivered: false,
        statusCode: res.status,
        error: `the endpoint answered ${res.status}${res.statusText ? ` ${res.statusText}` : ""}; a 2xx is expected`,
        retryAfter: res.headers.get("retry-after"),
      };
    } catch (e) {
      return {
        delivered: false,
        statusCode: null,
        error: timedOut(e)
          ? `no answer within ${timeoutMs / 1000} s`
          : `the request failed: ${reason(e)}`.slice(0, 500),
        retryAfter: null,
      };
    }
  }

  /** Saves an attempt's outcome, if this worker's claim still stands (same attempt count, still pending). */
  async function record(d: Claimed, outcome: Outcome): Promise<void> {
    const now = clock.now();
    const fence = and(
      eq(webhookDeliveries.id, d.id),
      eq(webhookDeliveries.attempts, d.attempts),
      eq(webhookDeliveries.status, "pending"),
    );
    if (outcome.delivered) {
      await db
        .update(webhookDeliveries)
        .set({
          status: "delivered",
          deliveredAt: now,
          nextAttemptAt: null,
          lastStatusCode: outcome.statusCode,
          lastError: null,
        })
        .where(fence);
      return;
    }
    const givenUp = d.attempts >= policy.maxAttempts;
    const wait = retryDelayMs(policy, d.attempts, random, retryAfterMs(outcome.retryAfter, now));
    await db
      .update(webhookDeliveries)
      .set({
        status: givenUp ? "failed" : "pending",
        nextAttemptAt: givenUp ? null : new Date(now.getTime() + wait),
        lastStatusCode: outcome.statusCode,
        lastError: givenUp ? `${outcome.error}; gave up after ${d.attempts} attempts` : outcome.error,
      })
      .where(fence);
  }

  /**
   * Sends what is due, a batch at a time, until nothing is due or `max` attempts were made. Each delivery is
   * attempted by one worker only; a failure is retried with exponential backoff and jitter, and given up after
   * the policy's last attempt, keeping the last status and error.
   */
  async function deliverDue(max = 100): Promise<DeliveryRound> {
    const round: DeliveryRound = { attempted: 0, delivered: 0 };
    while (round.attempted < max) {
      const { claimed, givenUp } = await claim(Math.min(BATCH, max - round.attempted));
      if (claimed.length === 0 && givenUp === 0) break;
      await Promise.all(
        claimed.map(async (d) => {
          const outcome = await attempt(d);
          await record(d, outcome);
          round.attempted++;
          if (outcome.delivered) round.delivered++;
        }),
      );
    }
    return round;
  }

  /**
   * Delivers every `pollMs` until stopped; a round still running when the next is due is not doubled. A failed
   * round is logged and the next one tries again.
   */
  function startWorker(opts: { pollMs: number; log?: Logger }): { stop(): Promise<void> } {
    let stopped = false;
    let running: Promise<void> | null = null;
    const tick = async () => {
      try {
        const round = await deliverDue();
        if (round.attempted > 0) opts.log?.info(round, "webhook deliveries attempted");
      } catch (e) {
        opts.log?.error({ err: e }, "webhook delivery round failed");
      }
    };
    const timer = setInterval(() => {
      if (stopped || running) return;
      running = tick().finally(() => {
        running = null;
      });
    }, opts.pollMs);
    return {
      async stop() {
        stopped = true;
        clearInterval(timer);
        await running;
      },
    };
  }

  return { deliverDue, startWorker };
}
