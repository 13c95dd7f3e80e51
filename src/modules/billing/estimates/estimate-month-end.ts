import { add, multiply, sum, ZERO, type Decimal } from "../engine/index.ts";
import { dayOfWeek } from "./day-of-week.ts";
import {
  DEFAULT_LATENCY_DAYS,
  type Estimate,
  type EstimateInput,
  type EstimateMethod,
  type MethodChoice,
  type PreparedInput,
  type Projection,
} from "./estimate-types.ts";
import { divide, max, min, percentile, whole } from "./exact-ratios.ts";
import { daysInMonth } from "./month-days.ts";
import { proration } from "./proration.ts";
import { runRate } from "./run-rate.ts";

/** The method `best` stands for: the lowest mean absolute percentage error in the back-test (README). */
export const BEST_METHOD: EstimateMethod = "day-of-week";

/** The range reads the daily rates of the sampled days at these percentiles (nearest rank). */
export const RANGE_PERCENTILES = { low: 10, high: 90 } as const;

const METHODS: Record<EstimateMethod, (input: PreparedInput) => Projection> = {
  proration,
  "run-rate": runRate,
  "day-of-week": dayOfWeek,
};

/**
 * Projects the month's total from its daily totals so far. Pure and exact: amounts stay Decimals; the one division
 * of a projection comes last and keeps 12 decimals (or the amounts' own, if more). The range: the days to come at the 10th and at the 90th percentile of the sampled days' daily rates
 * (each widened to include the estimate's own rate), on top of the same known days and expected one-off days.
 * Throws on input no caller should build (more days than the month has, a negative latency, a malformed month).
 */
export function estimateMonthEnd(input: EstimateInput, method: MethodChoice = "best"): Estimate {
  const prepared = prepare(input);
  const projection = METHODS[method === "best" ? BEST_METHOD : method](prepared);
  const { rateTotal, rateDays } = projection;
  const project = (total: Decimal) =>
    add(
      add(projection.known, projection.oneOffs ?? ZERO),
      divide(multiply(total, projection.remainingWeight), rateDays),
    );
  const days = whole(rateDays);
  const band =
    projection.samples.length === 0
      ? { low: rateTotal, high: rateTotal }
      : {
          low: min(multiply(percentile(projection.samples, RANGE_PERCENTILES.low), days), rateTotal),
          high: max(multiply(percentile(projection.samples, RANGE_PERCENTILES.high), days), rateTotal),
        };
  return {
    method: projection.method,
    mtd: sum(input.days),
    eom: project(rateTotal),
    low: project(band.low),
    high: project(band.high),
    daysSampled: projection.daysSampled,
    completeThrough: projection.completeThrough,
  };
}

function prepare(input: EstimateInput): PreparedInput {
  const length = daysInMonth(input.month);
  const latency = input.latencyDays ?? DEFAULT_LATENCY_DAYS;
  if (input.days.length > length)
    throw new RangeError(`${input.days.length} days given for ${input.month}, which has ${length}.`);
  if (!Number.isInteger(latency) || latency < 0)
    throw new RangeError(`latencyDays must be a whole number from 0, not ${latency}.`);
  return {
    month: input.month,
    daysInMonth: length,
    days: input.days,
    history: input.history ?? [],
    elapsed: input.days.length,
    complete: Math.max(0, input.days.length - latency),
  };
}
