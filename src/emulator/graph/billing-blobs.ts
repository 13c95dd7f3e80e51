import { gzipSync } from "node:zlib";
import { exactJson, fixed, rescale, times, type UsageRow } from "../usage/index.ts";

export type AttributeSet = "full" | "basic";

/** A row's value under each PascalCase name of Graph's export files (partners-billing attributeSet). */
const COLUMNS: Record<string, (r: UsageRow, invoiceNumber: string) => unknown> = {
  PartnerId: (r) => r.partnerId,
  PartnerName: (r) => r.partnerName,
  CustomerId: (r) => r.customerId,
  CustomerName: (r) => r.customerName,
  CustomerDomainName: (r) => r.customerDomainName,
  CustomerCountry: (r) => r.customerCountry,
  MpnId: (r) => r.mpnId,
  Tier2MpnId: (r) => r.resellerMpnId,
  InvoiceNumber: (_r, invoiceNumber) => invoiceNumber,
  ProductId: (r) => r.productId,
  SkuId: (r) => r.skuId,
  AvailabilityId: (r) => r.availabilityId,
  SkuName: (r) => r.skuName,
  ProductName: (r) => r.productName,
  PublisherName: (r) => r.publisherName,
  PublisherId: (r) => r.publisherId,
  SubscriptionDescription: (r) => r.subscriptionDescription,
  SubscriptionId: (r) => r.subscriptionId,
  ChargeStartDate: (r) => r.chargeStartDate,
  ChargeEndDate: (r) => r.chargeEndDate,
  UsageDate: (r) => r.usageDate,
  MeterType: (r) => r.meterType,
  MeterCategory: (r) => r.meterCategory,
  MeterId: (r) => r.meterId,
  MeterSubCategory: (r) => r.meterSubCategory,
  MeterName: (r) => r.meterName,
  MeterRegion: (r) => r.meterRegion,
  Unit: (r) => r.unitOfMeasure,
  ResourceLocation: (r) => r.resourceLocation,
  ConsumedService: (r) => r.consumedService,
  ResourceGroup: (r) => r.resourceGroup,
  ResourceURI: (r) => r.resourceUri,
  ChargeType: (r) => r.chargeType,
  UnitPrice: (r) => r.unitPrice,
  Quantity: (r) => r.quantity,
  UnitType: (r) => r.unitType,
  BillingPreTaxTotal: (r) => r.billingPreTaxTotal,
  BillingCurrency: (r) => r.billingCurrency,
  PricingPreTaxTotal: (r) => r.pricingPreTaxTotal,
  PricingCurrency: (r) => r.pricingCurrency,
  ServiceInfo1: (r) => r.serviceInfo1,
  ServiceInfo2: (r) => r.serviceInfo2,
  Tags: (r) => r.tags,
  AdditionalInfo: (r) => r.additionalInfo,
  EffectiveUnitPrice: (r) => r.effectiveUnitPrice,
  PCToBCExchangeRate: (r) => r.pcToBCExchangeRate,
  PCToBCExchangeRateDate: (r) => r.pcToBCExchangeRateDate,
  EntitlementId: (r) => r.entitlementId,
  EntitlementDescription: (r) => r.entitlementDescription,
  // The files carry percentages (0 or 15; 0 or 100) where the v1 JSON carries rates (0.15; 1).
  PartnerEarnedCreditPercentage: (r) => rescale(times(r.rateOfPartnerEarnedCredit, fixed("100")), 0),
  CreditPercentage: (r) => rescale(times(r.rateOfCredit, fixed("100")), 0),
  CreditType: (r) => r.creditType,
  BenefitOrderID: (r) => r.benefitOrderId,
  BenefitID: (r) => r.benefitId,
  BenefitType: (r) => r.benefitType,
};

/** Graph's basic attribute set (partners-billing attributeSet); full is every column above. */
const BASIC = [
  "PartnerId",
  "PartnerName",
  "CustomerId",
  "CustomerName",
  "InvoiceNumber",
  "ProductId",
  "SkuId",
  "SkuName",
  "PublisherName",
  "SubscriptionId",
  "ChargeStartDate",
  "ChargeEndDate",
  "UsageDate",
  "ResourceURI",
  "ChargeType",
  "UnitPrice",
  "Quantity",
  "UnitType",
  "BillingPreTaxTotal",
  "BillingCurrency",
  "PricingPreTaxTotal",
  "PricingCurrency",
  "AdditionalInfo",
  "EffectiveUnitPrice",
  "PCToBCExchangeRate",
  "EntitlementId",
  "CreditPercentage",
  "CreditType",
  "BenefitOrderID",
  "BenefitType",
];

export const columnsOf = (set: AttributeSet) => (set === "full" ? Object.keys(COLUMNS) : BASIC);

/** One JSON line per row, amounts written exactly, the whole blob gzip-compressed (dataFormat compressedJSONLines). */
export function jsonLinesBlob(rows: Iterable<UsageRow>, set: AttributeSet, invoiceNumber: string): Buffer {
  const names = columnsOf(set);
  const lines: string[] = [];
  for (const row of rows) {
    const record: Record<string, unknown> = {};
    for (const name of names) record[name] = COLUMNS[name]?.(row, invoiceNumber);
    lines.push(exactJson(record));
  }
  return gzipSync(lines.length ? `${lines.join("\n")}\n` : "");
}

/** The blobs an export of `rowCount` rows is split into, `rowsPerBlob` rows each (the last may hold fewer). */
export function blobNames(rowCount: number, rowsPerBlob: number): string[] {
  const count = Math.max(1, Math.ceil(rowCount / rowsPerBlob));
  return Array.from({ length: count }, (_, i) => `part-${String(i).padStart(5, "0")}.json.gz`);
}
