// The back-test of month-end estimates on generated months: Partner Center usage from the usage generator, rated by
// the billing engine at a 0 % plan, each customer's month seen as of days 3, 10 and 20 with only the rows that had
// arrived. The default method must beat the original product's proration. Seeded, so it fails the same way twice.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { generatedMonths, type GeneratedMonths } from "../bench/estimates/generated-months.ts";
import { compare, equals, parseDecimal, sum } from "../src/modules/billing/engine/index.ts";
import { backtest, BEST_METHOD } from "../src/modules/billing/estimates/index.ts";

const MONTH = "2025-04";
const CUT_DAYS = [3, 10, 20];

void describe("month-end estimates on generated months", () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), "estimates-backtest-"));
  let months: GeneratedMonths;
  before(async () => {
    months = await generatedMonths({
      seed: 11,
      customers: 30,
      month: MONTH,
      historyMonths: 2,
      cutDays: CUT_DAYS,
      folder,
    });
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  void test("each month's truth is the generator's own list price in the billing currency, to the last digit", () => {
    assert.equal(months.quarantined, 0);
    assert.equal(months.cases.length, 30);
    const expected = new Map(
      months.generation.expected.customers.map((c) => [c.customerId, c.byUsageMonth[MONTH]]),
    );
    for (const c of months.cases) {
      const theirs = parseDecimal(expected.get(c.customerId)?.listPriceInBillingCurrency ?? "0");
      assert.ok(theirs && equals(c.truth, theirs), c.customerId);
    }
  });

  void test("a view holds only what had arrived by its day, and never more than the month came to", () => {
    for (const c of months.cases) {
      for (const v of c.views) assert.equal(v.days.length, v.cutDay - 1);
      const [day3, day10, day20] = c.views.map((v) => sum(v.days));
      assert.ok(day3 && day10 && day20);
      assert.ok(compare(day3, day10) <= 0 && compare(day10, day20) <= 0, c.customerId);
    }
    const yesterdayOnDay10 = sum(months.cases.map((c) => c.views[1]?.days[8] ?? c.truth));
    const yesterdayOnDay20 = sum(months.cases.map((c) => c.views[2]?.days[8] ?? c.truth));
    assert.equal(compare(yesterdayOnDay10, yesterdayOnDay20), -1, "day 9 was still arriving on day 10");
  });

  void test(`the default (${BEST_METHOD}) has a lower mean absolute percentage error than proration on every cut day`, () => {
    const scores = backtest(months.cases, ["proration", "best"]);
    for (const cutDay of CUT_DAYS) {
      const [proration, best] = ["proration", "best"].map((m) =>
        scores.find((s) => s.cutDay === cutDay && s.method === m),
      );
      assert.ok(proration && best);
      assert.ok(
        best.mape < proration.mape,
        `day ${cutDay}: best ${best.mape.toFixed(2)} % vs proration ${proration.mape.toFixed(2)} %`,
      );
    }
  });
});
