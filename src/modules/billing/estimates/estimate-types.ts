import type { Decimal } from "../engine/index.ts";

/** The ways to project a month's end, cheapest first (billing-data.md §5). Persisted names: never rename one. */
export const ESTIMATE_METHODS = ["proration", "run-rate", "day-of-week"] as const;
export type EstimateMethod = (typeof ESTIMATE_METHODS)[number];
/** A method, or `best`: the one the back-test chose (README, "Month-end estimates"). */
export type MethodChoice = EstimateMethod | "best";

/** How many of the latest days of usage are still arriving, unless told: Microsoft's rows take up to two days. */
export const DEFAULT_LATENCY_DAYS = 2;

/**
 * What an estimate starts from: exact customer-price totals per day, in one billing currency.
 * `days[i]` is day i + 1 of `month`, through the last day with data (a day without usage is 0); `history` the days
 * just before day 1, oldest first, all complete; `latencyDays` how many of the latest `days` are still incomplete.
 */
export type EstimateInput = {
  month: string;
  days: readonly Decimal[];
  history?: readonly Decimal[];
  latencyDays?: number;
};

/**
 * A month-end estimate. `mtd` is every amount of the month so far; `eom` the projected month total, `low`–`high`
 * its range. `method` is the method that made the figures: a method without enough data hands over to a simpler one
 * and names it. `daysSampled` is how many complete days the projection read; `completeThrough` the last day of the
 * month taken as complete (0: none yet). Amounts are exact or carry 12 decimals (a division); none is rounded.
 */
export type Estimate = {
  method: EstimateMethod;
  mtd: Decimal;
  eom: Decimal;
  low: Decimal;
  high: Decimal;
  daysSampled: number;
  completeThrough: number;
};

/** The input with what every method needs worked out once. */
export type PreparedInput = {
  month: string;
  daysInMonth: number;
  days: readonly Decimal[];
  history: readonly Decimal[];
  /** Days of the month with data (`days.length`). */
  elapsed: number;
  /** Days of the month taken as complete: the first `complete` of `days`. */
  complete: number;
};

/**
 * A projection: the month is `known` plus a rate per day (`rateTotal ÷ rateDays`, divided once, at the end) for the
 * days still to come, each day weighing its share of `remainingWeight` (1 per day for a flat rate, the weekday's
 * factor for a profile), plus `oneOffs` expected on top. `samples` are the daily rates of the days the rate was
 * read from; their spread makes the range.
 */
export type Projection = {
  method: EstimateMethod;
  known: Decimal;
  rateTotal: Decimal;
  rateDays: bigint;
  remainingWeight: Decimal;
  oneOffs?: Decimal;
  samples: readonly Decimal[];
  daysSampled: number;
  completeThrough: number;
};
