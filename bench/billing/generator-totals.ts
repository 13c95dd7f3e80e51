import { readFileSync } from "node:fs";
import { z } from "zod";
import { minorUnits } from "../../src/emulator/usage/index.ts";
import { roundedAt, sameNumber, times, type CustomerTotals, type Disagreement } from "./customer-totals.ts";

const Sums = z.object({
  rows: z.number().int(),
  listPrice: z.string(),
  partnerCost: z.string(),
  billingTotal: z.string(),
  listPriceInBillingCurrency: z.string(),
});

/** The part of the generator's FILE.expected.json the benchmark reads: every row summed as written. */
const ExpectedFile = z.object({
  customers: z.array(z.object({ customerId: z.string(), billingCurrency: z.string(), asWritten: Sums })),
});

/**
 * Our totals against the generator's own, computed while it wrote the file, exactly: the generator's `asWritten`
 * figures, since the rating engine sums rows as given (settling duplicates and restatements is ingestion's work).
 * The customer price is the generator's list price in the billing currency × `factor`; the invoice line that,
 * rounded half away from zero to the currency's minor unit.
 */
export function compareWithGenerator(
  ours: readonly CustomerTotals[],
  expectedFile: string,
  factor: string,
): Disagreement[] {
  const expected = ExpectedFile.parse(JSON.parse(readFileSync(expectedFile, "utf8")));
  const oursByKey = new Map(ours.map((c) => [`${c.customerId}|${c.billingCurrency}`, c]));
  const found: Disagreement[] = [];
  for (const e of expected.customers) {
    const key = `${e.customerId}|${e.billingCurrency}`;
    const c = oursByKey.get(key);
    oursByKey.delete(key);
    if (!c) {
      found.push({ key, what: "customer", ours: "missing", theirs: "present" });
      continue;
    }
    const customerPrice = times(e.asWritten.listPriceInBillingCurrency, factor);
    const pairs: [string, string, string][] = [
      ["rows", String(c.rows), String(e.asWritten.rows)],
      ["listPricePricing", c.listPricePricing, e.asWritten.listPrice],
      ["partnerCostPricing", c.partnerCostPricing, e.asWritten.partnerCost],
      ["listPrice", c.listPrice, e.asWritten.listPriceInBillingCurrency],
      ["partnerCost", c.partnerCost, e.asWritten.billingTotal],
      ["customerPrice", c.customerPrice, customerPrice],
      ["invoiceLine", c.invoiceLine, roundedAt(customerPrice, minorUnits(e.billingCurrency))],
    ];
    for (const [what, a, b] of pairs) if (!sameNumber(a, b)) found.push({ key, what, ours: a, theirs: b });
  }
  for (const key of oursByKey.keys())
    found.push({ key, what: "customer", ours: "present", theirs: "missing" });
  return found;
}
