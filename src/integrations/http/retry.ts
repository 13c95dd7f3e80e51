/** What the caller decides after each attempt: give this outcome back, or try again (after at least `afterMs`). */
export type RetryDecision = { readonly retry: false } | { readonly retry: true; readonly afterMs?: number };

export type RetryPolicy = {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** The first backoff; each later one doubles, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** No attempt starts later than this after the first one; a wait that would end past it is not taken. */
  readonly maxTotalMs: number;
};

/** The sleep, the clock and the dice: injected so tests neither wait nor depend on chance. */
export type RetryTools = {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly random: () => number;
};

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxTotalMs: 120_000,
};

export const realRetryTools: RetryTools = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  random: () => Math.random(),
};

/**
 * The wait before attempt `attempt + 1`: exponential backoff with "equal jitter" (half fixed, half random, so
 * clients that failed together do not come back together), but never shorter than what the server asked for in
 * Retry-After (Microsoft's throttling guidance: wait Retry-After, then back off exponentially).
 */
export function backoffMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
  afterMs?: number,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(exponential / 2 + (exponential / 2) * random());
  return afterMs === undefined ? jittered : Math.max(afterMs, 0);
}

/**
 * Runs `attempt` until `decide` says the outcome is final, the attempts are used up, or the next wait would end
 * past the time budget; returns the last outcome either way. What is retryable is the caller's call: only it knows
 * whether a request is safe to repeat.
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  decide: (outcome: T) => RetryDecision,
  options: { policy?: Partial<RetryPolicy>; tools?: Partial<RetryTools> } = {},
): Promise<T> {
  const policy = { ...defaultRetryPolicy, ...options.policy };
  const tools = { ...realRetryTools, ...options.tools };
  const started = tools.now();
  for (let n = 1; ; n++) {
    const outcome = await attempt(n);
    const decision = decide(outcome);
    if (!decision.retry || n >= policy.maxAttempts) return outcome;
    const wait = backoffMs(n, policy, tools.random, decision.afterMs);
    if (tools.now() + wait - started > policy.maxTotalMs) return outcome;
    await tools.sleep(wait);
  }
}
