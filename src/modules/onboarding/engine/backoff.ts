/** How retries are spaced: exponential from `baseMs`, capped at `maxMs`, with jitter in the upper half. */
export type BackoffPolicy = { readonly baseMs: number; readonly maxMs: number };

export const defaultBackoff: BackoffPolicy = { baseMs: 1000, maxMs: 5 * 60_000 };

/**
 * The delay before attempt `attempt + 1`, after attempt `attempt` (1-based) asked to be retried. The window for attempt
 * n is [d/2, d] with d = base·2^(n−1) (capped), so delays never shrink from one attempt to the next, and two runs that
 * failed together spread out. A Retry-After (`afterMs`) from the upstream is a floor: we never come back sooner.
 */
export function retryDelayMs(p: {
  attempt: number;
  afterMs?: number | undefined;
  random: () => number;
  policy?: BackoffPolicy;
}): number {
  const policy = p.policy ?? defaultBackoff;
  const exponent = Math.max(0, Math.min(p.attempt - 1, 30));
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const jittered = Math.round(ceiling / 2 + (p.random() * ceiling) / 2);
  return Math.max(jittered, Math.ceil(p.afterMs ?? 0));
}

/**
 * How long a polling step waits before looking again, after its `attempt`-th look (1-based): exponential from
 * `baseMs`, capped at `maxMs`, without jitter (a poll is not a failure, and an event may wake it sooner).
 */
export function pollDelayMs(attempt: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}
