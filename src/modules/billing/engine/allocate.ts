import { currencyOf } from "./currencies.ts";
import { pow10, type Decimal } from "./decimal.ts";
import { UnknownCurrencyError } from "./rounding.ts";

/** Why an allocation cannot be made: a negative weight, or nothing to weigh by. */
export class AllocationError extends Error {
  constructor(
    readonly code: "allocation_negative_weight" | "allocation_no_weight",
    message: string,
  ) {
    super(message);
    this.name = "AllocationError";
  }
}

/**
 * Splits `total` (already in `currency`'s minor unit, or finer: it is taken to the minor unit exactly, never
 * rounded) into shares proportional to `weights`, each in whole minor units, adding up to `total` exactly — the
 * largest-remainder method: every share gets the whole minor units of its exact proportion (towards zero), then the
 * minor units left over go one each to the largest remainders, the earlier weight first on a tie. Weights must be
 * zero or positive with a positive sum; a zero weight gets nothing. A negative total is split as its magnitude and
 * negated, so a credit note's shares are exactly the negatives of the charge's.
 */
export function allocate(total: Decimal, weights: readonly Decimal[], currency: string): Decimal[] {
  const found = currencyOf(currency);
  if (!found.ok) throw new UnknownCurrencyError(found.error);
  const decimals = found.value.minorUnits;
  if (total.scale > decimals && total.units % pow10(total.scale - decimals) !== 0n)
    throw new RangeError(`allocate: ${currency} amounts have ${decimals} decimals; round the total first`);
  const minor =
    total.scale > decimals
      ? total.units / pow10(total.scale - decimals)
      : total.units * pow10(decimals - total.scale);
  if (weights.some((w) => w.units < 0n))
    throw new AllocationError("allocation_negative_weight", "allocate: a weight is negative");
  const scale = Math.max(0, ...weights.map((w) => w.scale));
  const units = weights.map((w) => w.units * pow10(scale - w.scale));
  const sum = units.reduce((a, b) => a + b, 0n);
  if (sum === 0n) throw new AllocationError("allocation_no_weight", "allocate: the weights add up to zero");
  const magnitude = minor < 0n ? -minor : minor;
  const shares = units.map((u) => (magnitude * u) / sum);
  let left = magnitude - shares.reduce((a, b) => a + b, 0n);
  const order = units
    .map((u, i) => ({ i, remainder: (magnitude * u) % sum }))
    .sort((a, b) => (a.remainder === b.remainder ? a.i - b.i : a.remainder > b.remainder ? -1 : 1));
  for (const { i } of order) {
    if (left === 0n) break;
    shares[i] = (shares[i] ?? 0n) + 1n;
    left--;
  }
  return shares.map((s) => ({ units: minor < 0n ? -s : s, scale: decimals }));
}
