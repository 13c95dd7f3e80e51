import { add, compare, multiply, sign, subtract, sum, ZERO, type Decimal } from "../engine/index.ts";
import { divideByDecimal, percentile, ratio, whole } from "./exact-ratios.ts";
import type { PreparedInput, Projection } from "./estimate-types.ts";
import { weekdayOf } from "./month-days.ts";
import { runRate } from "./run-rate.ts";

/** Fewer complete days than two weeks cannot tell a weekday from noise: the run rate is used instead. */
export const PROFILE_MIN_DAYS = 14;
/** The profile reads the trailing whole weeks, at most eight. */
export const PROFILE_MAX_DAYS = 56;
/** The level is the median of the last week's complete days, their weekday taken out. */
export const LEVEL_DAYS = 7;
/** A day above this multiple of what its weekday and the profile's level expect is a one-off (a spike, a burst). */
export const ONE_OFF_MULTIPLE = 2n;
/** One-off days recur, and are projected, only when the profile has at least this many; a single one is left out. */
export const ONE_OFF_MIN_DAYS = 2;

type DayAmount = { weekday: number; amount: Decimal };

/**
 * Day-of-week profile. Each day to come is level × its weekday's factor, plus the one-off days it should expect.
 * - Factors: each weekday's median over the trailing whole weeks (2 to 8) against the mean of the seven medians.
 * - Level: the median of the last 7 complete days, each divided by its weekday's factor, so a step change shows
 *   within four days and a single huge day does not move it.
 * - One-off days: in the profile, days above twice their expected amount; when there are two or more, the days to
 *   come get as many whole such days as the profile's frequency expects (⌊λ⌋), each at their median excess. A
 *   single or rare spike is therefore not spread over the month (it would make most months' estimates too high), a
 *   recurring one is counted, and one huge day does not set the size of the others.
 * Medians and weights are exact; with fewer than 14 complete days or no positive usage it is the run rate.
 */
export function dayOfWeek(input: PreparedInput): Projection {
  const series = completeSeries(input);
  if (series.length < PROFILE_MIN_DAYS) return runRate(input);
  const profile = series.slice(-Math.min(PROFILE_MAX_DAYS, Math.floor(series.length / 7) * 7));
  const factors = weekdayFactors(profile);
  if (!factors) return runRate(input);
  const deseasonalized = (d: DayAmount): Decimal | null => {
    const factor = factors[d.weekday] ?? ZERO;
    return sign(factor) > 0 ? divideByDecimal(d.amount, factor) : null;
  };
  const recent = series
    .slice(-LEVEL_DAYS)
    .map(deseasonalized)
    .filter((z) => z !== null);
  if (recent.length === 0) return runRate(input);
  const level = percentile(recent, 50);

  let remainingWeight: Decimal = ZERO;
  for (let day = input.complete + 1; day <= input.daysInMonth; day++)
    remainingWeight = add(remainingWeight, factors[weekdayOf(input.month, day)] ?? ZERO);
  return {
    method: "day-of-week",
    known: sum(input.days.slice(0, input.complete)),
    rateTotal: level,
    rateDays: 1n,
    remainingWeight,
    oneOffs: oneOffAllowance(profile, factors, input.daysInMonth - input.complete),
    samples: recent,
    daysSampled: profile.length,
    completeThrough: input.complete,
  };
}

/**
 * History and the month's complete days, oldest first, each with its weekday, from the first day with usage: days
 * before a customer started would read as a weekday pattern.
 */
function completeSeries(input: PreparedInput): DayAmount[] {
  const h = input.history.length;
  const amounts = [...input.history, ...input.days.slice(0, input.complete)];
  const started = amounts.findIndex((a) => sign(a) !== 0);
  return amounts
    .map((amount, i) => ({ weekday: weekdayOf(input.month, i - h + 1), amount }))
    .slice(started === -1 ? amounts.length : started);
}

/** Each weekday's median against the mean of the seven medians, at least 0; null if that mean is not positive. */
function weekdayFactors(days: readonly DayAmount[]): Decimal[] | null {
  const medians = Array.from({ length: 7 }, (_, weekday) =>
    percentile(
      days.filter((d) => d.weekday === weekday).map((d) => d.amount),
      50,
    ),
  );
  const total = sum(medians);
  if (sign(total) <= 0) return null;
  return medians.map((m) => {
    const factor = ratio(multiply(m, whole(7)), total);
    return sign(factor) < 0 ? ZERO : factor;
  });
}

/**
 * What the `remaining` days should add for one-off days: the profile's one-off days (above twice the profile's
 * median level × their weekday's factor), as many whole ones as their frequency expects in the remaining days, each
 * at their median excess over that bound.
 */
function oneOffAllowance(
  profile: readonly DayAmount[],
  factors: readonly Decimal[],
  remaining: number,
): Decimal {
  const levels = profile
    .map((d) => {
      const factor = factors[d.weekday] ?? ZERO;
      return sign(factor) > 0 ? divideByDecimal(d.amount, factor) : null;
    })
    .filter((z) => z !== null);
  if (levels.length === 0 || remaining === 0) return ZERO;
  const typical = percentile(levels, 50);
  const excesses: Decimal[] = [];
  for (const d of profile) {
    const bound = multiply(multiply(typical, factors[d.weekday] ?? ZERO), whole(ONE_OFF_MULTIPLE));
    if (compare(d.amount, bound) > 0) excesses.push(subtract(d.amount, bound));
  }
  if (excesses.length < ONE_OFF_MIN_DAYS) return ZERO;
  const days = BigInt(profile.length);
  const count = BigInt(excesses.length);
  const expected = (count * BigInt(remaining)) / days;
  return multiply(percentile(excesses, 50), whole(expected));
}
