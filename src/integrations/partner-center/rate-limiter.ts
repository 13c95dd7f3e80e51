/**
 * Token buckets (as GCRA: each bucket keeps the time its next request would be on schedule), one per key. A
 * request takes one token from every bucket it names, waiting until all have one; callers that arrive together
 * queue in arrival order because each reserves its slot before it waits.
 */
export type RateLimit = {
  /** Sustained requests per minute. */
  readonly perMinute: number;
  /** Requests allowed at once after a quiet period. */
  readonly burst: number;
};

export type RateLimiter = {
  /** Reserves one request on each key now; resolves when it may be sent. */
  readonly acquire: (keys: readonly string[]) => Promise<void>;
  /** Reserves and returns how many milliseconds to wait (no sleeping). */
  readonly reserve: (keys: readonly string[]) => number;
  /** Nobody sends on these keys before `untilMs` (a server's Retry-After, shared by every caller). */
  readonly holdUntil: (keys: readonly string[], untilMs: number) => void;
};

export function createRateLimiter(deps: {
  limit: RateLimit;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}): RateLimiter {
  const interval = 60_000 / deps.limit.perMinute;
  const tolerance = (Math.max(1, deps.limit.burst) - 1) * interval;
  /** Per key: the theoretical arrival time of the next request, in ms. */
  const tat = new Map<string, number>();

  function forget(now: number) {
    // A bucket whose schedule is in the past is full again: it needs no memory.
    if (tat.size < 10_000) return;
    for (const [key, t] of tat) if (t < now) tat.delete(key);
  }

  function reserve(keys: readonly string[]): number {
    const now = deps.now();
    forget(now);
    const at = Math.max(now, ...keys.map((k) => (tat.get(k) ?? now) - tolerance));
    for (const k of keys) tat.set(k, Math.max(tat.get(k) ?? at, at) + interval);
    return at - now;
  }

  return {
    reserve,
    acquire: async (keys) => {
      const wait = reserve(keys);
      if (wait > 0) await deps.sleep(wait);
    },
    holdUntil: (keys, untilMs) => {
      for (const k of keys) tat.set(k, Math.max(tat.get(k) ?? 0, untilMs + tolerance));
    },
  };
}
