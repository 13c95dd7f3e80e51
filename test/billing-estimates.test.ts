// Month-end estimates: the three methods on hand-made daily series, exact to the last decimal, and the service over
// a scope's daily totals.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { fakeClock } from "../src/platform/clock.ts";
import {
  compare,
  decimal,
  formatDecimal,
  normalize,
  subtract,
  type Decimal,
} from "../src/modules/billing/engine/index.ts";
import {
  createEstimates,
  estimateMonthEnd,
  type DailyTotal,
  type Estimate,
} from "../src/modules/billing/estimates/index.ts";

const d = (text: string) => decimal(text);
const days = (...amounts: string[]) => amounts.map(d);
const repeat = (amount: string, n: number) => Array.from({ length: n }, () => d(amount));
const text = (x: Decimal) => formatDecimal(normalize(x));
const figures = (e: Estimate) => ({
  method: e.method,
  mtd: text(e.mtd),
  eom: text(e.eom),
  low: text(e.low),
  high: text(e.high),
  daysSampled: e.daysSampled,
  completeThrough: e.completeThrough,
});

/** April 2025 starts on a Tuesday; its days 5, 6, 12, 13, 19, 20, 26 and 27 are weekends. */
const APRIL = "2025-04";
const weekendOf = (month: string, day: number) => {
  const w = new Date(`${month}-01T00:00:00Z`);
  w.setUTCDate(day);
  return w.getUTCDay() === 0 || w.getUTCDay() === 6;
};
/** A workload of 100 a weekday and 20 a weekend day, for days `from`..`to` of `month` (day ≤ 0: the month before). */
const weekdayWorkload = (month: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => d(weekendOf(month, from + i) ? "20" : "100"));

void describe("month-end estimates", () => {
  void test("proration is month to date × days in month ÷ days elapsed, every day taken as complete", () => {
    const e = estimateMonthEnd({ month: APRIL, days: days("10", "12.5", "7.5") }, "proration");
    assert.deepEqual(figures(e), {
      method: "proration",
      mtd: "30",
      eom: "300",
      low: "232.5",
      high: "367.5",
      daysSampled: 3,
      completeThrough: 3,
    });
  });

  void test("the run rate leaves out the latest days, still arriving, and projects the mean of the last 7 complete days", () => {
    // Ten days of 10, the last two only partly arrived: proration reads them as they are, the run rate does not.
    const input = { month: APRIL, days: [...repeat("10", 8), d("9"), d("6")] };
    assert.equal(text(estimateMonthEnd(input, "proration").eom), "285");
    assert.deepEqual(figures(estimateMonthEnd(input, "run-rate")), {
      method: "run-rate",
      mtd: "95",
      eom: "300",
      low: "300",
      high: "300",
      daysSampled: 7,
      completeThrough: 8,
    });
    assert.equal(estimateMonthEnd({ ...input, latencyDays: 0 }, "run-rate").completeThrough, 10);
  });

  void test("early in the month the run rate reads the days before it, and with none it hands over to proration", () => {
    const early = { month: APRIL, days: days("5", "4"), history: repeat("10", 7) };
    assert.equal(text(estimateMonthEnd(early, "run-rate").eom), "300");
    const alone = estimateMonthEnd({ month: APRIL, days: days("5", "4") }, "run-rate");
    assert.equal(alone.method, "proration");
    assert.equal(text(alone.eom), "135");
  });

  void test("the day-of-week profile projects each day to come at its weekday's level, where flat methods miss", () => {
    const history = weekdayWorkload("2025-03", 1, 31);
    const month = weekdayWorkload(APRIL, 1, 12);
    const truth = weekdayWorkload(APRIL, 1, 30).reduce((a, b) => a + b.units, 0n);
    const e = estimateMonthEnd({ month: APRIL, days: month, history, latencyDays: 0 }, "day-of-week");
    assert.equal(e.method, "day-of-week");
    // Weekday factors are ratios of 9 decimals (700/540 is not a finite decimal), so the projection is within 10⁻⁶.
    const miss = subtract(e.eom, d(truth.toString()));
    assert.ok(compare(miss, d("-0.000001")) > 0 && compare(miss, d("0.000001")) < 0, text(e.eom));
    assert.equal(e.daysSampled, 42);
    // Twelve days with two weekends read as a flat rate overshoot a month with eight weekend days.
    assert.notEqual(text(estimateMonthEnd({ month: APRIL, days: month }, "proration").eom), truth.toString());
  });

  void test("the profile hands over to the run rate with fewer than 14 complete days", () => {
    const e = estimateMonthEnd({ month: APRIL, days: repeat("10", 15) }, "day-of-week");
    assert.equal(e.method, "run-rate");
    assert.equal(e.completeThrough, 13);
  });

  void test("a rare one-off day is not spread over the month; a frequent one is counted", () => {
    const steady = repeat("100", 28);
    const once = [...steady.slice(0, 27), d("5000")];
    const rare = estimateMonthEnd(
      { month: APRIL, days: repeat("100", 10), history: once, latencyDays: 0 },
      "best",
    );
    assert.equal(text(rare.eom), "3000");
    // A spike of 5000 every fifth day, on any weekday: five in the profile's 35 days, so the 20 days to come expect
    // two (2.86, whole ones), each 4800 over twice the level.
    const frequent5 = steady.map((a, i) => (i % 5 === 2 ? d("5000") : a));
    const frequent = estimateMonthEnd(
      { month: APRIL, days: repeat("100", 10), history: frequent5, latencyDays: 0 },
      "day-of-week",
    );
    assert.equal(text(frequent.eom), String(3000 + 2 * 4800));
  });

  void test("amounts stay exact: Partner Center's long decimals come out whole, and a division keeps 12 decimals", () => {
    const tiny = d("0.000000000000000000000000000001");
    const e = estimateMonthEnd({ month: "2025-02", days: [tiny, tiny] }, "proration");
    assert.equal(text(e.mtd), "0.000000000000000000000000000002");
    assert.equal(text(e.eom), "0.000000000000000000000000000028");
    const third = estimateMonthEnd({ month: APRIL, days: days("1", "1", "2") }, "proration");
    assert.equal(formatDecimal(third.eom), "40.000000000000");
    const uneven = estimateMonthEnd({ month: APRIL, days: days("1", "0", "0") }, "proration");
    assert.equal(formatDecimal(uneven.eom), "10.000000000000");
    const sevenths = estimateMonthEnd(
      { month: APRIL, days: days("1", "0", "0", "0", "0", "0", "0") },
      "proration",
    );
    assert.equal(formatDecimal(sevenths.eom), "4.285714285714");
    const steadyRange = estimateMonthEnd({ month: APRIL, days: repeat("10", 12) }, "run-rate");
    assert.deepEqual([text(steadyRange.low), text(steadyRange.high)], ["300", "300"]);
  });

  void test("the range holds the estimate, and collapses on a steady series", () => {
    const noisy = estimateMonthEnd(
      { month: APRIL, days: days("8", "12", "9", "11", "10", "13", "7", "10", "10", "10"), latencyDays: 0 },
      "run-rate",
    );
    assert.ok(compare(noisy.low, noisy.eom) <= 0 && compare(noisy.eom, noisy.high) <= 0);
    assert.equal(text(noisy.low), String(100 + 7 * 20));
    assert.equal(text(noisy.high), String(100 + 13 * 20));
  });

  void test("input no caller should build is refused", () => {
    assert.throws(() => estimateMonthEnd({ month: "2025-02", days: repeat("1", 29) }), RangeError);
    assert.throws(() => estimateMonthEnd({ month: "2025-2", days: [] }), RangeError);
    assert.throws(() => estimateMonthEnd({ month: APRIL, days: [], latencyDays: -1 }), RangeError);
  });

  void test("no amount of the estimates becomes a float (the back-test's report percentages aside)", () => {
    const dir = path.join(import.meta.dirname, "../src/modules/billing/estimates");
    const sources = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "backtest.ts");
    assert.ok(sources.length > 5);
    for (const file of sources) {
      const code = readFileSync(path.join(dir, file), "utf8");
      for (const banned of [/parseFloat/, /\bNumber\(/, /toFixed/, /Math\.round/, /toPrecision/])
        assert.doesNotMatch(code, banned, `${file} uses ${banned.source}`);
    }
  });
});

void describe("the estimates service", () => {
  const totals = (month: string, from: number, to: number, amount: string): DailyTotal[] =>
    Array.from({ length: to - from + 1 }, (_, i) => {
      const day = new Date(`${month}-01T00:00:00Z`);
      day.setUTCDate(from + i);
      return { day: day.toISOString().slice(0, 10), amount: d(amount) };
    });
  const service = (month: DailyTotal[], history?: DailyTotal[]) =>
    createEstimates<string>({
      dailyTotals: (scope, m) => Promise.resolve(scope === "cust-1" && m === APRIL ? month : []),
      ...(history ? { history: () => Promise.resolve(history) } : {}),
      clock: fakeClock(new Date("2025-04-11T09:00:00Z")),
    });

  void test("it estimates today's month from yesterday back, leaving the latest two days out of the run rate", async () => {
    const result = await service(totals(APRIL, 1, 10, "10")).estimateOf("cust-1", { method: "run-rate" });
    assert.ok(result.ok);
    assert.equal(result.value.month, APRIL);
    assert.equal(result.value.asOf, "2025-04-11");
    assert.equal(result.value.completeThrough, 8);
    assert.equal(text(result.value.mtd), "100");
    assert.equal(text(result.value.eom), "300");
  });

  void test("a missing day had no usage, a day on or after asOf is left out, and history feeds the profile", async () => {
    const month = [...totals(APRIL, 1, 3, "10"), ...totals(APRIL, 5, 15, "10")];
    const history = totals("2025-03", 1, 31, "10");
    const result = await service(month, history).estimateOf("cust-1", { asOf: "2025-04-06" });
    assert.ok(result.ok);
    assert.equal(text(result.value.mtd), "40");
    assert.equal(result.value.method, "day-of-week");
    assert.equal(result.value.completeThrough, 3);
    assert.equal(result.value.daysSampled, 28);
    assert.equal(text(result.value.eom), "300");
  });

  void test("a past month is estimated as complete once its latest days have arrived", async () => {
    const result = await service(totals(APRIL, 1, 30, "10")).estimateOf("cust-1", {
      month: APRIL,
      asOf: "2025-05-10",
    });
    assert.ok(result.ok);
    assert.equal(result.value.completeThrough, 30);
    assert.equal(text(result.value.eom), "300");
  });

  void test("bad requests and bad daily totals are errors that say what to fix", async () => {
    const s = service(totals(APRIL, 1, 10, "10"));
    const badMonth = await s.estimateOf("cust-1", { month: "2025-13" });
    assert.ok(!badMonth.ok);
    assert.equal(badMonth.error.code, "estimate_request_invalid");
    assert.match(badMonth.error.message, /^month: must be a month written YYYY-MM/);
    const badDay = await s.estimateOf("cust-1", { asOf: "2025-02-30" });
    assert.ok(!badDay.ok);
    assert.match(badDay.error.message, /^asOf: must be a day that exists/);
    const badMethod = await s.estimateOf("cust-1", { method: "linear" as "best" });
    assert.ok(!badMethod.ok);
    assert.equal(badMethod.error.details.field, "method");
    const notStarted = await s.estimateOf("cust-1", { month: APRIL, asOf: "2025-04-01" });
    assert.ok(!notStarted.ok);
    assert.equal(notStarted.error.code, "estimate_month_not_started");
    const twice = await service([...totals(APRIL, 1, 3, "1"), ...totals(APRIL, 2, 2, "1")]).estimateOf(
      "cust-1",
    );
    assert.ok(!twice.ok);
    assert.deepEqual(twice.error.details, { day: "2025-04-02", reason: "appears twice" });
    const outside = await service(totals("2025-05", 1, 1, "1")).estimateOf("cust-1");
    assert.ok(!outside.ok);
    assert.equal(outside.error.code, "estimate_daily_totals_invalid");
    const lateHistory = await service(totals(APRIL, 1, 3, "1"), totals(APRIL, 1, 1, "1")).estimateOf(
      "cust-1",
    );
    assert.ok(!lateHistory.ok);
    assert.deepEqual(lateHistory.error.details, { day: "2025-04-01", reason: "is not a day before 2025-04" });
  });
});
