import { retryDelayMs, type BackoffPolicy } from "./backoff.ts";
import type { StepOutcome } from "./definitions.ts";

/** Where a run stands when one of its steps (or undos) answers. */
export type AttemptSnapshot = {
  /** The attempt that just answered, 1-based. */
  readonly attempt: number;
  /** Past this time the step is not attempted again: the run is stuck. */
  readonly deadlineAt: Date;
};

export type Decision =
  | { readonly kind: "done"; readonly output: unknown }
  | {
      readonly kind: "retry";
      readonly nextAt: Date;
      readonly reason: string;
    }
  | {
      readonly kind: "wait";
      readonly nextAt: Date;
      readonly reason: string;
      readonly waitingFor: string;
    }
  | { readonly kind: "stuck"; readonly reason: string; readonly waitingFor: string | null }
  | { readonly kind: "fail"; readonly code: string; readonly message: string };

/**
 * What happens after an outcome, as pure data. A retry whose next attempt would fall after the deadline makes the run
 * stuck now, with the last reason; a wait keeps its timer but never beyond the deadline, so the last look happens at
 * the deadline and a further wait is stuck.
 */
export function decide(
  at: AttemptSnapshot,
  outcome: StepOutcome,
  now: Date,
  random: () => number,
  policy?: BackoffPolicy,
): Decision {
  switch (outcome.kind) {
    case "done":
      return { kind: "done", output: outcome.output };
    case "fail":
      return { kind: "fail", code: outcome.code, message: outcome.message };
    case "retry": {
      const delay = retryDelayMs({
        attempt: at.attempt,
        afterMs: outcome.afterMs,
        random,
        ...(policy ? { policy } : {}),
      });
      const nextAt = new Date(now.getTime() + delay);
      if (nextAt.getTime() > at.deadlineAt.getTime())
        return { kind: "stuck", reason: `deadline passed; last error: ${outcome.reason}`, waitingFor: null };
      return { kind: "retry", nextAt, reason: outcome.reason };
    }
    case "wait": {
      if (now.getTime() >= at.deadlineAt.getTime() && outcome.untilMs > now.getTime())
        return {
          kind: "stuck",
          reason: `deadline passed while waiting for ${outcome.waitingFor}: ${outcome.reason}`,
          waitingFor: outcome.waitingFor,
        };
      const nextAt = new Date(Math.max(now.getTime(), Math.min(outcome.untilMs, at.deadlineAt.getTime())));
      return { kind: "wait", nextAt, reason: outcome.reason, waitingFor: outcome.waitingFor };
    }
  }
}
