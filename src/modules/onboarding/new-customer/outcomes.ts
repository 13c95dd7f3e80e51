import type { AppError } from "../../../platform/result.ts";
import { fail, retry, type StepOutcome } from "../engine/definitions.ts";

/**
 * A failed upstream call as a step outcome: a retryable one (throttled, unavailable, timed out) is tried again no
 * sooner than the service asked; any other ends the run with Microsoft's words and our fix.
 */
export function outcomeOfError(e: AppError, what: string): StepOutcome {
  const retryAfter = e.details?.["retryAfterSeconds"];
  if (e.retryable)
    return retry({
      reason: `${what}: ${e.message}`,
      ...(typeof retryAfter === "number" ? { afterMs: retryAfter * 1000 } : {}),
    });
  return fail({ code: e.code, message: `${what}: ${e.message}` });
}
