import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { EmulatorClock } from "../control/clock.ts";
import type { TokenClaims } from "../entra/verify-token.ts";
import { armError } from "./arm-error.ts";

const Limit = z.object({
  burst: z.number().int().min(1).max(100_000),
  perSecond: z.number().positive().max(100_000),
});
const Limits = z.object({ reads: Limit, writes: Limit, deletes: Limit });

export type ArmLimits = z.infer<typeof Limits>;
type Kind = keyof ArmLimits;

/**
 * ARM's token buckets since 2024 (C8, learn "request limits and throttling"): per subscription × principal ×
 * operation kind, reads 250 burst refilled 25 per second, writes and deletes 200 refilled 10 per second.
 */
export const ARM_LIMITS: ArmLimits = {
  reads: { burst: 250, perSecond: 25 },
  writes: { burst: 200, perSecond: 10 },
  deletes: { burst: 200, perSecond: 10 },
};

/** The subscription-wide bucket shared by all principals is 15 times the per-principal one (C8). */
const GLOBAL_FACTOR = 15;

type Bucket = { tokens: number; at: number };

const kindOf = (method: string): Kind =>
  method === "GET" || method === "HEAD" ? "reads" : method === "DELETE" ? "deletes" : "writes";

/**
 * The ARM throttle, measured on the emulator clock (so a test can refill a bucket by moving the clock). Every
 * authenticated ARM answer carries the remaining quota of its bucket (`x-ms-ratelimit-remaining-subscription-
 * reads|writes|deletes` and the `-subscription-global-` variant, or `-tenant-` for calls outside a subscription);
 * an empty bucket answers 429 `TooManyRequests` with `Retry-After`, which the Azure SDK honours before retrying.
 */
export function createArmThrottle(clock: EmulatorClock, limits: ArmLimits = ARM_LIMITS) {
  let current = limits;
  const buckets = new Map<string, Bucket>();

  /** The bucket refilled up to now. */
  function level(key: string, burst: number, perSecond: number): Bucket {
    const now = clock.now();
    const b = buckets.get(key) ?? { tokens: burst, at: now };
    const refilled = {
      tokens: Math.min(burst, b.tokens + (Math.max(0, now - b.at) / 1000) * perSecond),
      at: now,
    };
    buckets.set(key, refilled);
    return refilled;
  }

  return {
    limits: () => current,
    /** New bucket sizes; every bucket starts full again. */
    setLimits(next: ArmLimits) {
      current = next;
      buckets.clear();
    },

    /** Charges one request to its buckets and sets the headers; sends the 429 and returns false when empty. */
    admit(req: FastifyRequest, reply: FastifyReply, claims: TokenClaims): boolean {
      const kind = kindOf(req.method);
      const { burst, perSecond } = current[kind];
      const subscription = /^\/subscriptions\/([^/?]+)/i.exec(req.url)?.[1]?.toLowerCase();
      const scope = subscription ? `subscription:${subscription}` : `tenant:${claims.tid}`;
      const own = level(`${scope}|${claims.oid}|${kind}`, burst, perSecond);
      const shared = subscription
        ? level(`${scope}|*|${kind}`, burst * GLOBAL_FACTOR, perSecond * GLOBAL_FACTOR)
        : undefined;
      const admitted = own.tokens >= 1 && (!shared || shared.tokens >= 1);
      if (admitted) {
        own.tokens -= 1;
        if (shared) shared.tokens -= 1;
      }
      const prefix = subscription
        ? "x-ms-ratelimit-remaining-subscription"
        : "x-ms-ratelimit-remaining-tenant";
      void reply.header(`${prefix}-${kind}`, String(Math.floor(own.tokens)));
      if (shared) void reply.header(`${prefix}-global-${kind}`, String(Math.floor(shared.tokens)));
      if (admitted) return true;
      const wait = Math.max(
        own.tokens >= 1 ? 0 : (1 - own.tokens) / perSecond,
        !shared || shared.tokens >= 1 ? 0 : (1 - shared.tokens) / (perSecond * GLOBAL_FACTOR),
      );
      const retryAfter = Math.max(1, Math.ceil(wait));
      void reply.header("retry-after", String(retryAfter));
      void armError(
        reply,
        429,
        "TooManyRequests",
        `Number of '${kind}' requests for ${subscription ? `subscription '${subscription}'` : `tenant '${claims.tid}'`} actor '${claims.oid}' exceeded. Please try again after '${retryAfter}' seconds.`,
      );
      return false;
    },
  };
}

export type ArmThrottle = ReturnType<typeof createArmThrottle>;

/**
 * Control plane: `GET /_emulator/arm/throttling` tells the bucket sizes; `PUT` with
 * `{ reads|writes|deletes: { burst, perSecond } }` sets them (all buckets refill), so a test can make them small.
 */
export function armThrottleRoutes(app: FastifyInstance, throttle: ArmThrottle) {
  app.get("/_emulator/arm/throttling", () => Promise.resolve(throttle.limits()));
  app.put<{ Body: unknown }>("/_emulator/arm/throttling", async (req, reply) => {
    const parsed = Limits.safeParse(req.body);
    if (!parsed.success)
      return reply.code(400).send({
        error: "Send { reads, writes, deletes }, each { burst: whole number ≥ 1, perSecond: number > 0 }.",
      });
    throttle.setLimits(parsed.data);
    return throttle.limits();
  });
}
