// What each side of the billing benchmark reports per customer and billing currency, and how two reports are
// compared. Amounts travel as decimal text and are compared with plain BigInt arithmetic written here, so the check
// shares no code with the rating engine it checks.
import { z } from "zod";

const decimalText = z.string().regex(/^-?\d+(\.\d+)?$/, "a decimal number written out");

export const CustomerTotals = z.object({
  customerId: z.string().min(1),
  billingCurrency: z.string().length(3),
  rows: z.number().int().min(0),
  /** Σ UnitPrice × Quantity, in the pricing currency (USD). */
  listPricePricing: decimalText,
  /** Σ EffectiveUnitPrice × Quantity, in the pricing currency. */
  partnerCostPricing: decimalText,
  /** Σ UnitPrice × Quantity × PCToBCExchangeRate, in the billing currency. */
  listPrice: decimalText,
  /** Σ EffectiveUnitPrice × Quantity × PCToBCExchangeRate, in the billing currency. */
  partnerCost: decimalText,
  /** listPrice × (1 + markup / 100). */
  customerPrice: decimalText,
  /** The invoice line: customerPrice rounded once to the billing currency's minor unit. */
  invoiceLine: decimalText,
});
export type CustomerTotals = z.infer<typeof CustomerTotals>;

/** What a timed child process prints as its last line. */
export const RunReport = z.object({
  seconds: z.number().min(0),
  peakRssMb: z.number().min(0),
  rows: z.number().int().min(0),
  customers: z.array(CustomerTotals),
});
export type RunReport = z.infer<typeof RunReport>;

/**
 * Decimals at which our totals and DuckDB's are compared. DuckDB rounds each row's products to 22 decimals
 * (duckdb-reference.ts), so a customer's sum can move by rows × ½·10⁻²² × rate × markup factor: under 10⁻¹³ for a
 * million rows at a yen or won rate, a thousandth of the last place kept here.
 */
export const COMPARE_SCALE = 10;

/** The amounts both sides compute. */
const AMOUNTS = [
  "listPricePricing",
  "partnerCostPricing",
  "listPrice",
  "partnerCost",
  "customerPrice",
] as const;

/** A decimal text as a BigInt count of 10^-scale; digits beyond `scale` are an error, never dropped silently. */
function unitsAt(text: string, scale: number): bigint {
  const negative = text.startsWith("-");
  const [whole = "0", fraction = ""] = text.replace(/^-/, "").split(".");
  if (fraction.length > scale) throw new Error(`${text} has more than ${scale} decimals`);
  const units = BigInt(`${whole}${fraction.padEnd(scale, "0")}`);
  return negative ? -units : units;
}

const decimalsOf = (text: string) => text.split(".")[1]?.length ?? 0;

/** `units × 10^-scale` written out with exactly `scale` decimals. */
function textOf(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const cut = digits.length - scale;
  return `${negative ? "-" : ""}${digits.slice(0, cut)}${scale > 0 ? `.${digits.slice(cut)}` : ""}`;
}

/** `text` rounded to `scale` decimals, half away from zero (0.125 → 0.13, −0.125 → −0.13). */
export function roundedAt(text: string, scale: number): string {
  const from = Math.max(scale, decimalsOf(text));
  const units = unitsAt(text, from);
  const divisor = 10n ** BigInt(from - scale);
  const magnitude = units < 0n ? -units : units;
  const quotient = (magnitude + divisor / 2n) / divisor;
  return textOf(divisor === 1n ? units : units < 0n ? -quotient : quotient, scale);
}

/** `a × b` of two decimal texts, exactly. */
export function times(a: string, b: string): string {
  const scale = decimalsOf(a) + decimalsOf(b);
  return textOf(unitsAt(a, decimalsOf(a)) * unitsAt(b, decimalsOf(b)), scale);
}

/** `1 + percent / 100` as decimal text: the factor a markup multiplies the list price by. */
export function markupFactor(percent: string): string {
  const scale = decimalsOf(percent) + 2;
  return textOf(10n ** BigInt(scale) + unitsAt(percent, decimalsOf(percent)), scale);
}

/** True when both texts are the same number, whatever trailing zeros they carry. */
export function sameNumber(a: string, b: string): boolean {
  const scale = Math.max(decimalsOf(a), decimalsOf(b));
  return unitsAt(a, scale) === unitsAt(b, scale);
}

const keyOf = (c: CustomerTotals) => `${c.customerId.toLowerCase()}|${c.billingCurrency}`;

export type Disagreement = { key: string; what: string; ours: string; theirs: string };

/**
 * Compares two reports customer by customer: the same customers and row counts, every amount equal once both are
 * rounded to `scale` decimals (half away from zero), and the same invoice line.
 */
export function compareTotals(
  ours: readonly CustomerTotals[],
  theirs: readonly CustomerTotals[],
  scale: number,
): Disagreement[] {
  const found: Disagreement[] = [];
  const theirsByKey = new Map(theirs.map((c) => [keyOf(c), c]));
  for (const c of ours) {
    const key = keyOf(c);
    const other = theirsByKey.get(key);
    theirsByKey.delete(key);
    if (!other) {
      found.push({ key, what: "customer", ours: "present", theirs: "missing" });
      continue;
    }
    if (c.rows !== other.rows)
      found.push({ key, what: "rows", ours: String(c.rows), theirs: String(other.rows) });
    for (const amount of AMOUNTS) {
      const [a, b] = [roundedAt(c[amount], scale), roundedAt(other[amount], scale)];
      if (a !== b) found.push({ key, what: amount, ours: a, theirs: b });
    }
    if (!sameNumber(c.invoiceLine, other.invoiceLine))
      found.push({ key, what: "invoiceLine", ours: c.invoiceLine, theirs: other.invoiceLine });
  }
  for (const key of theirsByKey.keys())
    found.push({ key, what: "customer", ours: "missing", theirs: "present" });
  return found;
}

/** The largest difference between the two sides on any amount of any customer, as decimal text. */
export function largestDifference(
  ours: readonly CustomerTotals[],
  theirs: readonly CustomerTotals[],
): string {
  const theirsByKey = new Map(theirs.map((c) => [keyOf(c), c]));
  let largest = 0n;
  let atScale = 0;
  const pairs: [string, string][] = [];
  for (const c of ours) {
    const other = theirsByKey.get(keyOf(c));
    if (other) for (const amount of AMOUNTS) pairs.push([c[amount], other[amount]]);
  }
  for (const [a, b] of pairs) atScale = Math.max(atScale, decimalsOf(a), decimalsOf(b));
  for (const [a, b] of pairs) {
    const difference = unitsAt(a, atScale) - unitsAt(b, atScale);
    const magnitude = difference < 0n ? -difference : difference;
    if (magnitude > largest) largest = magnitude;
  }
  const text = textOf(largest, atScale);
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}
