import assert from "node:assert/strict";
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { seededRandom } from "../../../platform/seeded-random.ts";
import { formatDecimal } from "./decimal.ts";
import { rateFileInParallel } from "./parallel-rating.ts";
import { createPricePlan } from "./price-plan.ts";
import { createRating, type CustomerRating } from "./rating.ts";
import { usageCsv, type UsageRowValues } from "./test-usage-csv.ts";
import { readDailyRatedUsage, type QuarantinedRow } from "./usage-csv.ts";

const dir = mkdtempSync(path.join(tmpdir(), "pcloud-parallel-rating-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const created = createPricePlan({});
if (!created.ok) throw new Error(created.error.message);
const plan = created.value;

/**
 * A month whose rows often hold line breaks inside quoted fields, so that many cuts between parts fall inside a
 * quoted field, and with a bad row now and then.
 */
function month(seed: number, count: number): string {
  const r = seededRandom(seed);
  const rows: UsageRowValues[] = Array.from({ length: count }, (_, i) => {
    const customer = Math.floor(r() * 7);
    const bad = r() < 0.02;
    return {
      CustomerId: `00000000-0000-4000-8000-00000000000${customer}`,
      CustomerName: `Customer ${customer}`,
      BillingCurrency: ["USD", "EUR", "JPY", "GBP", "KWD", "USD", "CAD"][customer] ?? "USD",
      PCToBCExchangeRate: ["1", "0.92", "151.5", "0.79", "0.307", "1", "1.36"][customer] ?? "1",
      MeterCategory: ["Virtual Machines", "Storage", "SQL Database"][i % 3] ?? "Storage",
      UnitPrice: `0.${Math.floor(r() * 1e15)}`,
      Quantity: bad ? "twelve" : `${Math.floor(r() * 100)}.${Math.floor(r() * 1e6)}`,
      Tags: r() < 0.5 ? `{"note":"${"line\n".repeat(1 + Math.floor(r() * 40))}"}` : "{}",
    };
  });
  return usageCsv(rows, { bom: true });
}

const totals = (customers: CustomerRating[]) =>
  customers.map((c) => ({
    customer: `${c.customerId} ${c.billingCurrency}`,
    rows: c.rows,
    customerPrice: formatDecimal(c.customerPrice),
    invoiceLines: c.invoiceLines.map((l) => formatDecimal(l.amount)),
  }));

async function sequential(file: string) {
  const rating = createRating(plan);
  const quarantined: QuarantinedRow[] = [];
  const read = await readDailyRatedUsage(createReadStream(file), {
    line: rating.add,
    quarantine: (q) => quarantined.push(q),
  });
  return { read, customers: totals(rating.result()), quarantined };
}

async function parallel(file: string, threads: number, rangeBytes: number) {
  const rating = createRating(plan);
  const quarantined: QuarantinedRow[] = [];
  const read = await rateFileInParallel(file, plan, {}, threads, rating, (q) => quarantined.push(q), {
    rangeBytes,
  });
  return { read, customers: totals(rating.result()), quarantined };
}

void test("a file rated in parts on several threads gives what reading it start to end gives, bad rows and lines included", async () => {
  const file = path.join(dir, "month.csv");
  writeFileSync(file, month(6, 4_000));
  const expected = await sequential(file);
  assert.ok(expected.read.ok && expected.read.value.lines > 3_800 && expected.quarantined.length > 40);
  for (const [threads, rangeBytes] of [
    [1, 8 * 1024],
    [2, 16 * 1024],
    [3, 100_003],
  ] as const) {
    const got = await parallel(file, threads, rangeBytes);
    assert.deepEqual(got.read, expected.read, `${threads} threads, parts of ${rangeBytes} bytes`);
    assert.deepEqual(got.customers, expected.customers);
    assert.deepEqual(got.quarantined, expected.quarantined);
  }
});

void test("a file that is not usage fails before any thread starts", async () => {
  const file = path.join(dir, "invoice.csv");
  writeFileSync(file, "InvoiceNumber,Subtotal\r\n" + "G1,1.00\r\n".repeat(10_000));
  const got = await parallel(file, 2, 4096);
  assert.ok(!got.read.ok && got.read.error.code === "usage_columns_missing");
});
