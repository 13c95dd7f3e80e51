import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { once } from "node:events";
import path from "node:path";
import { finished } from "node:stream/promises";
import { seedOf, type Month } from "../usage/index.ts";
import { customerMonth, CORRECTION_CHARGE_TYPE, type RowKind } from "./customer-month.ts";
import { goldenTotals, type GoldenReport } from "./golden-totals.ts";
import type { Irregularities } from "./row-fates.ts";
import { syntheticCustomer } from "./synthetic-customers.ts";
import { CSV_HEADER_LINE, csvLine } from "./usage-csv.ts";

/** What to generate: everything is drawn from `seed`, so the same options always give the same bytes. */
export type GenerateOptions = {
  seed: number;
  /** The billing months the file covers, in order. */
  months: Month[];
  /** How many customers, or how many rows at least (customers are added whole until the file holds that many). */
  size: { customers: number } | { rows: number };
  shares: Irregularities;
  /** Billing currencies to draw customers' markets from; the first customers take one each. */
  currencies: string[];
};

/** The natural key of a row (billing-data.md §0): two rows with the same key are versions of one charge. */
export const NATURAL_KEY = [
  "CustomerId",
  "EntitlementId",
  "MeterId",
  "ProductId",
  "SkuId",
  "AvailabilityId",
  "ResourceURI",
  "UsageDate",
  "ChargeType",
] as const;

export type RowCounts = Record<RowKind | "written", number>;

export type GenerationSummary = {
  file: string;
  expectedFile: string;
  customers: number;
  rowCounts: RowCounts;
  expected: GoldenReport;
};

/** Where the expected totals of a file go: beside it, `usage.csv` → `usage.expected.json`. */
export const expectedFileOf = (file: string) => `${file.replace(/\.csv$/i, "")}.expected.json`;

/** Lines are encoded into buffers of this many bytes, handed to the file when full, so writing costs few calls. */
const CHUNK = 1 << 20;
/** How often progress is told, in rows. */
const PROGRESS_EVERY = 100_000;

/**
 * Writes a Partner Center daily rated usage file (the 55 headers, CRLF lines) of generated customers, streaming:
 * memory holds one customer's month at most, never the file. Then writes its expected totals beside it, computed
 * from the rows as they were written. `onProgress` is told the rows written so far, every 100,000 rows.
 */
export async function generateUsageFile(
  options: GenerateOptions,
  file: string,
  onProgress?: (rowsWritten: number) => void,
): Promise<GenerationSummary> {
  const out = createWriteStream(file);
  const failed = once(out, "error").then(([e]) => Promise.reject(e as Error));
  failed.catch(() => undefined);
  let chunk = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  const flush = async () => {
    const full = chunk.subarray(0, used);
    chunk = Buffer.allocUnsafe(CHUNK);
    used = 0;
    if (!out.write(full)) await Promise.race([once(out, "drain"), failed]);
  };
  /** Encodes a line into the chunk; false when it does not fit (the chunk must be flushed first). */
  const append = (line: string): boolean => {
    if (CHUNK - used < line.length * 3) return false;
    used += chunk.write(line, used);
    return true;
  };
  append(CSV_HEADER_LINE);

  const seedBasis = seedOf("generator", String(options.seed), "fates");
  const world = {
    seed: options.seed,
    months: options.months,
    currencies: options.currencies,
    pecChanges: options.shares.pecChanges,
  };
  const totals = goldenTotals();
  const counts: RowCounts = { written: 0, usage: 0, late: 0, duplicate: 0, restated: 0, correction: 0 };
  const enough = (customers: number) =>
    "customers" in options.size ? customers >= options.size.customers : counts.written >= options.size.rows;

  let customers = 0;
  while (!enough(customers)) {
    const customer = syntheticCustomer(world, customers);
    for (const month of options.months)
      for (const written of customerMonth(customer, month, seedBasis, options.shares)) {
        const line = csvLine(written.row);
        if (!append(line)) {
          await flush();
          if (!append(line))
            throw new Error(`A row of ${line.length} characters does not fit a write buffer.`);
        }
        totals.count(written);
        counts[written.kind] += 1;
        counts.written += 1;
        if (counts.written % PROGRESS_EVERY === 0) onProgress?.(counts.written);
      }
    customers += 1;
  }
  await flush();
  out.end();
  await Promise.race([finished(out), failed]);

  const expected = totals.report();
  const expectedFile = expectedFileOf(file);
  const document = {
    description:
      "Expected totals of a generated Partner Center daily rated usage file, computed by the generator from the rows it wrote. Amounts are exact decimals as text; only the *Rounded figure is rounded (half away from zero, to the currency's minor unit).",
    file: path.basename(file),
    seed: options.seed,
    months: options.months,
    shares: options.shares,
    currencies: options.currencies,
    naturalKey: NATURAL_KEY,
    settlement:
      "Rows are settled by natural key, the last one in file order winning: an exact duplicate counts once, a restated row replaces the earlier row with its key. A negative correction carries ChargeType '" +
      CORRECTION_CHARGE_TYPE +
      "', so it is a row of its own and is added. asWritten sums every row as written.",
    customerCount: customers,
    rowCounts: counts,
    ...expected,
  };
  await writeFile(expectedFile, `${JSON.stringify(document, null, 2)}\n`);
  return { file, expectedFile, customers, rowCounts: counts, expected };
}
