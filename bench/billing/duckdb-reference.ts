// The reference side of the billing benchmark: DuckDB reads the usage file with `read_csv` and computes, per
// customer and billing currency, the same sums as our run.
//
// `decimal`, the reference: the money columns typed DECIMAL. DECIMAL stops at 38 digits. Read at full precision,
// UnitPrice × Quantity has 31 decimals and EffectiveUnitPrice × Quantity 33, which leaves 7 and 5 integer digits: a
// large customer's month overflows the sum (DuckDB stops with "Overflow in HUGEINT addition"), and the exchange rate
// and the markup add 6 decimals more. So each row's product is cast to ROW_SCALE decimals (DuckDB rounds half away
// from zero), summed per customer, currency and exchange rate, and only then multiplied by the rate and the markup,
// exactly. A row's rounding moves a sum by at most ½·10⁻²², so the two sides are compared at COMPARE_SCALE decimals
// (customer-totals.ts).
//
// `double`, for scale only: the same query on DOUBLE columns, which DuckDB reads much faster than wide DECIMALs
// but not exactly. Its sums are written with 10 decimals.
import { DuckDBInstance } from "@duckdb/node-api";
import { z } from "zod";
import { minorUnits } from "../../src/emulator/usage/index.ts";
import { roundedAt, type CustomerTotals } from "./customer-totals.ts";

export type ColumnTyping = "decimal" | "double";

/** Column types wide enough for every value the usage generator writes (16 significant digits of a price ≥ 10⁻⁶). */
export const MONEY_TYPES = {
  UnitPrice: "DECIMAL(23,21)",
  EffectiveUnitPrice: "DECIMAL(25,23)",
  Quantity: "DECIMAL(20,10)",
  PCToBCExchangeRate: "DECIMAL(10,4)",
} as const;
/** Decimals each row's product keeps: the sums then have 16 integer digits, and × rate × markup still 10. */
export const ROW_SCALE = 22;

const ResultRow = z.object({
  customer_id: z.string(),
  billing_currency: z.string(),
  row_count: z.string(),
  list_pricing: z.string(),
  cost_pricing: z.string(),
  list_billed: z.string(),
  cost_billed: z.string(),
  customer_price: z.string(),
});

/** The SQL, for a markup factor written as decimal text (`1.15` for 15 %). */
export function referenceQuery(factor: string, typing: ColumnTyping): string {
  const types = Object.entries(MONEY_TYPES)
    .map(([column, type]) => `'${column}': '${typing === "decimal" ? type : "DOUBLE"}'`)
    .join(", ");
  const product = (price: string) =>
    typing === "decimal" ? `CAST(${price} * Quantity AS DECIMAL(38,${ROW_SCALE}))` : `${price} * Quantity`;
  const text = (sum: string) =>
    typing === "decimal" ? `CAST(${sum} AS VARCHAR)` : `CAST(CAST(${sum} AS DECIMAL(38,10)) AS VARCHAR)`;
  const decimals = factor.split(".")[1]?.length ?? 0;
  const factorType =
    typing === "decimal" ? `DECIMAL(${factor.replace(".", "").length},${decimals})` : "DOUBLE";
  return `
    WITH per_rate AS (
      SELECT CustomerId, BillingCurrency, PCToBCExchangeRate AS rate, count(*) AS row_count,
             sum(${product("UnitPrice")}) AS list_pricing,
             sum(${product("EffectiveUnitPrice")}) AS cost_pricing
      FROM read_csv($file, header = true, all_varchar = true, types = {${types}})
      GROUP BY ALL
    )
    SELECT lower(CustomerId) AS customer_id, BillingCurrency AS billing_currency,
           CAST(sum(row_count) AS VARCHAR) AS row_count,
           ${text("sum(list_pricing)")} AS list_pricing,
           ${text("sum(cost_pricing)")} AS cost_pricing,
           ${text("sum(list_pricing * rate)")} AS list_billed,
           ${text("sum(cost_pricing * rate)")} AS cost_billed,
           ${text(`sum(list_pricing * rate) * CAST('${factor}' AS ${factorType})`)} AS customer_price
    FROM per_rate
    GROUP BY ALL
    ORDER BY ALL`;
}

/**
 * Runs the reference query on `threads` threads. The invoice line is the customer price rounded half away from zero
 * to the currency's minor unit, as our invoices round it.
 */
export async function rateWithDuckDb(
  file: string,
  factor: string,
  threads: number,
  typing: ColumnTyping,
): Promise<CustomerTotals[]> {
  const instance = await DuckDBInstance.create(":memory:", { threads: String(threads) });
  try {
    const connection = await instance.connect();
    try {
      const result = await connection.runAndReadAll(referenceQuery(factor, typing), { file });
      return z
        .array(ResultRow)
        .parse(result.getRowObjectsJS())
        .map((r) => ({
          customerId: r.customer_id,
          billingCurrency: r.billing_currency,
          rows: Number.parseInt(r.row_count, 10),
          listPricePricing: r.list_pricing,
          partnerCostPricing: r.cost_pricing,
          listPrice: r.list_billed,
          partnerCost: r.cost_billed,
          customerPrice: r.customer_price,
          invoiceLine: roundedAt(r.customer_price, minorUnits(r.billing_currency)),
        }));
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
