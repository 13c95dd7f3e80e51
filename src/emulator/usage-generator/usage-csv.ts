import { format, type Fixed, type UsageRow } from "../usage/index.ts";

/** PartnerEarnedCreditPercentage and CreditPercentage: the files carry percentages (15, 100) where the API has rates. */
const percent = (rate: Fixed) => {
  const hundredths = (rate.units * 100n) / 10n ** BigInt(rate.scale);
  return hundredths.toString();
};

const NEEDS_QUOTES = /[",\r\n]/;

/** Free text repeats from row to row (names, meters, tags of a resource); each is checked for quoting once. */
const quotedTexts = new Map<string, string>();
const QUOTED_TEXTS_KEPT = 50_000;

/** A field as RFC 4180 writes it: quoted, with quotes doubled, when it holds a comma, a quote or a line break. */
function quoted(text: string): string {
  const known = quotedTexts.get(text);
  if (known !== undefined) return known;
  const written = NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  if (quotedTexts.size >= QUOTED_TEXTS_KEPT) quotedTexts.clear();
  quotedTexts.set(text, written);
  return written;
}

/**
 * A column: its header and how a row fills it. Free text (names, ids of resources, tags) may need quotes; the
 * other columns (GUIDs, codes, amounts, dates) never do, and are written as they are.
 */
type Column = readonly [string, (r: UsageRow) => string];
const text = (value: (r: UsageRow) => string) => (r: UsageRow) => quoted(value(r));

/**
 * The 55 columns of Partner Center's daily rated usage reconciliation file, in the file's order, each with how a
 * model row fills it (billing-data.md §1.2). Amounts are written with every digit they have: nothing is rounded.
 */
const COLUMNS: readonly Column[] = [
  ["PartnerId", (r) => r.partnerId],
  ["PartnerName", text((r) => r.partnerName)],
  ["CustomerId", (r) => r.customerId],
  ["CustomerName", text((r) => r.customerName)],
  ["CustomerDomainName", text((r) => r.customerDomainName)],
  ["CustomerCountry", (r) => r.customerCountry],
  ["MpnId", (r) => r.mpnId],
  ["Tier2MpnId", (r) => r.resellerMpnId],
  // Unbilled downloads carry no invoice number; the month's invoice is not issued yet.
  ["InvoiceNumber", () => ""],
  ["ProductId", (r) => r.productId],
  ["SkuId", (r) => r.skuId],
  ["AvailabilityId", (r) => r.availabilityId],
  ["SkuName", text((r) => r.skuName)],
  ["ProductName", text((r) => r.productName)],
  ["PublisherName", text((r) => r.publisherName)],
  ["PublisherId", (r) => r.publisherId],
  ["SubscriptionDescription", text((r) => r.subscriptionDescription)],
  ["SubscriptionId", (r) => r.subscriptionId],
  ["ChargeStartDate", (r) => r.chargeStartDate],
  ["ChargeEndDate", (r) => r.chargeEndDate],
  ["UsageDate", (r) => r.usageDate],
  ["MeterType", (r) => r.meterType],
  ["MeterCategory", text((r) => r.meterCategory)],
  ["MeterId", (r) => r.meterId],
  ["MeterSubCategory", text((r) => r.meterSubCategory)],
  ["MeterName", text((r) => r.meterName)],
  ["MeterRegion", text((r) => r.meterRegion)],
  ["Unit", text((r) => r.unitOfMeasure)],
  ["ResourceLocation", (r) => r.resourceLocation],
  ["ConsumedService", (r) => r.consumedService],
  ["ResourceGroup", text((r) => r.resourceGroup)],
  ["ResourceURI", text((r) => r.resourceUri)],
  ["ChargeType", text((r) => r.chargeType)],
  ["UnitPrice", (r) => format(r.unitPrice)],
  ["Quantity", (r) => format(r.quantity)],
  ["UnitType", text((r) => r.unitType)],
  ["BillingPreTaxTotal", (r) => format(r.billingPreTaxTotal)],
  ["BillingCurrency", (r) => r.billingCurrency],
  ["PricingPreTaxTotal", (r) => format(r.pricingPreTaxTotal)],
  ["PricingCurrency", (r) => r.pricingCurrency],
  ["ServiceInfo1", text((r) => r.serviceInfo1)],
  ["ServiceInfo2", text((r) => r.serviceInfo2)],
  ["Tags", text((r) => r.tags)],
  ["AdditionalInfo", text((r) => r.additionalInfo)],
  ["EffectiveUnitPrice", (r) => format(r.effectiveUnitPrice)],
  ["PCToBCExchangeRate", (r) => format(r.pcToBCExchangeRate)],
  ["PCToBCExchangeRateDate", (r) => r.pcToBCExchangeRateDate],
  ["EntitlementId", (r) => r.entitlementId],
  ["EntitlementDescription", text((r) => r.entitlementDescription)],
  ["PartnerEarnedCreditPercentage", (r) => percent(r.rateOfPartnerEarnedCredit)],
  ["CreditPercentage", (r) => percent(r.rateOfCredit)],
  ["CreditType", text((r) => r.creditType)],
  ["BenefitOrderId", (r) => r.benefitOrderId],
  ["BenefitId", (r) => r.benefitId],
  ["BenefitType", text((r) => r.benefitType)],
];

/** The file's header names, in order. */
export const USAGE_CSV_HEADERS: readonly string[] = COLUMNS.map(([name]) => name);

/** Lines end with CRLF, as RFC 4180 and Partner Center's downloads have them. */
export const CSV_HEADER_LINE = `${USAGE_CSV_HEADERS.join(",")}\r\n`;

/**
 * One row as a line of the file, CRLF included. Joined from an array rather than concatenated, so the line is one
 * flat string (a concatenated one costs more to write out than to build).
 */
export function csvLine(row: UsageRow): string {
  const fields = new Array<string>(COLUMNS.length);
  for (let i = 0; i < COLUMNS.length; i++) fields[i] = COLUMNS[i]?.[1](row) ?? "";
  fields[COLUMNS.length - 1] += "\r\n";
  return fields.join(",");
}
