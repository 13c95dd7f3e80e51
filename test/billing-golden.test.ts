// Golden tests of the billing engine: small generated months in, invoice lines out, equal to the usage generator's
// own totals (computed while it wrote the rows, with its own decimals) to the last digit and to the cent.
//
// What the stand-alone engine covers: it rates the rows it is given and sums them. Settling restated and repeated
// rows is ingestion's work, so each month is checked twice: the file as written against the generator's as-written
// totals, and the file settled by the generator's documented natural-key rule (the last row of a key, in file order,
// wins) against its settled totals. Rows that arrive after a month is finalized, and the correction lines they make
// on the next invoice, belong to invoicing, which is not built yet: these months have no late rows.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CORRECTION_CHARGE_TYPE,
  generateUsageFile,
  NATURAL_KEY,
} from "../src/emulator/usage-generator/index.ts";
import { billingCommand } from "../src/modules/billing/engine/index.ts";

type Sums = {
  rows: number;
  listPrice: string;
  partnerCost: string;
  billingTotal: string;
  listPriceInBillingCurrency: string;
  listPriceInBillingCurrencyRounded: string;
};
type ExpectedCustomer = Sums & {
  customerId: string;
  billingCurrency: string;
  minorUnits: number;
  asWritten: Sums;
};

type RatedCustomer = {
  customerId: string;
  billingCurrency: string;
  rows: number;
  listPrice: string;
  partnerCost: string;
  customerPrice: string;
  margin: string;
  pricing: { currency: string; listPrice: string; partnerCost: string }[];
  invoiceLines: { label: string; amount: string; currency: string }[];
};
type Rated = { rows: number; quarantined: number; customers: RatedCustomer[] };

/** A CSV record as the file has it: its fields, and its text (quoted line breaks included) without the CRLF. */
type CsvRecord = { fields: string[]; text: string };

/** RFC 4180 records of a file with CRLF line ends, as the generator writes it. */
function csvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      fields.push(field);
      records.push({ fields, text: text.slice(start, i) });
      fields = [];
      field = "";
      i++;
      start = i + 1;
    } else field += c;
  }
  return records;
}

const decimalsOf = (text: string) => text.split(".")[1]?.length ?? 0;

function unitsAt(text: string, scale: number): bigint {
  const negative = text.startsWith("-");
  const [whole = "0", fraction = ""] = text.replace(/^-/, "").split(".");
  assert.ok(fraction.length <= scale, `${text} has more than ${scale} decimals`);
  const units = BigInt(`${whole}${fraction.padEnd(scale, "0")}`);
  return negative ? -units : units;
}

/** Two decimal texts are the same number, whatever trailing zeros either carries. */
function assertSameNumber(actual: string, expected: string, what: string) {
  const scale = Math.max(decimalsOf(actual), decimalsOf(expected));
  assert.equal(unitsAt(actual, scale), unitsAt(expected, scale), `${what}: ${actual} ≠ ${expected}`);
}

/** `amount × (1 + percent / 100)`, rounded once half away from zero to `decimals`: the invoice's rule, recomputed. */
function invoiceAmount(amount: string, percent: string, decimals: number): string {
  const scale = decimalsOf(amount) + decimalsOf(percent) + 2;
  const factor = 10n ** BigInt(decimalsOf(percent) + 2) + unitsAt(percent, decimalsOf(percent));
  const exact = unitsAt(amount, decimalsOf(amount)) * factor;
  const divisor = 10n ** BigInt(scale - decimals);
  const magnitude = ((exact < 0n ? -exact : exact) + divisor / 2n) / divisor;
  const digits = magnitude.toString().padStart(decimals + 1, "0");
  const cut = digits.length - decimals;
  const text = decimals > 0 ? `${digits.slice(0, cut)}.${digits.slice(cut)}` : digits;
  return exact < 0n && magnitude !== 0n ? `-${text}` : text;
}

async function rate(file: string, markup: string): Promise<Rated> {
  const out: string[] = [];
  const errors: string[] = [];
  const code = await billingCommand(["rate", file, "--json", "--markup", markup], {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => errors.push(t) },
  });
  assert.equal(code, 0, errors.join(""));
  return JSON.parse(out.join("")) as Rated;
}

/** The engine's figures for a customer against the generator's sums, exact, and its invoice line to the cent. */
function assertCustomerRated(rated: Rated, expected: ExpectedCustomer, sums: Sums, markup: string) {
  const what = `${expected.customerId} (${expected.billingCurrency}), markup ${markup} %`;
  const c = rated.customers.find((r) => r.customerId === expected.customerId);
  assert.ok(c, `${what}: rated`);
  assert.equal(c.billingCurrency, expected.billingCurrency, what);
  assert.equal(c.rows, sums.rows, `${what}: rows`);
  assert.equal(c.pricing.length, 1, `${what}: priced in one currency`);
  const [pricing] = c.pricing;
  assert.equal(pricing?.currency, "USD");
  assertSameNumber(pricing?.listPrice ?? "", sums.listPrice, `${what}: list price in USD`);
  assertSameNumber(pricing?.partnerCost ?? "", sums.partnerCost, `${what}: partner cost in USD`);
  assertSameNumber(c.listPrice, sums.listPriceInBillingCurrency, `${what}: list price billed`);
  assertSameNumber(c.partnerCost, sums.billingTotal, `${what}: partner cost billed (Σ BillingPreTaxTotal)`);
  assert.equal(c.invoiceLines.length, 1, `${what}: one invoice line`);
  const [line] = c.invoiceLines;
  assert.equal(line?.label, "Integrated Azure Services Usage");
  assert.equal(line?.currency, expected.billingCurrency);
  const amount = invoiceAmount(sums.listPriceInBillingCurrency, markup, expected.minorUnits);
  assert.equal(line?.amount, amount, `${what}: invoice line`);
  if (markup === "0") assert.equal(line?.amount, sums.listPriceInBillingCurrencyRounded, `${what}: at list`);
}

const MONTH = "2025-03";
/** Irregularities far above their defaults, so every case appears in a few customers' month; no late rows. */
const SHARES = { late: 0, restated: 0.03, duplicates: 0.02, corrections: 0.01, pecChanges: 0.5 };
const MARKUPS = ["0", "12.5", "-7.25"];

void describe("billing golden months: generated usage in, invoice lines out, equal to the generator's totals", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "billing-golden-"));
  const file = path.join(dir, "usage.csv");
  const settledFile = path.join(dir, "usage-settled.csv");
  let expected: ExpectedCustomer[] = [];
  let rowCounts: Record<string, number> = {};
  let header: string[] = [];
  let records: CsvRecord[] = [];

  before(async () => {
    const summary = await generateUsageFile(
      {
        seed: 17,
        months: [MONTH],
        size: { customers: 5 },
        shares: SHARES,
        currencies: ["JPY", "USD", "EUR", "GBP", "KRW"],
      },
      file,
    );
    const document = JSON.parse(readFileSync(summary.expectedFile, "utf8")) as {
      customers: ExpectedCustomer[];
      rowCounts: Record<string, number>;
    };
    expected = document.customers;
    rowCounts = document.rowCounts;
    const [head, ...body] = csvRecords(readFileSync(file, "utf8"));
    header = head?.fields ?? [];
    records = body;

    // The natural-key rule, applied here on the file's text: the last version of each key stays.
    const at = NATURAL_KEY.map((name) => header.indexOf(name));
    assert.ok(
      at.every((i) => i >= 0),
      "the natural key's columns are in the header",
    );
    const latest = new Map<string, string>();
    for (const r of records) latest.set(at.map((i) => r.fields[i]).join("\u0000"), r.text);
    writeFileSync(settledFile, [head?.text ?? "", ...latest.values()].map((line) => `${line}\r\n`).join(""));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const column = (r: CsvRecord, name: string) => r.fields[header.indexOf(name)] ?? "";

  void test("the month holds every case: a duplicate, a restated row, a negative correction, PEC lost mid-month, a JPY customer", () => {
    assert.ok((rowCounts["duplicate"] ?? 0) > 0, "duplicates");
    assert.ok((rowCounts["restated"] ?? 0) > 0, "restated rows");
    assert.ok((rowCounts["correction"] ?? 0) > 0, "negative corrections");
    assert.equal(rowCounts["late"], 0, "no late rows: those belong to invoicing after finalization");
    const corrections = records.filter((r) => column(r, "ChargeType") === CORRECTION_CHARGE_TYPE);
    assert.ok(corrections.every((r) => column(r, "Quantity").startsWith("-")));
    const pecByResource = new Map<string, Set<string>>();
    for (const r of records) {
      const key = ["EntitlementId", "MeterId", "ResourceURI"].map((n) => column(r, n)).join("|");
      const seen = pecByResource.get(key) ?? new Set<string>();
      seen.add(column(r, "PartnerEarnedCreditPercentage"));
      pecByResource.set(key, seen);
    }
    assert.ok(
      [...pecByResource.values()].some((s) => s.has("15") && s.has("0")),
      "a resource earns PEC on some days of the month and not on others",
    );
    assert.deepEqual(
      expected.map((c) => c.billingCurrency),
      ["JPY", "USD", "EUR", "GBP", "KRW"],
    );
    for (const c of expected) {
      assert.ok(
        c.asWritten.rows > c.rows,
        `${c.customerId}: duplicates and restatements make more rows as written`,
      );
      assert.notEqual(c.asWritten.listPrice, c.listPrice, `${c.customerId}: settling changes the list price`);
    }
  });

  void test("rated as written, every customer's totals equal the generator's as-written sums exactly, and the invoice line to the cent", async () => {
    for (const markup of MARKUPS) {
      const rated = await rate(file, markup);
      assert.equal(rated.quarantined, 0);
      assert.equal(rated.rows, records.length);
      assert.equal(rated.customers.length, expected.length);
      for (const c of expected) assertCustomerRated(rated, c, c.asWritten, markup);
    }
  });

  void test("settled by the natural-key rule (the last row of a key wins), the invoice lines equal the generator's settled totals", async () => {
    for (const markup of MARKUPS) {
      const rated = await rate(settledFile, markup);
      assert.equal(rated.quarantined, 0);
      for (const c of expected) assertCustomerRated(rated, c, c, markup);
    }
  });

  void test("a yen customer's line is whole yen; the margin the partner keeps is the customer price less Microsoft's PEC-reduced cost", async () => {
    const rated = await rate(settledFile, "12.5");
    const yen = expected.find((c) => c.billingCurrency === "JPY");
    assert.ok(yen);
    const line = rated.customers.find((c) => c.customerId === yen.customerId)?.invoiceLines[0];
    assert.match(line?.amount ?? "", /^\d+$/, "no decimals");
    assert.equal(line?.amount, invoiceAmount(yen.listPriceInBillingCurrency, "12.5", 0));
    for (const c of rated.customers) {
      const scale = Math.max(...[c.margin, c.customerPrice, c.partnerCost, c.listPrice].map(decimalsOf));
      assert.equal(
        unitsAt(c.margin, scale),
        unitsAt(c.customerPrice, scale) - unitsAt(c.partnerCost, scale),
        `${c.customerId}: margin`,
      );
      assert.ok(unitsAt(c.partnerCost, scale) < unitsAt(c.listPrice, scale), "PEC lowers the partner's cost");
    }
  });
});
