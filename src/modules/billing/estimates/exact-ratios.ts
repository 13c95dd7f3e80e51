import { compare, type Decimal } from "../engine/index.ts";

/**
 * Decimals a quotient keeps at least (more when its dividend has more). An estimate divides (a mean, a rate per
 * day), which exact money never does; 12 decimals is far below any currency's minor unit, so the cut never reaches
 * a cent. Quotients are truncated toward zero; nothing here is rounded for an invoice.
 */
export const QUOTIENT_SCALE = 12;
/** Decimals of a ratio (a weekday factor, a percentage error): parts per billion. */
export const RATIO_SCALE = 9;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** `x ÷ divisor` to QUOTIENT_SCALE decimals or x's own, whichever is more, truncated toward zero. */
export function divide(x: Decimal, divisor: bigint): Decimal {
  if (divisor === 0n) throw new RangeError("Division by zero.");
  const scale = Math.max(QUOTIENT_SCALE, x.scale);
  return { units: (x.units * pow10(scale - x.scale)) / divisor, scale };
}

/** `x ÷ d` for a decimal `d` (see `divide`). `d` must not be 0. */
export const divideByDecimal = (x: Decimal, d: Decimal): Decimal =>
  divide({ units: x.units * pow10(d.scale), scale: x.scale }, d.units);

/** `a ÷ b` as a ratio of RATIO_SCALE decimals, truncated toward zero. `b` must not be 0. */
export function ratio(a: Decimal, b: Decimal): Decimal {
  if (b.units === 0n) throw new RangeError("Ratio to zero.");
  const scale = Math.max(a.scale, b.scale);
  const au = a.units * pow10(scale - a.scale);
  const bu = b.units * pow10(scale - b.scale);
  return { units: (au * pow10(RATIO_SCALE)) / bu, scale: RATIO_SCALE };
}

/** A whole number as a decimal. */
export const whole = (n: number | bigint): Decimal => ({ units: BigInt(n), scale: 0 });

/**
 * The p-th percentile of `values` by nearest rank (the smallest value with at least p % of the values at or below
 * it): always one of the values, exact. `values` must not be empty; p is 1–100.
 */
export function percentile(values: readonly Decimal[], p: number): Decimal {
  const sorted = [...values].sort(compare);
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  const value = sorted[rank - 1];
  if (value === undefined) throw new RangeError("Percentile of no values.");
  return value;
}

export const min = (a: Decimal, b: Decimal): Decimal => (compare(a, b) <= 0 ? a : b);
export const max = (a: Decimal, b: Decimal): Decimal => (compare(a, b) >= 0 ? a : b);
