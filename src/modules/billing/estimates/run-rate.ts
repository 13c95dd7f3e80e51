import { sum } from "../engine/index.ts";
import { whole } from "./exact-ratios.ts";
import type { PreparedInput, Projection } from "./estimate-types.ts";
import { proration } from "./proration.ts";

/** A week: every weekday once, so the mean of the window carries no weekday bias. */
export const RUN_RATE_WINDOW_DAYS = 7;

/**
 * Complete-days run rate: the complete days as they are, plus the mean of the last 7 complete days for each day
 * still to come, the incomplete ones included. Early in the month the window reaches into `history`; with no
 * complete day at all it is proration.
 */
export function runRate(input: PreparedInput): Projection {
  const completeDays = [...input.history, ...input.days.slice(0, input.complete)];
  const window = completeDays.slice(-RUN_RATE_WINDOW_DAYS);
  if (window.length === 0) return proration(input);
  return {
    method: "run-rate",
    known: sum(input.days.slice(0, input.complete)),
    rateTotal: sum(window),
    rateDays: BigInt(window.length),
    remainingWeight: whole(input.daysInMonth - input.complete),
    samples: window,
    daysSampled: window.length,
    completeThrough: input.complete,
  };
}
