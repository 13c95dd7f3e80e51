import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { billingCommand, DAILY_RATED_USAGE_COLUMNS } from "../src/modules/billing/engine/index.ts";
import {
  CONTOSO,
  FABRIKAM,
  usageCsv,
  type UsageRowValues,
} from "../src/modules/billing/engine/test-usage-csv.ts";

const TAILSPIN = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
const dir = mkdtempSync(path.join(tmpdir(), "pcloud-billing-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const at = path.join(dir, name);
  writeFileSync(at, content);
  return at;
}

/** `pcloud billing …` as a partner runs it: the real command line, its output and exit code. */
function pcloud(...args: string[]) {
  const run = spawnSync(process.execPath, ["bin/pcloud.js", "billing", ...args], { encoding: "utf8" });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const contoso = {
  CustomerId: CONTOSO,
  CustomerName: "Contoso Ltd",
  BillingCurrency: "USD",
  PCToBCExchangeRate: "1",
};
const fabrikam = {
  CustomerId: FABRIKAM,
  CustomerName: "Fabrikam GmbH",
  BillingCurrency: "EUR",
  PCToBCExchangeRate: "0.9",
};
const tailspin = {
  CustomerId: TAILSPIN,
  CustomerName: "Tailspin KK",
  BillingCurrency: "JPY",
  PCToBCExchangeRate: "150",
};

/** A month small enough to rate by hand (see the expected figures below). */
const may: UsageRowValues[] = [
  { ...contoso, UnitPrice: "0.5", Quantity: "10", EffectiveUnitPrice: "0.425" },
  { ...contoso, MeterCategory: "SQL Database", UnitPrice: "0.1", Quantity: "3", EffectiveUnitPrice: "0.085" },
  { ...fabrikam, UnitPrice: "1", Quantity: "2.5", EffectiveUnitPrice: "0.85" },
  { ...contoso, Quantity: "n/a" },
  { ...tailspin, UnitPrice: "0.096", Quantity: "24", EffectiveUnitPrice: "0.096" },
];

/**
 * With a 10 % markup, by hand: Contoso lists 0.5 × 10 + 0.1 × 3 = 5.30 USD, costs 4.25 + 0.255 = 4.505 and pays
 * 5.83; Fabrikam lists 2.5 × 0.9 = 2.25 EUR, costs 2.125 × 0.9 = 1.9125 and pays 2.475, a tie that rounds away
 * from zero to 2.48; Tailspin lists 2.304 × 150 = 345.6 JPY and pays 380.16, whole yen 380.
 */
const expected = [
  {
    customerId: CONTOSO,
    customerName: "Contoso Ltd",
    billingCurrency: "USD",
    rows: 2,
    listPrice: "5.3",
    partnerCost: "4.505",
    customerPrice: "5.83",
    margin: "1.325",
    line: "5.83",
  },
  {
    customerId: FABRIKAM,
    customerName: "Fabrikam GmbH",
    billingCurrency: "EUR",
    rows: 1,
    listPrice: "2.25",
    partnerCost: "1.9125",
    customerPrice: "2.475",
    margin: "0.5625",
    line: "2.48",
  },
  {
    customerId: TAILSPIN,
    customerName: "Tailspin KK",
    billingCurrency: "JPY",
    rows: 1,
    listPrice: "345.6",
    partnerCost: "345.6",
    customerPrice: "380.16",
    margin: "34.56",
    line: "380",
  },
];

type JsonCustomer = {
  customerId: string;
  customerName: string;
  billingCurrency: string;
  rows: number;
  listPrice: string;
  partnerCost: string;
  customerPrice: string;
  margin: string;
  exchangeRates: { from: string; to: string; rate: string; source: string; date: string }[];
  invoiceLines: { label: string; amount: string; unrounded: string; currency: string }[];
};
type JsonReport = { rows: number; quarantined: number; customers: JsonCustomer[] };

const summary = (report: JsonReport) =>
  report.customers.map((c) => ({
    customerId: c.customerId,
    customerName: c.customerName,
    billingCurrency: c.billingCurrency,
    rows: c.rows,
    listPrice: c.listPrice,
    partnerCost: c.partnerCost,
    customerPrice: c.customerPrice,
    margin: c.margin,
    line: c.invoiceLines.map((l) => l.amount).join(" "),
  }));

void test("billing rate prints each customer's list price, cost, price and rounded invoice line as JSON", () => {
  const run = pcloud("rate", file("may.csv", usageCsv(may)), "--markup", "10", "--json");
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as JsonReport;
  assert.deepEqual(summary(report), expected);
  assert.equal(report.rows, 4);
  assert.equal(report.quarantined, 1);
  const yen = report.customers.find((c) => c.billingCurrency === "JPY");
  assert.deepEqual(yen?.invoiceLines, [
    {
      label: "Integrated Azure Services Usage",
      serviceClass: "all",
      unrounded: "380.16",
      amount: "380",
      currency: "JPY",
    },
  ]);
  assert.deepEqual(yen?.exchangeRates, [
    { from: "USD", to: "JPY", rate: "150", source: "microsoft", date: "2024-04-30" },
  ]);
  assert.match(run.stderr, /1 row quarantined/);
  assert.match(run.stderr, /may\.csv:5: Quantity is not a number: "n\/a"/);
});

void test("the same month with its columns in another order and LF line breaks rates the same", () => {
  const columns = [...DAILY_RATED_USAGE_COLUMNS].reverse();
  const run = pcloud(
    "rate",
    file("may-reordered.csv", usageCsv(may, { columns, eol: "\n" })),
    "--markup=10",
    "--json",
  );
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(summary(JSON.parse(run.stdout) as JsonReport), expected);
});

void test("a file that is not usage fails alone: the others are rated and the exit code says so", () => {
  const notUsage = file("invoice.csv", "InvoiceNumber,Subtotal,Currency\r\nG002297372,12.34,USD\r\n");
  const missing = path.join(dir, "nowhere.csv");
  const run = pcloud("rate", file("may-again.csv", usageCsv(may)), notUsage, missing, "--markup", "10");
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /invoice\.csv: This is not a Partner Center daily rated usage file: the header lacks CustomerId/,
  );
  assert.match(run.stderr, /nowhere\.csv: The file cannot be read: ENOENT/);
  assert.match(run.stdout, /Contoso Ltd {2}2f7c1c6e-8d1a-4a8e-9b1e-6f0c1d2e3a4b {2}USD {2}2 rows/);
  assert.match(run.stdout, /Integrated Azure Services Usage: 5\.83 USD/);
  assert.match(run.stdout, /Integrated Azure Services Usage: 2\.48 EUR/);
  assert.match(run.stdout, /Integrated Azure Services Usage: 380 JPY/);
});

void test("a wrong command line is refused with the usage and exit code 2; a discount may be written -5", async () => {
  for (const args of [
    ["rate"],
    ["rate", "x.csv", "--markup", "ten"],
    ["rate", "x.csv", "--bogus"],
    ["rated"],
  ]) {
    const out = { stdout: "", stderr: "" };
    const code = await billingCommand(args, {
      stdout: { write: (t: string) => (out.stdout += t) },
      stderr: { write: (t: string) => (out.stderr += t) },
    });
    assert.equal(code, 2, args.join(" "));
    assert.match(out.stderr, /pcloud billing rate FILE\.\.\. \[--markup PCT\] \[--json\]/);
  }
  const tooMuch = pcloud("rate", file("may-too-much.csv", usageCsv(may)), "--markup", "-100.5");
  assert.equal(tooMuch.code, 2);
  assert.match(tooMuch.stderr, /discount of more than 100 %/);
  const discount = pcloud("rate", file("may-discount.csv", usageCsv(may)), "--markup", "-5", "--json");
  assert.equal(discount.code, 0, discount.stderr);
  const contosoPrice = (JSON.parse(discount.stdout) as JsonReport).customers[0]?.customerPrice;
  assert.equal(contosoPrice, "5.035", "5.30 less 5 %");
});
