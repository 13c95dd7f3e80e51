import { fixed, rescale, times, type Fixed } from "./fixed-decimal.ts";
import { firstDayOf, isoDayTime, type Month } from "./billing-calendar.ts";
import { seededRandom } from "../../platform/seeded-random.ts";
import { seedOf } from "./seeded-random.ts";

/**
 * Azure plan prices are in USD and invoiced in the currency of the customer's country (Partner Center, "Azure plan
 * billing"); the countries the emulator knows, and USD for every other.
 */
const CURRENCY_OF_COUNTRY: Record<string, string> = {
  US: "USD",
  GB: "GBP",
  CA: "CAD",
  DE: "EUR",
  FR: "EUR",
  NL: "EUR",
  IE: "EUR",
  JP: "JPY",
  NO: "NOK",
  SE: "SEK",
  DK: "DKK",
  CH: "CHF",
  AU: "AUD",
  NZ: "NZD",
  KR: "KRW",
  IN: "INR",
  BR: "BRL",
};

export const PRICING_CURRENCY = "USD";

export function currencyOfCountry(country: string): string {
  return CURRENCY_OF_COUNTRY[country.toUpperCase()] ?? "USD";
}

/** Representative USD→currency rates (4 decimals); each month's rate drifts from them by a seeded ±2 %. */
const BASE_RATE: Record<string, string> = {
  USD: "1.0000",
  GBP: "0.7900",
  CAD: "1.3600",
  EUR: "0.9200",
  JPY: "151.5000",
  NOK: "10.8000",
  SEK: "10.6000",
  DKK: "6.9000",
  CHF: "0.8900",
  AUD: "1.5200",
  NZD: "1.6500",
  KRW: "1380.0000",
  INR: "83.3000",
  BRL: "5.0500",
};

export const knownCurrencies = () => Object.keys(BASE_RATE);

/** The countries billed in a currency (a market's currency, as Partner Center assigns it). */
export const countriesOf = (currency: string) =>
  Object.keys(CURRENCY_OF_COUNTRY).filter((country) => CURRENCY_OF_COUNTRY[country] === currency);

/** Decimals of the currency's minor unit (ISO 4217): invoices round to them (JPY and KRW have none). */
export const minorUnits = (currency: string) => (currency === "JPY" || currency === "KRW" ? 0 : 2);

const SYMBOL: Record<string, string> = {
  USD: "$",
  GBP: "£",
  CAD: "$",
  EUR: "€",
  JPY: "¥",
  NOK: "kr",
  SEK: "kr",
  DKK: "kr.",
  CHF: "CHF",
  AUD: "$",
  NZD: "$",
  KRW: "₩",
  INR: "₹",
  BRL: "R$",
};
export const currencySymbol = (currency: string) => SYMBOL[currency] ?? currency;

/**
 * PCToBCExchangeRate: one rate per month and currency, fixed the day before the month starts and applied to that
 * month's usage (Partner Center: usage of 1–31 August uses the rate published on 31 July). Exact, 4 decimals.
 */
export function exchangeRate(month: Month, currency: string): Fixed {
  if (currency === PRICING_CURRENCY) return fixed("1.0000");
  const base = fixed(BASE_RATE[currency] ?? "1.0000");
  const driftBasisPoints = Math.floor(seededRandom(seedOf("fx", month, currency))() * 401) - 200;
  const factor = { units: BigInt(10_000 + driftBasisPoints), scale: 4 };
  return rescale(times(base, factor), 4);
}

/** PCToBCExchangeRateDate: the last day of the month before. */
export const exchangeRateDate = (month: Month) => isoDayTime(firstDayOf(month) - 1);
