/** How failed deliveries are spaced and when they stop. */
export type RetryPolicy = {
  /** The first retry comes between base/2 and base after the first failure. */
  readonly baseMs: number;
  /** No wait is longer than this, whatever the attempt or the receiver's Retry-After. */
  readonly maxMs: number;
  /** After this many attempts a delivery is failed for good. */
  readonly maxAttempts: number;
};

/** 30 s, doubling up to 12 h, 16 attempts: about three days before a delivery is given up. */
export const defaultRetryPolicy: RetryPolicy = { baseMs: 30_000, maxMs: 12 * 3_600_000, maxAttempts: 16 };

/**
 * The wait after attempt `attempt` (1-based) failed. The window for attempt n is [d/2, d] with d = base·2^(n−1),
 * capped, so endpoints that failed together spread out instead of being retried in step. A Retry-After the receiver
 * sent is a floor.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number,
  retryAfterMs: number | null = null,
): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return Math.min(policy.maxMs, Math.max(jittered, retryAfterMs ?? 0));
}

/** A Retry-After header as milliseconds from `now`: delta seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date): number | null {
  if (header === null || header.trim() === "") return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
