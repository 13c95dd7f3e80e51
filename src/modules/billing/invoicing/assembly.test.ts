import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decimal, formatDecimal } from "../engine/index.ts";
import type { Amounts } from "./amounts.ts";
import { assembleInvoice, type BilledDay, type CurrentDay } from "./assembly.ts";

const amounts = (customerPrice: string, listPrice = customerPrice, partnerCost = "0"): Amounts => ({
  customerPrice: decimal(customerPrice),
  listPrice: decimal(listPrice),
  partnerCost: decimal(partnerCost),
});

const day = (
  usageDate: string,
  price: string,
  opts: { customerId?: string; snapshotId?: number; iaas?: string; saas?: string } = {},
): CurrentDay => ({
  customerId: opts.customerId ?? "c1",
  usageDate,
  snapshotId: opts.snapshotId ?? 1,
  total: { amounts: amounts(price), rowCount: 2 },
  byClass:
    opts.iaas !== undefined
      ? {
          iaas: { amounts: amounts(opts.iaas), rowCount: 1 },
          saas: { amounts: amounts(opts.saas ?? "0"), rowCount: 1 },
        }
      : null,
});

const billed = (usageDate: string, price: string, snapshotId = 1, customerId = "c1"): BilledDay => ({
  customerId,
  usageDate,
  snapshotId,
  total: amounts(price),
  byClass: null,
});

const policy = { label: "Integrated Azure Services Usage", splitServices: false };
const text = (x: { exact: unknown; amount: unknown }) => ({
  exact: formatDecimal(x.exact as never),
  amount: formatDecimal(x.amount as never),
});

void describe("invoice assembly", () => {
  void it("bills the month as one line rounded once from the exact sum, not per day", () => {
    const inv = assembleInvoice({
      month: "2026-11",
      currency: "USD",
      policy,
      current: [day("2026-11-01", "0.004"), day("2026-11-02", "0.004", { customerId: "c2" })],
      earlier: [],
    });
    assert.equal(inv.lines.length, 1);
    const [line] = inv.lines;
    assert.equal(line?.description, "Integrated Azure Services Usage");
    assert.deepEqual(line && text(line), { exact: "0.008", amount: "0.01" });
    assert.equal(line?.rowCount, 4);
    assert.equal(formatDecimal(inv.total), "0.01");
    assert.equal(inv.usage.length, 2);
  });

  void it("splits IaaS and SaaS into two lines when the settings ask", () => {
    const inv = assembleInvoice({
      month: "2026-11",
      currency: "USD",
      policy: { ...policy, splitServices: true },
      current: [day("2026-11-01", "3.335", { iaas: "1.125", saas: "2.21" })],
      earlier: [],
    });
    assert.deepEqual(
      inv.lines.map((l) => [l.description, l.serviceClass, formatDecimal(l.amount)]),
      [
        ["Integrated Microsoft Azure Services IaaS", "iaas", "1.13"],
        ["Integrated Microsoft Azure Services SaaS", "saas", "2.21"],
      ],
    );
    assert.equal(formatDecimal(inv.total), "3.34");
  });

  void it("rounds yen to whole yen", () => {
    const inv = assembleInvoice({
      month: "2026-11",
      currency: "JPY",
      policy,
      current: [day("2026-11-01", "1234.5")],
      earlier: [],
    });
    assert.equal(formatDecimal(inv.total), "1235");
  });

  void it("bills late and restated usage of a finalized month as an Update to Previous Month line", () => {
    const inv = assembleInvoice({
      month: "2026-11",
      currency: "USD",
      policy,
      current: [day("2026-11-01", "5")],
      earlier: [
        {
          month: "2026-10",
          current: [
            day("2026-10-30", "10", { snapshotId: 7 }),
            day("2026-10-31", "2.5", { snapshotId: 9 }),
            day("2026-10-29", "1"),
          ],
          billed: [billed("2026-10-30", "8", 6), billed("2026-10-29", "1")],
        },
      ],
    });
    assert.deepEqual(
      inv.lines.map((l) => [l.kind, l.description, l.servicePeriod, formatDecimal(l.amount)]),
      [
        ["usage", "Integrated Azure Services Usage", "2026-11", "5.00"],
        ["update_previous", "Update to Previous Month (October 2026)", "2026-10", "4.50"],
      ],
    );
    const october = inv.usage.filter((u) => u.usageDate.startsWith("2026-10"));
    assert.deepEqual(
      october.map((u) => [u.usageDate, u.snapshotId, formatDecimal(u.amounts.customerPrice)]),
      [
        ["2026-10-30", 7, "10"],
        ["2026-10-31", 9, "2.5"],
      ],
      "records carry the new snapshot and the cumulative amount, unchanged days are not recorded",
    );
  });

  void it("credits a restatement downwards and a day that no longer routes here", () => {
    const inv = assembleInvoice({
      month: "2026-11",
      currency: "USD",
      policy,
      current: [],
      earlier: [
        {
          month: "2026-10",
          current: [day("2026-10-30", "3", { snapshotId: 2 })],
          billed: [billed("2026-10-30", "4"), billed("2026-10-31", "1.25", 5, "gone")],
        },
      ],
    });
    const update = inv.lines.find((l) => l.kind === "update_previous");
    assert.equal(update && formatDecimal(update.amount), "-2.25");
    assert.equal(formatDecimal(inv.total), "-2.25");
    assert.deepEqual(
      inv.usage.map((u) => [u.customerId, u.usageDate, formatDecimal(u.amounts.customerPrice)]),
      [
        ["c1", "2026-10-30", "3"],
        ["gone", "2026-10-31", "0"],
      ],
    );
  });

  void it("carries a difference under half a cent until it is worth a line", () => {
    const inv = assembleInvoice({
      month: "2026-11",
      currency: "USD",
      policy,
      current: [],
      earlier: [
        {
          month: "2026-10",
          current: [day("2026-10-30", "1.004", { snapshotId: 2 })],
          billed: [billed("2026-10-30", "1")],
        },
      ],
    });
    assert.equal(inv.lines.length, 1, "only the month's own usage line");
    assert.equal(inv.usage.length, 0, "the day stays billed as before");
  });

  void it("orders earlier months and numbers lines from one", () => {
    const inv = assembleInvoice({
      month: "2027-01",
      currency: "EUR",
      policy,
      current: [],
      earlier: [
        { month: "2026-12", current: [day("2026-12-01", "1")], billed: [] },
        { month: "2026-11", current: [day("2026-11-01", "2")], billed: [] },
      ],
    });
    assert.deepEqual(
      inv.lines.map((l) => [l.lineNo, l.description]),
      [
        [1, "Integrated Azure Services Usage"],
        [2, "Update to Previous Month (November 2026)"],
        [3, "Update to Previous Month (December 2026)"],
      ],
    );
  });
});
