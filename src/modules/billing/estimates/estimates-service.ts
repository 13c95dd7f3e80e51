import { z } from "zod";
import type { Clock } from "../../../platform/clock.ts";
import { err, ok, type Result } from "../../../platform/result.ts";
import { ZERO, type Decimal } from "../engine/index.ts";
import { estimateMonthEnd } from "./estimate-month-end.ts";
import { DEFAULT_LATENCY_DAYS, ESTIMATE_METHODS, type Estimate } from "./estimate-types.ts";
import { estimatesErrors, type EstimatesError } from "./errors.ts";
import { DAY, isMonth } from "../months.ts";
import { dayOfMonth, daysInMonth, isoDayOf } from "./month-days.ts";

/** One day's exact customer-price total of a scope, in its billing currency. `day` is "YYYY-MM-DD". */
export type DailyTotal = { day: string; amount: Decimal };

/**
 * Where the figures come from (the invoicing module's data). `dailyTotals` gives the days of a month that have
 * totals so far; `history`, when given, the days before the month the day-of-week profile may read (two months are
 * plenty). A day missing from either had no usage.
 */
export type EstimatesDeps<Scope> = {
  dailyTotals(scope: Scope, month: string): Promise<DailyTotal[]>;
  history?(scope: Scope, month: string): Promise<DailyTotal[]>;
  clock: Clock;
};

/** What to estimate. Every field may be left out: today, the month of yesterday, the best method, 2 days. */
export const EstimateRequest = z.object({
  month: z
    .string()
    .refine(isMonth, "must be a month written YYYY-MM, e.g. 2025-04")
    .optional()
    .describe("The billing month, YYYY-MM; the month of the day before asOf when left out."),
  asOf: z
    .string()
    .regex(DAY, "must be a day written YYYY-MM-DD, e.g. 2025-04-15")
    .refine((d) => isoDayOf(d.slice(0, 7), dayOfMonth(d.slice(0, 7), d)) === d, "must be a day that exists")
    .optional()
    .describe(
      "The day the estimate is made on (UTC): usage through the day before is read. Today when left out.",
    ),
  method: z
    .enum([...ESTIMATE_METHODS, "best"])
    .optional()
    .describe("proration, run-rate, day-of-week, or best (the back-test's choice, the default)."),
  latencyDays: z
    .number()
    .int("must be a whole number of days")
    .min(0, "must be 0 or more")
    .max(7, "must be 7 at most: Microsoft's usage arrives within three days")
    .optional()
    .describe("How many of the latest days are still arriving; 2 when left out."),
});
export type EstimateRequest = z.input<typeof EstimateRequest>;

/** An estimate with what it was asked for. */
export type MonthEndEstimate = Estimate & { month: string; asOf: string; latencyDays: number };

export type Estimates<Scope> = {
  /** The month-end estimate of `scope` as of a day, by a method (README, "Month-end estimates"). */
  estimateOf(scope: Scope, request?: EstimateRequest): Promise<Result<MonthEndEstimate, EstimatesError>>;
};

/**
 * Month-end estimates of a scope (a customer, a billing account: whatever `dailyTotals` is asked for). Days on or
 * after `asOf` are left out, so asking for a past day replays the estimate as it would have been, with the data as
 * it is now.
 */
export function createEstimates<Scope>(deps: EstimatesDeps<Scope>): Estimates<Scope> {
  return {
    async estimateOf(
      scope: Scope,
      request: EstimateRequest = {},
    ): Promise<Result<MonthEndEstimate, EstimatesError>> {
      const parsed = EstimateRequest.safeParse(request);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return err(estimatesErrors.requestInvalid(issue?.path.join(".") ?? "request", issue?.message ?? ""));
      }
      const asOf = parsed.data.asOf ?? deps.clock.now().toISOString().slice(0, 10);
      const month =
        parsed.data.month ?? isoDayOf(asOf.slice(0, 7), dayOfMonth(asOf.slice(0, 7), asOf) - 1).slice(0, 7);
      const latency = parsed.data.latencyDays ?? DEFAULT_LATENCY_DAYS;
      const today = dayOfMonth(month, asOf);
      const length = daysInMonth(month);
      const elapsed = Math.min(length, today - 1);
      if (elapsed <= 0) return err(estimatesErrors.monthNotStarted(month, asOf));
      const complete = Math.max(0, Math.min(elapsed, today - 1 - latency));

      const days = await monthDays(deps.dailyTotals(scope, month), month, elapsed);
      if (!days.ok) return days;
      const history = deps.history ? await historyDays(deps.history(scope, month), month) : ok([]);
      if (!history.ok) return history;
      const estimate = estimateMonthEnd(
        { month, days: days.value, history: history.value, latencyDays: elapsed - complete },
        parsed.data.method ?? "best",
      );
      return ok({ ...estimate, month, asOf, latencyDays: latency });
    },
  };
}

/** Days 1..elapsed of the month, 0 where no total was given; later days are left out. */
async function monthDays(
  totals: Promise<DailyTotal[]>,
  month: string,
  elapsed: number,
): Promise<Result<Decimal[], EstimatesError>> {
  const days: (Decimal | undefined)[] = Array.from({ length: elapsed }, () => undefined);
  for (const t of await totals) {
    const day = dayOfMonthChecked(month, t.day);
    if (day === null)
      return err(estimatesErrors.dailyTotalsInvalid(t.day, "is not a day written YYYY-MM-DD"));
    if (day < 1 || day > daysInMonth(month))
      return err(estimatesErrors.dailyTotalsInvalid(t.day, `is not a day of ${month}`));
    if (day > elapsed) continue;
    if (days[day - 1] !== undefined) return err(estimatesErrors.dailyTotalsInvalid(t.day, "appears twice"));
    days[day - 1] = t.amount;
  }
  return ok(days.map((d) => d ?? ZERO));
}

/** The days from the earliest given up to the day before the month, oldest first, 0 where no total was given. */
async function historyDays(
  totals: Promise<DailyTotal[]>,
  month: string,
): Promise<Result<Decimal[], EstimatesError>> {
  const byDay = new Map<number, Decimal>();
  for (const t of await totals) {
    const day = dayOfMonthChecked(month, t.day);
    if (day === null)
      return err(estimatesErrors.dailyTotalsInvalid(t.day, "is not a day written YYYY-MM-DD"));
    if (day >= 1) return err(estimatesErrors.dailyTotalsInvalid(t.day, `is not a day before ${month}`));
    if (byDay.has(day)) return err(estimatesErrors.dailyTotalsInvalid(t.day, "appears twice"));
    byDay.set(day, t.amount);
  }
  const earliest = Math.min(1, ...byDay.keys());
  const days: Decimal[] = [];
  for (let day = earliest; day <= 0; day++) days.push(byDay.get(day) ?? ZERO);
  return ok(days);
}

/** The day of the month an ISO day is, or null if it is not a real day written YYYY-MM-DD. */
function dayOfMonthChecked(month: string, iso: string): number | null {
  if (!DAY.test(iso)) return null;
  const day = dayOfMonth(month, iso);
  return isoDayOf(month, day) === iso ? day : null;
}
