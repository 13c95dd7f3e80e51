import { sum } from "../engine/index.ts";
import { whole } from "./exact-ratios.ts";
import type { PreparedInput, Projection } from "./estimate-types.ts";

/**
 * The original product's estimate: month to date × days in month ÷ days elapsed. Every day with data counts as
 * complete, so the latest days, still arriving, pull it low, and whichever weekdays have passed skew it.
 */
export function proration(input: PreparedInput): Projection {
  const known = sum(input.days);
  const n = input.elapsed;
  return {
    method: "proration",
    known,
    rateTotal: known,
    rateDays: BigInt(Math.max(n, 1)),
    remainingWeight: whole(input.daysInMonth - n),
    samples: input.days,
    daysSampled: n,
    completeThrough: n,
  };
}
