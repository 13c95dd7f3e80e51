import { compare, sign, subtract, type Decimal } from "../engine/index.ts";
import { estimateMonthEnd } from "./estimate-month-end.ts";
import type { MethodChoice } from "./estimate-types.ts";
import { ratio, RATIO_SCALE } from "./exact-ratios.ts";

/** What a month looked like on a cut day: its days 1..cutDay − 1 with the rows that had arrived by then. */
export type BacktestView = { cutDay: number; days: readonly Decimal[] };

/** One customer's month: what it came to (`truth`), the complete days before it, and views of it as it went. */
export type BacktestCase = {
  customerId: string;
  month: string;
  truth: Decimal;
  history: readonly Decimal[];
  views: readonly BacktestView[];
};

/**
 * How a method did on one cut day across customers, in percent of the true month total. `mape` is the mean of the
 * absolute percentage errors, `medianApe` and `p90Ape` their median and 90th percentile; `bias` the mean signed
 * error (negative: too low); `coverage` the share of months whose truth lay within low–high; `handedOver` how many
 * estimates a simpler method made for want of data.
 */
export type MethodScore = {
  cutDay: number;
  method: MethodChoice;
  customers: number;
  mape: number;
  medianApe: number;
  p90Ape: number;
  bias: number;
  coverage: number;
  handedOver: number;
};

/**
 * Estimates every view of every case with each method and scores it against the truth. Months whose truth is not
 * positive (no usage, or credits only) have no percentage error and are left out. The estimates are exact; only
 * the percentages of this report are floating point, and no amount is taken from them.
 */
export function backtest(
  cases: readonly BacktestCase[],
  methods: readonly MethodChoice[],
  latencyDays?: number,
): MethodScore[] {
  const scored = cases.filter((c) => sign(c.truth) > 0);
  const cutDays = [...new Set(scored.flatMap((c) => c.views.map((v) => v.cutDay)))].sort((a, b) => a - b);
  const scores: MethodScore[] = [];
  for (const cutDay of cutDays)
    for (const method of methods) {
      const errors: number[] = [];
      let covered = 0;
      let handedOver = 0;
      for (const c of scored) {
        const view = c.views.find((v) => v.cutDay === cutDay);
        if (!view) continue;
        const estimate = estimateMonthEnd(
          { month: c.month, days: view.days, history: c.history, latencyDays },
          method,
        );
        errors.push(percentOf(ratio(subtract(estimate.eom, c.truth), c.truth)));
        if (compare(estimate.low, c.truth) <= 0 && compare(c.truth, estimate.high) <= 0) covered += 1;
        if (method !== "best" && estimate.method !== method) handedOver += 1;
      }
      const absolute = errors.map(Math.abs).sort((a, b) => a - b);
      scores.push({
        cutDay,
        method,
        customers: errors.length,
        mape: mean(absolute),
        medianApe: median(absolute),
        p90Ape: absolute[Math.max(0, Math.ceil(absolute.length * 0.9) - 1)] ?? 0,
        bias: mean(errors),
        coverage: errors.length === 0 ? 0 : (100 * covered) / errors.length,
        handedOver,
      });
    }
  return scores;
}

/** A ratio of RATIO_SCALE decimals as a percentage, for the report only. */
const percentOf = (r: Decimal): number => (Number(r.units) / 10 ** RATIO_SCALE) * 100;

const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}
