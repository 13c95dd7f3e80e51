import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { dayOf, firstDayOf, lastDayOf, startOfDayMs } from "./billing-calendar.ts";
import { exactJson } from "./exact-json.ts";
import { customerMonthTotals, invoiceTotal } from "./expected-totals.ts";
import { fixed, format, times } from "./fixed-decimal.ts";
import { arrivedUsage, usageFor, type UsageRow, type UsageSubject } from "./usage-model.ts";

const JANUARY = "2025-01";

function subject(overrides: Partial<UsageSubject> = {}): UsageSubject {
  return {
    partner: { tenantId: "11111111-1111-4111-8111-111111111111", name: "Contoso Partner", mpnId: "1234567" },
    customer: {
      tenantId: "22222222-2222-4222-8222-222222222222",
      companyName: "Fabrikam",
      domain: "fabrikam.onmicrosoft.com",
      country: "US",
    },
    subscription: { id: "33333333-3333-4333-8333-333333333333", displayName: "Fabrikam production" },
    azurePlanId: "44444444-4444-4444-8444-444444444444",
    sinceDay: firstDayOf("2024-11"),
    scale: 2,
    billingCurrency: "USD",
    resources: [],
    ...overrides,
  };
}

const rowsOfMonth = (s: UsageSubject, month: string) => [...usageFor(s, firstDayOf(month), lastDayOf(month))];

/** What a client does with the wire text: read each amount's digits into a BigInt at a common scale. */
function unitsAt(text: string, scale: number): bigint {
  const [whole = "0", decimals = ""] = text.split(".");
  return BigInt(`${whole}${decimals.padEnd(scale, "0")}`);
}

void describe("the usage model", () => {
  void test("the same subscription and day always give identical rows, whether computed alone or in a range", () => {
    const day = firstDayOf(JANUARY) + 9;
    const alone = [...usageFor(subject(), day, day)];
    const inRange = [...usageFor(subject(), day - 5, day + 5)].filter((r) => r.usageDay === day);
    assert.ok(alone.length >= 4, "the base workload meters every day");
    assert.equal(exactJson(alone), exactJson([...usageFor(subject(), day, day)]));
    assert.equal(exactJson(alone), exactJson(inRange));
  });

  void test("a resource adds its own meters without changing any other row of the day", () => {
    const day = firstDayOf(JANUARY) + 3;
    const vm = {
      id: "/subscriptions/33333333-3333-4333-8333-333333333333/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-app",
      type: "Microsoft.Compute/virtualMachines",
      location: "eastus",
      tags: { owner: "ops" },
      vmSize: "Standard_B2s",
      sinceDay: day - 1,
      untilDay: null,
    };
    const before = [...usageFor(subject(), day, day)];
    const after = [...usageFor(subject({ resources: [vm] }), day, day)];
    const added = after.filter((r) => r.resourceUri === vm.id);
    assert.deepEqual(added.map((r) => r.meterName).sort(), ["B2s", "P10 LRS Disk"]);
    assert.equal(exactJson(after.filter((r) => r.resourceUri !== vm.id)), exactJson(before));
    const gone = [...usageFor(subject({ resources: [{ ...vm, untilDay: day }] }), day, day)];
    assert.equal(exactJson(gone), exactJson(before), "no usage on or after the day it was seen deleted");
  });

  void test("no usage before the subscription's first day", () => {
    const s = subject({ sinceDay: firstDayOf(JANUARY) + 14 });
    const rows = rowsOfMonth(s, JANUARY);
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r.usageDay >= s.sinceDay));
  });

  void test("every amount is exact: effective price is list price less PEC, totals are quantity × price × rate", () => {
    const rows = rowsOfMonth(
      subject({ customer: { ...subject().customer, country: "GB" }, billingCurrency: "GBP" }),
      JANUARY,
    );
    const earned = rows.filter((r) => r.hasPartnerEarnedCredit);
    assert.ok(earned.length > 0);
    for (const r of rows) {
      const pec = format(r.rateOfPartnerEarnedCredit);
      assert.ok(pec === "0.15" || pec === "0.00");
      assert.equal(
        unitsAt(format(r.effectiveUnitPrice), 8),
        unitsAt(format(r.unitPrice), 6) * (100n - unitsAt(pec, 2)),
      );
      assert.equal(
        unitsAt(format(r.billingPreTaxTotal), 18),
        unitsAt(format(r.quantity), 6) *
          unitsAt(format(r.effectiveUnitPrice), 8) *
          unitsAt(format(r.pcToBCExchangeRate), 4),
      );
      assert.equal(r.pcToBCExchangeRateDate, "2024-12-31T00:00:00Z");
      assert.equal(r.billingCurrency, "GBP");
    }
    assert.notEqual(format(rows[0]?.pcToBCExchangeRate ?? fixed("1")), "1.0000");
  });

  void test("the sum of the written row totals, computed with BigInt, equals the customer's month total", () => {
    const rows = rowsOfMonth(subject(), JANUARY);
    const [totals] = customerMonthTotals(rows);
    assert.ok(totals);
    const byClient = rows.reduce((acc, r) => acc + unitsAt(format(r.billingPreTaxTotal), 18), 0n);
    assert.equal(unitsAt(format(totals.billingPreTaxTotal), 18), byClient);
    assert.equal(totals.rowCount, rows.length);
    const listByClient = rows.reduce(
      (acc, r) => acc + unitsAt(format(times(r.unitPrice, r.quantity)), 12),
      0n,
    );
    assert.equal(unitsAt(format(totals.listCost), 12), listByClient);
    assert.ok(totals.partnerEarnedCredit.units > 0n, "PEC lowers the partner's cost");
  });

  void test("the invoice total is the sum of reconciliation lines, each rounded down twice to cents", () => {
    const rows = rowsOfMonth(subject(), JANUARY);
    const groups = new Map<string, { eff: string; rate: string; qty: bigint }>();
    for (const r of rows) {
      const key = `${r.meterId}|${format(r.effectiveUnitPrice)}`;
      const g = groups.get(key) ?? {
        eff: format(r.effectiveUnitPrice),
        rate: format(r.pcToBCExchangeRate),
        qty: 0n,
      };
      g.qty += unitsAt(format(r.quantity), 6);
      groups.set(key, g);
    }
    let expected = 0n;
    for (const g of groups.values()) {
      const pricingCents = (unitsAt(g.eff, 8) * g.qty) / 10n ** 12n; // ROUNDDOWN(…, 2): 14 decimals → 2
      expected += (pricingCents * unitsAt(g.rate, 4)) / 10n ** 4n;
    }
    assert.equal(format(invoiceTotal(rows)), format({ units: expected, scale: 2 }));
  });

  void test("late rows are visible only from their arrival day, and all of a month's rows have arrived by its close", () => {
    const s = subject();
    const rows = rowsOfMonth(s, JANUARY);
    const late = rows.find((r: UsageRow) => r.availableOnDay === r.usageDay + 3);
    assert.ok(late, "some rows arrive two days late");
    assert.ok(
      rows.filter((r) => r.availableOnDay > r.usageDay + 1).length < rows.length / 5,
      "only a small share",
    );
    const seenOn = (day: number) =>
      [...arrivedUsage(s, JANUARY, startOfDayMs(day) + 1)].some((r) => r.key === late.key);
    assert.equal(seenOn(late.usageDay + 1), false);
    assert.equal(seenOn(late.availableOnDay - 1), false);
    assert.equal(seenOn(late.availableOnDay), true);
    const atClose = [...arrivedUsage(s, JANUARY, Date.UTC(2025, 1, 8))];
    assert.equal(atClose.length, rows.length);
    assert.ok(dayOf(Date.UTC(2025, 1, 8)) > Math.max(...rows.map((r) => r.availableOnDay)));
  });

  void test("a monthly item is charged a day at a time, as 1/days-in-month truncated to 6 decimals", () => {
    const disks = rowsOfMonth(subject({ scale: 1 }), JANUARY).filter((r) => r.meterName === "P10 LRS Disk");
    assert.equal(disks.length, 31);
    assert.ok(disks.every((r) => format(r.quantity) === "0.032258"));
  });
});
