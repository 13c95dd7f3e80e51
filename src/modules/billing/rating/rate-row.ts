import { and, eq } from "drizzle-orm";
import type { Db } from "../../../platform/db/types.ts";
import { err, ok, type Result } from "../../../platform/result.ts";
import {
  add,
  formatDecimal,
  markupPercentOf,
  multiply,
  normalize,
  parseDecimal,
  serviceClassOf,
  type Decimal,
  type PricePlan,
  type ServiceClass,
} from "../engine/index.ts";
import { exchangeRates } from "../tables.ts";
import { billingRatingErrors, type BillingRatingError } from "./errors.ts";
import type { UsageRowRecord } from "./usage-query.ts";

/** The rate a row was converted to the invoice currency with, where it came from and the day it was fixed. */
export type AppliedRate = {
  from: string;
  to: string;
  rate: string;
  source: "microsoft" | "partner";
  date: string;
};

/** The fields of a usage row rating reads. */
export type RowAmounts = Pick<
  UsageRowRecord,
  | "usageDate"
  | "meterCategory"
  | "quantity"
  | "unitPrice"
  | "effectiveUnitPrice"
  | "pricingCurrency"
  | "billingCurrency"
  | "pcToBCExchangeRate"
  | "pcToBCExchangeRateDate"
>;

/** One row in the invoice currency, exact and unrounded. */
export type RatedRow = {
  listPrice: Decimal;
  partnerCost: Decimal;
  customerPrice: Decimal;
  serviceClass: ServiceClass;
  exchangeRate: AppliedRate;
};

const ONE: Decimal = { units: 1n, scale: 0 };

function amount(text: string, field: string): Decimal {
  const value = parseDecimal(text);
  // Ingestion stores only amounts it parsed; anything else is a damaged row, a bug to see, not usage to skip.
  if (!value) throw new Error(`A stored usage row has ${field} "${text}", which is not a decimal.`);
  return value;
}

/** The partner's rates into one currency, read once per month. */
export function partnerRates(db: Db, to: string) {
  const byMonth = new Map<string, Promise<Map<string, { rate: Decimal; text: string }>>>();
  return (month: string) => {
    let rates = byMonth.get(month);
    if (!rates) {
      rates = db
        .select({ from: exchangeRates.fromCurrency, rate: exchangeRates.rate })
        .from(exchangeRates)
        .where(and(eq(exchangeRates.toCurrency, to), eq(exchangeRates.month, month)))
        .then((rows) => new Map(rows.map((r) => [r.from, { rate: amount(r.rate, "rate"), text: r.rate }])));
      byMonth.set(month, rates);
    }
    return rates;
  };
}

/** A price factor per meter category: `1 + markup / 100`, computed once per category. */
export function markupFactors(plan: PricePlan) {
  const factors = new Map<string, Decimal>();
  return (meterCategory: string): Decimal => {
    let factor = factors.get(meterCategory);
    if (!factor) {
      const percent = markupPercentOf(plan, meterCategory);
      // 1 + p/100, exactly: dividing by 100 moves the decimal point two places.
      factor = normalize(add(ONE, { units: percent.units, scale: percent.scale + 2 }));
      factors.set(meterCategory, factor);
    }
    return factor;
  };
}

/**
 * Rates one row into the billing account's currency `to`. The rate is the partner's for the usage month when set,
 * else Microsoft's own for the row when Microsoft billed it in that currency; prices already in `to` need none.
 * List price = UnitPrice × Quantity × rate; partner cost = EffectiveUnitPrice × Quantity × rate; customer price =
 * list price × (1 + markup / 100). Nothing is rounded.
 */
export function rateRow(
  row: RowAmounts,
  to: string,
  partner: ReadonlyMap<string, { rate: Decimal; text: string }>,
  factorOf: (meterCategory: string) => Decimal,
): Result<RatedRow, BillingRatingError> {
  const month = row.usageDate.slice(0, 7);
  const from = row.pricingCurrency;
  const own = partner.get(from);
  let rate: Decimal;
  let applied: AppliedRate;
  if (own) {
    rate = own.rate;
    applied = { from, to, rate: own.text, source: "partner", date: `${month}-01` };
  } else if (row.billingCurrency === to) {
    rate = amount(row.pcToBCExchangeRate, "pcToBCExchangeRate");
    applied = {
      from,
      to,
      rate: row.pcToBCExchangeRate,
      source: "microsoft",
      date: row.pcToBCExchangeRateDate,
    };
  } else if (from === to) {
    rate = ONE;
    applied = { from, to, rate: "1", source: "microsoft", date: row.pcToBCExchangeRateDate };
  } else return err(billingRatingErrors.exchangeRateMissing(from, to, month));
  const quantity = amount(row.quantity, "quantity");
  const listPrice = multiply(multiply(amount(row.unitPrice, "unitPrice"), quantity), rate);
  return ok({
    listPrice,
    partnerCost: multiply(multiply(amount(row.effectiveUnitPrice, "effectiveUnitPrice"), quantity), rate),
    customerPrice: multiply(listPrice, factorOf(row.meterCategory)),
    serviceClass: serviceClassOf(row.meterCategory),
    exchangeRate: applied,
  });
}

export const rateKey = (r: AppliedRate) =>
  [r.from, r.to, formatDecimal(normalize(amount(r.rate, "rate"))), r.source, r.date].join("\u0000");
