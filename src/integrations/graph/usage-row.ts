import { z } from "zod";
import { parseJsonExact, type UsageLineItem } from "../partner-center/index.ts";

const Decimal = z.union([z.string().regex(/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/), z.number()]).transform(String);

/** One line of the billing export, "full" attribute set (PascalCase names, microsoft-apis.md §B9.2). */
const ExportRow = z.object({
  CustomerId: z.string(),
  CustomerName: z.string().default(""),
  SubscriptionId: z.string(),
  EntitlementId: z.string(),
  UsageDate: z.string(),
  MeterId: z.string(),
  MeterName: z.string().default(""),
  MeterCategory: z.string().default(""),
  ResourceURI: z.string().default(""),
  ResourceLocation: z.string().default(""),
  ProductId: z.string().default(""),
  SkuId: z.string().default(""),
  AvailabilityId: z.string().default(""),
  ChargeType: z.string().default(""),
  Unit: z.string().default(""),
  Quantity: Decimal,
  UnitPrice: Decimal,
  EffectiveUnitPrice: Decimal,
  BillingPreTaxTotal: Decimal,
  BillingCurrency: z.string(),
  PricingPreTaxTotal: Decimal,
  PricingCurrency: z.string(),
  PCToBCExchangeRate: Decimal,
  PCToBCExchangeRateDate: z.string(),
  PartnerEarnedCreditPercentage: Decimal.default("0"),
  InvoiceNumber: z.string().default(""),
});

/** "15" → "0.15": a percentage as a rate, by moving the decimal point (no floating point). */
export function percentToRate(percent: string): string {
  const negative = percent.startsWith("-");
  const [whole = "0", fraction = ""] = (negative ? percent.slice(1) : percent).split(".");
  const digits = `${whole.padStart(3, "0")}${fraction}`;
  const integer = digits.slice(0, -2 - fraction.length).replace(/^0+(?=\d)/, "");
  const decimals = digits.slice(-2 - fraction.length).replace(/0+$/, "");
  const rate = decimals ? `${integer}.${decimals}` : integer;
  return negative && rate !== "0" ? `-${rate}` : rate;
}

/** One JSON line of the export, in our words; amounts keep every digit. */
export function usageFromExportLine(line: string): UsageLineItem {
  const r = ExportRow.parse(parseJsonExact(line));
  return {
    customerTenantId: r.CustomerId,
    customerName: r.CustomerName,
    azurePlanSubscriptionId: r.SubscriptionId,
    azureSubscriptionId: r.EntitlementId,
    usageDate: r.UsageDate.slice(0, 10),
    meterId: r.MeterId,
    meterName: r.MeterName,
    meterCategory: r.MeterCategory,
    resourceUri: r.ResourceURI,
    resourceLocation: r.ResourceLocation,
    productId: r.ProductId,
    skuId: r.SkuId,
    availabilityId: r.AvailabilityId,
    chargeType: r.ChargeType,
    unit: r.Unit,
    quantity: r.Quantity,
    unitPrice: r.UnitPrice,
    effectiveUnitPrice: r.EffectiveUnitPrice,
    billingPreTaxTotal: r.BillingPreTaxTotal,
    billingCurrency: r.BillingCurrency,
    pricingPreTaxTotal: r.PricingPreTaxTotal,
    pricingCurrency: r.PricingCurrency,
    pcToBCExchangeRate: r.PCToBCExchangeRate,
    pcToBCExchangeRateDate: r.PCToBCExchangeRateDate.slice(0, 10),
    partnerEarnedCreditRate: percentToRate(r.PartnerEarnedCreditPercentage),
    invoiceNumber: r.InvoiceNumber,
  };
}
