import { currencyOf, type UnknownCurrency } from "./currencies.ts";
import { pow10, type Decimal } from "./decimal.ts";

/** Thrown when code rounds to a currency nobody validated: currencies are checked where they enter (`currencyOf`). */
export class UnknownCurrencyError extends Error {
  readonly code = "unknown_currency";
  constructor(readonly error: UnknownCurrency) {
    super(error.message);
    this.name = "UnknownCurrencyError";
  }
}

/**
 * The engine's one rounding: `amount` to the minor unit of `currency` (ISO 4217: JPY 0 decimals, USD 2, KWD 3),
 * **half away from zero** — a tie (…5 exactly, whatever the digits beyond) goes to the larger magnitude, so
 * 0.125 → 0.13, −0.125 → −0.13, 0.135 → 0.14.
 *
 * Why this rule: it is how invoices are commonly rounded (Excel's ROUND, which partners reconcile with; the euro
 * conversion rules' "round half up" on the amount), and it is symmetric, so a credit note for a charge rounds to
 * exactly its negative. Banker's rounding (half-even) only pays off when many rounded values are summed; here an
 * invoice line is rounded once, from its unrounded sum, so there is no accumulation to de-bias. Microsoft's own
 * reconciliation truncates twice (ROUNDDOWN), which always favours the customer and is Microsoft's rule for its own
 * invoice, not ours for the partner's.
 *
 * The result has exactly the currency's decimals (`formatDecimal` writes `12.50`, `1235` for JPY).
 */
export function roundToMinorUnit(amount: Decimal, currency: string): Decimal {
  const found = currencyOf(currency);
  if (!found.ok) throw new UnknownCurrencyError(found.error);
  const decimals = found.value.minorUnits;
  if (amount.scale <= decimals)
    return { units: amount.units * pow10(decimals - amount.scale), scale: decimals };
  const divisor = pow10(amount.scale - decimals);
  const quotient = amount.units / divisor;
  const remainder = amount.units - quotient * divisor;
  const twice = (remainder < 0n ? -remainder : remainder) * 2n;
  if (twice < divisor) return { units: quotient, scale: decimals };
  return { units: quotient + (amount.units < 0n ? -1n : 1n), scale: decimals };
}
