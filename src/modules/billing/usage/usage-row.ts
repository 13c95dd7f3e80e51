import { createHash } from "node:crypto";
import type { UsageLineItem } from "../../../integrations/partner-center/index.ts";
import {
  currencyOf,
  formatDecimal,
  multiply,
  normalize,
  parseDecimal,
  type Decimal,
  type QuarantinedRow,
  type UsageLine,
  ZERO,
} from "../engine/index.ts";

/** One daily rated usage row as the store keeps it: text, amounts as exact decimal strings (never rounded). */
export type UsageRow = {
  customerId: string;
  customerName: string;
  /** YYYY-MM-DD (UTC). */
  usageDate: string;
  /** The Azure subscription. */
  entitlementId: string;
  /** The Azure plan. */
  subscriptionId: string;
  meterId: string;
  meterName: string;
  meterCategory: string;
  resourceUri: string;
  resourceLocation: string;
  chargeType: string;
  unit: string;
  quantity: string;
  unitPrice: string;
  effectiveUnitPrice: string;
  pricingCurrency: string;
  billingCurrency: string;
  pcToBCExchangeRate: string;
  /** YYYY-MM-DD. */
  pcToBCExchangeRateDate: string;
  /** "0.15" for 15 % PEC, "0" without. */
  partnerEarnedCreditRate: string;
};

/** A row read and ready to stage: its line (a file's line, or a pull's row number) and natural key. */
export type StagedRow = UsageRow & { line: number; naturalKey: string };

/** The parts of the natural key that are not stored columns (they name the meter's product). */
export type ProductTriple = { productId: string; skuId: string; availabilityId: string };

const PERCENT = parseDecimal("0.01") as Decimal;
const SEPARATOR = "\u0000";

/** "15" (percent) → "0.15"; "0" → "0". Exact: the percentage is multiplied by 0.01, never divided. */
export const percentToRate = (percent: Decimal): string =>
  formatDecimal(normalize(multiply(percent, PERCENT)));

/**
 * The row's identity across downloads (billing-data.md §0.1): SHA-256 of CustomerId, EntitlementId (the Azure
 * subscription; the Azure plan when a file has no EntitlementId), MeterId, ProductId, SkuId, AvailabilityId,
 * ResourceURI, UsageDate, ChargeType and UnitPrice (as a number: "0.50" and "0.5" are one price). Quantity,
 * EffectiveUnitPrice and PEC are not in it: a restated row, or PEC lost mid-month, is a new version of the same row.
 */
export function naturalKeyOf(row: UsageRow, product: ProductTriple): string {
  const price = parseDecimal(row.unitPrice);
  return createHash("sha256")
    .update(
      [
        row.customerId,
        row.entitlementId || row.subscriptionId,
        row.meterId.toLowerCase(),
        product.productId,
        product.skuId,
        product.availabilityId,
        row.resourceUri.toLowerCase(),
        row.usageDate,
        row.chargeType.toLowerCase(),
        price ? formatDecimal(normalize(price)) : row.unitPrice,
      ].join(SEPARATOR),
    )
    .digest("hex");
}

/** The stored columns of a row in a fixed order, for hashing a snapshot's content. */
const HASHED: readonly (keyof UsageRow)[] = [
  "customerId",
  "customerName",
  "usageDate",
  "entitlementId",
  "subscriptionId",
  "meterId",
  "meterName",
  "meterCategory",
  "resourceUri",
  "resourceLocation",
  "chargeType",
  "unit",
  "quantity",
  "unitPrice",
  "effectiveUnitPrice",
  "pricingCurrency",
  "billingCurrency",
  "pcToBCExchangeRate",
  "pcToBCExchangeRateDate",
  "partnerEarnedCreditRate",
];

/** SHA-256 of a day's rows, sorted by natural key: equal rows give equal hashes whatever order they came in. */
export function contentHashOf(rows: readonly (UsageRow & { naturalKey: string })[]): string {
  const hash = createHash("sha256");
  const sorted = [...rows].sort((a, b) =>
    a.naturalKey < b.naturalKey ? -1 : a.naturalKey > b.naturalKey ? 1 : 0,
  );
  for (const row of sorted) {
    hash.update(row.naturalKey);
    for (const column of HASHED) hash.update(`${SEPARATOR}${row[column]}`);
    hash.update("\n");
  }
  return hash.digest("hex");
}

/** A row of a usage file, read by the engine's reader with its detail. */
export function rowFromUsageLine(line: UsageLine): StagedRow {
  const d = line.detail;
  if (!d) throw new Error("a usage line without detail: the reader was not asked for it");
  const row: UsageRow = {
    customerId: line.customerId,
    customerName: line.customerName,
    usageDate: line.usageDate,
    entitlementId: d.entitlementId,
    subscriptionId: d.subscriptionId,
    meterId: d.meterId,
    meterName: d.meterName,
    meterCategory: line.meterCategory,
    resourceUri: d.resourceUri,
    resourceLocation: d.resourceLocation,
    chargeType: d.chargeType,
    unit: d.unit,
    quantity: formatDecimal(line.quantity),
    unitPrice: formatDecimal(line.unitPrice),
    effectiveUnitPrice: formatDecimal(line.effectiveUnitPrice),
    pricingCurrency: line.pricingCurrency,
    billingCurrency: line.billingCurrency,
    pcToBCExchangeRate: formatDecimal(line.pcToBCExchangeRate),
    pcToBCExchangeRateDate: line.pcToBCExchangeRateDate,
    partnerEarnedCreditRate: percentToRate(d.partnerEarnedCreditPercentage),
  };
  return {
    ...row,
    line: line.line,
    naturalKey: naturalKeyOf(row, {
      productId: d.productId,
      skuId: d.skuId,
      availabilityId: d.availabilityId,
    }),
  };
}

/** One row of a pull, as the Partner Center and Graph adapters give it (amounts as exact decimal strings). */
export type PulledRow = Omit<UsageLineItem, "billingPreTaxTotal" | "pricingPreTaxTotal" | "invoiceNumber">;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const shown = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** A pulled row checked as a file's row is: the same quarantine reasons for the same faults. */
export function rowFromPulled(item: PulledRow, line: number): StagedRow | QuarantinedRow {
  const refuse = (code: QuarantinedRow["code"], reason: string): QuarantinedRow => ({ line, code, reason });
  const customerId = item.customerTenantId.trim().replace(/^org:/i, "").toLowerCase();
  if (customerId === "") return refuse("missing_value", "CustomerId is empty");
  if (item.meterId.trim() === "") return refuse("missing_value", "MeterId is empty");
  if (item.azureSubscriptionId.trim() === "" && item.azurePlanSubscriptionId.trim() === "")
    return refuse("missing_value", "EntitlementId and SubscriptionId are empty");
  const amounts: Record<string, Decimal> = {};
  for (const [name, text] of [
    ["Quantity", item.quantity],
    ["UnitPrice", item.unitPrice],
    ["EffectiveUnitPrice", item.effectiveUnitPrice],
    ["PCToBCExchangeRate", item.pcToBCExchangeRate],
    ["PartnerEarnedCreditRate", item.partnerEarnedCreditRate],
  ] as const) {
    const value = parseDecimal(text);
    if (!value) return refuse("not_a_number", `${name} is not a number: ${shown(text)}`);
    if (name === "PCToBCExchangeRate" && value.units <= 0n)
      return refuse("bad_exchange_rate", `PCToBCExchangeRate must be above zero, found ${shown(text)}`);
    amounts[name] = value;
  }
  const amountText = (name: string) => formatDecimal(amounts[name] ?? ZERO);
  const currencies: string[] = [];
  for (const [name, code] of [
    ["PricingCurrency", item.pricingCurrency],
    ["BillingCurrency", item.billingCurrency],
  ] as const) {
    const found = currencyOf(code);
    if (!found.ok)
      return refuse("unknown_currency", `${name} is not an ISO 4217 currency code: ${shown(code)}`);
    currencies.push(found.value.code);
  }
  const usageDate = item.usageDate.slice(0, 10);
  const rateDate = item.pcToBCExchangeRateDate.slice(0, 10);
  if (!DAY.test(usageDate) || Number.isNaN(Date.parse(`${usageDate}T00:00:00Z`)))
    return refuse("bad_date", `UsageDate is not a date: ${shown(item.usageDate)}`);
  if (!DAY.test(rateDate) || Number.isNaN(Date.parse(`${rateDate}T00:00:00Z`)))
    return refuse("bad_date", `PCToBCExchangeRateDate is not a date: ${shown(item.pcToBCExchangeRateDate)}`);
  const row: UsageRow = {
    customerId,
    customerName: item.customerName,
    usageDate,
    entitlementId: item.azureSubscriptionId.trim(),
    subscriptionId: item.azurePlanSubscriptionId.trim(),
    meterId: item.meterId.trim(),
    meterName: item.meterName,
    meterCategory: item.meterCategory,
    resourceUri: item.resourceUri,
    resourceLocation: item.resourceLocation,
    chargeType: item.chargeType,
    unit: item.unit,
    quantity: amountText("Quantity"),
    unitPrice: amountText("UnitPrice"),
    effectiveUnitPrice: amountText("EffectiveUnitPrice"),
    pricingCurrency: currencies[0] ?? "",
    billingCurrency: currencies[1] ?? "",
    pcToBCExchangeRate: amountText("PCToBCExchangeRate"),
    pcToBCExchangeRateDate: rateDate,
    partnerEarnedCreditRate: formatDecimal(normalize(amounts["PartnerEarnedCreditRate"] ?? ZERO)),
  };
  return {
    ...row,
    line,
    naturalKey: naturalKeyOf(row, {
      productId: item.productId,
      skuId: item.skuId,
      availabilityId: item.availabilityId,
    }),
  };
}
