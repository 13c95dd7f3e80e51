import { appError, err, ok, type AppError, type Result } from "../../../platform/result.ts";
import iso4217 from "./iso-4217.json" with { type: "json" };

/** Decimals of each currency's minor unit (ISO 4217 list one, vendored in iso-4217.json). */
const MINOR_UNITS: ReadonlyMap<string, number> = new Map(Object.entries(iso4217.minorUnits));

export type UnknownCurrency = AppError & { code: "unknown_currency"; details: { currency: string } };

export const unknownCurrency = (currency: string): UnknownCurrency => ({
  ...appError(
    "unknown_currency",
    `${JSON.stringify(currency)} is not an ISO 4217 currency code with a minor unit (for example USD, EUR, JPY). ` +
      "Use the three-letter code the invoice is in.",
  ),
  details: { currency },
});

/** A currency code the engine knows: upper-case ISO 4217 with its minor unit's decimals (JPY 0, USD 2, KWD 3). */
export type Currency = { readonly code: string; readonly minorUnits: number };

/** Looks a currency up by its ISO 4217 code (case-insensitive, surrounding spaces ignored). */
export function currencyOf(code: string): Result<Currency, UnknownCurrency> {
  const upper = code.trim().toUpperCase();
  const minorUnits = MINOR_UNITS.get(upper);
  return minorUnits === undefined ? err(unknownCurrency(code)) : ok({ code: upper, minorUnits });
}

/** Every currency code the engine knows, sorted. */
export const knownCurrencyCodes = (): string[] => [...MINOR_UNITS.keys()].sort();
